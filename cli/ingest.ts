import { runDaemon } from '../core/config/daemon.js';
import { startIngest } from '../ingest/runner.js';

const HELP = `Usage: canhgac ingest [--config FILE] [--data-dir DIR]

Runs the intake sources (syslog UDP/TCP/TLS, RELP, HTTP) into the durable spool under DIR/spool.

With redis.url (CANHGAC_REDIS_URL) set this is the front process of the distributed mode: spool batches are
queued in Redis (BullMQ) for \`canhgac worker\` processes, and this process also serves the REST API and runs the
periodic checks (silent hosts, SLA clocks, digests). Events and state then live in OpenSearch
(store.opensearch.url / CANHGAC_OPENSEARCH_URL), shared with the workers.

Configuration: canhgac.yaml keys (docs/configuration.md) and CANHGAC_* variables. Stops on SIGINT/SIGTERM.
`;

/** `canhgac ingest`: the intake side alone, or the distributed front process when Redis is configured. */
export async function run(argv: string[]): Promise<number> {
  return runDaemon(argv, HELP, async (config) => {
    if (config.redis.url) {
      const { startIngestService } = await import('./service.js');
      const svc = await startIngestService(config);
      return {
        banner: `canhgac ingest: listening ${JSON.stringify(svc.ports)}; API ${svc.apiUrl}; forwarding to Redis`,
        stop: () => svc.stop(),
      };
    }
    const rt = await startIngest(config);
    return { banner: `canhgac ingest: listening ${JSON.stringify(rt.ports)}`, stop: () => rt.stop() };
  });
}
