/**
 * The compiler: each Sigma detection rule (and filter) becomes a tree of closures over an EvalContext,
 * built once at load. Anything that cannot be compiled (RE2 rejects the regex, a bad CIDR, a condition naming
 * an unknown search) throws a CanhgacError here, so the Engine rejects the rule with a reason; compiled
 * predicates themselves never see malformed rules.
 */
import RE2 from 're2';
import { ANY, compilePattern, exactText, normalisePattern, type TextTest } from '../../core/event/pattern.js';
import { networkTest, numericValue, scalarText, timePart } from '../../core/event/values.js';
import type { Condition, DetectionItem, Search, ValueMatcher } from '../sigma/model.js';
import { AhoCorasick } from './aho.js';
import type { EvalContext, FieldTable } from './context.js';
import { engineError } from './errors.js';
import { keywordForm } from './keyword.js';
import { searchesOf } from './reference.js';

/** A compiled predicate over the current event of a context. */
export type Predicate = (ctx: EvalContext) => boolean;

/** A test of one scalar element (array elements are tried one by one). */
type ElemTest = (e: unknown, ctx: EvalContext) => boolean;

const TRUE: Predicate = () => true;
const FALSE: Predicate = () => false;

/** What a compiled document needs: a name for messages and its searches and conditions. */
export interface Compilable {
  id: string;
  searches: Record<string, Search>;
  conditions: Condition[];
}

/** Compiles a rule's (or filter's) condition list into one predicate; throws CanhgacError when impossible. */
export function compileConditions(doc: Compilable, fields: FieldTable): Predicate {
  const searchPreds = new Map<string, Predicate>();
  const search = (name: string): Predicate => {
    let p = searchPreds.get(name);
    if (!p) {
      const s = Object.hasOwn(doc.searches, name) ? doc.searches[name] : undefined;
      if (!s) throw engineError('CANHGAC_ERR_ENGINE_CONDITION', { rule: doc.id, name });
      p = compileSearch(s, fields, doc.id);
      searchPreds.set(name, p);
    }
    return p;
  };
  const cond = (c: Condition): Predicate => {
    switch (c.op) {
      case 'and':
        return allOf(c.args.map(cond));
      case 'or':
        return anyOf(c.args.map(cond));
      case 'not': {
        const p = cond(c.arg);
        return (ctx) => !p(ctx);
      }
      case 'ref':
        return search(c.name);
      case 'of': {
        const ps = searchesOf(doc.searches, c.pattern).map(search);
        return c.quantifier === 'all' ? allOf(ps) : anyOf(ps);
      }
    }
  };
  return anyOf(doc.conditions.map(cond));
}

/** AND of predicates, unrolled for the common small arities. */
export function allOf(ps: Predicate[]): Predicate {
  if (ps.length === 0) return TRUE;
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, b] = ps as [Predicate, Predicate];
    return (ctx) => a(ctx) && b(ctx);
  }
  if (ps.length === 3) {
    const [a, b, c] = ps as [Predicate, Predicate, Predicate];
    return (ctx) => a(ctx) && b(ctx) && c(ctx);
  }
  return (ctx) => {
    for (let i = 0; i < ps.length; i++) if (!ps[i]!(ctx)) return false;
    return true;
  };
}

/** OR of predicates, unrolled for the common small arities. */
export function anyOf(ps: Predicate[]): Predicate {
  if (ps.length === 0) return FALSE;
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, b] = ps as [Predicate, Predicate];
    return (ctx) => a(ctx) || b(ctx);
  }
  return (ctx) => {
    for (let i = 0; i < ps.length; i++) if (ps[i]!(ctx)) return true;
    return false;
  };
}

function compileSearch(s: Search, fields: FieldTable, rule: string): Predicate {
  return anyOf(
    s.alternatives.map((alt) => {
      // AND is commutative and items have no side effects: cheap tests first, regexes and keywords last.
      const ordered = alt.map((item, i) => ({ item, i, cost: itemCost(item) }));
      ordered.sort((a, b) => a.cost - b.cost || a.i - b.i);
      return allOf(ordered.map((o) => compileItem(o.item, fields, rule)));
    }),
  );
}

const MATCHER_COST: Record<ValueMatcher['t'], number> = {
  null: 1,
  exists: 1,
  num: 1,
  bool: 1,
  str: 2,
  cmp: 3,
  time: 4,
  fieldref: 4,
  cidr: 5,
  re: 6,
};

/** A rough relative cost of evaluating an item, for ordering the items of an AND. */
function itemCost(item: DetectionItem): number {
  let c = 0;
  for (const m of item.matchers) c = Math.max(c, MATCHER_COST[m.t]);
  return (item.field === null ? 10 : 0) + c + Math.min(item.matchers.length, 50) / 100;
}

