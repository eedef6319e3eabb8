/**
 * The value-level comparisons of the query AST, compiled once per node. The in-memory evaluator and the SQLite
 * user functions both call these, so the two agree by construction on what one field value matches; the
 * differential tests then check the boolean structure, the indexed fast paths and full-text pre-filters.
 * Value coercions (text, number, time, IP) are the Sigma engine's own (detection/engine/values.ts), so a
 * retro-hunt answers what the live engine answers.
 */
import RE2 from 're2';
import { inNetwork, numericValue, parseNetwork, scalarText, timePart } from '../../detection/engine/values.js';
import { ANY, ONE, type PatternPart } from './ast.js';

/** A compiled test of one field value (arrays: any non-null element). */
export type ValueTest = (value: unknown) => boolean;

/** The string form of a scalar (see ast.ts): strings, numbers and booleans; undefined otherwise. */
export const stringForm: (v: unknown) => string | undefined = scalarText;

/** The numeric form of a value: a finite number, or a string that is a finite number after trimming. */
export const numericForm: (v: unknown) => number | undefined = numericValue;

/** Epoch ms of a timestamp value (ISO string or number), or undefined. */
export function timeForm(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

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

/**
 * Compiles a wildcard pattern to a string test on an already-folded value. Specialised for the shapes Sigma
 * produces most (equals, startswith, endswith, contains) so the common cases avoid the general matcher.
 */
export function compilePattern(parts: readonly PatternPart[], cased: boolean): (s: string) => boolean {
  const norm: PatternPart[] = [];
  for (const p of parts) {
    if (typeof p === 'string') {
      if (p === '') continue;
      const lit = cased ? p : p.toLowerCase();
      const last = norm[norm.length - 1];
      if (typeof last === 'string') norm[norm.length - 1] = last + lit;
      else norm.push(lit);
    } else if (p === ANY && norm[norm.length - 1] === ANY) {
      // `**` is `*`
    } else norm.push(p);
  }
  const fold = cased ? (s: string) => s : (s: string) => s.toLowerCase();
  const n = norm.length;
  if (n === 0) return (s) => s === '';
  if (n === 1 && typeof norm[0] === 'string') {
    const lit = norm[0];
    return (s) => fold(s) === lit;
  }
  if (n === 1 && norm[0] === ANY) return () => true;
  if (n === 2 && typeof norm[0] === 'string' && norm[1] === ANY) {
    const lit = norm[0];
    return (s) => fold(s).startsWith(lit);
  }
  if (n === 2 && norm[0] === ANY && typeof norm[1] === 'string') {
    const lit = norm[1];
    return (s) => fold(s).endsWith(lit);
  }
  if (n === 3 && norm[0] === ANY && typeof norm[1] === 'string' && norm[2] === ANY) {
    const lit = norm[1];
    return (s) => fold(s).includes(lit);
  }
  return (s) => globMatch(norm, fold(s));
}

/**
 * General wildcard match, linear in practice: literal segments are found with indexOf and the last `*` is the
 * only backtracking point (the classic greedy algorithm), so user patterns cannot blow up.
 */
function globMatch(parts: readonly PatternPart[], s: string): boolean {
  let pi = 0;
  let si = 0;
  let starPi = -1;
  let starSi = 0;
  while (true) {
    if (pi < parts.length) {
      const p = parts[pi]!;
      if (p === ANY) {
        starPi = pi++;
        starSi = si;
        continue;
      }
      if (p === ONE) {
        if (si < s.length) {
          pi++;
          si++;
          continue;
        }
      } else if (s.startsWith(p, si)) {
        pi++;
        si += p.length;
        continue;
      }
    } else if (si === s.length) return true;
    // Mismatch: let the last `*` swallow one more character and retry from there.
    if (starPi < 0) return false;
    starSi++;
    if (starSi > s.length) return false;
    const next = parts[starPi + 1];
    if (typeof next === 'string') {
      // Jump straight to the next place the following literal occurs.
      const at = s.indexOf(next, starSi);
      if (at < 0) return false;
      starSi = at;
    }
    pi = starPi + 1;
    si = starSi;
  }
}

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

const regexCache = new Map<string, RE2 | null>();

/** Compiles an RE2 regex (cached); null when RE2 rejects the source (the node then matches nothing). */
export function compileRegex(source: string, i: boolean, m: boolean, s: boolean): RE2 | null {
  const flags = `${i ? 'i' : ''}${m ? 'm' : ''}${s ? 's' : ''}`;
  const key = `${flags}/${source}`;
  let re = regexCache.get(key);
  if (re === undefined) {
    try {
      re = new RE2(source, flags);
    } catch {
      re = null;
    }
    if (regexCache.size > 10000) regexCache.clear();
    regexCache.set(key, re);
  }
  return re;
}

/** Whether RE2 accepts the regex (translators report the ones it rejects). */
export function regexValid(source: string, i = false, m = false, s = false): boolean {
  return compileRegex(source, i, m, s) !== null;
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

/** Whether a CIDR (or a bare address) parses; translators report the ones that do not. */
export function cidrValid(cidr: string): boolean {
  return parseNetwork(cidr) !== undefined;
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
