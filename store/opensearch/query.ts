/**
 * The query AST (core/event/query.ts) as OpenSearch query DSL, against the events mapping
 * (mappings/events.json): every value is a keyword holding its string form, `<field>.lc` is the same value
 * lowercased by the `lowercase` normalizer (Unicode aware, so Vietnamese capitals fold like JavaScript's
 * toLowerCase), `<field>.num` its number, `<field>.ip` (address-like fields) its IP.
 * Limits, each refused with CANHGAC_ERR_STORE_INVALID rather than answered wrongly: regex features Lucene
 * lacks (`\b` inside a pattern, backreferences, lookaround, Unicode classes), time parts of fields that are not
 * dates, field references on `@timestamp`/`message`. Case-insensitive regexes fold ASCII only (Lucene's case_insensitive flag).
 */
import { ANY, KEYWORDS_FIELD, ONE, type PatternPart, type QueryNode } from '../../core/event/query.js';
import { storeError } from '../errors.js';
import type { Scope } from '../types.js';
import { KEYWORDS_INDEX_FIELD, LONG_FIELD, LONG_LC_FIELD, PRESENT_FIELD } from './shape.js';

/** A query DSL object. */
export type Dsl = Record<string, unknown>;

/** Fields mapped as dates (no keyword form: matched by value, ranges in epoch ms). */
export const DATE_FIELDS: ReadonlySet<string> = new Set(['@timestamp', 'event.ingested']);

/** Fields without doc values (scripts cannot read them): `message` is searched through its wildcard `lc`. */
const NO_DOC_VALUES: ReadonlySet<string> = new Set(['message', 'event.original']);

const MATCH_ALL: Dsl = { match_all: {} };
const MATCH_NONE: Dsl = { match_none: {} };

function unsupported(what: string): Error {
  return storeError('CANHGAC_ERR_STORE_INVALID', { reason: `the OpenSearch store cannot run ${what}` });
}

/**
 * Translates a query tree to DSL (filter context: no scoring). Sigma's keyword pseudo-field runs on `message`
 * and on the indexed top-level strings of events without a string message (see shape.ts).
 */
export function toDsl(node: QueryNode): Dsl {
  if ('field' in node && node.field === KEYWORDS_FIELD) {
    return {
      bool: {
        should: [fieldDsl({ ...node, field: 'message' }), fieldDsl({ ...node, field: KEYWORDS_INDEX_FIELD })],
        minimum_should_match: 1,
      },
    };
  }
  return fieldDsl(node);
}

function fieldDsl(node: QueryNode): Dsl {
  switch (node.kind) {
    case 'all':
      return MATCH_ALL;
    case 'none':
      return MATCH_NONE;
    case 'and':
      return { bool: { filter: node.args.map(toDsl) } };
    case 'or':
      return { bool: { should: node.args.map(toDsl), minimum_should_match: 1 } };
    case 'not':
      return { bool: { must_not: [toDsl(node.arg)] } };
    case 'exists':
      // Values that index nothing by themselves (objects, empty lists) are recorded as present.
      return {
        bool: {
          should: [{ exists: { field: node.field } }, { term: { [PRESENT_FIELD]: node.field } }],
          minimum_should_match: 1,
        },
      };
    case 'match':
      return orLong(node.field, node.cased, (target) => matchDsl(node.field, node.parts, node.cased, target));
    case 'range':
      return rangeDsl(node);
    case 'regex':
      return orLong(node.field, true, (target) => regexDsl(node.field, node.source, node.i, node.m, node.s, target));
    case 'cidr':
      return cidrDsl(node.field, node.cidr);
    case 'fieldref':
      return fieldrefDsl(node.field, node.other, node.mode, node.cased);
    case 'timepart':
      return timepartDsl(node.field, node.unit, node.value);
  }
}

/** The filter that confines a query to a scope (the tenancy rule: added to every read, in the store). */
export function scopeFilter(scope: Scope, field = 'agency.id'): Dsl | undefined {
  return scope.kind === 'all' ? undefined : { term: { [field]: scope.agencyId } };
}

/** Query, scope and time range combined into one filter-context query. */
export function searchQuery(scope: Scope, node: QueryNode, from?: number, to?: number): Dsl {
  const filter: Dsl[] = [toDsl(node)];
  const s = scopeFilter(scope);
  if (s) filter.push(s);
  if (from !== undefined || to !== undefined) {
    const r: Dsl = { format: 'epoch_millis' };
    if (from !== undefined) r.gte = from;
    if (to !== undefined) r.lt = to;
    filter.push({ range: { '@timestamp': r } });
  }
  return { bool: { filter } };
}

/** Wildcard-query text of a pattern: `*`, `?` and `\` in literals escaped. */
function wildcardText(parts: PatternPart[], lower: boolean): string {
  let out = '';
  for (const p of parts) {
    if (p === ANY) out += '*';
    else if (p === ONE) out += '?';
    else out += (lower ? p.toLowerCase() : p).replace(/[\\*?]/g, '\\$&');
  }
  return out;
}

