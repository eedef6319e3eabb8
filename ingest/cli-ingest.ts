import { runDaemon } from '../core/config/daemon.js';
import { startIngest } from './runner.js';

const HELP = `Usage: canhgac ingest [--config FILE] [--data-dir DIR]

Runs the intake sources (syslog UDP/TCP/TLS, RELP, HTTP) into the durable spool under DIR/spool.
Configuration: canhgac.yaml keys (docs/configuration.md) and CANHGAC_* variables. Stops on SIGINT/SIGTERM.
`;

/** `canhgac ingest`: the intake side alone (the service and the distributed mode put processing behind it). */
export async function run(argv: string[]): Promise<number> {
  return runDaemon(argv, HELP, async (config) => {
    const rt = await startIngest(config);
    return { banner: `canhgac ingest: listening ${JSON.stringify(rt.ports)}`, stop: () => rt.stop() };
  });
}
