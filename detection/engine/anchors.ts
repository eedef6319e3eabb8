/**
 * Anchor analysis: for each rule, a set of literals at least one of which any matching event must contain
 * (`eq`: a field's whole lowercase text; `sub`: a substring of it). A rule is a candidate for an event only when
 * one of its anchors is present; rules without a usable anchor set run on every event of their route.
 * The analysis only ever over-approximates: it may make a rule a candidate needlessly, never miss one.
 */

import { exactText, longestLiteral, normalisePattern } from '../../core/event/pattern.js';
import type { Condition, DetectionItem, Search, ValueMatcher } from '../sigma/model.js';
import { keywordForm } from './keyword.js';
import { searchesOf } from './reference.js';
import { requiredLiteral } from './relit.js';

/** One literal: `field` null means the keyword texts of the event. */
export interface Anchor {
  field: string | null;
  kind: 'eq' | 'sub';
  lit: string;
}

/** Substring anchors shorter than this select almost every event; such items are treated as unanchored. */
export const MIN_SUB = 3;

/** A non-empty anchor set (alternatives), the empty set (can never match), or null (no usable anchor). */
type Anchors = Anchor[] | null;

function matcherAnchor(field: string | null, vm: ValueMatcher): Anchor | null {
  const m = field === null ? keywordForm(vm) : vm;
  switch (m.t) {
    case 'str': {
      // Cased literals are folded here; folding is context-free only for ASCII (Greek final sigma is not).
      if (m.cased && m.parts.some((p) => typeof p === 'string' && /[^\x00-\x7f]/.test(p))) return null;
      const norm = normalisePattern(m.parts, false);
      const exact = exactText(norm);
      if (exact !== undefined) return { field, kind: 'eq', lit: exact };
      const lit = longestLiteral(norm);
      return lit.length >= MIN_SUB ? { field, kind: 'sub', lit } : null;
    }
    case 're': {
      const lit = requiredLiteral(m.source, m.i);
      return lit.length >= MIN_SUB ? { field, kind: 'sub', lit } : null;
    }
    case 'num':
      return { field, kind: 'eq', lit: String(m.value).toLowerCase() };
    case 'bool':
      return { field, kind: 'eq', lit: String(m.value) };
    default:
      return null;
  }
}

function itemAnchors(item: DetectionItem): Anchors {
  if (item.negate) return null;
  if (item.all) {
    let best: Anchors = null;
    for (const m of item.matchers) {
      const a = matcherAnchor(item.field, m);
      if (a) best = better(best, [a]);
    }
    return best;
  }
  const out: Anchor[] = [];
  for (const m of item.matchers) {
    const a = matcherAnchor(item.field, m);
    if (!a) return null;
    out.push(a);
  }
  return out;
}

function score(a: Anchors): number {
  if (a === null) return -1;
  if (a.length === 0) return Number.POSITIVE_INFINITY;
  let s = Number.POSITIVE_INFINITY;
  for (const x of a) s = Math.min(s, x.kind === 'eq' ? 1000 + x.lit.length : x.lit.length);
  // Fewer alternatives are cheaper to index and less likely to fire.
  return s - a.length / 1000;
}

function better(a: Anchors, b: Anchors): Anchors {
  return score(b) > score(a) ? b : a;
}

function union(parts: Anchors[]): Anchors {
  const out: Anchor[] = [];
  for (const p of parts) {
    if (p === null) return null;
    out.push(...p);
  }
  return out;
}

function searchAnchors(s: Search): Anchors {
  return union(
    s.alternatives.map((alt) => {
      let best: Anchors = null;
      for (const item of alt) best = better(best, itemAnchors(item));
      return best;
    }),
  );
}

/** Anchors of a document's condition list (an OR); null when some path to a match has no usable literal. */
export function ruleAnchors(doc: { searches: Record<string, Search>; conditions: Condition[] }): Anchor[] | null {
  const memo = new Map<string, Anchors>();
  const search = (name: string): Anchors => {
    if (!memo.has(name)) {
      const s = Object.hasOwn(doc.searches, name) ? doc.searches[name] : undefined;
      memo.set(name, s ? searchAnchors(s) : null);
    }
    return memo.get(name)!;
  };
  const cond = (c: Condition): Anchors => {
    switch (c.op) {
      case 'and': {
        let best: Anchors = null;
        for (const a of c.args) best = better(best, cond(a));
        return best;
      }
      case 'or':
        return union(c.args.map(cond));
      case 'not':
        return null;
      case 'ref':
        return search(c.name);
      case 'of': {
        const names = searchesOf(doc.searches, c.pattern);
        if (c.quantifier === 'any') return union(names.map(search));
        let best: Anchors = null;
        for (const n of names) best = better(best, search(n));
        return best;
      }
    }
  };
  const a = union(doc.conditions.map(cond));
  if (a === null) return null;
  // Deduplicate so one literal registers once per rule.
  const seen = new Set<string>();
  return a.filter((x) => {
    const k = `${x.field ?? '\0'}\0${x.kind}\0${x.lit}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
