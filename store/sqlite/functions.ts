/**
 * SQLite user functions that run the reference evaluator's primitives (store/query/primitives.ts) inside
 * queries, so SQLite answers exactly what the in-memory evaluator answers.
 */
import type Database from 'better-sqlite3';
import type { QueryNode } from '../../core/event/query.js';
import { keywordValue } from '../query/evaluate.js';
import {
  cidrTest,
  fieldrefTest,
  matchTest,
  rangeTest,
  regexTest,
  stringForm,
  timepartTest,
  type ValueTest,
} from '../query/primitives.js';

/** Decodes the JSON text SQLite's `->` returns into a JavaScript value (undefined when absent). */
export function decodeJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  const c = text.charCodeAt(0);
  // Fast path for plain strings: no escapes to undo.
  if (c === 34 && text.indexOf('\\') < 0) return text.slice(1, -1);
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const MAX_CACHE = 5000;

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let v = cache.get(key);
  if (v === undefined) {
    v = make();
    if (cache.size >= MAX_CACHE) cache.clear();
    cache.set(key, v);
  }
  return v;
}

/** Compiles the value test of a serialised value node. */
function valueTest(key: string): ValueTest {
  let node: QueryNode;
  try {
    node = JSON.parse(key) as QueryNode;
  } catch {
    return () => false;
  }
  switch (node.kind) {
    case 'match':
      return matchTest(node.parts, node.cased);
    case 'range':
      return rangeTest(node, node.field === '@timestamp');
    case 'regex':
      return regexTest(node.source, node.i, node.m, node.s);
    case 'cidr':
      return cidrTest(node.cidr);
    case 'timepart':
      return timepartTest(node.unit, node.value);
    default:
      return () => false;
  }
}

/** Registers cg_v, cg_s, cg_ref, cg_field and cg_str on a connection. */
export function registerFunctions(db: Database.Database): void {
  const tests = new Map<string, ValueTest>();
  const refs = new Map<string, (a: unknown, b: unknown) => boolean>();
  const opts = { deterministic: true, varargs: false } as const;
  // cg_v(jsonText, nodeJson): the node's test on a value read with `doc -> path`.
  db.function('cg_v', opts, (json: unknown, key: unknown) =>
    cached(tests, String(key), () => valueTest(String(key)))(decodeJson(json)) ? 1 : 0,
  );
  // cg_s(sqlValue, nodeJson): the node's test on a plain SQL text column (the folded envelope columns).
  db.function('cg_s', opts, (value: unknown, key: unknown) =>
    typeof value === 'string' && cached(tests, String(key), () => valueTest(String(key)))(value) ? 1 : 0,
  );
  db.function('cg_ref', opts, (a: unknown, b: unknown, key: unknown) => {
    const t = cached(refs, String(key), () => {
      const n = JSON.parse(String(key)) as Extract<QueryNode, { kind: 'fieldref' }>;
      return fieldrefTest(n.mode, n.cased);
    });
    return t(decodeJson(a), decodeJson(b)) ? 1 : 0;
  });
  // cg_field(doc, name): `doc -> name` for names SQLite's JSON path cannot quote.
  db.function('cg_field', opts, (doc: unknown, name: unknown) => {
    if (typeof doc !== 'string') return null;
    const v = (JSON.parse(doc) as Record<string, unknown>)[String(name)];
    return v === undefined ? null : JSON.stringify(v);
  });
  // cg_kw(doc): the keyword texts of an event (Sigma keywords) as JSON text.
  db.function('cg_kw', opts, (doc: unknown) =>
    typeof doc === 'string' ? JSON.stringify(keywordValue(JSON.parse(doc) as Record<string, unknown>)) : null,
  );
  // cg_terms(jsonText): the distinct string forms of a value (an array's scalar elements) as a JSON array.
  db.function('cg_terms', opts, (json: unknown) => {
    const v = decodeJson(json);
    if (v === undefined || v === null) return '[]';
    if (!Array.isArray(v)) {
      const s = stringForm(v);
      return s === undefined ? '[]' : JSON.stringify([s]);
    }
    const out = new Set<string>();
    for (const e of v) {
      const s = e === null ? undefined : stringForm(e);
      if (s !== undefined) out.add(s);
    }
    return JSON.stringify([...out]);
  });
  // cg_str(jsonText): the string form (terms aggregation keys), NULL when there is none.
  db.function('cg_str', opts, (json: unknown) => stringForm(decodeJson(json)) ?? null);
}