/**
 * A string query on a field, or on the wildcard copy of values too long for its keyword (shape.ts). `build`
 * gets the field to query (undefined: the field's own keyword form).
 */
function orLong(field: string, cased: boolean, build: (target?: string) => Dsl): Dsl {
  const own = build();
  if (DATE_FIELDS.has(field) || NO_DOC_VALUES.has(field) || field === KEYWORDS_INDEX_FIELD) return own;
  const long = build(`${cased ? LONG_FIELD : LONG_LC_FIELD}.${field}`);
  return { bool: { should: [own, long], minimum_should_match: 1 } };
}

function matchDsl(field: string, parts: PatternPart[], cased: boolean, longTarget?: string): Dsl {
  const isDate = DATE_FIELDS.has(field);
  const target = longTarget ?? (cased || isDate ? field : `${field}.lc`);
  const lower = !cased && !isDate;
  let literal = true;
  let anyCount = 0;
  for (const p of parts) {
    if (p === ANY) anyCount++;
    if (typeof p !== 'string') literal = false;
  }
  if (literal) {
    const v = parts.join('');
    return { term: { [target]: lower ? v.toLowerCase() : v } };
  }
  if (isDate) throw unsupported(`a wildcard pattern on the date field ${field}`);
  // Only ANY parts: any value with a string form.
  if (anyCount === parts.length) return { exists: { field: longTarget ?? field } };
  const last = parts[parts.length - 1];
  const head = parts.slice(0, -1);
  if (last === ANY && head.every((p) => typeof p === 'string')) {
    const v = head.join('');
    return { prefix: { [target]: lower ? v.toLowerCase() : v } };
  }
  return { wildcard: { [target]: { value: wildcardText(parts, lower) } } };
}

function rangeDsl(node: Extract<QueryNode, { kind: 'range' }>): Dsl {
  const num: Dsl = {};
  const str: Dsl = {};
  for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
    const v = node[op];
    if (v === undefined) continue;
    if (typeof v === 'number') num[op] = v;
    else str[op] = v;
  }
  const hasNum = Object.keys(num).length > 0;
  const hasStr = Object.keys(str).length > 0;
  if (DATE_FIELDS.has(node.field)) {
    if (hasStr) throw unsupported(`a string bound on the date field ${node.field}`);
    return hasNum ? { range: { [node.field]: { ...num, format: 'epoch_millis' } } } : { exists: { field: node.field } };
  }
  const out: Dsl[] = [];
  if (hasNum) out.push({ range: { [`${node.field}.num`]: num } });
  if (hasStr) out.push({ range: { [node.field]: str } });
  if (out.length === 0) return { exists: { field: node.field } };
  return out.length === 1 ? out[0]! : { bool: { filter: out } };
}

function cidrDsl(field: string, cidr: string): Dsl {
  // Address-like fields carry an `ip` subfield; a term query on it accepts CIDR notation.
  return { term: { [`${field}.ip`]: cidr } };
}

const PAINLESS_FIELDREF =
  "if (!doc.containsKey(params.a) || !doc.containsKey(params.b)) return false; def x = doc[params.a]; def y = doc[params.b]; if (x.size() != 1 || y.size() != 1) return false; String s = x.value.toString(); String t = y.value.toString(); if (!params.cased) { s = s.toLowerCase(); t = t.toLowerCase(); } if (params.mode == 'equals') return s.equals(t); if (params.mode == 'contains') return s.contains(t); if (params.mode == 'startswith') return s.startsWith(t); return s.endsWith(t);";

function fieldrefDsl(field: string, other: string, mode: string, cased: boolean): Dsl {
  for (const f of [field, other]) {
    if (DATE_FIELDS.has(f) || NO_DOC_VALUES.has(f)) throw unsupported(`a field reference on ${f}`);
  }
  return {
    script: { script: { lang: 'painless', source: PAINLESS_FIELDREF, params: { a: field, b: other, mode, cased } } },
  };
}

const PAINLESS_TIMEPART =
  "if (!doc.containsKey(params.f) || doc[params.f].size() == 0) return false; def t = doc[params.f].value; int v; if (params.u == 'minute') v = t.getMinute(); else if (params.u == 'hour') v = t.getHour(); else if (params.u == 'day') v = t.getDayOfMonth(); else if (params.u == 'month') v = t.getMonthValue(); else if (params.u == 'year') v = t.getYear(); else v = t.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR); return v == params.v;";

function timepartDsl(field: string, unit: string, value: number): Dsl {
  if (!DATE_FIELDS.has(field)) throw unsupported(`a time part of ${field}, which is not mapped as a date`);
  return {
    script: { script: { lang: 'painless', source: PAINLESS_TIMEPART, params: { f: field, u: unit, v: value } } },
  };
}

