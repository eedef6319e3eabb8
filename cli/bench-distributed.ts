/**
 * Rough end-to-end throughput of the distributed mode: N syslog lines over TCP into `canhgac ingest`, through
 * Redis to W `canhgac worker` processes, stored in OpenSearch (counted there). Prints events/s and the queue's
 * peak length. Needs a build, a Redis and an OpenSearch:
 *
 *   node dist/cli/bench-distributed.js --redis redis://127.0.0.1:6379 --opensearch http://127.0.0.1:9200 \
 *     [--lines 200000] [--workers 2] [--threads 1] [--fsync always|interval|never]
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { redisConnection } from '../ingest/forward.js';
import { openStores } from '../store/index.js';
import {
  countEvents,
  distributedYaml,
  dropPrefix,
  type Proc,
  sendLines,
  spawnCanhgac,
  tcpPortOf,
  testInput,
  writeConfig,
} from './distributed.testkit.js';

const { values } = parseArgs({
  options: {
    redis: { type: 'string' },
    opensearch: { type: 'string' },
    lines: { type: 'string', default: '200000' },
    workers: { type: 'string', default: '2' },
    threads: { type: 'string', default: '1' },
    fsync: { type: 'string', default: 'always' },
  },
});
const redisUrl = values.redis ?? process.env.CANHGAC_TEST_REDIS_URL;
const osUrl = values.opensearch ?? process.env.CANHGAC_TEST_OPENSEARCH_URL;
if (!redisUrl || !osUrl) {
  process.stderr.write('bench-distributed: --redis and --opensearch (or the CANHGAC_TEST_* variables) are needed\n');
  process.exit(2);
}
const n = Number(values.lines);
const prefix = `distbench-${randomUUID().slice(0, 8)}`;
const { dir, file } = writeConfig(
  `${distributedYaml({ redisUrl, opensearchUrl: osUrl, prefix, batchSize: 2000, lockSeconds: 30 })}workers: ${Number(values.threads)}\nspool: { fsync: ${values.fsync} }\n`,
);
const procs: Proc[] = [];
try {
  const ingest = await spawnCanhgac(
    ['ingest', '--config', file, '--data-dir', join(dir, 'ingest')],
    join(dir, 'ingest.log'),
    'canhgac ingest: listening',
  );
  procs.push(ingest);
  for (let i = 1; i <= Number(values.workers); i++)
    procs.push(
      await spawnCanhgac(
        ['worker', '--config', file, '--data-dir', join(dir, `w${i}`)],
        join(dir, `w${i}.log`),
        'canhgac worker: taking',
      ),
    );
  const stores = await openStores({
    dataDir: dir,
    store: { kind: 'opensearch', opensearch: { url: osUrl, indexPrefix: prefix } },
  });
  const queue = new Queue('batches', { connection: redisConnection(redisUrl), prefix });
  const input = testInput(Math.max(0, n - 87));
  const t0 = Date.now();
  await sendLines(tcpPortOf(ingest.banner), input);
  const sentMs = Date.now() - t0;
  let stored = 0;
  let peak = 0;
  while (stored < input.length && Date.now() - t0 < 30 * 60_000) {
    await new Promise((r) => setTimeout(r, 1000));
    peak = Math.max(peak, await queue.getWaitingCount());
    stored = await countEvents(stores);
  }
  const ms = Date.now() - t0;
  process.stdout.write(
    `${JSON.stringify({
      lines: input.length,
      stored,
      workers: Number(values.workers),
      threadsPerWorker: Number(values.threads),
      spoolFsync: values.fsync,
      sendSeconds: sentMs / 1000,
      totalSeconds: ms / 1000,
      eventsPerSecond: Math.round((stored / ms) * 1000),
      peakQueuedBatches: peak,
    })}\n`,
  );
  await queue.close();
  await stores.close();
} finally {
  for (const p of procs) await p.stop();
  await dropPrefix(prefix, osUrl, redisUrl);
  rmSync(dir, { recursive: true, force: true });
}
