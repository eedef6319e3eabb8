/**
 * The event query AST, on the floor so that search and retro-hunt share it: what the search language parser
 * (store/query/parse.ts) and the Sigma retro-hunt
 * translator (detection/hunt/) produce, and what every backend runs (SQLite SQL, OpenSearch DSL, the in-memory
 * reference evaluator in store/query/evaluate.ts, which defines the semantics when in doubt).
 *
 * Semantics shared by every node that compares a field value:
 * - A field is a key of the flat event (decision 0001): `'host.name'`, `'EventID'`, `'cs-uri-query'`.
 * - The "string form" of a value: a string is itself, a finite number is `String(n)`, a boolean is
 *   `'true'`/`'false'`. null, absent, arrays and objects have no string form and never match a value node
 *   (only `exists`, which holds for any present non-null value).
 * - Case-insensitive comparison (`cased: false`, Sigma's default) lowercases both sides with JavaScript's
 *   `toLowerCase()` (Unicode aware, so Vietnamese capitals fold too).
 * - The field `@timestamp` compares as epoch milliseconds in `range` nodes (ISO strings are parsed).
 * - Arrays: a value node holds when any non-null element holds (Sigma engine semantics); `exists` holds for any
 *   present non-null value. Fields are own keys of the event only.
 * - Numbers in `range`: a finite number, or a string that is a finite number after trimming.
 * - The pseudo-field `@keywords` (KEYWORDS_FIELD) is Sigma's keyword search: the event's `message` when it is
 *   a string, else every top-level string value (any may match).
 */
import { ANY, ONE, type PatternPart } from './pattern.js';

export { ANY, ONE, type PatternPart };

/** Pseudo-field of Sigma keyword searches: `message` when a string, else any top-level string value. */
export const KEYWORDS_FIELD = '@keywords';

