/**
 * `canhgac worker`: a processing process of the distributed mode (the loop is pipeline/distributed.ts). Parses
 * the command line and runs it until SIGINT/SIGTERM.
 */
import { runDaemon } from '../core/config/daemon.js';
import { startWorker } from '../pipeline/distributed.js';

export { type RunningWorker, startWorker } from '../pipeline/distributed.js';

const HELP = `Usage: canhgac worker [--config FILE] [--data-dir DIR]

A processing process of the distributed mode: takes raw batches that \`canhgac ingest\` queued in Redis and
decodes, normalises, matches, stores them in OpenSearch and raises incidents and notifications. Run as many as
needed; they can be added and stopped at any time.

Needs redis.url (CANHGAC_REDIS_URL) and store.opensearch.url (CANHGAC_OPENSEARCH_URL); distributed.* tunes the
queue (docs/configuration.md). DIR holds rules uploaded through the API (default ./data).
`;

/** `canhgac worker`. */
export async function run(argv: string[]): Promise<number> {
  return runDaemon(argv, HELP, async (config) => {
    const w = await startWorker(config);
    return {
      banner: `canhgac worker: taking batches from Redis${w.metricsUrl ? `; metrics ${w.metricsUrl}` : ''}`,
      stop: () => w.stop(),
    };
  });
}
