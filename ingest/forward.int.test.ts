/**
 * The forwarder (spool -> Redis/BullMQ) against a real Redis: every record reaches the queue exactly once per
 * batch job, the spool is committed only after the queue accepted the batch, and it stops reading the spool while
 * the queue holds its bound of waiting batches (back-pressure), resuming when a consumer drains it.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Worker } from 'bullmq';
import { newEventId } from '../core/ids.js';
import {
  BATCH_QUEUE,
  type BatchJob,
  batchJobId,
  checkRedisPersistence,
  type Forwarder,
  redisConnection,
  startForwarder,
} from './forward.js';
import { MemorySpool } from './spool/memory-spool.js';
import type { RawRecord } from './spool/types.js';
import { removeRedisKeys } from '../core/redis-keys.js';

const url = process.env.CANHGAC_TEST_REDIS_URL;
if (!url)
  process.stderr.write('SKIPPED: ingest/forward.int.test.ts needs CANHGAC_TEST_REDIS_URL (tools/redis.sh start).\n');

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
/** Queue prefixes used, whose keys are removed at the end (the test Redis is shared). */
const used: string[] = [];
afterAll(async () => {
  if (url) await removeRedisKeys(url, used);
});

function records(n: number): RawRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: newEventId(),
    receivedAt: Date.now(),
    transport: 'tcp' as const,
    source: '192.0.2.1',
    data: `line ${i}`,
  }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

(url ? describe : describe.skip)('forwarder (spool -> BullMQ)', () => {
  it('queues every record once, commits the spool after the add, and holds back at the queue bound', async () => {
    const prefix = `tf${randomUUID().slice(0, 8)}`;
    used.push(prefix);
    const spool = new MemorySpool();
    const sent = records(1000);
    await spool.append(sent);
    const fw: Forwarder = startForwarder(spool, {
      connection: redisConnection(url as string),
      prefix,
      batchSize: 50,
      maxQueued: 4,
      attempts: 3,
    });
    cleanups.push(() => fw.stop());
    // No consumer yet: the forwarder stops near the bound; the rest stays uncommitted in the spool.
    await sleep(1500);
    const waiting = await fw.queue.getWaitingCount();
    expect(waiting).toBeGreaterThanOrEqual(4);
    expect(waiting).toBeLessThanOrEqual(6);
    expect(fw.forwarded()).toBe(waiting * 50);
    expect(spool.stats().records).toBe(1000 - waiting * 50);

    // A consumer drains the queue; everything arrives, each record once.
    const got: string[] = [];
    const worker = new Worker<BatchJob>(
      BATCH_QUEUE,
      async (job) => {
        expect(job.id).toBe(batchJobId(job.data.records));
        for (const r of job.data.records) got.push(r.id);
      },
      { connection: redisConnection(url as string), prefix },
    );
    cleanups.push(() => worker.close());
    for (let i = 0; i < 100 && got.length < 1000; i++) await sleep(100);
    expect(got.sort()).toEqual(sent.map((r) => r.id).sort());
    expect(spool.stats().records).toBe(0);
  }, 30_000);

  it('reads whether Redis keeps an append-only file (ingest warns when it does not)', async () => {
    const r = new Redis(url as string);
    const actual = ((await r.config('GET', 'appendonly')) as string[])[1];
    r.disconnect();
    expect(await checkRedisPersistence(redisConnection(url as string))).toBe(actual);
    expect(await checkRedisPersistence(redisConnection('redis://127.0.0.1:1'))).toBeUndefined();
  });

  it('keeps a batch in the spool while Redis cannot take it', async () => {
    const spool = new MemorySpool();
    await spool.append(records(10));
    // Nothing listens on port 1: every add fails (after the connection retries) and nothing is committed.
    const fw = startForwarder(spool, {
      connection: { ...redisConnection('redis://127.0.0.1:1'), maxRetriesPerRequest: 0, enableOfflineQueue: false },
      prefix: 'tfdown',
      batchSize: 50,
      maxQueued: 4,
      attempts: 3,
    });
    cleanups.push(() => fw.stop());
    await sleep(1500);
    expect(fw.forwarded()).toBe(0);
    expect(spool.stats().records).toBe(10);
  }, 30_000);
});