/** One detection item: OR (or AND with `all`) of its matchers, negated for |neq. */
export function compileItem(item: DetectionItem, fields: FieldTable, rule: string): Predicate {
  const field = item.field;
  if (field === null) {
    // Many case-insensitive keywords: one Aho-Corasick pass over the event's texts instead of one search each.
    // The literals join every other rule's in one automaton (FieldTable.keywordGroups): an event's texts are
    // scanned once for all keyword rules.
    const many = item.all ? undefined : containsLiterals(item.matchers.map(keywordForm));
    const rest = many ? many.rest : item.matchers;
    const ps = rest.map((m) => keywordMatcher(m, rule));
    if (many) {
      const group = fields.keywordGroups.add(many.lits);
      ps.unshift((ctx) => ctx.keywordGroupHit(group));
    }
    const positive = item.all ? allOf(ps) : anyOf(ps);
    if (!item.negate) return positive;
    return (ctx) => !positive(ctx);
  }
  const slot = fields.slot(field);
  let ps: Predicate[];
  if (item.all) ps = item.matchers.map((m) => fieldMatcher(m, slot, rule));
  else {
    // Many exact case-insensitive values of one field (`Image|endswith` lists aside) become one Set lookup, many
    // case-insensitive `contains` values one Aho-Corasick pass.
    const exact = new Set<string>();
    ps = [];
    const many = containsAny(item.matchers);
    if (many) ps.push(onText(slot, true, many.test));
    for (const m of many ? many.rest : item.matchers) {
      const e = m.t === 'str' && !m.cased ? exactText(normalisePattern(m.parts, false)) : undefined;
      if (e !== undefined) exact.add(e);
      else ps.push(fieldMatcher(m, slot, rule));
    }
    if (exact.size === 1) {
      const only = [...exact][0]!;
      ps.unshift(onText(slot, true, (t) => t === only));
    } else if (exact.size > 1) ps.unshift(onText(slot, true, (t) => exact.has(t)));
  }
  const positive = item.all ? allOf(ps) : anyOf(ps);
  if (!item.negate) return positive;
  return (ctx) => {
    const v = ctx.raw(slot);
    return v !== undefined && v !== null && !positive(ctx);
  };
}

/** From this many case-insensitive `contains` values on, one automaton beats one `includes` per value. */
const MANY_CONTAINS = 4;

/**
 * The case-insensitive `*literal*` matchers of an OR list as one test of lowercase text (an Aho-Corasick
 * automaton over their literals), and the matchers left; undefined when there are too few to be worth it.
 */
function containsAny(ms: readonly ValueMatcher[]): { test: TextTest; rest: ValueMatcher[] } | undefined {
  const split = containsLiterals(ms);
  if (!split) return undefined;
  const { lits, rest } = split;
  const ac = new AhoCorasick();
  for (const l of lits) ac.add(l, 0);
  ac.build();
  let hit = false;
  const found = () => {
    hit = true;
  };
  return {
    test: (t) => {
      hit = false;
      ac.scan(t, found);
      return hit;
    },
    rest,
  };
}

/** The lowercase literals of an OR list's case-insensitive `*literal*` matchers (4 or more), and the others. */
function containsLiterals(ms: readonly ValueMatcher[]): { lits: string[]; rest: ValueMatcher[] } | undefined {
  const lits: string[] = [];
  const rest: ValueMatcher[] = [];
  for (const m of ms) {
    const n = m.t === 'str' && !m.cased ? normalisePattern(m.parts, false) : undefined;
    if (n && n.length === 3 && n[0] === ANY && n[2] === ANY && typeof n[1] === 'string') lits.push(n[1]);
    else rest.push(m);
  }
  return lits.length < MANY_CONTAINS ? undefined : { lits, rest };
}

/** A text test over a field's (lowercase or cased) text, any array element sufficing. */
function onText(slot: number, lower: boolean, test: TextTest): Predicate {
  const probe = (t: string | string[] | null): boolean => {
    if (t === null) return false;
    if (typeof t === 'string') return test(t);
    for (let i = 0; i < t.length; i++) if (test(t[i]!)) return true;
    return false;
  };
  return lower ? (ctx) => probe(ctx.lower(slot)) : (ctx) => probe(ctx.text(slot));
}

/** An element test over a field's raw value, any non-null array element sufficing. */
function onRaw(slot: number, test: ElemTest): Predicate {
  return (ctx) => {
    const v = ctx.raw(slot);
    if (v === undefined || v === null) return false;
    if (!Array.isArray(v)) return test(v, ctx);
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      if (e !== null && e !== undefined && test(e, ctx)) return true;
    }
    return false;
  };
}

