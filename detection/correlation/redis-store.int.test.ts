/**
 * The store conformance suite against a real Redis (CANHGAC_TEST_REDIS_URL, started by tools/test.sh):
 * the whole conformance table through the Lua script, the bounds, and two workers sharing one window.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { CONFORMANCE_CASES, checkFires, runStepsAsync } from '../../tests/kit/correlation-cases.js';
import type { CorrelationRule } from '../sigma/model.js';
import { type CorrelationAlert, CorrelationEngine } from './engine.js';
import { RedisCorrelationStore } from './redis-store.js';
import { correlationRule } from './testing.js';

const url = process.env.CANHGAC_TEST_REDIS_URL;
if (!url) {
  process.stderr.write('SKIPPED: redis-store.int.test.ts needs CANHGAC_TEST_REDIS_URL (tools/redis.sh start).\n');
}
const d = url ? describe : describe.skip;

d('RedisCorrelationStore', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  const store = (opts: { maxGroups?: number; expiryGraceMs?: number } = {}) => {
    const prefix = `test-${randomUUID()}:`;
    prefixes.push(prefix);
    return new RedisCorrelationStore(redis, { prefix, ...opts });
  };

  beforeAll(() => {
    redis = new Redis(url as string, { lazyConnect: false, maxRetriesPerRequest: 2 });
  });
  afterAll(async () => {
    for (const p of prefixes) await new RedisCorrelationStore(redis, { prefix: p }).clear();
    redis.disconnect();
  });

  it.each(CONFORMANCE_CASES.map((c) => [c.name, c] as const))('conformance: %s', async (_n, c) => {
    const engine = new CorrelationEngine(c.rules, { store: store() });
    checkFires(c, await runStepsAsync(engine, c.steps), expect);
  });

  it('gives the same alerts as the in-memory store on random sequences', async () => {
    type T = CorrelationRule['type'];
    const types: T[] = [
      'event_count',
      'value_count',
      'value_sum',
      'value_avg',
      'value_percentile',
      'temporal',
      'temporal_ordered',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            dt: fc.integer({ min: 0, max: 10 }),
            jitter: fc.integer({ min: -8, max: 0 }),
            g: fc.constantFrom('a', 'b'),
            v: fc.integer({ min: 0, max: 4 }),
            r: fc.integer({ min: 0, max: 2 }),
          }),
          { maxLength: 40 },
        ),
        fc.constantFrom(...types),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
        async (xs, type, k, span, withCondition, suppressMs) => {
          const temporal = type === 'temporal' || type === 'temporal_ordered';
          const rule = correlationRule({
            id: 'p',
            type,
            rules: temporal ? ['r0', 'r1', 'r2'] : ['r0'],
            groupBy: ['g'],
            timespanMs: span,
            ...(temporal && !withCondition
              ? {}
              : { condition: { field: 'v', gte: type === 'value_sum' || type === 'value_avg' ? k * 2 : k } }),
          });
          const mem = new CorrelationEngine([rule], { maxEntriesPerGroup: 5, suppressMs });
          const red = new CorrelationEngine([rule], { store: store(), maxEntriesPerGroup: 5, suppressMs });
          let clock = 0;
          const strip = (a: CorrelationAlert) => ({ ...a, id: '' });
          for (const x of xs) {
            clock += x.dt;
            const ev = { g: x.g, v: x.v };
            const m = [{ id: temporal ? `r${x.r}` : 'r0' }];
            const want = mem.process(ev, m, clock + x.jitter).map(strip);
            const got = (await red.processAsync(ev, m, clock + x.jitter)).map(strip);
            expect(got).toEqual(want);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('suppresses fires of a group until lastTs + suppressMs (boundary included)', async () => {
    const engine = new CorrelationEngine(
      [correlationRule({ id: 'c', type: 'event_count', rules: ['r'], groupBy: ['ip'], condition: { gte: 2 } })],
      { store: store(), suppressMs: 10_000 },
    );
    const fire = async (t: number, ip = 'a') => (await engine.processAsync({ ip }, [{ id: 'r' }], t)).length;
    const seq: number[] = [];
    for (const [t, ip] of [[0], [1], [2], [3], [4], [5], [2, 'b'], [3, 'b'], [10_000], [10_001]] as Array<
      [number, string?]
    >) {
      seq.push(await fire(t, ip));
    }
    expect(seq).toEqual([0, 1, 0, 0, 0, 0, 0, 1, 0, 1]);
  });

  it('keeps full float precision for sums, averages and percentiles', async () => {
    const mk = (type: 'value_sum' | 'value_avg' | 'value_percentile') =>
      correlationRule({ id: type, type, rules: ['r'], condition: { field: 'v', gt: 0.3, percentile: 50 } });
    const rules = [mk('value_sum'), mk('value_avg'), mk('value_percentile')];
    const mem = new CorrelationEngine(rules);
    const red = new CorrelationEngine(rules, { store: store() });
    const strip = (a: CorrelationAlert) => ({ ...a, id: '' });
    for (const [t, v] of [
      [0, 0.1234567890123456],
      [1, 0.30000000000000004],
    ] as const) {
      expect((await red.processAsync({ v }, [{ id: 'r' }], t)).map(strip)).toEqual(
        mem.process({ v }, [{ id: 'r' }], t).map(strip),
      );
    }
  });

  it('two workers share one window', async () => {
    const shared = `test-${randomUUID()}:`;
    prefixes.push(shared);
    const rule = correlationRule({
      id: 'bf',
      type: 'event_count',
      rules: ['r'],
      groupBy: ['ip'],
      condition: { gte: 4 },
    });
    const w1 = new CorrelationEngine([rule], { store: new RedisCorrelationStore(redis, { prefix: shared }) });
    const w2 = new CorrelationEngine([rule], { store: new RedisCorrelationStore(redis, { prefix: shared }) });
    const fired = await Promise.all(
      [0, 1, 2, 3, 4, 5, 6, 7].map((i) => (i % 2 ? w1 : w2).processAsync({ ip: 'x' }, [{ id: 'r' }], 1000 + i)),
    );
    expect(fired.flat()).toHaveLength(2);
  });

  it('answers an event observed again from its record: the same alert, the window unchanged', async () => {
    const s = store();
    const engine = new CorrelationEngine(
      [correlationRule({ id: 'bf', type: 'event_count', rules: ['r'], groupBy: ['ip'], condition: { gte: 3 } })],
      { store: s },
    );
    const ev = (i: number) => ({ ip: 'x', 'event.id': `e${i}` });
    const seen = async (i: number) => (await engine.processAsync(ev(i), [{ id: 'r' }], 1000 + i)).map((a) => a.id);
    expect(await seen(1)).toEqual([]);
    expect(await seen(2)).toEqual([]);
    const fired = await seen(3);
    expect(fired).toHaveLength(1);
    // The worker died after its observations, before its alert was stored: the replay raises it, once.
    expect(await seen(2)).toEqual([]);
    expect(await seen(3)).toEqual(fired);
    // The window was reset by the fire and counts only new events: two more are not enough, a third is.
    expect(await seen(4)).toEqual([]);
    expect(await seen(5)).toEqual([]);
    expect(await seen(4)).toEqual([]);
    expect(await seen(6)).toHaveLength(1);
    // Without an event id nothing is recorded (each call is a new observation).
    const bare = new CorrelationEngine(
      [correlationRule({ id: 'bare', type: 'event_count', rules: ['r'], groupBy: ['ip'], condition: { gte: 2 } })],
      { store: store() },
    );
    expect(await bare.processAsync({ ip: 'y' }, [{ id: 'r' }], 1)).toHaveLength(0);
    expect(await bare.processAsync({ ip: 'y' }, [{ id: 'r' }], 1)).toHaveLength(1);
  });

  it('evicts the least recently touched group at the cap and counts it', async () => {
    const s = store({ maxGroups: 2 });
    const engine = new CorrelationEngine(
      [correlationRule({ id: 'c', type: 'event_count', rules: ['r'], groupBy: ['ip'], condition: { gte: 2 } })],
      { store: s, now: () => 1000 },
    );
    await engine.processAsync({ ip: 'a' }, [{ id: 'r' }], 1);
    await engine.processAsync({ ip: 'b' }, [{ id: 'r' }], 2);
    await engine.processAsync({ ip: 'c' }, [{ id: 'r' }], 3); // evicts a
    expect(await engine.processAsync({ ip: 'a' }, [{ id: 'r' }], 4)).toHaveLength(0); // a starts again (evicts b)
    expect(await engine.processAsync({ ip: 'c' }, [{ id: 'r' }], 5)).toHaveLength(1);
    expect(s.stats().evictedGroups).toBe(2);
    expect(await s.fetchStats()).toMatchObject({ groups: 2, evictedGroups: 2 });
  });

  it('caps entries per group and expires idle groups', async () => {
    // Keys expire timespan + grace after the last write: 3.1 s, long enough for the counts below to be read first
    // on a loaded machine (50 ms of grace failed there: the entries were gone before the first count).
    const s = store({ expiryGraceMs: 3000 });
    const engine = new CorrelationEngine(
      [
        correlationRule({
          id: 'c',
          type: 'value_sum',
          rules: ['r'],
          timespanMs: 100,
          condition: { field: 'v', gte: 1000 },
        }),
      ],
      { store: s, maxEntriesPerGroup: 3 },
    );
    for (let t = 0; t < 5; t++) await engine.processAsync({ v: 1 }, [{ id: 'r' }], t);
    expect(s.stats().evictedEntries).toBe(2);
    expect((await s.fetchStats()).entries).toBe(3);
    // Then they go (PEXPIRE): wait for it, not past 15 s.
    let entries = -1;
    for (const end = Date.now() + 15_000; Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 100));
      entries = (await s.fetchStats()).entries;
      if (entries === 0) break;
    }
    expect(entries).toBe(0);
  });
});
