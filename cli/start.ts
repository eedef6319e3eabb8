import { runDaemon } from '../core/config/daemon.js';
import { startService } from './service.js';

const HELP = `Usage: canhgac start [--config FILE] [--data-dir DIR]

Runs canhgac in one process on the embedded store (SQLite under DIR, default ./data): syslog UDP/TCP on 5514,
RELP on 2514, HTTP intake on 9201, the API on 127.0.0.1:8080. Every setting: docs/configuration.md.
`;

/** `canhgac start` (what `npm start` runs). */
export async function run(argv: string[]): Promise<number> {
  return runDaemon(argv, HELP, async (config) => {
    const svc = await startService(config);
    return {
      banner: `canhgac: running; API ${svc.apiUrl}, intake ${JSON.stringify(svc.ports)}`,
      stop: () => svc.stop(),
    };
  });
}