function fieldMatcher(m: ValueMatcher, slot: number, rule: string): Predicate {
  switch (m.t) {
    case 'str':
      return onText(slot, !m.cased, compilePattern(normalisePattern(m.parts, m.cased)));
    case 're': {
      const re = compileRegex(m, rule);
      return onText(slot, false, (t) => re.test(t));
    }
    case 'null':
      return (ctx) => {
        const v = ctx.raw(slot);
        return v === undefined || v === null;
      };
    case 'exists':
      return m.value ? (ctx) => ctx.has(slot) : (ctx) => !ctx.has(slot);
    default:
      return onRaw(slot, elemTest(m, rule));
  }
}

function keywordMatcher(km: ValueMatcher, rule: string): Predicate {
  const m = keywordForm(km);
  let test: TextTest;
  let lower = false;
  switch (m.t) {
    case 'str':
      test = compilePattern(normalisePattern(m.parts, m.cased));
      lower = !m.cased;
      break;
    case 're': {
      const re = compileRegex(m, rule);
      test = (t) => re.test(t);
      break;
    }
    case 'null':
    case 'exists':
      return FALSE;
    default: {
      const et = elemTest(m, rule);
      return (ctx) => ctx.keywords().some((t) => et(t, ctx));
    }
  }
  return (ctx) => {
    const ts = lower ? ctx.keywordsLower() : ctx.keywords();
    for (let i = 0; i < ts.length; i++) if (test(ts[i]!)) return true;
    return false;
  };
}

/** RE2 only: linear time whatever the pattern. */
function compileRegex(m: Extract<ValueMatcher, { t: 're' }>, rule: string): RE2 {
  try {
    return new RE2(m.source, `${m.i ? 'i' : ''}${m.m ? 'm' : ''}${m.s ? 's' : ''}`);
  } catch (e) {
    throw engineError('CANHGAC_ERR_ENGINE_REGEX', { rule, reason: (e as Error).message });
  }
}

function elemTest(m: ValueMatcher, rule: string): ElemTest {
  switch (m.t) {
    case 'num': {
      const value = m.value;
      const text = String(value);
      return (e) => (typeof e === 'number' ? e === value : e === text);
    }
    case 'cmp': {
      const v = m.value;
      if (m.op === 'lt') return (e) => lessThan(e, v);
      if (m.op === 'lte') return (e) => cmp(e, v) <= 0;
      if (m.op === 'gt') return (e) => cmp(e, v) > 0;
      return (e) => cmp(e, v) >= 0;
    }
    case 'bool': {
      const value = m.value;
      const text = String(value);
      return (e) => (typeof e === 'boolean' ? e === value : typeof e === 'string' && e.toLowerCase() === text);
    }
    case 'cidr': {
      const test = networkTest(m.cidr);
      if (!test) throw engineError('CANHGAC_ERR_ENGINE_CIDR', { rule, cidr: m.cidr });
      return (e) => typeof e === 'string' && test(e);
    }
    case 'fieldref':
      return fieldrefTest(m);
    case 'time': {
      const { unit, value } = m;
      return (e) => timePart(e, unit) === value;
    }
    case 'str': {
      const test = compilePattern(normalisePattern(m.parts, m.cased));
      const cased = m.cased;
      return (e) => {
        const t = scalarText(e);
        return t !== undefined && test(cased ? t : t.toLowerCase());
      };
    }
    case 're': {
      const re = compileRegex(m, rule);
      return (e) => {
        const t = scalarText(e);
        return t !== undefined && re.test(t);
      };
    }
    case 'null':
    case 'exists':
      return () => false;
  }
}

function lessThan(e: unknown, v: number): boolean {
  const n = numericValue(e);
  return n !== undefined && n < v;
}

/** n - v for a numeric element, NaN when the element is not a number (every comparison with NaN is false). */
function cmp(e: unknown, v: number): number {
  const n = numericValue(e);
  if (n === undefined) return Number.NaN;
  return n < v ? -1 : n > v ? 1 : 0;
}

function fieldrefTest(m: Extract<ValueMatcher, { t: 'fieldref' }>): ElemTest {
  const { field, mode, cased } = m;
  return (e, ctx) => {
    const a = scalarText(e);
    const bv = Object.hasOwn(ctx.ev, field) ? ctx.ev[field] : undefined;
    const b = scalarText(bv);
    if (a === undefined || b === undefined) return false;
    const x = cased ? a : a.toLowerCase();
    const y = cased ? b : b.toLowerCase();
    if (mode === 'equals') return x === y;
    if (mode === 'contains') return x.includes(y);
    if (mode === 'startswith') return x.startsWith(y);
    return x.endsWith(y);
  };
}
