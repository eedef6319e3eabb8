import { describe, expect, it } from '@jest/globals';
import type { CorrelationRule } from '../sigma/model.js';
import { type BaseMatch, type CorrelationAlert, CorrelationEngine } from './engine.js';
import { correlationRule } from './testing.js';

/** One event in a scenario: time (ms from T0), the base rule(s) it matched, its fields. */
interface Step {
  t: number;
  rule: string | BaseMatch | BaseMatch[];
  f?: Record<string, unknown>;
}

const T0 = Date.parse('2026-11-22T08:00:00Z');
let seq = 0;

function toMatches(r: Step['rule']): BaseMatch[] {
  if (typeof r === 'string') return [{ id: r, name: r }];
  return Array.isArray(r) ? r : [r];
}

/** Runs the steps; returns [step index, alert] for each alert. */
function run(engine: CorrelationEngine, steps: Step[]): Array<[number, CorrelationAlert]> {
  const out: Array<[number, CorrelationAlert]> = [];
  steps.forEach((s, i) => {
    const ev = { '@timestamp': new Date(T0 + s.t).toISOString(), 'event.id': `e${seq++}`, ...s.f };
    for (const a of engine.process(ev, toMatches(s.rule))) out.push([i, a]);
  });
  return out;
}

interface Case {
  name: string;
  rules: CorrelationRule[];
  steps: Step[];
  /** Expected fires: step index, correlation id, value (and group when given). */
  fires: Array<{ at: number; corr?: string; value?: number; group?: Record<string, unknown>; count?: number }>;
}

const failed = (ip: string, user = 'root'): Record<string, unknown> => ({ 'source.ip': ip, 'user.name': user });

