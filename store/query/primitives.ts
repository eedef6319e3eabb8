/**
 * The value-level comparisons of the query AST, compiled once per node. The in-memory evaluator and the SQLite
 * user functions both call these, so the two agree by construction on what one field value matches; the
 * differential tests then check the boolean structure, the indexed fast paths and full-text pre-filters.
 * Value coercions (text, number, time, IP) and the wildcard matcher are the floor's (core/event/), shared with
 * the Sigma engine, so a retro-hunt answers what the live engine answers.
 */
import { type PatternPart, patternTest } from '../../core/event/pattern.js';
import { compileRegex } from '../../core/event/regex.js';
import {
  timeForm as eventTime,
  inNetwork,
  numericValue,
  parseNetwork,
  scalarText,
  timePart,
} from '../../core/event/values.js';

/** A compiled test of one field value (arrays: any non-null element). */
export type ValueTest = (value: unknown) => boolean;

/** The string form of a scalar (see core/event/query.ts): strings, numbers and booleans; undefined otherwise. */
export const stringForm: (v: unknown) => string | undefined = scalarText;

/** The numeric form of a value: a finite number, or a string that is a finite number after trimming. */
export const numericForm: (v: unknown) => number | undefined = numericValue;

/** Epoch ms of a timestamp value (ISO string or number), or undefined. */
export const timeForm: (v: unknown) => number | undefined = eventTime;

/** Lifts a scalar test to field values: null/absent never match, an array matches when any element does. */
export function onValue(test: (scalar: unknown) => boolean): ValueTest {
  return (v) => {
    if (v === null || v === undefined) return false;
    if (Array.isArray(v)) {
      for (const e of v) if (e !== null && e !== undefined && test(e)) return true;
      return false;
    }
    return test(v);
  };
}

/** Compiles a wildcard pattern to a test of an unfolded string value: the floor's one glob matcher. */
export const compilePattern: (parts: readonly PatternPart[], cased: boolean) => (s: string) => boolean = patternTest;

/** A `match` node's value test. */
export function matchTest(parts: readonly PatternPart[], cased: boolean): ValueTest {
  const test = compilePattern(parts, cased);
  return onValue((v) => {
    const s = stringForm(v);
    return s !== undefined && test(s);
  });
}

/** Range bounds of a `range` node. */
export interface RangeBounds {
  gt?: number | string;
  gte?: number | string;
  lt?: number | string;
  lte?: number | string;
}

/** A `range` node's value test; `time` compares timestamps as epoch ms (the `@timestamp` field). */
export function rangeTest(b: RangeBounds, time = false): ValueTest {
  const checks: ((v: unknown) => boolean)[] = [];
  const add = (bound: number | string | undefined, ok: (c: number) => boolean) => {
    if (bound === undefined) return;
    if (time) {
      const t = typeof bound === 'number' ? bound : Date.parse(bound);
      checks.push((v) => {
        const x = timeForm(v);
        return x !== undefined && !Number.isNaN(t) && ok(x < t ? -1 : x > t ? 1 : 0);
      });
    } else if (typeof bound === 'number') {
      checks.push((v) => {
        const x = numericForm(v);
        return x !== undefined && ok(x < bound ? -1 : x > bound ? 1 : 0);
      });
    } else {
      checks.push((v) => {
        const x = stringForm(v);
        return x !== undefined && ok(x < bound ? -1 : x > bound ? 1 : 0);
      });
    }
  };
  add(b.gt, (c) => c > 0);
  add(b.gte, (c) => c >= 0);
  add(b.lt, (c) => c < 0);
  add(b.lte, (c) => c <= 0);
  return onValue((v) => {
    for (const c of checks) if (!c(v)) return false;
    return true;
  });
}

/** A `regex` node's value test: unanchored search in the string form. */
export function regexTest(source: string, i: boolean, m: boolean, s: boolean): ValueTest {
  const re = compileRegex(source, i, m, s);
  if (!re) return () => false;
  return onValue((v) => {
    const str = stringForm(v);
    return str !== undefined && re.test(str);
  });
}

/** A `cidr` node's value test: string values only, IPv4 four-part decimal, IPv4-mapped IPv6 counts as IPv4. */
export function cidrTest(cidr: string): ValueTest {
  const net = parseNetwork(cidr);
  if (!net) return () => false;
  return onValue((v) => typeof v === 'string' && inNetwork(v, net));
}

/** A `fieldref` comparison of two values. */
export function fieldrefTest(
  mode: 'equals' | 'contains' | 'startswith' | 'endswith',
  cased: boolean,
): (a: unknown, b: unknown) => boolean {
  const one = (a: unknown, b: unknown): boolean => {
    let x = stringForm(a);
    let y = stringForm(b);
    if (x === undefined || y === undefined) return false;
    if (!cased) {
      x = x.toLowerCase();
      y = y.toLowerCase();
    }
    switch (mode) {
      case 'equals':
        return x === y;
      case 'contains':
        return x.includes(y);
      case 'startswith':
        return x.startsWith(y);
      case 'endswith':
        return x.endsWith(y);
    }
  };
  // The first field may be an array (any element); the other is compared as one scalar, as the engine does.
  return (a, b) => onValue((e) => one(e, b))(a);
}

/** A `timepart` node's value test (UTC). */
export function timepartTest(unit: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year', value: number): ValueTest {
  return onValue((v) => timePart(v, unit) === value);
}
