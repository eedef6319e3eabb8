/**
 * The indicator search over a real Redis (tools/redis.sh): the API's client against workers' servers. No worker:
 * answered "unavailable" at once; two workers: the first answer is used; a local-list change announced before a
 * search is read before that search is answered; a value that is no indicator is refused without asking.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import type { Indicator } from '../context/index.js';
import { redisConnection } from '../ingest/forward.js';
import { indicatorSearchClient, type SearchServer, serveIndicatorSearch } from './ti-search.js';

const redisUrl = process.env.CANHGAC_TEST_REDIS_URL;
if (!redisUrl)
  process.stderr.write('SKIPPED: ti-search.int.test.ts needs CANHGAC_TEST_REDIS_URL (tools/redis.sh start).\n');

const closers: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of closers.reverse()) await Promise.resolve(c());
});

function indicator(value: string, feed: string): Indicator {
  return { type: 'ipv4', value, feed, confidence: 90, tlp: 'amber', firstSeen: 0 };
}

/** A worker's side: answers from `local` (read again by syncLocal, which takes `syncMs`). */
function fakeWorker(feed: string, syncMs = 0) {
  let local: string[] = [];
  let pending: string[] | undefined;
  let syncing = Promise.resolve();
  const server: SearchServer & { next(values: string[]): void } = {
    next(values) {
      pending = values;
    },
    search: (v) => ({
      type: 'ipv4',
      value: v,
      hits: [...(local.includes(v) ? [indicator(v, 'local')] : []), indicator(v, feed)],
    }),
    syncLocal() {
      syncing = syncing
        .then(() => new Promise((r) => setTimeout(r, syncMs)))
        .then(() => {
          if (pending) local = pending;
        });
      return syncing;
    },
    localSettled: () => syncing,
  };
  return server;
}

(redisUrl ? describe : describe.skip)('indicator search over Redis', () => {
  const connection = redisConnection(redisUrl!) as object;

  async function setup(queue: string) {
    const pub = new Redis({ ...connection, lazyConnect: false });
    closers.push(() => pub.disconnect());
    const client = await indicatorSearchClient(connection, pub, queue, 2000);
    closers.push(() => client.close());
    return { pub, client };
  }

  test('no worker: unavailable at once; a value that is no indicator: refused without asking', async () => {
    const { client } = await setup(`tis-${randomUUID().slice(0, 8)}`);
    const t0 = Date.now();
    expect(await client.search('203.0.113.9')).toEqual({ unavailable: true });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await client.search('not an indicator')).toHaveProperty('error');
  });

  test('two workers: one answer; a local change announced first is read before the search is answered', async () => {
    const queue = `tis-${randomUUID().slice(0, 8)}`;
    const { pub, client } = await setup(queue);
    const w1 = fakeWorker('vncert', 300);
    const w2 = fakeWorker('vncert', 300);
    for (const w of [w1, w2]) closers.push(await serveIndicatorSearch(connection, pub, queue, w));
    const first = await client.search('203.0.113.9');
    expect(first).toEqual({ type: 'ipv4', value: '203.0.113.9', hits: [indicator('203.0.113.9', 'vncert')] });
    // The analyst adds 203.0.113.9 to the local list; the workers take 300 ms to read it again.
    w1.next(['203.0.113.9']);
    w2.next(['203.0.113.9']);
    await client.localChanged();
    const after = await client.search('203.0.113.9');
    expect('hits' in after && after.hits.map((h) => h.feed)).toEqual(['local', 'vncert']);
    // An asset change reaches every worker.
    let refreshed = 0;
    w1.refreshAssets = async () => void refreshed++;
    w2.refreshAssets = async () => void refreshed++;
    await client.assetsChanged();
    for (let i = 0; i < 100 && refreshed < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(refreshed).toBe(2);
  });
});
