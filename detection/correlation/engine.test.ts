import { describe, expect, it } from '@jest/globals';
import { checkFires, CONFORMANCE_CASES, runSteps, type Step, T0 } from '../../tests/kit/correlation-cases.js';
import { type CorrelationAlert, CorrelationEngine } from './engine.js';
import { correlationRule } from './testing.js';

const run = runSteps;

describe('correlation conformance', () => {
  it.each(CONFORMANCE_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const engine = new CorrelationEngine(c.rules);
    expect(engine.problems.filter((p) => p.severity === 'error')).toEqual([]);
    checkFires(c, run(engine, c.steps), expect);
  });
});

describe('alert contents', () => {
  it('carries times, bounded event ids and the rule ids that took part', () => {
    const engine = new CorrelationEngine(
      [
        correlationRule({
          id: 'c',
          title: 'Recon chain',
          level: 'high',
          type: 'temporal',
          rules: ['a', 'b'],
          groupBy: ['h'],
          timespanMs: 60_000,
        }),
      ],
      { maxEventIds: 2 },
    );
    const steps: Step[] = [
      { t: 0, rule: { id: 'A-id', name: 'a' }, f: { h: 'x' } },
      { t: 10, rule: { id: 'A-id', name: 'a' }, f: { h: 'x' } },
      { t: 20, rule: { id: 'B-id', name: 'b' }, f: { h: 'x' } },
    ];
    const [[, a]] = run(engine, steps) as [[number, CorrelationAlert]];
    expect(a.correlation).toEqual({ id: 'c', title: 'Recon chain', name: undefined, level: 'high' });
    expect(a.type).toBe('temporal');
    expect(a.firstTs).toBe(T0);
    expect(a.lastTs).toBe(T0 + 20);
    expect(a.count).toBe(3);
    expect(a.eventIds).toHaveLength(2);
    expect(a.ruleIds).toEqual(['A-id', 'B-id']);
    expect(a.standalone).toBe(true);
    // Named after the event that fired it (one of the newest), so a replay raises the same id.
    expect(a.eventIds.map((e) => `${e}:c`)).toContain(a.id);
  });

  it('drops events without a usable timestamp, and an epoch-ms number works', () => {
    const engine = new CorrelationEngine([
      correlationRule({ id: 'c', type: 'event_count', rules: ['r'], condition: { gte: 2 } }),
    ]);
    expect(engine.process({ '@timestamp': 'not a time' }, [{ id: 'r' }])).toHaveLength(0);
    expect(engine.process({}, [{ id: 'r' }])).toHaveLength(0);
    expect(engine.process({ '@timestamp': T0 }, [{ id: 'r' }])).toHaveLength(0);
    expect(engine.process({ '@timestamp': new Date(T0 + 1) }, [{ id: 'r' }])).toHaveLength(1);
  });

  it('respects allowedLatenessMs below the timespan', () => {
    const engine = new CorrelationEngine(
      [correlationRule({ id: 'c', type: 'event_count', rules: ['r'], timespanMs: 60_000, condition: { gte: 2 } })],
      { allowedLatenessMs: 1000 },
    );
    expect(engine.process({}, [{ id: 'r' }], 10_000)).toHaveLength(0);
    expect(engine.process({}, [{ id: 'r' }], 8_999)).toHaveLength(0); // 1001 ms late: dropped
    expect(engine.process({}, [{ id: 'r' }], 9_000)).toHaveLength(1); // exactly 1000 ms late: accepted
  });
});

describe('untrusted input', () => {
  it('replaces an event time far ahead of the wall clock by the wall clock', () => {
    const now = 1_000_000;
    const engine = new CorrelationEngine(
      [correlationRule({ id: 'c', type: 'event_count', rules: ['r'], timespanMs: 10_000, condition: { gte: 2 } })],
      { now: () => now },
    );
    // A host whose clock is 7 h ahead (local time written as UTC) must not make the real events late.
    expect(engine.process({}, [{ id: 'r' }], now + 7 * 3_600_000)).toHaveLength(0);
    const [a] = engine.process({}, [{ id: 'r' }], now - 1000);
    expect(a?.firstTs).toBe(now - 1000);
    expect(a?.lastTs).toBe(now);
    const off = new CorrelationEngine(
      [correlationRule({ id: 'c', type: 'event_count', rules: ['r'], timespanMs: 10_000, condition: { gte: 2 } })],
      { now: () => now, maxFutureMs: Number.POSITIVE_INFINITY },
    );
    off.process({}, [{ id: 'r' }], now + 7 * 3_600_000);
    expect(off.process({}, [{ id: 'r' }], now - 1000)).toHaveLength(0); // late against the bogus time
  });

  it('keys odd and huge values without crashing, and long values by prefix + hash', () => {
    const engine = new CorrelationEngine([
      correlationRule({
        id: 'c',
        type: 'value_count',
        rules: ['r'],
        groupBy: ['g'],
        condition: { field: 'v', gte: 3 },
      }),
    ]);
    const big = 'x'.repeat(100_000);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const steps: Array<Record<string, unknown>> = [
      { g: { nested: [1, 2n] }, v: big },
      { g: { nested: [1, 2n] }, v: `${big}y` },
      { g: { nested: [1, 2n] }, v: cyclic },
    ];
    const fired = steps.flatMap((ev, i) => engine.process(ev, [{ id: 'r' }], i));
    expect(fired).toHaveLength(1);
    expect(fired[0]?.value).toBe(3);
  });
});

describe('missingGroupField', () => {
  const rule = correlationRule({
    id: 'c',
    type: 'event_count',
    rules: ['r'],
    groupBy: ['host', 'user'],
    condition: { gte: 2 },
  });
  it("'group' puts events without the field in their own group, reported as null", () => {
    const engine = new CorrelationEngine([rule], { missingGroupField: 'group' });
    expect(engine.process({ host: 'h' }, [{ id: 'r' }], 1)).toHaveLength(0);
    expect(engine.process({ host: 'h', user: 'u' }, [{ id: 'r' }], 2)).toHaveLength(0);
    const [a] = engine.process({ host: 'h', user: null }, [{ id: 'r' }], 3);
    expect(a?.group).toEqual({ host: 'h', user: null });
  });
  it("'drop' (default) does not count them", () => {
    const engine = new CorrelationEngine([rule]);
    engine.process({ host: 'h' }, [{ id: 'r' }], 1);
    expect(engine.process({ host: 'h' }, [{ id: 'r' }], 2)).toHaveLength(0);
  });
});

describe('suppressMs', () => {
  it('raises one alert per group per suppression period; windows still reset', () => {
    const engine = new CorrelationEngine(
      [correlationRule({ id: 'c', type: 'event_count', rules: ['r'], groupBy: ['ip'], condition: { gte: 2 } })],
      { suppressMs: 10_000 },
    );
    const fire = (t: number, ip = 'a') => engine.process({ ip }, [{ id: 'r' }], t).length;
    expect([fire(0), fire(1)]).toEqual([0, 1]); // fires at 1: quiet until 10 001
    expect([fire(2), fire(3), fire(4), fire(5)]).toEqual([0, 0, 0, 0]); // held twice, suppressed, reset
    expect([fire(2, 'b'), fire(3, 'b')]).toEqual([0, 1]); // another group is not affected
    expect([fire(10_000), fire(10_001)]).toEqual([0, 1]); // the period is over at 10 001
  });
});
