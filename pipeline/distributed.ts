/**
 * The distributed worker loop (`canhgac worker`): takes raw batches from the Redis queue (BullMQ) that
 * `canhgac ingest` fills and runs the same pipeline stages as the embedded loop (./stages.ts): worker pool,
 * OpenSearch event store, alerts, correlation with windows in Redis (so a group's events may land on any worker),
 * incidents, and notification deliveries through BullMQ.
 *
 * Workers can be added and removed while running. A killed worker's batch goes back to the queue once its lock
 * expires (distributed.lockSeconds) and another worker runs it; replays count nothing twice (rule alerts by their
 * stable id; correlation observations answered from their record by event id, detection/correlation/redis-store.ts)
 * and the event store is idempotent by event.id.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type IndicatorAlert, openContext, publishStatus } from '../context/index.js';
import { configError } from '../core/config/errors.js';
import type { Config } from '../core/config/load.js';
import { logger } from '../core/log.js';
import { counter, enableDefaultMetrics, metricsText, registry } from '../core/metrics.js';
import { RedisBaselineStore, RedisCorrelationStore } from '../detection/correlation/index.js';
import { BATCH_QUEUE, type BatchJob, redisConnection } from '../ingest/forward.js';
import { openDistributedCore } from './distributed-core.js';
import { feedNotice } from './feed-notice.js';
import { Pipeline } from './pipeline.js';
import { redisRetroClaim } from './retro-claim.js';
import { subscribeRuleChanges } from './rule-signal.js';
import { serveIndicatorSearch } from './ti-search.js';

const log = logger('worker');
const batches = counter('canhgac_worker_batches_total', 'Batches a distributed worker handled, by outcome', [
  'outcome',
]);
const dropped = counter(
  'canhgac_worker_dropped_records_total',
  'Records of batches that failed every try (kept in the queue failed list, not stored)',
);

/** A running worker process's parts. */
export interface RunningWorker {
  pipeline: Pipeline;
  /** Where this worker serves /metrics (distributed.metricsPort). */
  metricsUrl?: string;
  stop(): Promise<void>;
}

/** Opens the stores, the notifier, Redis, the agency directory and the pipeline; pushes a closer for each. */
async function openParts(
  config: Config,
  connection: ReturnType<typeof redisConnection>,
  dist: Config['distributed'],
  opened: (() => unknown)[],
) {
  const { stores, incidents, silent, notifier, agencies } = await openDistributedCore(
    config,
    connection,
    dist,
    opened,
    true,
  );
  // Auto-pipelining: the correlate stage issues a batch's window observations at once, sent in one write.
  const redis = new Redis({ ...(connection as object), lazyConnect: false, enableAutoPipelining: true });
  redis.on('error', (err) => log.warn({ err: err.message }, 'Redis connection error'));
  opened.push(() => redis.disconnect());
  const prefix = `${dist.queue}:`;
  // Each worker loads the feeds and matches; the retro-match of a set of new indicators runs in the one worker
  // that claims it first (the others see the same set and skip it).
  let raiseLater: ((a: IndicatorAlert) => Promise<void>) | undefined;
  const context = await openContext(config, {
    events: stores.events,
    state: stores.state,
    raise: (a) => raiseLater?.(a) ?? Promise.resolve(),
    retroClaim: redisRetroClaim(redis, prefix),
    notice: (n) => void feedNotice(notifier, n),
  });
  // Closed on the failure path with the rest, and by stop() before the stores (the last status write).
  const contextParts: (() => unknown)[] = [() => context.close()];
  // The API runs in `canhgac ingest`: it shows the feeds' status the workers publish and asks them to search.
  const ti = context.ti;
  if (ti) {
    contextParts.push(publishStatus(stores.state, ti));
    contextParts.push(
      await serveIndicatorSearch(connection as object, redis, dist.queue, {
        search: (v) => ti.search(v),
        syncLocal: context.syncLocal,
        localSettled: context.localSettled,
        refreshAssets: context.refreshAssets,
      }),
    );
  }
  const closeContext = async () => {
    for (const f of contextParts.splice(0).reverse()) await Promise.resolve(f()).catch(() => undefined);
  };
  opened.push(closeContext);
  const pipeline = await Pipeline.open({
    context: context.stage,
    config,
    stores,
    incidents,
    silent,
    notifier,
    agencies,
    correlationStore: new RedisCorrelationStore(redis, { prefix: `${prefix}corr:` }),
    baselineStore: new RedisBaselineStore(redis, { prefix: `${prefix}corr:` }),
  });
  raiseLater = (a) => pipeline.raiseAlert(a);
  return { stores, silent, notifier, redis, agencies, pipeline, closeContext };
}

