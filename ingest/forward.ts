/**
 * The distributed mode's hand-over: raw batches read from the durable spool are queued in Redis (BullMQ) for the
 * `canhgac worker` processes. The spool is committed only after the queue add resolved, so an event acknowledged
 * to its sender is either in the spool or in Redis; after a crash the uncommitted batches are queued again (same
 * job id while the first copy is still queued; event ids make a second processing idempotent downstream).
 *
 * Back-pressure: while more than `maxQueued` batches wait in the queue, the spool is not read; it fills, and then
 * the sources push back on their senders (TCP windows, RELP, HTTP 503) as in the embedded mode.
 */
import { createHash } from 'node:crypto';
import { type ConnectionOptions, Queue } from 'bullmq';
import { logger } from '../core/log.js';
import { counter, gauge } from '../core/metrics.js';
import type { RawRecord, Spool } from './spool/types.js';
import { configError } from '../core/config/errors.js';

const log = logger('forward');
const forwarded = counter('canhgac_forward_records_total', 'Raw records queued in Redis for the workers');
const failures = counter(
  'canhgac_forward_failures_total',
  'Failed attempts to queue a batch in Redis (the batch stays in the spool and is tried again)',
);
const waiting = gauge('canhgac_forward_queue_waiting_batches', 'Batches waiting in the Redis queue for a worker');
const paused = counter(
  'canhgac_forward_backpressure_total',
  'Times the forwarder stopped reading the spool because the Redis queue was at its bound',
);

/** The BullMQ queue name of raw batches. */
export const BATCH_QUEUE = 'batches';

/** What a batch job carries. */
export interface BatchJob {
  records: RawRecord[];
}

/** Forwarder options. */
export interface ForwardOptions {
  connection: ConnectionOptions;
  /** BullMQ key prefix (distributed.queue). */
  prefix: string;
  batchSize: number;
  /** Back-pressure bound: waiting batches in the queue. */
  maxQueued: number;
  /** Tries of a batch on the workers (distributed.attempts). */
  attempts: number;
}

/** A running forwarder. */
export interface Forwarder {
  queue: Queue;
  /** Records queued since start. */
  forwarded(): number;
  stop(): Promise<void>;
}

/**
 * BullMQ connection options from a redis:// or rediss:// URL. maxRetriesPerRequest null: commands wait through
 * a Redis restart instead of failing (BullMQ requires it for workers).
 */
export function redisConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw configError('CANHGAC_ERR_CONFIG_INVALID', {
      problems: `redis.url must start with redis:// or rediss:// (got ${u.protocol})`,
    });
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    // Reconnect quickly after a restart, at most every 2 s.
    retryStrategy: (times: number) => Math.min(2000, 50 * times),
  };
}

/**
 * Warns (once, at start) when Redis keeps no append-only file: queued batches live only in its memory then, and a
 * Redis restart loses what was queued at that moment. Returns the setting, or undefined if Redis does not say
 * (CONFIG disabled on managed services).
 */
export async function checkRedisPersistence(connection: ConnectionOptions): Promise<string | undefined> {
  const { Redis } = await import('ioredis');
  const r = new Redis({
    ...(connection as object),
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  try {
    await r.connect();
    const reply = (await r.config('GET', 'appendonly')) as string[];
    const value = reply[1];
    if (value === 'no')
      log.warn(
        'Redis runs without the append-only file (appendonly no): a Redis restart loses the batches queued at that moment; set appendonly yes',
      );
    return value;
  } catch {
    return undefined;
  } finally {
    r.disconnect();
  }
}

/** Job id of a batch: the same records give the same id (a re-queue after a crash is deduplicated by BullMQ). */
export function batchJobId(records: readonly RawRecord[]): string {
  const h = createHash('sha256');
  for (const r of records) h.update(r.id).update('\n');
  return `b-${h.digest('hex').slice(0, 32)}`;
}

/** Starts moving spool batches into the queue. */
export function startForwarder(spool: Spool, o: ForwardOptions): Forwarder {
  const queue = new Queue<BatchJob>(BATCH_QUEUE, { connection: o.connection, prefix: o.prefix });
  let lastError = '';
  queue.on('error', (err) => {
    if (err.message !== lastError) log.warn({ err: err.message }, 'Batch queue connection error');
    lastError = err.message;
  });
  let running = true;
  let total = 0;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });
  let depth = 0;
  let depthAt = 0;
  const loop = (async () => {
    let pending: { records: RawRecord[]; cursor: Parameters<Spool['commit']>[0] } | undefined;
    let failing = false;
    while (running) {
      try {
        // The queue length is read at most every 200 ms (one round trip), and before every batch once near the bound.
        if (!pending && (Date.now() - depthAt > 200 || depth >= o.maxQueued / 2)) {
          depth = await queue.getWaitingCount();
          depthAt = Date.now();
          waiting.set(depth);
          if (depth >= o.maxQueued) {
            paused.inc();
            await sleep(100);
            continue;
          }
        }
        if (!pending) {
          const batch = await spool.read(o.batchSize, 200);
          if (!batch || batch.records.length === 0) {
            await new Promise((r) => setImmediate(r));
            continue;
          }
          pending = batch;
        }
        await queue.add(
          'batch',
          { records: pending.records },
          {
            jobId: batchJobId(pending.records),
            attempts: o.attempts,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: true,
            // Batches that failed every try stay inspectable (the failed list), the newest 10,000.
            removeOnFail: 10_000,
          },
        );
        // Only now: the batch is in Redis.
        await spool.commit(pending.cursor);
        total += pending.records.length;
        forwarded.inc(pending.records.length);
        depth++;
        pending = undefined;
        if (failing) log.info('Queueing batches again');
        failing = false;
      } catch (err) {
        // Not committed: the batch stays in the spool (and in `pending`) and is tried again.
        failures.inc();
        if (!failing) log.error({ err: (err as Error).message }, 'Could not queue a batch in Redis; retrying');
        failing = true;
        await sleep(500);
      }
    }
  })();
  return {
    queue,
    forwarded: () => total,
    async stop() {
      running = false;
      wake?.();
      // A queue call waiting for an absent Redis would never return: give up after a while. The batch in hand
      // is not committed, so it stays in the spool for the next start.
      const within = (p: Promise<unknown>, ms: number) =>
        Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
      await within(loop, 5000);
      if (
        !(await within(
          queue.close().catch(() => undefined),
          2000,
        ))
      )
        await queue.disconnect().catch(() => undefined);
    },
  };
}
