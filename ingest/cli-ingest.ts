import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config/load.js';
import { startIngest } from './runner.js';

const HELP = `Usage: canhgac ingest [--config FILE] [--data-dir DIR]

Runs the intake sources (syslog UDP/TCP/TLS, RELP, HTTP) into the durable spool under DIR/spool.
Configuration: canhgac.yaml keys (docs/configuration.md) and CANHGAC_* variables. Stops on SIGINT/SIGTERM.
`;

/** `canhgac ingest`: the intake side alone (the service and the distributed mode put processing behind it). */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = loadConfig({
    ...(values.config ? { file: values.config } : {}),
    overrides: { dataDir: values['data-dir'] },
  });
  const rt = await startIngest(config);
  process.stderr.write(`canhgac ingest: listening ${JSON.stringify(rt.ports)}\n`);
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await rt.stop();
  return 0;
}
