/**
 * QueuedNotifier (distributed mode) against a real Redis: deliveries travel through BullMQ, a channel that fails
 * is retried with the Notifier's backoff and delivered once, a channel that never works ends dead-lettered after
 * maxAttempts, the delivery log says what happened, and a delivery whose queueing failed is queued again by the
 * reconciler. Senders here are counting stand-ins; the channels themselves are tested in notifier.int.test.ts.
 */

import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { removeRedisKeys } from '../core/redis-keys.js';
import { redisConnection } from '../ingest/forward.js';
import { openSqliteStores, type SqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL } from '../store/types.js';
import { QueuedNotifier } from './queue.js';
import type { ChannelSender, Notice } from './types.js';

const url = process.env.CANHGAC_TEST_REDIS_URL;
if (!url)
  process.stderr.write('SKIPPED: notify/queue.int.test.ts needs CANHGAC_TEST_REDIS_URL (tools/redis.sh start).\n');

const A = '000.00.31.H40';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
/** Queue prefixes used, whose keys are removed at the end (the test Redis is shared). */
const used: string[] = [];
afterAll(async () => {
  if (url) await removeRedisKeys(url, used);
});

function notice(id: string): Notice {
  return { id, kind: 'incident.created', agencyId: A, severity: 'high', title: 'SSH brute force', at: Date.now() };
}

async function setup(send: ChannelSender['send'], opts: { maxAttempts?: number } = {}) {
  const stores: SqliteStores = openSqliteStores({ path: ':memory:' });
  const prefix = `tq${randomUUID().slice(0, 8)}`;
  used.push(prefix);
  const mk = (consume: boolean) =>
    new QueuedNotifier(
      stores.state,
      { webhook: { send } },
      {
        connection: redisConnection(url as string),
        prefix,
        consume,
        baseDelayMs: 100,
        maxDelayMs: 400,
        maxAttempts: opts.maxAttempts ?? 4,
        reconcileMs: 200,
      },
    );
  const producer = mk(false);
  const consumer = mk(true);
  cleanups.push(() => stores.close());
  cleanups.push(() => producer.close());
  cleanups.push(() => consumer.close());
  await producer.channels.put(SCOPE_ALL, {
    id: 'ch1',
    type: 'webhook',
    name: 'SOC',
    settings: { url: 'x' },
    enabled: true,
  });
  await producer.routes.put(SCOPE_ALL, { id: 'r1', minSeverity: 'low', channelIds: ['ch1'], language: 'vi' });
  return { stores, producer, consumer };
}

async function until(cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond()) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

(url ? describe : describe.skip)('QueuedNotifier (BullMQ)', () => {
  it('delivers once after failures, with backoff, and records it in the delivery log', async () => {
    let calls = 0;
    const times: number[] = [];
    const { producer, consumer } = await setup(async () => {
      calls++;
      times.push(Date.now());
      if (calls < 3) throw new Error('receiver down');
    });
    consumer.start();
    expect(await producer.notify(notice('n1'))).toBe(1);
    // The same notice again (a replayed batch): no second delivery.
    expect(await producer.notify(notice('n1'))).toBe(0);
    await until(async () => (await producer.deliveries.list(SCOPE_ALL, {})).docs[0]?.state === 'sent', 10_000);
    const [d] = (await producer.deliveries.list(SCOPE_ALL, {})).docs;
    expect(d).toMatchObject({ state: 'sent', attempts: 3 });
    expect(calls).toBe(3);
    // Exponential: the second pause (200 ms) is longer than the first (100 ms).
    expect(times[2]! - times[1]!).toBeGreaterThan(times[1]! - times[0]!);
    await new Promise((r) => setTimeout(r, 500));
    expect(calls).toBe(3);
  }, 20_000);

  it('dead-letters a delivery after maxAttempts', async () => {
    let calls = 0;
    const { producer, consumer } = await setup(
      async () => {
        calls++;
        throw new Error('HTTP 500');
      },
      { maxAttempts: 3 },
    );
    consumer.start();
    await producer.notify(notice('n2'));
    await until(async () => (await producer.deliveries.list(SCOPE_ALL, {})).docs[0]?.state === 'dead', 10_000);
    expect((await producer.deliveries.list(SCOPE_ALL, {})).docs[0]).toMatchObject({
      state: 'dead',
      attempts: 3,
      lastError: 'HTTP 500',
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(calls).toBe(3);
  }, 20_000);

  it('queues again a pending delivery that has no job (its queueing failed)', async () => {
    let calls = 0;
    const { producer, consumer } = await setup(async () => {
      calls++;
    });
    // A delivery in the log with no job, as left behind when Redis was down at notify time.
    await producer.deliveries.put(SCOPE_ALL, {
      id: 'orphan1',
      noticeId: 'n3',
      channelId: 'ch1',
      routeId: 'r1',
      language: 'en',
      state: 'pending',
      attempts: 0,
      nextAttemptAt: Date.now() - 60_000,
      notice: notice('n3'),
      createdAt: Date.now() - 60_000,
    });
    consumer.start();
    producer.start();
    await until(async () => (await producer.deliveries.get(SCOPE_ALL, 'orphan1'))?.state === 'sent', 10_000);
    expect((await producer.deliveries.get(SCOPE_ALL, 'orphan1'))?.state).toBe('sent');
    expect(calls).toBe(1);
  }, 20_000);
});
