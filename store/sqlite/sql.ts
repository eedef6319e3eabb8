/**
 * Query AST -> SQLite WHERE clause. Value comparisons call user functions (functions.ts) that run the very
 * primitives of the reference evaluator, so semantics are identical; the SQL around them adds the fast paths:
 * indexed envelope columns (time, agency, lowercased host and logsource) and an FTS5 trigram pre-filter for
 * substring searches on `message`. Every emitted expression is 0/1, except an entity column's test, which is
 * NULL for an absent field (a plain `=` is what an index serves) and which NOT reads as 0.
 */
import { ANY, KEYWORDS_FIELD, ONE, type PatternPart, type QueryNode } from '../../core/event/query.js';
import { ARRAY_MARK, ENTITY_COLUMNS } from './entity-columns.js';

/** A compiled WHERE fragment and its positional parameters. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/** Envelope fields stored lowercased (JavaScript toLowerCase of the string form) in an indexed column. */
export const FOLDED_COLUMNS: Readonly<Record<string, string>> = {
  'host.name': 'host',
  'logsource.product': 'product',
  'logsource.category': 'category',
  'logsource.service': 'service',
};

/** The JSON path of a flat field inside the `doc` column, or undefined when it cannot be quoted safely. */
export function jsonPath(field: string): string | undefined {
  return /["\\]/.test(field) || /[\u0000-\u001f]/.test(field) ? undefined : `$."${field}"`;
}

/**
 * A SQL text literal, for the constants the compiler itself makes (JSON paths without quotes or control
 * characters, JSON-serialised nodes, which escape control characters): inlining them keeps Sigma rules with
 * thousands of values under SQLite's limit of 32766 bound parameters. User text stays in bound parameters.
 */
function sqlText(s: string): string {
  if (s.includes('\u0000')) throw new Error('NUL in a compiler constant');
  return `'${s.replace(/'/g, "''")}'`;
}

/** SQL for the JSON text of a field's value (NULL when absent). */
function valueSql(field: string, params: unknown[]): string {
  if (field === KEYWORDS_FIELD) {
    // The message when it is a string (cheap), else every top-level string value (parsed in JavaScript).
    return `CASE WHEN json_type(doc, '$."message"') = 'text' THEN doc -> '$."message"' ELSE cg_kw(json(doc)) END`;
  }
  const path = jsonPath(field);
  if (path !== undefined) return `doc -> ${sqlText(path)}`;
  // Names SQLite's JSON path syntax cannot quote: read them in JavaScript (slow, but exact).
  params.push(field);
  return 'cg_field(json(doc), ?)';
}

/** The longest literal segment of a pattern (for index and FTS pre-filters). */
function longestLiteral(parts: readonly PatternPart[]): string {
  let best = '';
  for (const p of parts) if (typeof p === 'string' && p.length > best.length) best = p;
  return best;
}

/** Whether the FTS5 trigram tokenizer folds this text the way JavaScript's toLowerCase does (ASCII only). */
function ftsSafe(s: string): boolean {
  return s.length >= 3 && /^[\x20-\x7e]+$/.test(s);
}

/**
 * The FTS5 query for a literal: every distinct trigram of it, ANDed. The index keeps no positions (detail=none,
 * see db.ts), so this over-approximates "contains the literal" (the trigrams may sit apart); the exact test is
 * always ANDed after the pre-filter, so answers stay exact.
 */
export function ftsMatch(lit: string): string {
  const tri = new Set<string>();
  for (let i = 0; i + 3 <= lit.length; i++) tri.add(lit.slice(i, i + 3));
  return [...tri].map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
}

/** Planner hints from the store. */
export interface SqlOptions {
  /**
   * Whether the FTS pre-filter pays for this literal (it is selective). Without it a substring search scans in
   * time order and stops at the page size, which beats materialising every match of a common word.
   */
  ftsUseful?: (literal: string) => boolean;
}

interface Ctx {
  params: unknown[];
  opts: SqlOptions;
}

/** Compiles a query node to a WHERE fragment over the `events` table (alias-free). */
export function toSql(node: QueryNode, opts: SqlOptions = {}): SqlFragment {
  const ctx: Ctx = { params: [], opts };
  const sql = emit(node, ctx);
  return { sql, params: ctx.params };
}

function emit(node: QueryNode, ctx: Ctx): string {
  const params = ctx.params;
  switch (node.kind) {
    case 'all':
      return '1';
    case 'none':
      return '0';
    case 'and':
      return balanced(node.args, ' AND ', ctx);
    case 'or': {
      // A list of event ids (the events of an incident): one IN on the unique id column instead of a JSON read
      // per row and id.
      const ids = node.args.map(eventIdOf);
      if (ids.length > 0 && ids.every((x) => x !== undefined)) {
        ctx.params.push(...ids);
        return `(events.id IN (${ids.map(() => '?').join(', ')}))`;
      }
      return balanced(node.args, ' OR ', ctx);
    }
    case 'not':
      // An entity column's test is NULL for an absent field (a "no" everywhere else): NOT reads it as 0.
      return `(NOT coalesce(${emit(node.arg, ctx)}, 0))`;
    case 'exists': {
      const v = valueSql(node.field, params);
      return `coalesce(${v} <> 'null', 0)`;
    }
    case 'match':
      return emitMatch(node, ctx);
    case 'range':
      if (node.field === '@timestamp') return emitTimeRange(node, params);
      return emitValueFn(node.field, node, params);
    case 'regex':
    case 'cidr':
    case 'timepart':
      return emitValueFn(node.field, node, params);
    case 'fieldref': {
      const a = valueSql(node.field, params);
      const b = valueSql(node.other, params);
      return `cg_ref(${a}, ${b}, ${sqlText(JSON.stringify(node))})`;
    }
  }
}

/**
 * `a OR b OR c ...` parses into a left-deep tree as deep as the list is long, and SQLite refuses trees deeper
 * than 1000 (Sigma rules list hundreds of values): emit long lists as balanced groups of at most 16 instead.
 */
function balanced(args: readonly QueryNode[], op: string, ctx: Ctx): string {
  if (args.length <= 16) return `(${args.map((a) => emit(a, ctx)).join(op)})`;
  const size = Math.ceil(args.length / 16);
  const groups: string[] = [];
  for (let i = 0; i < args.length; i += size) groups.push(balanced(args.slice(i, i + size), op, ctx));
  return `(${groups.join(op)})`;
}

function emitValueFn(field: string, node: QueryNode, params: unknown[]): string {
  const v = valueSql(field, params);
  return `cg_v(${v}, ${sqlText(JSON.stringify(node))})`;
}

/** A LIKE pattern (escape `\\`) for a case-insensitive wildcard pattern, literals folded by JavaScript. */
function likePattern(parts: readonly PatternPart[]): string {
  let out = '';
  for (const p of parts) {
    if (p === ANY) out += '%';
    else if (p === ONE) out += '_';
    else out += p.toLowerCase().replace(/[\\%_]/g, '\\$&');
  }
  return out;
}

/**
 * Case-insensitive pattern match on a payload field without calling JavaScript for the common case: a text
 * value made only of printable ASCII is decided by LIKE (ASCII case folding equals toLowerCase there, `_` is one
 * character either way); anything else (non-ASCII text, numbers, booleans, arrays) goes to the exact function.
 */
function emitLike(node: Extract<QueryNode, { kind: 'match' }>, path: string, params: unknown[]): string {
  const key = sqlText(JSON.stringify(node));
  const p = sqlText(path);
  const lit = node.parts.every((x) => typeof x === 'string') ? node.parts.join('') : undefined;
  if (lit !== undefined && lit === lit.toLowerCase() && lit === lit.toUpperCase()) {
    // A literal with no cased character (an IPv4 address, a number, a port): a text value matches it ignoring
    // case only when it is the same text (no character lowercases to an uncased one), so one comparison decides.
    params.push(lit);
    return `(CASE coalesce(json_type(doc, ${p}), 'absent')
      WHEN 'text' THEN coalesce((doc ->> ${p}) = ?, 0)
      WHEN 'absent' THEN 0 WHEN 'null' THEN 0 WHEN 'object' THEN 0
      ELSE cg_v(doc -> ${p}, ${key}) END)`;
  }
  const pat = likePattern(node.parts);
  params.push(pat);
  return `(CASE coalesce(json_type(doc, ${p}), 'absent')
    WHEN 'text' THEN (CASE WHEN (doc ->> ${p}) GLOB '*[^ -~]*' THEN cg_v(doc -> ${p}, ${key}) ELSE (doc ->> ${p}) LIKE ? ESCAPE '\\' END)
    WHEN 'absent' THEN 0 WHEN 'null' THEN 0 WHEN 'object' THEN 0
    ELSE cg_v(doc -> ${p}, ${key}) END)`;
}

/** The id of an exact, case-sensitive `event.id` match (the `id` column holds the same string), else undefined. */
function eventIdOf(node: QueryNode): string | undefined {
  if (node.kind !== 'match' || node.field !== 'event.id' || !node.cased) return undefined;
  return node.parts.every((p) => typeof p === 'string') ? node.parts.join('') : undefined;
}

function emitMatch(node: Extract<QueryNode, { kind: 'match' }>, ctx: Ctx): string {
  const params = ctx.params;
  const id = eventIdOf(node);
  if (id !== undefined) {
    params.push(id);
    return 'coalesce(events.id = ?, 0)';
  }
  const col = Object.hasOwn(FOLDED_COLUMNS, node.field) ? FOLDED_COLUMNS[node.field] : undefined;
  const literalOnly = node.parts.every((p) => typeof p === 'string');
  if (col !== undefined && !node.cased) {
    if (literalOnly) {
      // The column is NULL when the value is not a scalar (an array): then the exact test reads the document.
      params.push(node.parts.join('').toLowerCase());
      const fast = `coalesce(${col} = ?, 0)`;
      return `(${fast} OR (${col} IS NULL AND ${emitValueFn(node.field, node, params)}))`;
    }
    const first = node.parts[0];
    if (typeof first === 'string' && first !== '') {
      // Prefix range on the index, then the exact test.
      const p = first.toLowerCase();
      params.push(p, `${p}\u{10FFFF}`);
      const pre = `coalesce(${col} >= ? AND ${col} < ?, 0)`;
      const fast = `(${pre} AND cg_s(${col}, ${sqlText(JSON.stringify(node))}))`;
      return `(${fast} OR (${col} IS NULL AND ${emitValueFn(node.field, node, params)}))`;
    }
    return `(cg_s(${col}, ${sqlText(JSON.stringify(node))}) OR (${col} IS NULL AND ${emitValueFn(node.field, node, params)}))`;
  }
  const ent = Object.hasOwn(ENTITY_COLUMNS, node.field) ? ENTITY_COLUMNS[node.field] : undefined;
  if (ent !== undefined && !node.cased) return emitEntity(node, ent, ctx);
  if (node.field === KEYWORDS_FIELD) {
    // Keywords: the message when it is a string (with the message's fast paths), else every string value.
    const onMessage = emitMatch({ ...node, field: 'message' }, ctx);
    return `(CASE WHEN json_type(doc, '$."message"') = 'text' THEN ${onMessage} ELSE cg_v(cg_kw(json(doc)), ${sqlText(JSON.stringify(node))}) END)`;
  }
  const path = jsonPath(node.field);
  let pre = '';
  if (node.field === 'message') {
    const lit = longestLiteral(node.parts).toLowerCase();
    if (ftsSafe(lit) && node.parts.includes(ANY) && (ctx.opts.ftsUseful?.(lit) ?? true)) {
      params.push(ftsMatch(lit));
      pre = 'rid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?) AND ';
    }
  }
  const test = path !== undefined && !node.cased ? emitLike(node, path, params) : emitValueFn(node.field, node, params);
  return pre ? `(${pre}${test})` : test;
}

/**
 * A case-insensitive match on an entity column (entity-columns.ts): a scalar is decided on the column (through
 * its partial index for a literal or a prefix), an array by the exact test on the document, absent/null/object
 * never. Plain `=` and ranges (NULL on an absent field) so the partial index serves them; see `not` above.
 */
function emitEntity(node: Extract<QueryNode, { kind: 'match' }>, col: string, ctx: Ctx): string {
  const params = ctx.params;
  const key = sqlText(JSON.stringify(node));
  const mark = sqlText(ARRAY_MARK);
  let fast: string;
  if (node.parts.every((p) => typeof p === 'string')) {
    params.push(node.parts.join('').toLowerCase());
    fast = `${col} = ?`;
  } else if (typeof node.parts[0] === 'string' && node.parts[0] !== '') {
    const p = node.parts[0].toLowerCase();
    params.push(p, `${p}\u{10FFFF}`);
    fast = `(${col} >= ? AND ${col} < ? AND ${col} <> ${mark} AND cg_s(${col}, ${key}))`;
  } else fast = `(${col} <> ${mark} AND cg_s(${col}, ${key}))`;
  return `(${fast} OR (${col} = ${mark} AND ${emitValueFn(node.field, node, params)}))`;
}

function emitTimeRange(node: Extract<QueryNode, { kind: 'range' }>, params: unknown[]): string {
  const out: string[] = [];
  const add = (b: number | string | undefined, op: string) => {
    if (b === undefined) return;
    const t = typeof b === 'number' ? b : Date.parse(b);
    if (Number.isNaN(t)) {
      out.push('0');
      return;
    }
    params.push(t);
    out.push(`ts ${op} ?`);
  };
  add(node.gt, '>');
  add(node.gte, '>=');
  add(node.lt, '<');
  add(node.lte, '<=');
  return out.length ? `(${out.join(' AND ')})` : '1';
}
