/**
 * The correlation conformance table, shared by the engine tests (in-memory store) and the store conformance
 * runs (Redis): scenarios as data, expected fires as data.
 */
import type { CorrelationRule } from '../../detection/sigma/model.js';
import type { BaseMatch, CorrelationAlert, CorrelationEngine } from '../../detection/correlation/engine.js';
import { correlationRule } from '../../detection/correlation/testing.js';

/** One event in a scenario: time (ms from T0), the base rule(s) it matched, its fields. */
export interface Step {
  t: number;
  rule: string | BaseMatch | BaseMatch[];
  f?: Record<string, unknown>;
}

/** One scenario: rules, events, expected fires (step index, correlation id, value, group, count). */
export interface Case {
  name: string;
  rules: CorrelationRule[];
  steps: Step[];
  fires: Array<{ at: number; corr?: string; value?: number; group?: Record<string, unknown>; count?: number }>;
}

/** The time the steps count from (in the past: times far ahead of the wall clock are replaced by it). */
export const T0 = Date.parse('2024-05-01T08:00:00Z');
let seq = 0;

function toMatches(r: Step['rule']): BaseMatch[] {
  if (typeof r === 'string') return [{ id: r, name: r }];
  return Array.isArray(r) ? r : [r];
}

function stepEvent(s: Step): Record<string, unknown> {
  return { '@timestamp': new Date(T0 + s.t).toISOString(), 'event.id': `e${seq++}`, ...s.f };
}

/** Runs the steps through process(); returns [step index, alert] for each alert. */
export function runSteps(engine: CorrelationEngine, steps: Step[]): Array<[number, CorrelationAlert]> {
  const out: Array<[number, CorrelationAlert]> = [];
  steps.forEach((s, i) => {
    for (const a of engine.process(stepEvent(s), toMatches(s.rule))) out.push([i, a]);
  });
  return out;
}

/** Runs the steps through processAsync(). */
export async function runStepsAsync(
  engine: CorrelationEngine,
  steps: Step[],
): Promise<Array<[number, CorrelationAlert]>> {
  const out: Array<[number, CorrelationAlert]> = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as Step;
    for (const a of await engine.processAsync(stepEvent(s), toMatches(s.rule))) out.push([i, a]);
  }
  return out;
}

/** Compares alerts with a case's expectations (call inside a test). */
export function checkFires(
  c: Case,
  got: Array<[number, CorrelationAlert]>,
  expect: (v: unknown) => {
    toBe(x: unknown): void;
    toEqual(x: unknown): void;
    toBeCloseTo(x: number, d: number): void;
  },
): void {
  expect(got.length).toBe(c.fires.length);
  c.fires.forEach((want, i) => {
    const [at, a] = got[i] as [number, CorrelationAlert];
    expect(at).toBe(want.at);
    if (want.corr) expect(a.correlation.id).toBe(want.corr);
    if (want.value !== undefined) expect(a.value).toBeCloseTo(want.value, 9);
    if (want.group) expect(a.group).toEqual(want.group);
    if (want.count !== undefined) expect(a.count).toBe(want.count);
  });
}

const failed = (ip: string, user = 'root'): Record<string, unknown> => ({ 'source.ip': ip, 'user.name': user });

/** The conformance table: every type and edge, from the specification's examples. */
export const CONFORMANCE_CASES: Case[] = [
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
