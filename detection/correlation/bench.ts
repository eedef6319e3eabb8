/**
 * Quick self-check of the correlation engine's speed with the in-memory store: 7 correlations (one per type)
 * over 3 base rules, events from 65 536 source addresses, each event matching one base rule. Prints
 * events/s on one core, alerts, groups held and RSS. Run after a build:
 * `node dist/detection/correlation/bench.js [seconds] [sources]`.
 */
import type { CorrelationRule } from '../sigma/model.js';
import { CorrelationEngine } from './engine.js';
import { correlationRule } from './testing.js';

const rules: CorrelationRule[] = [
  correlationRule({
    id: 'ec',
    type: 'event_count',
    rules: ['ssh_failed'],
    groupBy: ['src_ip'],
    timespanMs: 300_000,
    condition: { gte: 50 },
  }),
  correlationRule({
    id: 'vc',
    type: 'value_count',
    rules: ['fw_drop'],
    groupBy: ['src_ip'],
    timespanMs: 60_000,
    condition: { field: 'dst_port', gte: 40 },
  }),
  correlationRule({
    id: 'tp',
    type: 'temporal',
    rules: ['ssh_failed', 'fw_drop', 'web'],
    groupBy: ['src_ip'],
    timespanMs: 600_000,
  }),
  correlationRule({
    id: 'to',
    type: 'temporal_ordered',
    rules: ['fw_drop', 'ssh_failed'],
    groupBy: ['src_ip'],
    timespanMs: 600_000,
  }),
  correlationRule({
    id: 'vs',
    type: 'value_sum',
    rules: ['web'],
    groupBy: ['src_ip'],
    timespanMs: 3_600_000,
    condition: { field: 'bytes', gt: 50_000_000 },
  }),
  correlationRule({
    id: 'va',
    type: 'value_avg',
    rules: ['web'],
    groupBy: ['src_ip'],
    timespanMs: 3_600_000,
    condition: { field: 'bytes', gt: 990_000 },
  }),
  correlationRule({
    id: 'vp',
    type: 'value_percentile',
    rules: ['web'],
    groupBy: ['src_ip'],
    timespanMs: 600_000,
    condition: { field: 'bytes', percentile: 95, gt: 999_000 },
  }),
];

const seconds = Number(process.argv[2] ?? 5);
const engine = new CorrelationEngine(rules, { maxEntriesPerGroup: 200 });
const names = ['ssh_failed', 'fw_drop', 'web'];
const matchSets = names.map((n) => [{ id: `${n}-id`, name: n }]);
// Distinct source addresses (argv[3]); the default overflows the 100 000-group cap, so eviction is measured too.
const N = Number(process.argv[3] ?? 65_536);
const events = Array.from({ length: N }, (_, i) => ({
  src_ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  dst_port: (i * 17) % 1024,
  bytes: (i * 7919) % 1_000_000,
  'event.id': `e${i}`,
}));
let n = 0;
let alerts = 0;
let ts = Date.parse('2024-05-01T00:00:00Z');
const t0 = process.hrtime.bigint();
const deadline = t0 + BigInt(Math.round(seconds * 1e9));
while (process.hrtime.bigint() < deadline) {
  for (let i = 0; i < 10_000; i++) {
    const ev = events[n % N] as (typeof events)[number];
    ts += 3;
    alerts += engine.process(ev, matchSets[n % 3] as { id: string; name: string }[], ts).length;
    n++;
  }
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const s = engine.stats();
console.log(
  JSON.stringify({
    bench: 'correlation',
    eventsPerSec: Math.round(n / secs),
    events: n,
    alerts,
    groups: s.groups,
    entries: s.entries,
    evictedEntries: s.evictedEntries,
    rssMB: Math.round(process.memoryUsage().rss / 1e6),
  }),
);
