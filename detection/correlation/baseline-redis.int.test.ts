/**
 * Baselines in distributed mode against a real Redis (CANHGAC_TEST_REDIS_URL): the same events give the same
 * alerts, with the same learned normals and floors, as the in-memory stores of embedded mode; values: new too;
 * and random peak sequences give the same normals through the Lua script as through baseline.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import type { CorrelationRule } from '../sigma/model.js';
import { type BaselineSpec, MemoryBaselineStore } from './baseline.js';
import { RedisBaselineStore } from './baseline-redis.js';
import { type CorrelationAlert, CorrelationEngine } from './engine.js';
import { RedisCorrelationStore } from './redis-store.js';
import { botNoiseThenAttack, correlationRule } from './testing.js';

const url = process.env.CANHGAC_TEST_REDIS_URL;
if (!url)
  process.stderr.write('SKIPPED: baseline-redis.int.test.ts needs CANHGAC_TEST_REDIS_URL (tools/redis.sh start).\n');
const d = url ? describe : describe.skip;

const failed = { id: 'f0000000-0000-4000-8000-000000000001', name: 'ssh_failed' };
const T0 = Date.parse('2026-12-07T00:00:00Z');
const now = () => T0 + 86_400_000;
const baseline = {
  by: ['host.name'],
  factor: 3,
  newValues: false,
  learnMs: 86_400_000,
  warmupMs: 1_800_000,
  warmupLevel: 'informational' as const,
};
const RULES: CorrelationRule[] = [
  correlationRule({
    id: 'brute',
    type: 'event_count',
    rules: ['ssh_failed'],
    groupBy: ['host.name'],
    timespanMs: 300_000,
    condition: { gte: 10 },
    baseline,
  }),
  correlationRule({
    id: 'spray',
    type: 'value_count',
    rules: ['ssh_failed'],
    groupBy: ['source.ip'],
    timespanMs: 600_000,
    condition: { field: 'user.name', gte: 5 },
    baseline: { ...baseline, factor: 0, newValues: true, learnMs: 604_800_000 },
  }),
];

async function run(engine: CorrelationEngine): Promise<CorrelationAlert[]> {
  const out: CorrelationAlert[] = [];
  const steps = botNoiseThenAttack(4, 3 * 3_600_000);
  for (const [i, s] of steps.entries()) {
    const ev = {
      '@timestamp': T0 + s.t,
      'event.id': `e${i}`,
      'host.name': s.host,
      'source.ip': s.ip,
      'user.name': s.user,
    };
    out.push(...(await engine.processAsync(ev, [failed])));
  }
  return out;
}

d('baselines in Redis', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  const prefix = () => {
    const p = `test-${randomUUID()}:`;
    prefixes.push(p);
    return p;
  };
  beforeAll(() => {
    redis = new Redis(url as string, { lazyConnect: false, maxRetriesPerRequest: 2 });
  });
  afterAll(async () => {
    for (const p of prefixes) {
      await new RedisCorrelationStore(redis, { prefix: p }).clear();
      await new RedisBaselineStore(redis, { prefix: p }).clear();
    }
    redis.disconnect();
  });

  it('embedded and distributed raise identical alerts, normals and floors', async () => {
    const embedded = await run(new CorrelationEngine(RULES, { now }));
    const p = prefix();
    const distributed = await run(
      new CorrelationEngine(RULES, {
        now,
        store: new RedisCorrelationStore(redis, { prefix: p }),
        baselines: new RedisBaselineStore(redis, { prefix: p }),
      }),
    );
    const view = (a: CorrelationAlert) => [a.correlation.id, a.id, a.value, a.lastTs, a.baseline ?? null];
    expect(distributed.map(view)).toEqual(embedded.map(view));
    // The attack is raised by both correlations after warm-up, the noise is not.
    const late = embedded.filter((a) => a.lastTs >= T0 + 1_800_000);
    expect(new Set(late.map((a) => a.correlation.id))).toEqual(new Set(['brute', 'spray']));
    expect(late.every((a) => a.lastTs >= T0 + 3 * 3_600_000)).toBe(true);
    expect(late.find((a) => a.correlation.id === 'brute')?.baseline?.normal).toBeGreaterThan(10);
  }, 120_000);

  it('a batch redone after its worker died raises what its first run raised and changes nothing', async () => {
    const embedded = await run(new CorrelationEngine(RULES, { now }));
    const p = prefix();
    const engine = new CorrelationEngine(RULES, {
      now,
      store: new RedisCorrelationStore(redis, { prefix: p }),
      baselines: new RedisBaselineStore(redis, { prefix: p }),
    });
    const view = (a: CorrelationAlert) => [a.correlation.id, a.id, a.value, a.lastTs];
    const events = botNoiseThenAttack(4, 3 * 3_600_000).map((s, i) => ({
      '@timestamp': T0 + s.t,
      'event.id': `e${i}`,
      'host.name': s.host,
      'source.ip': s.ip,
      'user.name': s.user,
    }));
    // Batches of 25; each is run again after the next one (its worker died before the queue heard it finish):
    // the windows, normals and known values must be as if it ran once, and it must raise what it raised.
    const first: CorrelationAlert[] = [];
    let previous: { events: typeof events; raised: CorrelationAlert[] } | undefined;
    for (let b = 0; b < events.length; b += 25) {
      const batch = events.slice(b, b + 25);
      const raised: CorrelationAlert[] = [];
      for (const ev of batch) raised.push(...(await engine.processAsync(ev, [failed])));
      first.push(...raised);
      if (previous) {
        const again: CorrelationAlert[] = [];
        for (const ev of previous.events) again.push(...(await engine.processAsync(ev, [failed])));
        expect(again.map(view)).toEqual(previous.raised.map(view));
      }
      previous = { events: batch, raised };
    }
    expect(first.map(view)).toEqual(embedded.map(view));
    expect(first.some((a) => a.correlation.id === 'spray')).toBe(true);
  }, 120_000);

  it('a correlation seeded as learning for a day (setStart) judges a new host at once; unseeded, it learns', async () => {
    const tenFailures = async (engine: CorrelationEngine) => {
      const out: CorrelationAlert[] = [];
      for (let i = 0; i < 10; i++)
        out.push(
          ...(await engine.processAsync(
            { '@timestamp': T0 + i * 1000, 'event.id': `s${i}`, 'host.name': 'new01', 'source.ip': `198.51.100.${i}` },
            [failed],
          )),
        );
      return out.filter((a) => a.correlation.id === 'brute');
    };
    const engineOn = (p: string) => {
      const baselines = new RedisBaselineStore(redis, { prefix: p });
      const engine = new CorrelationEngine(RULES, {
        now,
        store: new RedisCorrelationStore(redis, { prefix: p }),
        baselines,
      });
      return { engine, baselines };
    };
    const seeded = engineOn(prefix());
    await seeded.baselines.setStart('brute', 300_000, T0 - 86_400_000, T0 - 60_000, 3_600_000);
    const fresh = engineOn(prefix());
    const [a] = await tenFailures(seeded.engine);
    const [b] = await tenFailures(fresh.engine);
    // Seeded: a normal of 0 (nothing on new01 all day), so the fixed threshold fires at the rule's level.
    expect(a).toBeDefined();
    expect(a!.baseline).toBeUndefined();
    expect(a!.correlation.level).not.toBe('informational');
    // Unseeded: the correlation's first observation starts its warm-up, the alert is a learning one.
    expect(b?.baseline?.learning).toBe(true);
    expect(b?.correlation.level).toBe('informational');
  });

  it('the Lua script learns the same normals as baseline.ts on random peaks and gaps', async () => {
    const spec: BaselineSpec = {
      bucketMs: 60_000,
      learnBuckets: 7,
      warmupBuckets: 3,
      factor: 2,
      newValues: false,
      learnMs: 420_000,
      warmupMs: 180_000,
      warmupLevel: 'informational',
      ttlMs: 3 * 420_000,
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 500 })), { maxLength: 40 }),
        async (steps) => {
          const mem = new MemoryBaselineStore();
          const red = new RedisBaselineStore(redis, { prefix: prefix() });
          let t = 0;
          for (const [gap, v] of steps) {
            t += gap;
            expect(await red.normal('c', 'k', spec, t)).toBe(mem.normal('c', 'k', spec, t));
            await red.record('c', 'k', spec, t, v);
            mem.record('c', 'k', spec, t, v);
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