/** Starts a worker: pipeline + BullMQ consumer. */
export async function startWorker(config: Config): Promise<RunningWorker> {
  enableDefaultMetrics();
  const redisUrl = config.redis.url;
  if (!redisUrl)
    throw configError('CANHGAC_ERR_CONFIG_MISSING', {
      what: 'canhgac worker',
      key: 'redis.url',
      env: 'CANHGAC_REDIS_URL',
    });
  const store = config.store;
  if (!store.opensearch?.url)
    throw configError('CANHGAC_ERR_CONFIG_MISSING', {
      what: 'canhgac worker (a shared store: SQLite is one process only)',
      key: 'store.opensearch.url',
      env: 'CANHGAC_OPENSEARCH_URL',
    });
  const dist = config.distributed;
  const connection = redisConnection(redisUrl);
  // What is open so far, closed again if the start fails (a half-started worker must exit, not hang).
  const opened: (() => unknown)[] = [];
  const undo = async () => {
    for (const f of opened.reverse()) await Promise.resolve(f()).catch(() => undefined);
  };
  let parts: Awaited<ReturnType<typeof openParts>>;
  try {
    parts = await openParts(config, connection, dist, opened);
  } catch (err) {
    await undo();
    throw err;
  }
  const { stores, silent, notifier, redis, agencies, pipeline, closeContext } = parts;
  const reload = () =>
    void pipeline.reload().catch((err: unknown) => log.error({ err }, 'Rule or agency reload failed'));
  const unsubscribe = agencies.onChange(reload);
  // Rule changes made through the API arrive as a Redis message: reloaded at once, the poll stays as the net.
  const unsubscribeRules = await subscribeRuleChanges(connection as object, dist.queue, reload);
  opened.push(unsubscribeRules);
  const lockMs = dist.lockSeconds * 1000;
  const worker = new Worker<BatchJob>(
    BATCH_QUEUE,
    async (job: Job<BatchJob>) => {
      try {
        await pipeline.handle(job.data.records);
      } catch (err) {
        // The last try: isolate the records that fail alone (quarantined) instead of dropping the whole batch.
        if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw err;
        await pipeline.isolate(job.data.records);
      }
    },
    {
      connection,
      prefix: dist.queue,
      concurrency: dist.concurrency,
      lockDuration: lockMs,
      stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
      // A batch whose worker died is given to another one, however often that happens.
      maxStalledCount: 1000,
      settings: { backoffStrategy: (attemptsMade: number) => Math.min(60_000, 1000 * 2 ** (attemptsMade - 1)) },
    },
  );
  worker.on('completed', () => batches.labels('done').inc());
  worker.on('failed', (job, err) => {
    if (!job) return;
    const last = job.attemptsMade >= (job.opts.attempts ?? 1);
    batches.labels(last ? 'failed' : 'retry').inc();
    if (last) {
      dropped.inc(job.data.records.length);
      log.error(
        { job: job.id, records: job.data.records.length, attempts: job.attemptsMade, err: err.message },
        'A batch failed every try; kept in the failed list',
      );
    } else log.warn({ job: job.id, attempt: job.attemptsMade, err: err.message }, 'A batch failed; will retry');
  });
  worker.on('error', (err) => log.warn({ err: err.message }, 'Batch worker connection error'));
  // Prometheus /metrics of this worker (drops, retries, pool and correlation counters), when configured.
  let metricsServer: Server | undefined;
  let metricsUrl: string | undefined;
  if (dist.metricsPort !== undefined) {
    metricsServer = createServer((req, res) => {
      if (req.url === '/metrics') {
        metricsText()
          .then((text) => {
            res.setHeader('Content-Type', registry.contentType);
            res.end(text);
          })
          .catch(() => {
            res.statusCode = 500;
            res.end();
          });
      } else if (req.url === '/healthz') {
        // Healthy while this worker's Redis connection is up (the store is checked by every batch).
        res.statusCode = redis.status === 'ready' ? 200 : 503;
        res.end(`${redis.status}\n`);
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    const srv = metricsServer;
    try {
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(dist.metricsPort, dist.metricsHost, () => resolve());
      });
    } catch (err) {
      unsubscribe();
      await worker.close().catch(() => undefined);
      await pipeline.close().catch(() => undefined);
      await undo();
      throw err;
    }
    metricsUrl = `http://${dist.metricsHost}:${(srv.address() as AddressInfo).port}/metrics`;
  }
  const rules = config.rules;
  const timers = [
    setInterval(
      () => void silent.flush().catch((err: unknown) => log.error({ err }, 'Silent-host flush failed')),
      10_000,
    ),
    setInterval(reload, rules.reloadSeconds * 1000),
  ];
  for (const t of timers) t.unref();
  notifier.start();
  log.info({ queue: dist.queue, concurrency: dist.concurrency, pool: pipeline.pool().size }, 'canhgac worker running');
  return {
    pipeline,
    ...(metricsUrl ? { metricsUrl } : {}),
    async stop() {
      if (metricsServer) await new Promise((r) => metricsServer!.close(r));
      for (const t of timers) clearInterval(t);
      unsubscribe();
      unsubscribeRules();
      // Finishes the batches in hand; the rest stays queued for the other workers.
      await worker.close();
      await notifier.close();
      await pipeline.close();
      // Feeds stopped, the search answered no more, the last feed status written (its matches stay counted).
      await closeContext();
      agencies.close();
      await silent.flush().catch(() => undefined);
      redis.disconnect();
      await stores.close();
      log.info('canhgac worker stopped');
    },
  };
}