const cases: Case[] = [
  {
    name: 'event_count: many failed logins from one source (gte 5 in 10 s, by source.ip)',
    rules: [
      correlationRule({
        id: 'bf',
        type: 'event_count',
        rules: ['ssh_failed'],
        groupBy: ['source.ip'],
        timespanMs: 10_000,
        condition: { gte: 5 },
      }),
    ],
    steps: [
      { t: 0, rule: 'ssh_failed', f: failed('10.0.0.1') },
      { t: 1000, rule: 'ssh_failed', f: failed('10.0.0.1') },
      { t: 1500, rule: 'ssh_failed', f: failed('10.0.0.2') },
      { t: 2000, rule: 'ssh_failed', f: failed('10.0.0.1') },
      { t: 2500, rule: 'ssh_failed', f: failed('10.0.0.2') },
      { t: 3000, rule: 'ssh_failed', f: failed('10.0.0.1') },
      { t: 4000, rule: 'other_rule', f: failed('10.0.0.1') },
      { t: 8000, rule: 'ssh_failed', f: failed('10.0.0.1') },
    ],
    fires: [{ at: 7, corr: 'bf', value: 5, group: { 'source.ip': '10.0.0.1' } }],
  },
  {
    name: 'window edge: an event exactly timespan later starts a new window',
    rules: [correlationRule({ id: 'c', type: 'event_count', rules: ['r'], timespanMs: 10_000, condition: { gte: 2 } })],
    steps: [
      { t: 0, rule: 'r' },
      { t: 10_000, rule: 'r' },
      { t: 20_000, rule: 'r' },
    ],
    fires: [],
  },
  {
    name: 'window edge: one ms inside the timespan is in the window',
    rules: [correlationRule({ id: 'c', type: 'event_count', rules: ['r'], timespanMs: 10_000, condition: { gte: 2 } })],
    steps: [
      { t: 0, rule: 'r' },
      { t: 9_999, rule: 'r' },
    ],
    fires: [{ at: 1, value: 2 }],
  },
  {
    name: 'out-of-order: a late event still inside the window counts',
    rules: [correlationRule({ id: 'c', type: 'event_count', rules: ['r'], timespanMs: 10_000, condition: { gte: 3 } })],
    steps: [
      { t: 5_000, rule: 'r' },
      { t: 12_000, rule: 'r' },
      { t: 3_000, rule: 'r' }, // 9 s before newest: in (2000, 12000]
    ],
    fires: [{ at: 2, value: 3 }],
  },
  {
    name: 'out-of-order: an event older than the window is dropped as late',
    rules: [correlationRule({ id: 'c', type: 'event_count', rules: ['r'], timespanMs: 10_000, condition: { gte: 2 } })],
    steps: [
      { t: 12_000, rule: 'r' },
      { t: 2_000, rule: 'r' }, // exactly timespan before newest: outside
      { t: 1_000, rule: 'r' },
    ],
    fires: [],
  },
  {
    name: 're-alert: the window resets after a fire',
    rules: [correlationRule({ id: 'c', type: 'event_count', rules: ['r'], timespanMs: 60_000, condition: { gte: 3 } })],
    steps: [0, 1, 2, 3, 4, 5, 6].map((t) => ({ t: t * 1000, rule: 'r' })),
    fires: [
      { at: 2, value: 3 },
      { at: 5, value: 3 },
    ],
  },
  {
    name: 'range: gt 2 and lte 3 fires at 3',
    rules: [correlationRule({ id: 'c', type: 'event_count', rules: ['r'], condition: { gt: 2, lte: 3 } })],
    steps: [0, 1, 2].map((t) => ({ t, rule: 'r' })),
    fires: [{ at: 2, value: 3 }],
  },
  {
    name: 'eq 2 and neq 1',
    rules: [
      correlationRule({ id: 'eq', type: 'event_count', rules: ['r'], condition: { eq: 2 } }),
      correlationRule({ id: 'neq', type: 'event_count', rules: ['r'], condition: { neq: 1 } }),
    ],
    steps: [0, 1].map((t) => ({ t, rule: 'r' })),
    fires: [
      { at: 1, corr: 'eq', value: 2 },
      { at: 1, corr: 'neq', value: 2 },
    ],
  },
  {
    name: 'lt without a lower bound fires on the first event of a window',
    rules: [correlationRule({ id: 'c', type: 'event_count', rules: ['r'], condition: { lt: 3 } })],
    steps: [{ t: 0, rule: 'r' }],
    fires: [{ at: 0, value: 1 }],
  },
  {
    name: 'value_count: distinct users per source (gte 3 in 1 min)',
    rules: [
      correlationRule({
        id: 'spray',
        type: 'value_count',
        rules: ['ssh_failed'],
        groupBy: ['source.ip'],
        condition: { field: 'user.name', gte: 3 },
      }),
    ],
    steps: [
      { t: 0, rule: 'ssh_failed', f: failed('10.0.0.9', 'root') },
      { t: 1, rule: 'ssh_failed', f: failed('10.0.0.9', 'root') },
      { t: 2, rule: 'ssh_failed', f: failed('10.0.0.9', 'admin') },
      { t: 3, rule: 'ssh_failed', f: failed('10.0.0.8', 'oracle') },
      { t: 4, rule: 'ssh_failed', f: { 'source.ip': '10.0.0.9' } }, // no user: not a value
      { t: 5, rule: 'ssh_failed', f: failed('10.0.0.9', 'admin') },
      { t: 6, rule: 'ssh_failed', f: failed('10.0.0.9', 'oracle') },
    ],
    fires: [{ at: 6, value: 3, count: 5, group: { 'source.ip': '10.0.0.9' } }],
  },
  {
    name: 'value_count: a distinct value leaves the window with its last event',
    rules: [
      correlationRule({
        id: 'c',
        type: 'value_count',
        rules: ['r'],
        timespanMs: 10,
        condition: { field: 'u', gte: 2 },
      }),
    ],
    steps: [
      { t: 0, rule: 'r', f: { u: 'a' } },
      { t: 5, rule: 'r', f: { u: 'a' } },
      { t: 14, rule: 'r', f: { u: 'b' } }, // a@5 still in (4, 14]
      { t: 30, rule: 'r', f: { u: 'c' } },
      { t: 40, rule: 'r', f: { u: 'c' } }, // c@30 is exactly 10 earlier: out
    ],
    fires: [{ at: 2, value: 2 }],
  },
  {
    name: 'value_count over several fields counts distinct tuples (parser joins a field list with a comma)',
    rules: [
      correlationRule({ id: 'c', type: 'value_count', rules: ['r'], condition: { field: 'user, domain', gte: 3 } }),
    ],
    steps: [
      { t: 0, rule: 'r', f: { user: 'a', domain: 'x' } },
      { t: 1, rule: 'r', f: { user: 'a', domain: 'y' } },
      { t: 2, rule: 'r', f: { user: 'a', domain: 'x' } },
      { t: 3, rule: 'r', f: { user: 'b' } }, // incomplete tuple: not a value
      { t: 4, rule: 'r', f: { user: 'b', domain: 'x' } },
    ],
    fires: [{ at: 4, value: 3, count: 4 }],
  },
  {
    name: 'temporal: recon commands in any order within 5 min, same host and user',
    rules: [
      correlationRule({
        id: 'recon',
        type: 'temporal',
        rules: ['recon_a', 'recon_b', 'recon_c'],
        groupBy: ['ComputerName', 'User'],
        timespanMs: 300_000,
      }),
    ],
    steps: [
      { t: 0, rule: 'recon_c', f: { ComputerName: 'ws1', User: 'an' } },
      { t: 10_000, rule: 'recon_a', f: { ComputerName: 'ws1', User: 'an' } },
      { t: 20_000, rule: 'recon_b', f: { ComputerName: 'ws1', User: 'binh' } },
      { t: 30_000, rule: 'recon_b', f: { ComputerName: 'ws1', User: 'an' } },
    ],
    fires: [{ at: 3, value: 3, group: { ComputerName: 'ws1', User: 'an' } }],
  },
  {
    name: 'temporal: too far apart does not fire',
    rules: [correlationRule({ id: 'c', type: 'temporal', rules: ['a', 'b'], timespanMs: 1000 })],
    steps: [
      { t: 0, rule: 'a' },
      { t: 1000, rule: 'b' },
    ],
    fires: [],
  },
  {
    name: 'temporal with a condition: any 2 of 3 rules',
    rules: [correlationRule({ id: 'c', type: 'temporal', rules: ['a', 'b', 'x'], condition: { gte: 2 } })],
    steps: [
      { t: 0, rule: 'a' },
      { t: 1, rule: 'a' },
      { t: 2, rule: 'x' },
    ],
    fires: [{ at: 2, value: 2 }],
  },
  {
    name: 'temporal_ordered: b before a does not fire, a then b does',
    rules: [correlationRule({ id: 'c', type: 'temporal_ordered', rules: ['a', 'b'], groupBy: ['User'] })],
    steps: [
      { t: 0, rule: 'b', f: { User: 'u' } },
      { t: 1, rule: 'a', f: { User: 'u' } },
      { t: 2, rule: 'b', f: { User: 'v' } },
      { t: 3, rule: 'b', f: { User: 'u' } },
    ],
    fires: [{ at: 3, value: 2, count: 3 }],
  },
  {
    name: 'temporal_ordered: order is by event time, not arrival',
    rules: [correlationRule({ id: 'c', type: 'temporal_ordered', rules: ['a', 'b'] })],
    steps: [
      { t: 100, rule: 'b' },
      { t: 50, rule: 'a' }, // arrives late but happened first
    ],
    fires: [{ at: 1, value: 2 }],
  },
  {
    name: 'value_sum: possible exfiltration (gt 1 000 000 bytes)',
    rules: [
      correlationRule({
        id: 'exfil',
        type: 'value_sum',
        rules: ['web'],
        groupBy: ['source.ip'],
        timespanMs: 3_600_000,
        condition: { field: 'bytes', gt: 1_000_000 },
      }),
    ],
    steps: [
      { t: 0, rule: 'web', f: { 'source.ip': 'a', bytes: 600_000 } },
      { t: 1, rule: 'web', f: { 'source.ip': 'b', bytes: 900_000 } },
      { t: 2, rule: 'web', f: { 'source.ip': 'a', bytes: 'lots' } }, // not numeric: dropped
      { t: 3, rule: 'web', f: { 'source.ip': 'a', bytes: '400001' } },
    ],
    fires: [{ at: 3, value: 1_000_001 }],
  },
  {
    name: 'value_avg: average above 500',
    rules: [correlationRule({ id: 'c', type: 'value_avg', rules: ['r'], condition: { field: 'n', gt: 500 } })],
    steps: [
      { t: 0, rule: 'r', f: { n: 100 } },
      { t: 1, rule: 'r', f: { n: 800 } },
      { t: 2, rule: 'r', f: { n: 1000 } },
    ],
    fires: [{ at: 2, value: 633.3333333333334 }],
  },
  {
    name: 'value_percentile: p90 of the window (nearest rank)',
    rules: [
      correlationRule({
        id: 'c',
        type: 'value_percentile',
        rules: ['r'],
        condition: { field: 'ms', percentile: 90, gte: 1000 },
      }),
    ],
    steps: [5, 10, 20, 30, 40, 50, 60, 70, 80, 2000, 3000].map((ms, i) => ({ t: i, rule: 'r', f: { ms } })),
    // 10 values: rank ceil(9) = 9th = 80 < 1000; 11 values: rank ceil(9.9) = 10th = 2000.
    fires: [{ at: 10, value: 2000 }],
  },
  {
    name: 'value_percentile: median by default',
    rules: [correlationRule({ id: 'c', type: 'value_percentile', rules: ['r'], condition: { field: 'v', gte: 3 } })],
    steps: [1, 5, 3].map((v, i) => ({ t: i, rule: 'r', f: { v } })),
    fires: [{ at: 2, value: 3 }],
  },
  {
    name: 'aliases: internal error then connection back, fields swapped per rule',
    rules: [
      correlationRule({
        id: 'c',
        type: 'temporal',
        rules: ['internal_error', 'new_network_connection'],
        groupBy: ['internal_ip', 'remote_ip'],
        timespanMs: 10_000,
        aliases: {
          internal_ip: { internal_error: 'destination.ip', new_network_connection: 'source.ip' },
          remote_ip: { internal_error: 'source.ip', new_network_connection: 'destination.ip' },
        },
      }),
    ],
    steps: [
      {
        t: 0,
        rule: { id: 'uuid-1', name: 'internal_error' },
        f: { 'destination.ip': '10.1.1.1', 'source.ip': '8.8.8.8' },
      },
      {
        t: 1,
        rule: { id: 'uuid-2', name: 'new_network_connection' },
        f: { 'source.ip': '10.1.1.2', 'destination.ip': '8.8.8.8' },
      },
      {
        t: 2,
        rule: { id: 'uuid-2', name: 'new_network_connection' },
        f: { 'source.ip': '10.1.1.1', 'destination.ip': '8.8.8.8' },
      },
    ],
    fires: [{ at: 2, group: { internal_ip: '10.1.1.1', remote_ip: '8.8.8.8' } }],
  },
  {
    name: 'group-by: an event without the group field is not counted',
    rules: [correlationRule({ id: 'c', type: 'event_count', rules: ['r'], groupBy: ['host'], condition: { gte: 2 } })],
    steps: [
      { t: 0, rule: 'r', f: { host: 'h' } },
      { t: 1, rule: 'r', f: {} },
      { t: 2, rule: 'r', f: { host: null } },
      { t: 3, rule: 'r', f: { host: 'h' } },
    ],
    fires: [{ at: 3, value: 2, count: 2 }],
  },
  {
    name: 'referenced by id: the match name is not needed',
    rules: [correlationRule({ id: 'c', type: 'event_count', rules: ['5638f7c0'], condition: { gte: 2 } })],
    steps: [
      { t: 0, rule: { id: '5638f7c0' } },
      { t: 1, rule: { id: '5638f7c0', name: 'firewall_block' } },
    ],
    fires: [{ at: 1, value: 2 }],
  },
];

describe('correlation conformance', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const engine = new CorrelationEngine(c.rules);
    expect(engine.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const got = run(engine, c.steps);
    expect(got.length).toBe(c.fires.length);
    c.fires.forEach((want, i) => {
      const [at, a] = got[i] as [number, CorrelationAlert];
      expect(at).toBe(want.at);
      if (want.corr) expect(a.correlation.id).toBe(want.corr);
      if (want.value !== undefined) expect(a.value).toBeCloseTo(want.value, 9);
      if (want.group) expect(a.group).toEqual(want.group);
      if (want.count !== undefined) expect(a.count).toBe(want.count);
    });
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
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
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
