import { parseArgs } from 'node:util';
import { type Config, loadConfig } from './load.js';

/**
 * The shape of every long-running command (`start`, `ingest`): `--config FILE`, `--data-dir DIR`, `--help`;
 * starts with the loaded configuration, prints `banner` on stderr, and stops gracefully on SIGINT/SIGTERM.
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
  await running.stop();
  return 0;
}
