/**
 * The in-memory reference evaluator of the query AST: the definition of what a query means. Backends (SQLite,
 * OpenSearch) are tested against it on generated queries and corpora.
 */
import type { QueryNode } from './ast.js';
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
      return (e) => e[field] !== undefined && e[field] !== null;
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
      return (e) => t(e[a], e[b]);
    }
  }
}

function onField(field: string, test: ValueTest): EventPredicate {
  return (e) => test(e[field]);
}

/** Evaluates a query against one event (compiles each time: use compileQuery for many events). */
export function evaluate(node: QueryNode, event: Record<string, unknown>): boolean {
  return compileQuery(node)(event);
}
