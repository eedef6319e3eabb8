import { describe, expect, it } from '@jest/globals';
import { CorrelationEngine } from './engine.js';
import { MemoryCorrelationStore } from './memory-store.js';
import { correlationRule } from './testing.js';
import type { CorrelationStore, ObserveResult } from './types.js';

/** The spec's "Failed Logins Followed by Successful Login" example: a correlation chained into another. */
function bruteForceChain(generate = false) {
  return [
    correlationRule({
      id: 'b180ead8-d58f-40b2-ae54-c8940995b9b6',
      title: 'Correlation - Multiple Failed Logins Followed by Successful Login',
      level: 'high',
      type: 'temporal_ordered',
      rules: ['multiple_failed_login', 'successful_login'],
      groupBy: ['User'],
      timespanMs: 600_000,
    }),
    correlationRule({
      id: 'a8418a5a-5fc4-46b5-b23b-6c73beb19d41',
      name: 'multiple_failed_login',
      title: 'Multiple failed logons',
      type: 'event_count',
      rules: ['failed_login'],
      groupBy: ['User'],
      timespanMs: 600_000,
      condition: { gte: 3 },
      generate,
    }),
  ];
}

const failedLogin = { id: '53ba33fd-3a50-4468-a5ef-c583635cfa92', name: 'failed_login' };
const successfulLogin = { id: '4d0a2c83-c62c-4ed4-b475-c7e23a9269b8', name: 'successful_login' };

describe('chained correlations', () => {
  it('feeds an inner alert to the outer correlation (spec example)', () => {
    const engine = new CorrelationEngine(bruteForceChain());
    const ev = (t: number, user: string) => ({ '@timestamp': t, 'event.id': `e${t}`, User: user, ComputerName: 'dc1' });
    expect(engine.process(ev(0, 'lan'), [failedLogin])).toHaveLength(0);
    expect(engine.process(ev(1, 'lan'), [failedLogin])).toHaveLength(0);
    expect(engine.process(ev(2, 'mai'), [successfulLogin])).toHaveLength(0);
    const inner = engine.process(ev(3, 'lan'), [failedLogin]);
    expect(inner.map((a) => a.correlation.name)).toEqual(['multiple_failed_login']);
    expect(inner[0]?.standalone).toBe(false); // generate: false on the outer's reference
    const outer = engine.process(ev(4, 'lan'), [successfulLogin]);
    expect(outer).toHaveLength(1);
    expect(outer[0]?.correlation.id).toBe('b180ead8-d58f-40b2-ae54-c8940995b9b6');
    expect(outer[0]?.group).toEqual({ User: 'lan' });
    expect(outer[0]?.ruleIds).toEqual(['a8418a5a-5fc4-46b5-b23b-6c73beb19d41', successfulLogin.id]);
    expect(outer[0]?.eventIds).toEqual(['e3', 'e4']);
    expect(outer[0]?.standalone).toBe(true);
  });

  it('a success before the failures does not complete the ordered chain', () => {
    const engine = new CorrelationEngine(bruteForceChain());
    const ev = (t: number) => ({ '@timestamp': t, User: 'lan' });
    expect(engine.process(ev(0), [successfulLogin])).toHaveLength(0);
    for (let t = 1; t <= 3; t++) engine.process(ev(t), [failedLogin]);
    expect(engine.process(ev(2), [successfulLogin])).toHaveLength(0); // before the inner alert's lastTs
  });

  it('an inner and an outer can fire on the same event', () => {
    const rules = [
      correlationRule({ id: 'outer', type: 'event_count', rules: ['inner'], condition: { gte: 1 } }),
      correlationRule({ id: 'inner', type: 'event_count', rules: ['r'], condition: { gte: 2 } }),
    ];
    const engine = new CorrelationEngine(rules);
    engine.process({}, [{ id: 'r' }], 1);
    expect(engine.process({}, [{ id: 'r' }], 2).map((a) => a.correlation.id)).toEqual(['inner', 'outer']);
  });

  it('generate: base rules referenced by a generate:false correlation are suppressed', () => {
    const engine = new CorrelationEngine(bruteForceChain(false));
    expect(engine.shouldAlert(failedLogin)).toBe(false);
    expect(engine.shouldAlert(successfulLogin)).toBe(false);
    expect(engine.shouldAlert({ id: 'unrelated' })).toBe(true);
    expect(engine.shouldAlert({ id: 'a8418a5a-5fc4-46b5-b23b-6c73beb19d41' })).toBe(false);
    expect(engine.references(failedLogin)).toBe(true);
    expect(engine.references({ id: 'unrelated' })).toBe(false);
  });

  it('generate: true on any referencing correlation lets the base rule alert', () => {
    const engine = new CorrelationEngine([
      ...bruteForceChain(true),
      correlationRule({ id: 'x', type: 'event_count', rules: ['failed_login'], condition: { gte: 100 } }),
    ]);
    expect(engine.shouldAlert(failedLogin)).toBe(true);
    expect(engine.shouldAlert(successfulLogin)).toBe(false);
  });
});