/** A node of the query tree. */
export type QueryNode =
  /** Matches every event (the empty query). */
  | { kind: 'all' }
  /** Matches no event (e.g. an `or` with no alternative). */
  | { kind: 'none' }
  | { kind: 'and'; args: QueryNode[] }
  | { kind: 'or'; args: QueryNode[] }
  | { kind: 'not'; arg: QueryNode }
  /**
   * The whole string form of the field's value matches the pattern: literal segments and ANY (`*`, any run,
   * possibly empty) / ONE (`?`, exactly one character). A pattern without wildcards is plain equality.
   * Free text in the search language is a `match` on `message` with ANY at both ends (substring).
   */
  | { kind: 'match'; field: string; parts: PatternPart[]; cased: boolean }
  /**
   * Range on the field. Number bounds compare numerically (the value must be a number or a string that is a
   * finite decimal number); string bounds compare the string form by UTF-16 code units (case-sensitive).
   * For `@timestamp` bounds are epoch ms.
   */
  | {
      kind: 'range';
      field: string;
      gt?: number | string;
      gte?: number | string;
      lt?: number | string;
      lte?: number | string;
    }
  /** The field is present with a non-null value. Absence is `not(exists)`. */
  | { kind: 'exists'; field: string }
  /** RE2 regular expression searched (unanchored) in the string form; flags as Sigma's |re|i |re|m |re|s. */
  | { kind: 'regex'; field: string; source: string; i: boolean; m: boolean; s: boolean }
  /** The string form is an IP address (v4 or v6) inside the network (`10.0.0.0/8`, `fe80::/10`). */
  | { kind: 'cidr'; field: string; cidr: string }
  /**
   * Compares two fields of the same event (Sigma |fieldref): `field`'s string form equals / contains / starts
   * with / ends with `other`'s string form. Both must have a string form.
   */
  | {
      kind: 'fieldref';
      field: string;
      other: string;
      mode: 'equals' | 'contains' | 'startswith' | 'endswith';
      cased: boolean;
    }
  /**
   * A UTC time part of the field's timestamp value (ISO string or epoch ms) equals `value` (Sigma |minute |hour
   * |day |week |month |year; month 1-12, week ISO-8601 1-53, day of month 1-31).
   */
  | { kind: 'timepart'; field: string; unit: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year'; value: number };

/** The kinds of nodes, for backends that declare what they cannot express. */
export type QueryKind = QueryNode['kind'];

/** Builders that keep trees small (flatten nested and/or, drop neutral elements). */
export const q = {
  /** Matches everything. */
  all: (): QueryNode => ({ kind: 'all' }),
  /** Matches nothing. */
  none: (): QueryNode => ({ kind: 'none' }),
  /** Conjunction; `and()` is `all`, nested `and`s are flattened, a `none` argument makes it `none`. */
  and(...args: QueryNode[]): QueryNode {
    const out: QueryNode[] = [];
    for (const a of args) {
      if (a.kind === 'all') continue;
      if (a.kind === 'none') return { kind: 'none' };
      if (a.kind === 'and') out.push(...a.args);
      else out.push(a);
    }
    if (out.length === 0) return { kind: 'all' };
    return out.length === 1 ? out[0]! : { kind: 'and', args: out };
  },
  /** Disjunction; `or()` is `none`, nested `or`s are flattened, an `all` argument makes it `all`. */
  or(...args: QueryNode[]): QueryNode {
    const out: QueryNode[] = [];
    for (const a of args) {
      if (a.kind === 'none') continue;
      if (a.kind === 'all') return { kind: 'all' };
      if (a.kind === 'or') out.push(...a.args);
      else out.push(a);
    }
    if (out.length === 0) return { kind: 'none' };
    return out.length === 1 ? out[0]! : { kind: 'or', args: out };
  },
  /** Negation; double negations cancel. */
  not(arg: QueryNode): QueryNode {
    if (arg.kind === 'not') return arg.arg;
    if (arg.kind === 'all') return { kind: 'none' };
    if (arg.kind === 'none') return { kind: 'all' };
    return { kind: 'not', arg };
  },
  /** Case-insensitive equality with a literal (no wildcards). */
  eq: (field: string, value: string, cased = false): QueryNode => ({ kind: 'match', field, parts: [value], cased }),
  /** Wildcard / literal pattern match. */
  match: (field: string, parts: PatternPart[], cased = false): QueryNode => ({ kind: 'match', field, parts, cased }),
  /** The field is present and non-null. */
  exists: (field: string): QueryNode => ({ kind: 'exists', field }),
};

/** Visits every node depth-first (parents before children). */
export function walk(node: QueryNode, visit: (n: QueryNode) => void): void {
  visit(node);
  if (node.kind === 'and' || node.kind === 'or') for (const a of node.args) walk(a, visit);
  else if (node.kind === 'not') walk(node.arg, visit);
}

/** Renders a node back to the search language, for messages, logs and `canhgac hunt --explain`. */
export function toQueryString(node: QueryNode): string {
  switch (node.kind) {
    case 'all':
      return '*';
    case 'none':
      return 'NOT *';
    case 'and':
      return node.args.map((a) => wrap(a)).join(' AND ');
    case 'or':
      return node.args.map((a) => wrap(a)).join(' OR ');
    case 'not':
      return `NOT ${wrap(node.arg)}`;
    case 'match':
      return `${fieldText(node.field)}:${patternText(node.parts)}`;
    case 'range': {
      const lo = node.gte ?? node.gt;
      const hi = node.lte ?? node.lt;
      const single =
        !(node.gt !== undefined && node.gte !== undefined) && !(node.lt !== undefined && node.lte !== undefined);
      if (single && lo !== undefined && hi !== undefined) {
        // One bracket range keeps both bounds on the same array element.
        const open = node.gte !== undefined ? '[' : '{';
        const close = node.lte !== undefined ? ']' : '}';
        return `${fieldText(node.field)}:${open}${valueText(lo)} TO ${valueText(hi)}${close}`;
      }
      const parts: string[] = [];
      if (node.gt !== undefined) parts.push(`${fieldText(node.field)}:>${valueText(node.gt)}`);
      if (node.gte !== undefined) parts.push(`${fieldText(node.field)}:>=${valueText(node.gte)}`);
      if (node.lt !== undefined) parts.push(`${fieldText(node.field)}:<${valueText(node.lt)}`);
      if (node.lte !== undefined) parts.push(`${fieldText(node.field)}:<=${valueText(node.lte)}`);
      return parts.length ? parts.join(' AND ') : `${fieldText(node.field)}:[* TO *]`;
    }
    case 'exists':
      return `_exists_:${fieldText(node.field)}`;
    case 'regex':
      return `${fieldText(node.field)}:/${node.source.replace(/\//g, '\\/')}/${node.i ? 'i' : ''}`;
    case 'cidr':
      return `${fieldText(node.field)}:cidr(${node.cidr})`;
    case 'fieldref':
      return `${fieldText(node.field)}:${node.mode}(field ${node.other})`;
    case 'timepart':
      return `${fieldText(node.field)}:${node.unit}(${node.value})`;
  }
}

function wrap(n: QueryNode): string {
  const text = toQueryString(n);
  const composite = n.kind === 'and' || n.kind === 'or' || (n.kind === 'range' && text.includes(' AND '));
  return composite ? `(${text})` : text;
}

const SPECIAL = /[\s\\:()"*?[\]{}<>=!^~/+-]/;

function fieldText(f: string): string {
  return f.replace(/[\s\\:()"*?[\]{}<>=!^~/+]/g, '\\$&');
}

function valueText(v: number | string): string {
  return typeof v === 'number' ? String(v) : `"${v.replace(/["\\]/g, '\\$&')}"`;
}

function patternText(parts: PatternPart[]): string {
  const literalOnly = parts.every((p) => typeof p === 'string');
  if (literalOnly) {
    const s = parts.join('');
    return s === '' || SPECIAL.test(s) || /^(AND|OR|NOT)$/.test(s) ? `"${s.replace(/["\\]/g, '\\$&')}"` : s;
  }
  return parts
    .map((p) => (p === ANY ? '*' : p === ONE ? '?' : p.replace(/[\s\\:()"*?[\]{}<>=!^~/+-]/g, '\\$&')))
    .join('');
}
