/**
 * Sigma detection rule -> store query AST, so a retro-hunt runs on any backend (SQLite SQL, OpenSearch DSL).
 * The tree means exactly what the live engine decides (detection/engine/README.md), item by item:
 * logsource keys, conditions, `x of`, keywords, neq, null, modifiers. Rules that cannot be expressed are
 * reported with the reason, never thrown on.
 */
import { KEYWORDS_FIELD, type QueryKind, type QueryNode, q, walk } from '../../core/event/query.js';
import { regexValid } from '../../core/event/regex.js';
import { cidrValid } from '../../core/event/values.js';
import { keywordForm } from '../engine/keyword.js';
import { filterApplies, searchesOf } from '../engine/reference.js';
import type { Condition, DetectionItem, DetectionRule, Search, SigmaFilter, ValueMatcher } from '../sigma/model.js';

/** A rule translated, or the reasons it cannot be. */
export type Translation = { ok: true; query: QueryNode } | { ok: false; reasons: string[] };

/** Why one matcher or condition cannot be translated (collected per rule). */
class Untranslatable extends Error {}

/**
 * The logsource part: each key the rule names equals the event's `logsource.<key>` (case-insensitive); the
 * category may also be any entry of the event's `logsource.categories` list (Sysmon 13 is both registry_set and
 * registry_event). The engine reads only the first 4 entries of that list (a bound against hostile events);
 * the store query reads them all, which differs only for events with more than 4 categories.
 */
export function logsourceQuery(ls: DetectionRule['logsource']): QueryNode {
  const parts: QueryNode[] = [];
  for (const k of ['product', 'category', 'service'] as const) {
    const v = ls[k];
    if (v === undefined) continue;
    const one = q.eq(`logsource.${k}`, v);
    parts.push(k === 'category' ? q.or(one, q.eq('logsource.categories', v)) : one);
  }
  return q.and(...parts);
}

function matcherQuery(matcher: ValueMatcher, field: string | null, reasons: string[]): QueryNode {
  const f = field ?? KEYWORDS_FIELD;
  // Keywords are substring searches in the engine (strings wrapped in `*`, numbers and booleans as text).
  const m = field === null ? keywordForm(matcher) : matcher;
  switch (m.t) {
    case 'str':
      return q.match(f, m.parts, m.cased);
    case 're':
      if (!regexValid(m.source, m.i, m.m, m.s)) {
        reasons.push(`regular expression rejected by RE2: /${m.source}/`);
        throw new Untranslatable();
      }
      return { kind: 'regex', field: f, source: m.source, i: m.i, m: m.m, s: m.s };
    case 'num':
      // The engine: a number equal to it, or a string exactly its text; both are "string form equals, cased".
      return q.match(f, [String(m.value)], true);
    case 'cmp':
      return { kind: 'range', field: f, [m.op]: m.value };
    case 'bool':
      // The engine: the boolean, or the strings true/false in any case.
      return q.match(f, [String(m.value)], false);
    case 'null':
      // Keywords: never holds. Fields: absent or null.
      return field === null ? q.none() : q.not(q.exists(field));
    case 'exists':
      // Keywords: never holds. The engine counts a key holding null as present; the store AST cannot see
      // explicit nulls (OpenSearch does not index them), so `exists: true` here means a non-null value.
      if (field === null) return q.none();
      return m.value ? q.exists(field) : q.not(q.exists(field));
    case 'cidr':
      if (!cidrValid(m.cidr)) {
        reasons.push(`invalid CIDR ${m.cidr}`);
        throw new Untranslatable();
      }
      return { kind: 'cidr', field: f, cidr: m.cidr };
    case 'fieldref':
      return { kind: 'fieldref', field: f, other: m.field, mode: m.mode, cased: m.cased };
    case 'time':
      return { kind: 'timepart', field: f, unit: m.unit, value: m.value };
  }
}

