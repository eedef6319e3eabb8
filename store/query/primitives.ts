/**
 * The value-level comparisons of the query AST, compiled once per node. The in-memory evaluator and the SQLite
 * user functions both call these, so the two agree by construction on what one field value matches; the
 * differential tests then check the boolean structure, the indexed fast paths and full-text pre-filters.
 */
import ipaddr from 'ipaddr.js';
import RE2 from 're2';
import { ANY, ONE, type PatternPart } from './ast.js';

/** A compiled test of one field value. */
export type ValueTest = (value: unknown) => boolean;

/** The string form of a value (see ast.ts): strings, finite numbers and booleans; undefined otherwise. */
export function stringForm(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

const NUMERIC = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The numeric form of a value: a finite number, or a string holding a finite decimal number. */
export function numericForm(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMERIC.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Epoch ms of a timestamp value (ISO string or number), or undefined. */
export function timeForm(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
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
  return (v) => {
    const s = stringForm(v);
    return s !== undefined && test(s);
  };
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
  return (v) => {
    if (v === null || v === undefined) return false;
    for (const c of checks) if (!c(v)) return false;
    return true;
  };
}

const regexCache = new Map<string, RE2 | null>();

/** Compiles an RE2 regex (cached); null when RE2 rejects the source (the node then matches nothing). */
export function compileRegex(source: string, i: boolean, m: boolean, s: boolean): RE2 | null {
  const flags = `${i ? 'i' : ''}${m ? 'm' : ''}${s ? 's' : ''}u`;
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
  return (v) => {
    const str = stringForm(v);
    return str !== undefined && re.test(str);
  };
}

/** Parses a CIDR, or undefined when it is not one. */
export function parseCidr(cidr: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  try {
    return ipaddr.parseCIDR(cidr.trim());
  } catch {
    return undefined;
  }
}

/** A `cidr` node's value test (IPv4-mapped IPv6 addresses count as IPv4). */
export function cidrTest(cidr: string): ValueTest {
  const net = parseCidr(cidr);
  if (!net) return () => false;
  const kind = net[0].kind();
  return (v) => {
    const s = stringForm(v);
    if (s === undefined || !ipaddr.isValid(s)) return false;
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      addr = ipaddr.process(s);
    } catch {
      return false;
    }
    return addr.kind() === kind && addr.match(net);
  };
}

/** A `fieldref` comparison of two values. */
export function fieldrefTest(
  mode: 'equals' | 'contains' | 'startswith' | 'endswith',
  cased: boolean,
): (a: unknown, b: unknown) => boolean {
  return (a, b) => {
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
}

/** ISO-8601 week number (1-53) of a UTC date. */
function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / 86400000 + 1) / 7);
}

/** A `timepart` node's value test (UTC). */
export function timepartTest(unit: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year', value: number): ValueTest {
  return (v) => {
    const t = timeForm(v);
    if (t === undefined) return false;
    const d = new Date(t);
    switch (unit) {
      case 'minute':
        return d.getUTCMinutes() === value;
      case 'hour':
        return d.getUTCHours() === value;
      case 'day':
        return d.getUTCDate() === value;
      case 'week':
        return isoWeek(d) === value;
      case 'month':
        return d.getUTCMonth() + 1 === value;
      case 'year':
        return d.getUTCFullYear() === value;
    }
  };
}
