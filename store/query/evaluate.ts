/**
 * The in-memory reference evaluator of the query AST: the definition of what a query means. Backends (SQLite,
 * OpenSearch) are tested against it on generated queries and corpora.
 */
import { KEYWORDS_FIELD, type QueryNode } from '../../core/event/query.js';
import { cidrTest, fieldrefTest, matchTest, rangeTest, regexTest, timepartTest, type ValueTest } from './primitives.js';

/** A compiled query: tests one flat event. */
export type EventPredicate = (event: Record<string, unknown>) => boolean;

/** Compiles a query tree once into a predicate over flat events. */
export function compileQuery(node: QueryNode): EventPredicate {
  switch (node.kind) {
    case 'all':
      return () => true;
    case 'none':
      return () => false;
    case 'and': {
      const fs = node.args.map(compileQuery);
      return (e) => {
        for (const f of fs) if (!f(e)) return false;
        return true;
      };
    }
    case 'or': {
      const fs = node.args.map(compileQuery);
      return (e) => {
        for (const f of fs) if (f(e)) return true;
        return false;
      };
    }
    case 'not': {
      const f = compileQuery(node.arg);
      return (e) => !f(e);
    }
    case 'exists': {
      const field = node.field;
      return (e) => {
        const v = fieldValue(e, field);
        return v !== undefined && v !== null;
      };
    }
    case 'match':
      return onField(node.field, matchTest(node.parts, node.cased));
    case 'range':
      return onField(node.field, rangeTest(node, node.field === '@timestamp'));
    case 'regex':
      return onField(node.field, regexTest(node.source, node.i, node.m, node.s));
    case 'cidr':
      return onField(node.field, cidrTest(node.cidr));
    case 'timepart':
      return onField(node.field, timepartTest(node.unit, node.value));
    case 'fieldref': {
      const t = fieldrefTest(node.mode, node.cased);
      const a = node.field;
      const b = node.other;
      return (e) => t(fieldValue(e, a), fieldValue(e, b));
    }
  }
}

function onField(field: string, test: ValueTest): EventPredicate {
  return (e) => test(fieldValue(e, field));
}

/** A field's value: own keys only; `@keywords` is message-or-every-string-value. */
export function fieldValue(e: Record<string, unknown>, field: string): unknown {
  if (field === KEYWORDS_FIELD) return keywordValue(e);
  return Object.hasOwn(e, field) ? e[field] : undefined;
}

/** Sigma keyword search texts: `message` when it is a string, else every top-level string value. */
export function keywordValue(e: Record<string, unknown>): string | string[] {
  const m = Object.hasOwn(e, 'message') ? e.message : undefined;
  if (typeof m === 'string') return m;
  const out: string[] = [];
  for (const k of Object.keys(e)) {
    const v = e[k];
    if (typeof v === 'string') out.push(v);
  }
  return out;
}

/** Evaluates a query against one event (compiles each time: use compileQuery for many events). */
export function evaluate(node: QueryNode, event: Record<string, unknown>): boolean {
  return compileQuery(node)(event);
}
