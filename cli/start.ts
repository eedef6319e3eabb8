import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config/load.js';
import { startService } from './service.js';

const HELP = `Usage: canhgac start [--config FILE] [--data-dir DIR]

Runs canhgac in one process on the embedded store (SQLite under DIR, default ./data): syslog UDP/TCP on 5514,
RELP on 2514, HTTP intake on 9201, the API on 127.0.0.1:8080. Every setting: docs/configuration.md.
`;

/** `canhgac start` (what `npm start` runs). */
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
  const svc = await startService(config);
  process.stderr.write(`canhgac: running; API ${svc.apiUrl}, intake ${JSON.stringify(svc.ports)}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await svc.stop();
  return 0;
}
