/**
 * The reference interpreter: plain, slow, obviously correct evaluation of a Sigma detection rule against one
 * event. The compiled engine must agree with it on every input (checked by the conformance and property tests);
 * `explain` backs `canhgac rules test`. Semantics are written down in detection/engine/README.md.
 */
import RE2 from 're2';
import { MAX_CATEGORIES } from '../../core/event/event.js';
import { compilePattern, normalisePattern } from '../../core/event/pattern.js';
import { inNetwork, numericValue, parseNetwork, scalarText, timePart } from '../../core/event/values.js';
import type {
  Condition,
  DetectionItem,
  DetectionRule,
  LogSource,
  PatternPart,
  Search,
  SigmaEvent,
  SigmaFilter,
  ValueMatcher,
} from '../sigma/model.js';
import { ANY, ONE } from '../sigma/model.js';
import { engineError } from './errors.js';
import { keywordForm } from './keyword.js';

/** What `explain` reports: the verdict, the searches that held and the filters that excluded the event. */
export interface Explanation {
  matched: boolean;
  searches: string[];
  filters: string[];
}

/** A value of the event, own keys only (a field named `constructor` must not reach Object.prototype). */
export function fieldValue(ev: SigmaEvent, field: string): unknown {
  return Object.hasOwn(ev, field) ? ev[field] : undefined;
}

/** Keyword searches (field null) look at `message` when it is a string, else at every top-level string value. */
export function keywordTexts(ev: SigmaEvent): string[] {
  const m = fieldValue(ev, 'message');
  if (typeof m === 'string') return [m];
  const out: string[] = [];
  for (const k of Object.keys(ev)) {
    const v = ev[k];
    if (typeof v === 'string') out.push(v);
  }
  return out;
}

/** Whether a filter applies to a rule: named by id or name, and every logsource key it names equals the rule's. */
export function filterApplies(filter: SigmaFilter, rule: DetectionRule): boolean {
  const named = filter.rules.some((r) => r === rule.id || (rule.name !== undefined && r === rule.name));
  return named && logsourceFits(filter.logsource, rule.logsource);
}

/** Every key `outer` names (product, category, service) is present in `inner` with an equal value. */
export function logsourceFits(outer: LogSource, inner: LogSource): boolean {
  for (const k of ['product', 'category', 'service'] as const) {
    const want = outer[k];
    if (want !== undefined && want.toLowerCase() !== inner[k]?.toLowerCase()) return false;
  }
  return true;
}

/**
 * Whether a rule applies to an event by logsource: every key the rule names equals the event's (any case); the
 * category may also be any string of the event's `logsource.categories` array.
 */
export function logsourceApplies(ls: LogSource, ev: SigmaEvent): boolean {
  for (const k of ['product', 'category', 'service'] as const) {
    const want = ls[k]?.toLowerCase();
    if (want === undefined) continue;
    const have = fieldValue(ev, `logsource.${k}`);
    if (typeof have === 'string' && have.toLowerCase() === want) continue;
    const many = k === 'category' ? fieldValue(ev, 'logsource.categories') : undefined;
    if (
      Array.isArray(many) &&
      many.slice(0, MAX_CATEGORIES).some((c) => typeof c === 'string' && c.toLowerCase() === want)
    ) {
      continue;
    }
    return false;
  }
  return true;
}

/** Glob match by dynamic programming over UTF-16 code units: `*` any run, `?` exactly one unit. */
export function globMatch(parts: PatternPart[], text: string, cased: boolean): boolean {
  const tokens: (string | typeof ANY | typeof ONE)[] = [];
  for (const p of parts) {
    if (typeof p === 'string') {
      const lit = cased ? p : p.toLowerCase();
      for (let i = 0; i < lit.length; i++) tokens.push(lit[i]!);
    } else tokens.push(p);
  }
  const t = cased ? text : text.toLowerCase();
  // can[j] = tokens[0..i) can match t[0..j)
  let can: boolean[] = new Array<boolean>(t.length + 1).fill(false);
  can[0] = true;
  for (const tok of tokens) {
    const next: boolean[] = new Array<boolean>(t.length + 1).fill(false);
    for (let j = 0; j <= t.length; j++) {
      if (tok === ANY) next[j] = can[j]! || (j > 0 && next[j - 1]!);
      else if (j > 0 && can[j - 1]) next[j] = tok === ONE || t[j - 1] === tok;
    }
    can = next;
  }
  return can[t.length]!;
}

const regexCache = new WeakMap<ValueMatcher, RE2>();
const netCache = new WeakMap<ValueMatcher, ReturnType<typeof parseNetwork>>();

function regexOf(m: Extract<ValueMatcher, { t: 're' }>, rule: string): RE2 {
  let r = regexCache.get(m);
  if (!r) {
    try {
      r = new RE2(m.source, `${m.i ? 'i' : ''}${m.m ? 'm' : ''}${m.s ? 's' : ''}`);
    } catch (e) {
      throw engineError('CANHGAC_ERR_ENGINE_REGEX', { rule, reason: (e as Error).message });
    }
    regexCache.set(m, r);
  }
  return r;
}

function foldCase(s: string, cased: boolean): string {
  return cased ? s : s.toLowerCase();
}

