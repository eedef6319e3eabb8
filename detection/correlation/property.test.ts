/**
 * The windowed engine against a brute-force reference that re-reads every event of the group on each
 * arrival, on random timestamp sequences with duplicates and out-of-order arrivals.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { CorrelationCondition, CorrelationType } from '../sigma/model.js';
import { neededEntries } from './compile.js';
import { CorrelationEngine } from './engine.js';
import { correlationRule } from './testing.js';
import { conditionHolds } from './window.js';

interface Ev {
  ts: number;
  group: string;
  value: number;
  rule: number;
}

interface Fire {
  at: number;
  group: string;
  value: number;
  count: number;
  firstTs: number;
  lastTs: number;
}

const RULES = ['r0', 'r1', 'r2'];

/** The specification of the semantics, written the slow and obvious way. */
function reference(
  type: CorrelationType,
  events: Ev[],
  span: number,
  lateness: number,
  cond: CorrelationCondition | undefined,
  cap: number,
  suppress = 0,
): Fire[] {
  const groups = new Map<string, { kept: Array<Ev & { seq: number }>; newest: number; quietUntil: number }>();
  const fires: Fire[] = [];
  events.forEach((e, i) => {
    let g = groups.get(e.group);
    if (!g) {
      g = { kept: [], newest: Number.NEGATIVE_INFINITY, quietUntil: Number.NEGATIVE_INFINITY };
      groups.set(e.group, g);
    }
    if (e.ts <= g.newest - span || g.newest - e.ts > lateness) return;
    g.kept.push({ ...e, seq: i });
    g.newest = Math.max(g.newest, e.ts);
    const newest = g.newest;
    let win = g.kept.filter((x) => x.ts > newest - span).sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    if (win.length > cap) {
      // The per-group entry cap evicts the oldest entries of the window.
      const gone = new Set(win.slice(0, win.length - cap));
      g.kept = g.kept.filter((x) => !gone.has(x));
      win = win.slice(win.length - cap);
    }
    let v: number;
    if (type === 'event_count') v = win.length;
    else if (type === 'value_count') v = new Set(win.map((x) => x.value)).size;
    else if (type === 'value_sum') v = win.reduce((s, x) => s + x.value, 0);
    else if (type === 'temporal') v = new Set(win.map((x) => x.rule)).size;
    else {
      v = 0;
      for (const x of win) if (x.rule === v) v++;
    }
    const holds = cond ? conditionHolds(cond, v) : v === RULES.length;
    if (holds) {
      if (newest >= g.quietUntil) {
        fires.push({
          at: i,
          group: e.group,
          value: v,
          count: win.length,
          firstTs: win[0]?.ts as number,
          lastTs: newest,
        });
        if (suppress > 0) g.quietUntil = newest + suppress;
      }
      g.kept = [];
    }
  });
  return fires;
}

const condArb: fc.Arbitrary<CorrelationCondition> = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map((n) => ({ gte: n })),
  fc.integer({ min: 0, max: 5 }).map((n) => ({ gt: n })),
  fc.integer({ min: 1, max: 5 }).map((n) => ({ eq: n })),
  fc.integer({ min: 1, max: 5 }).map((n) => ({ gt: n, lte: n + 2 })),
  fc.integer({ min: 2, max: 4 }).map((n) => ({ lt: n })),
  fc.integer({ min: 1, max: 3 }).map((n) => ({ neq: n })),
);

const eventsArb = fc
  .array(
    fc.record({
      step: fc.integer({ min: 0, max: 10 }),
      jitter: fc.integer({ min: -8, max: 0 }),
      group: fc.constantFrom('a', 'b'),
      value: fc.integer({ min: 0, max: 5 }),
      rule: fc.integer({ min: 0, max: 2 }),
    }),
    { maxLength: 60 },
  )
  .map((xs) => {
    let clock = 0;
    return xs.map((x) => {
      clock += x.step;
      return { ts: clock + x.jitter, group: x.group, value: x.value, rule: x.rule };
    });
  });

function engineFires(
  type: CorrelationType,
  events: Ev[],
  span: number,
  lateness: number,
  cond: CorrelationCondition | undefined,
  cap: number,
  suppress = 0,
): Fire[] {
  const valueType = type === 'value_count' || type === 'value_sum';
  const condition = cond && valueType ? { ...cond, field: 'v' } : cond;
  const engine = new CorrelationEngine(
    [
      correlationRule({
        id: 'p',
        type,
        rules: type === 'temporal' || type === 'temporal_ordered' ? RULES : ['r0'],
        groupBy: ['g'],
        timespanMs: span,
        ...(condition ? { condition } : {}),
      }),
    ],
    { allowedLatenessMs: lateness, maxEntriesPerGroup: cap, suppressMs: suppress },
  );
  const fires: Fire[] = [];
  events.forEach((e, i) => {
    const rule = type === 'temporal' || type === 'temporal_ordered' ? (RULES[e.rule] as string) : 'r0';
    for (const a of engine.process({ g: e.group, v: e.value }, [{ id: rule }], e.ts)) {
      fires.push({
        at: i,
        group: a.group.g as string,
        value: a.value,
        count: a.count,
        firstTs: a.firstTs,
        lastTs: a.lastTs,
      });
    }
  });
  return fires;
}

/** The cap the engine applies: the option, at least the rule count, raised to a count threshold. */
function effectiveCap(
  type: CorrelationType,
  cond: CorrelationCondition | undefined,
  cap: number,
  rules: number,
): number {
  const counting = type === 'event_count' || type === 'value_count';
  const need = counting
    ? neededEntries(correlationRule({ type, rules: ['r0'], ...(cond ? { condition: cond } : {}) }))
    : 1;
  return Math.max(cap, rules, need);
}

const params = fc.record({
  span: fc.integer({ min: 1, max: 60 }),
  lateness: fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 0, max: 10 })),
  cap: fc.oneof(fc.constant(10_000), fc.integer({ min: 1, max: 8 })),
  suppress: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 })),
});

describe('windowed engine = brute-force reference', () => {
  for (const type of ['event_count', 'value_count', 'value_sum'] as const) {
    it(`${type} on random sequences`, () => {
      fc.assert(
        fc.property(eventsArb, params, condArb, (events, p, cond) => {
          const c = type === 'value_sum' ? { ...cond } : cond;
          expect(engineFires(type, events, p.span, p.lateness, c, p.cap, p.suppress)).toEqual(
            reference(type, events, p.span, p.lateness, c, effectiveCap(type, c, p.cap, 1), p.suppress),
          );
        }),
        { numRuns: 300 },
      );
    });
  }
  for (const type of ['temporal', 'temporal_ordered'] as const) {
    it(`${type} on random sequences (all rules, or a condition on rules present)`, () => {
      fc.assert(
        fc.property(eventsArb, params, fc.option(condArb, { nil: undefined }), (events, p, cond) => {
          expect(engineFires(type, events, p.span, p.lateness, cond, p.cap, p.suppress)).toEqual(
            reference(
              type,
              events,
              p.span,
              p.lateness,
              cond,
              effectiveCap(type, cond, p.cap, RULES.length),
              p.suppress,
            ),
          );
        }),
        { numRuns: 200 },
      );
    });
  }
});
