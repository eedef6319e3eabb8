import { describe, expect, it } from '@jest/globals';
import { registry } from '../../core/metrics.js';
import { CorrelationEngine } from './engine.js';
import { MemoryCorrelationStore } from './memory-store.js';
import { correlationRule } from './testing.js';
import type { WindowEntry, WindowSpec } from './types.js';

const spec: WindowSpec = {
  type: 'event_count',
  spanMs: 1000,
  ruleCount: 1,
  condition: { gte: 1000 },
  percentile: 50,
  maxEntries: 5,
  allowedLatenessMs: Number.POSITIVE_INFINITY,
  maxEventIds: 10,
  suppressMs: 0,
};
const entry = (ts: number): WindowEntry => ({ ts, rule: 0, num: Number.NaN, key: '', id: `e${ts}` });

async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  const v = m?.values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
  return Number(v?.value ?? 0);
}

describe('MemoryCorrelationStore bounds', () => {
  it('evicts the least recently touched group at the group cap, counted', async () => {
    const before = await metric('canhgac_correlation_groups_evicted_total', { reason: 'group_cap' });
    const s = new MemoryCorrelationStore({ maxGroups: 3 });
    s.observe('c', 'g1', spec, entry(1), 1);
    s.observe('c', 'g2', spec, entry(2), 2);
    s.observe('d', 'g3', spec, entry(3), 3);
    s.observe('c', 'g1', spec, entry(4), 4); // g1 touched again: g2 is now the oldest
    s.observe('d', 'g4', spec, entry(5), 5);
    expect(s.stats()).toMatchObject({ groups: 3, entries: 4, evictedGroups: 1 });
    // g2 was evicted: a new observation starts from an empty window
    expect(s.observe('c', 'g2', spec, entry(6), 6).count).toBe(1);
    expect(s.stats().evictedGroups).toBe(2); // g3 went this time
    expect(s.observe('c', 'g1', spec, entry(7), 7).count).toBe(3);
    expect(await metric('canhgac_correlation_groups_evicted_total', { reason: 'group_cap' })).toBe(before + 2);
  });

  it('caps entries per group, evicting the oldest (counted)', () => {
    const s = new MemoryCorrelationStore();
    for (let t = 0; t < 8; t++) s.observe('c', 'g', spec, entry(t), t);
    expect(s.stats()).toMatchObject({ groups: 1, entries: 5, evictedEntries: 3 });
  });

  it('keeps the total entry budget by evicting whole groups', () => {
    const s = new MemoryCorrelationStore({ maxTotalEntries: 6 });
    for (let t = 0; t < 4; t++) s.observe('c', 'a', spec, entry(t), t);
    for (let t = 10; t < 14; t++) s.observe('c', 'b', spec, entry(t), t);
    expect(s.stats()).toMatchObject({ groups: 1, entries: 4, evictedGroups: 1 });
  });

  it('expires groups idle for timespan + grace (wall clock)', () => {
    const s = new MemoryCorrelationStore({ expiryGraceMs: 500, sweepEvery: 1_000_000 });
    s.observe('c', 'old', spec, entry(0), 0);
    s.observe('c', 'new', spec, entry(0), 1000);
    expect(s.sweep(1499)).toBe(0);
    expect(s.sweep(1500)).toBe(1); // 'old' touched at 0: 0 + 1000 + 500 <= 1500
    expect(s.stats()).toMatchObject({ groups: 1, entries: 1, expiredGroups: 1 });
    expect(s.sweep(2500)).toBe(1);
    expect(s.stats().groups).toBe(0);
  });

  it('sweeps on its own every sweepEvery observations', () => {
    const s = new MemoryCorrelationStore({ expiryGraceMs: 0, sweepEvery: 2 });
    s.observe('c', 'a', spec, entry(0), 0);
    s.observe('c', 'b', spec, entry(0), 5000); // second observation: sweep runs, 'a' expired
    expect(s.stats()).toMatchObject({ groups: 1, expiredGroups: 1 });
  });

  it('bounds an engine under a flood of distinct groups (one per source address)', () => {
    const store = new MemoryCorrelationStore({ maxGroups: 100 });
    const engine = new CorrelationEngine(
      [
        correlationRule({
          id: 'scan',
          type: 'value_count',
          rules: ['conn'],
          groupBy: ['source.ip'],
          condition: { field: 'destination.port', gte: 20 },
        }),
      ],
      { store, maxEntriesPerGroup: 50 },
    );
    for (let i = 0; i < 1000; i++) {
      engine.process({ 'source.ip': `10.0.${i >> 8}.${i & 255}`, 'destination.port': i }, [{ id: 'conn' }], i);
    }
    expect(engine.stats()).toMatchObject({ groups: 100, evictedGroups: 900 });
    // one busy scanner still fires despite the churn around it
    let fired = 0;
    for (let p = 0; p < 20; p++) {
      fired += engine.process({ 'source.ip': '192.0.2.1', 'destination.port': p }, [{ id: 'conn' }], 2000 + p).length;
      engine.process({ 'source.ip': `172.16.0.${p}`, 'destination.port': 1 }, [{ id: 'conn' }], 2000 + p);
    }
    expect(fired).toBe(1);
  });
});

describe('MemoryCorrelationStore and rule reloads', () => {
  it('keeps windows for an unchanged rule and drops them when the rule with that id changes', () => {
    const s = new MemoryCorrelationStore();
    s.observe('c', 'g', spec, entry(1), 1);
    s.observe('c', 'g', { ...spec }, entry(2), 2); // same content, new object (engine rebuilt)
    expect(s.observe('c', 'g', spec, entry(3), 3).count).toBe(3);
    expect(s.observe('c', 'g', { ...spec, spanMs: 5000 }, entry(4), 4).count).toBe(1);
    expect(s.stats()).toMatchObject({ groups: 1, entries: 1, expiredGroups: 1 });
  });
});