describe('rule problems (collected, the valid rules still run)', () => {
  it('reports each problem with the rule location and leaves the rule out', () => {
    const bad = [
      correlationRule({ id: 'no-cond', type: 'event_count', rules: ['r'] }),
      correlationRule({ id: 'no-field', type: 'value_sum', rules: ['r'], condition: { gt: 1 } }),
      correlationRule({ id: 'span', type: 'temporal', rules: ['a', 'b'], timespanMs: 0 }),
      correlationRule({
        id: 'pct',
        type: 'value_percentile',
        rules: ['r'],
        condition: { field: 'f', percentile: 120, gt: 1 },
      }),
      correlationRule({ id: 'cap', type: 'event_count', rules: ['r'], condition: { gte: 1_000_000 } }),
      correlationRule({ id: 'loop1', type: 'temporal', rules: ['loop2', 'r'] }),
      correlationRule({ id: 'loop2', type: 'temporal', rules: ['loop1', 'r'] }),
      correlationRule({ id: 'empty', type: 'temporal', rules: [] }),
      correlationRule({ id: 'dup', type: 'event_count', rules: ['r'], condition: { gte: 1 } }),
      correlationRule({ id: 'dup', type: 'event_count', rules: ['r'], condition: { gte: 2 } }),
    ];
    const engine = new CorrelationEngine([
      ...bad,
      correlationRule({ id: 'ok', type: 'event_count', rules: ['r'], condition: { gte: 1 } }),
    ]);
    const codes = engine.problems.map((p) => p.code).sort();
    expect(codes).toEqual(
      [
        'CANHGAC_ERR_CORRELATION_CONDITION',
        'CANHGAC_ERR_CORRELATION_FIELD',
        'CANHGAC_ERR_CORRELATION_TIMESPAN',
        'CANHGAC_ERR_CORRELATION_PERCENTILE',
        'CANHGAC_ERR_CORRELATION_CAP',
        'CANHGAC_ERR_CORRELATION_CYCLE',
        'CANHGAC_ERR_CORRELATION_CYCLE',
        'CANHGAC_ERR_CORRELATION_RULES',
        'CANHGAC_ERR_CORRELATION_DUPLICATE',
      ].sort(),
    );
    expect(engine.problems[0]).toMatchObject({ file: 'test.yml', line: 1, col: 1, severity: 'error' });
    expect(engine.rules.map((r) => r.id)).toEqual(['dup', 'ok']);
  });

  it('with knownRules, an unknown reference is an error; an alias naming a foreign rule a warning', () => {
    const engine = new CorrelationEngine(
      [
        correlationRule({ id: 'c', type: 'temporal', rules: ['known', 'typo'] }),
        correlationRule({
          id: 'd',
          type: 'temporal',
          rules: ['known'],
          groupBy: ['ip'],
          aliases: { ip: { other: 'source.ip' } },
        }),
      ],
      { knownRules: [{ id: 'k-id', name: 'known' }] },
    );
    expect(engine.problems.map((p) => [p.code, p.severity])).toEqual([
      ['CANHGAC_ERR_CORRELATION_ALIAS', 'warning'],
      ['CANHGAC_ERR_CORRELATION_UNKNOWN_RULE', 'error'],
    ]);
    expect(engine.rules.map((r) => r.id)).toEqual(['d']);
  });
});

/** The memory store behind promises: what a Redis-backed store looks like to the engine. */
class AsyncStore implements CorrelationStore {
  private readonly inner = new MemoryCorrelationStore();
  async observe(...a: Parameters<MemoryCorrelationStore['observe']>): Promise<ObserveResult> {
    await Promise.resolve();
    const r = this.inner.observe(...a);
    return { ...r };
  }
  async sweep(now: number): Promise<number> {
    return this.inner.sweep(now);
  }
  async clear(): Promise<void> {
    this.inner.clear();
  }
  stats() {
    return this.inner.stats();
  }
}

describe('asynchronous stores', () => {
  it('processAsync gives the same alerts as process, and process refuses an async store', async () => {
    const sync = new CorrelationEngine(bruteForceChain());
    const async = new CorrelationEngine(bruteForceChain(), { store: new AsyncStore() });
    const steps: Array<[number, string, typeof failedLogin]> = [
      [0, 'lan', failedLogin],
      [1, 'lan', failedLogin],
      [2, 'lan', failedLogin],
      [3, 'lan', successfulLogin],
      [4, 'mai', successfulLogin],
    ];
    const strip = (a: { id: string }) => ({ ...a, id: '' });
    for (const [t, user, m] of steps) {
      const ev = { '@timestamp': t, User: user, 'event.id': `e${t}` };
      const want = sync.process(ev, [m]).map(strip);
      const got = (await async.processAsync(ev, [m])).map(strip);
      expect(got).toEqual(want);
    }
    expect(async.stats().groups).toBeGreaterThan(0);
    expect(() => async.process({ '@timestamp': 9, User: 'x' }, [failedLogin])).toThrow(/processAsync/);
  });
});

describe('processAsync with the in-memory store', () => {
  it('concurrent calls do not read each other’s results', async () => {
    const rules = [
      correlationRule({ id: 'a', type: 'event_count', rules: ['ra'], condition: { gte: 2 } }),
      correlationRule({ id: 'b', type: 'event_count', rules: ['rb'], condition: { gte: 5 } }),
    ];
    const engine = new CorrelationEngine(rules);
    const calls = [];
    for (let i = 0; i < 4; i++) {
      calls.push(engine.processAsync({}, [{ id: 'ra' }], i), engine.processAsync({}, [{ id: 'rb' }], i));
    }
    const ids = (await Promise.all(calls)).flat().map((a) => a.correlation.id);
    expect(ids).toEqual(['a', 'a']);
  });
});

describe('rule warnings', () => {
  it('warns when a growing count has only an upper bound, and still runs the rule', () => {
    const engine = new CorrelationEngine([
      correlationRule({ id: 'few', type: 'event_count', rules: ['r'], condition: { lt: 5 } }),
      correlationRule({ id: 'avg', type: 'value_avg', rules: ['r'], condition: { field: 'v', lte: 1 } }),
    ]);
    expect(engine.problems.map((p) => [p.code, p.severity, p.message.includes('first event')])).toEqual([
      ['CANHGAC_ERR_CORRELATION_CONDITION', 'warning', true],
    ]);
    expect(engine.rules.map((r) => r.id)).toEqual(['few', 'avg']);
  });
});
