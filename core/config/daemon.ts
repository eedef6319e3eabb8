import { parseArgs } from 'node:util';
import { type Config, loadConfig } from './load.js';

/**
 * The shape of every long-running command (`start`, `ingest`): `--config FILE`, `--data-dir DIR`, `--help`;
 * starts with the loaded configuration, prints `banner` on stderr, and stops gracefully on SIGINT/SIGTERM within
 * pipeline.stopSeconds (a second signal exits at once).
 */
export async function runDaemon(
  argv: string[],
  help: string,
  start: (config: Config) => Promise<{ banner: string; stop(): Promise<void> }>,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  const config = loadConfig({
    ...(values.config ? { file: values.config } : {}),
    overrides: { dataDir: values['data-dir'] },
  });
  const running = await start(config);
  process.stderr.write(`${running.banner}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  // The stop is bounded (issue 11): a second signal exits at once, and a drain longer than pipeline.stopSeconds
  // is cut short. Nothing acknowledged is lost either way: what is not committed stays in the spool for the
  // next start.
  const now = (why: string, code: number) => {
    process.stderr.write(`canhgac: ${why}; exiting now (uncommitted records are replayed at the next start)\n`);
    process.exit(code);
  };
  process.once('SIGINT', () => now('second signal', 130));
  process.once('SIGTERM', () => now('second signal', 143));
  const stopMs = config.pipeline.stopSeconds * 1000;
  const deadline = setTimeout(() => now(`stopping took longer than ${stopMs / 1000} s`, 1), stopMs);
  deadline.unref();
  await running.stop();
  clearTimeout(deadline);
  // Stopped: a handle something forgot to close (a half-open socket) must not keep the process alive.
  setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
  return 0;
}