/** One matcher against one scalar (array elements are tried one by one by the caller). */
function elementHolds(m: ValueMatcher, e: unknown, ev: SigmaEvent, rule: string): boolean {
  switch (m.t) {
    case 'str': {
      const text = scalarText(e);
      return text !== undefined && globMatch(m.parts, text, m.cased);
    }
    case 're': {
      const text = scalarText(e);
      return text !== undefined && regexOf(m, rule).test(text);
    }
    case 'num':
      if (typeof e === 'number') return e === m.value;
      return typeof e === 'string' && e === String(m.value);
    case 'cmp': {
      const n = numericValue(e);
      if (n === undefined) return false;
      if (m.op === 'lt') return n < m.value;
      if (m.op === 'lte') return n <= m.value;
      if (m.op === 'gt') return n > m.value;
      return n >= m.value;
    }
    case 'bool':
      if (typeof e === 'boolean') return e === m.value;
      return typeof e === 'string' && e.toLowerCase() === String(m.value);
    case 'cidr': {
      if (!netCache.has(m)) netCache.set(m, parseNetwork(m.cidr));
      const net = netCache.get(m);
      if (!net) throw engineError('CANHGAC_ERR_ENGINE_CIDR', { rule, cidr: m.cidr });
      return typeof e === 'string' && inNetwork(e, net);
    }
    case 'fieldref': {
      const a = scalarText(e);
      const b = scalarText(fieldValue(ev, m.field));
      if (a === undefined || b === undefined) return false;
      const x = foldCase(a, m.cased);
      const y = foldCase(b, m.cased);
      if (m.mode === 'equals') return x === y;
      if (m.mode === 'contains') return x.includes(y);
      if (m.mode === 'startswith') return x.startsWith(y);
      return x.endsWith(y);
    }
    case 'time':
      return timePart(e, m.unit) === m.value;
    case 'null':
    case 'exists':
      return false;
  }
}

function matcherHolds(m: ValueMatcher, item: DetectionItem, ev: SigmaEvent, rule: string): boolean {
  if (item.field === null) {
    // Keywords have no field: null/exists make no sense there and never hold; strings are substring searches.
    const km = keywordForm(m);
    return keywordTexts(ev).some((t) => elementHolds(km, t, ev, rule));
  }
  const v = fieldValue(ev, item.field);
  if (m.t === 'null') return v === undefined || v === null;
  if (m.t === 'exists') return Object.hasOwn(ev, item.field) === m.value;
  if (v === undefined || v === null) return false;
  const elems = Array.isArray(v) ? v : [v];
  return elems.some((e) => e !== null && e !== undefined && elementHolds(m, e, ev, rule));
}

/** One `field|mods: values` entry. */
export function itemHolds(item: DetectionItem, ev: SigmaEvent, rule = '?'): boolean {
  const positive = item.all
    ? item.matchers.every((m) => matcherHolds(m, item, ev, rule))
    : item.matchers.some((m) => matcherHolds(m, item, ev, rule));
  if (!item.negate) return positive;
  if (item.field === null) return !positive;
  const v = fieldValue(ev, item.field);
  return v !== undefined && v !== null && !positive;
}

/** A search: OR over its alternatives, AND within one. */
export function searchHolds(s: Search, ev: SigmaEvent, rule = '?'): boolean {
  return s.alternatives.some((alt) => alt.every((item) => itemHolds(item, ev, rule)));
}

/** Search names an `x of pattern` refers to (`them`: every search not starting with `_`; `*` is a wildcard). */
export function searchesOf(searches: Record<string, Search>, pattern: string): string[] {
  const names = Object.keys(searches);
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  const parts: PatternPart[] = [];
  for (const [i, lit] of pattern.split('*').entries()) {
    if (i > 0) parts.push(ANY);
    if (lit) parts.push(lit);
  }
  const test = compilePattern(normalisePattern(parts, true));
  return names.filter(test);
}

function condHolds(c: Condition, searches: Record<string, Search>, ev: SigmaEvent, rule: string): boolean {
  switch (c.op) {
    case 'and':
      return c.args.every((a) => condHolds(a, searches, ev, rule));
    case 'or':
      return c.args.some((a) => condHolds(a, searches, ev, rule));
    case 'not':
      return !condHolds(c.arg, searches, ev, rule);
    case 'ref': {
      const s = Object.hasOwn(searches, c.name) ? searches[c.name] : undefined;
      if (!s) throw engineError('CANHGAC_ERR_ENGINE_CONDITION', { rule, name: c.name });
      return searchHolds(s, ev, rule);
    }
    case 'of': {
      const names = searchesOf(searches, c.pattern);
      const holds = (n: string) => searchHolds(searches[n]!, ev, rule);
      return c.quantifier === 'all' ? names.every(holds) : names.some(holds);
    }
  }
}

/** A document's condition list (an OR of its conditions). */
export function conditionsHold(
  doc: { id: string; searches: Record<string, Search>; conditions: Condition[] },
  ev: SigmaEvent,
): boolean {
  return doc.conditions.some((c) => condHolds(c, doc.searches, ev, doc.id));
}

/** Whether a rule matches an event, after the filters that apply to it (`and not <filter condition>`). */
export function referenceMatch(rule: DetectionRule, event: SigmaEvent, filters: SigmaFilter[] = []): boolean {
  return explain(rule, event, filters).matched;
}

/** The verdict plus which search identifiers held and which filters excluded the event. */
export function explain(rule: DetectionRule, event: SigmaEvent, filters: SigmaFilter[] = []): Explanation {
  const searches = Object.keys(rule.searches).filter((n) => searchHolds(rule.searches[n]!, event, rule.id));
  let matched = conditionsHold(rule, event);
  const hit: string[] = [];
  if (matched) {
    for (const f of filters) {
      if (filterApplies(f, rule) && conditionsHold(f, event)) hit.push(f.id);
    }
    if (hit.length > 0) matched = false;
  }
  return { matched, searches, filters: hit };
}