function regexDsl(field: string, source: string, i: boolean, m: boolean, s: boolean, target = field): Dsl {
  if (DATE_FIELDS.has(field)) throw unsupported(`a regular expression on the date field ${field}`);
  let src = source;
  let ci = i;
  if (src.startsWith('(?i)')) {
    ci = true;
    src = src.slice(4);
  }
  return {
    regexp: {
      [target]: {
        value: re2ToLucene(src, m, s, ci),
        flags: 'NONE',
        case_insensitive: ci,
        max_determinized_states: 20000,
      },
    },
  };
}

const LUCENE_RESERVED = /["<>#@&~]/;
const CLASS_ESCAPES: Record<string, string> = { d: '0-9', w: 'a-zA-Z0-9_', s: ' \t\n\r\f\v' };
const LITERAL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' };

/**
 * An RE2 search pattern (unanchored) as a Lucene regexp (which always matches the whole value): `.*` added
 * where the pattern is not anchored, classes spelled out, non-capturing groups made plain, lazy quantifiers
 * made greedy (same set of matching values), Lucene's extra operators escaped.
 */
export function re2ToLucene(src: string, m: boolean, s: boolean, ci = false): string {
  let body = src;
  let anchoredStart = false;
  let anchoredEnd = false;
  if (body.startsWith('^')) {
    anchoredStart = true;
    body = body.slice(1);
  }
  if (body.endsWith('$') && !isEscaped(body, body.length - 1)) {
    anchoredEnd = true;
    body = body.slice(0, -1);
  }
  // Lucene has no \b. At either end of the pattern, next to a word character or a group, it means "the
  // value's edge or a non-word character there", which whole-value matching can spell out; elsewhere refuse.
  let boundaryStart = false;
  let boundaryEnd = false;
  if (body.startsWith('\\b') && /[\w(]/.test(body[2] ?? '')) {
    boundaryStart = true;
    body = body.slice(2);
  }
  if (body.endsWith('\\b') && !isEscaped(body, body.length - 2) && /[\w)]/.test(body[body.length - 3] ?? '')) {
    boundaryEnd = true;
    body = body.slice(0, -2);
  }
  let out = '';
  let inClass = false;
  for (let k = 0; k < body.length; k++) {
    const c = body[k]!;
    if (c === '\\') {
      const n = body[k + 1];
      if (n === undefined) throw unsupported('a regular expression ending in a backslash');
      k++;
      const lower = n.toLowerCase();
      if (lower in CLASS_ESCAPES) {
        const cls = CLASS_ESCAPES[lower]!;
        if (n === lower) out += inClass ? cls : `[${cls}]`;
        else if (inClass) throw unsupported(`\\${n} inside a character class`);
        else out += `[^${cls}]`;
      } else if (n in LITERAL_ESCAPES) out += LITERAL_ESCAPES[n];
      else if (/[a-zA-Z0-9]/.test(n)) throw unsupported(`the regular expression escape \\${n}`);
      else out += `\\${n}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (ci && isAsciiLetter(c)) {
        // Lucene's case_insensitive folds literals, not classes: spell both cases out.
        const hi = body[k + 2];
        if (body[k + 1] === '-' && hi !== undefined && isAsciiLetter(hi) && isLower(c) === isLower(hi)) {
          out += `${c}-${hi}${swapCase(c)}-${swapCase(hi)}`;
          k += 2;
        } else out += c + swapCase(c);
        continue;
      }
      out += LUCENE_RESERVED.test(c) ? `\\${c}` : c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (body[k + 1] === '^') {
        out += '^';
        k++;
      }
      if (body[k + 1] === ']') {
        out += '\\]';
        k++;
      }
      continue;
    }
    if (c === '(' && body[k + 1] === '?') {
      if (body[k + 2] === ':') k += 2;
      else if (body[k + 2] === 'P' && body[k + 3] === '<') k = body.indexOf('>', k) === -1 ? k : body.indexOf('>', k);
      else throw unsupported('regular expression flags or lookaround inside a pattern');
      out += '(';
      continue;
    }
    if ((c === '*' || c === '+' || c === '?' || c === '}') && body[k + 1] === '?') {
      out += c;
      k++;
      continue;
    }
    if (c === '^' || c === '$') throw unsupported('an anchor in the middle of a regular expression');
    if (c === '.') {
      out += s ? '.' : '[^\n]';
      continue;
    }
    out += LUCENE_RESERVED.test(c) ? `\\${c}` : c;
  }
  const start = anchoredStart ? (m ? '(.*\n)?' : '') : boundaryStart ? '(.*[^a-zA-Z0-9_])?' : '.*';
  const end = anchoredEnd ? (m ? '(\n.*)?' : '') : boundaryEnd ? '([^a-zA-Z0-9_].*)?' : '.*';
  return `${start}(${out})${end}`;
}

function isAsciiLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function isLower(c: string): boolean {
  return c >= 'a' && c <= 'z';
}

function swapCase(c: string): string {
  return isLower(c) ? c.toUpperCase() : c.toLowerCase();
}

function isEscaped(str: string, at: number): boolean {
  let n = 0;
  for (let k = at - 1; k >= 0 && str[k] === '\\'; k--) n++;
  return n % 2 === 1;
}