function itemQuery(item: DetectionItem, reasons: string[]): QueryNode {
  const ms = item.matchers.map((m) => matcherQuery(m, item.field, reasons));
  const positive = item.all ? q.and(...ms) : q.or(...ms);
  if (!item.negate) return positive;
  if (item.field === null) return q.not(positive);
  return q.and(q.exists(item.field), q.not(positive));
}

function searchQuery(s: Search, reasons: string[]): QueryNode {
  return q.or(...s.alternatives.map((alt) => q.and(...alt.map((item) => itemQuery(item, reasons)))));
}

function conditionQuery(c: Condition, searches: Record<string, Search>, reasons: string[]): QueryNode {
  switch (c.op) {
    case 'and':
      return q.and(...c.args.map((a) => conditionQuery(a, searches, reasons)));
    case 'or':
      return q.or(...c.args.map((a) => conditionQuery(a, searches, reasons)));
    case 'not':
      return q.not(conditionQuery(c.arg, searches, reasons));
    case 'ref': {
      const s = Object.hasOwn(searches, c.name) ? searches[c.name] : undefined;
      if (!s) {
        reasons.push(`condition names an unknown search identifier ${c.name}`);
        throw new Untranslatable();
      }
      return searchQuery(s, reasons);
    }
    case 'of': {
      const names = searchesOf(searches, c.pattern);
      const parts = names.map((n) => searchQuery(searches[n]!, reasons));
      // `all of` nothing is true, `1 of` nothing is false: q.and() / q.or() give exactly that.
      return c.quantifier === 'all' ? q.and(...parts) : q.or(...parts);
    }
  }
}

/** The condition list of a rule or filter (an OR of its conditions). */
function conditionsQuery(
  doc: { searches: Record<string, Search>; conditions: Condition[] },
  reasons: string[],
): QueryNode {
  return q.or(...doc.conditions.map((c) => conditionQuery(c, doc.searches, reasons)));
}

/**
 * Translates a detection rule (plus the Sigma filters that apply to it: `rule and not filter`) into one query
 * tree: logsource AND condition AND NOT filters.
 */
export function translateRule(rule: DetectionRule, filters: readonly SigmaFilter[] = []): Translation {
  const reasons: string[] = [];
  try {
    const parts: QueryNode[] = [logsourceQuery(rule.logsource), conditionsQuery(rule, reasons)];
    for (const f of filters) if (filterApplies(f, rule)) parts.push(q.not(conditionsQuery(f, reasons)));
    return { ok: true, query: q.and(...parts) };
  } catch (e) {
    if (e instanceof Untranslatable) return { ok: false, reasons };
    return { ok: false, reasons: [`translation failed: ${e instanceof Error ? e.message : String(e)}`] };
  }
}

/** What a backend can run: node kinds and whether it handles the `@keywords` pseudo-field. */
export interface BackendCapabilities {
  name: string;
  kinds: ReadonlySet<QueryKind>;
  keywords: boolean;
}

/** SQLite runs every node kind (user functions cover the rest). */
export const SQLITE_CAPABILITIES: BackendCapabilities = {
  name: 'sqlite',
  kinds: new Set<QueryKind>([
    'all',
    'none',
    'and',
    'or',
    'not',
    'match',
    'range',
    'exists',
    'regex',
    'cidr',
    'fieldref',
    'timepart',
  ]),
  keywords: true,
};

/** Reasons a backend cannot run a query (empty when it can). */
export function unsupportedBy(query: QueryNode, caps: BackendCapabilities): string[] {
  const out = new Set<string>();
  walk(query, (n) => {
    if (!caps.kinds.has(n.kind)) out.add(`${caps.name} cannot run ${n.kind} comparisons`);
    if (!caps.keywords && 'field' in n && n.field === KEYWORDS_FIELD)
      out.add(`${caps.name} cannot run keyword searches`);
  });
  return [...out];
}
