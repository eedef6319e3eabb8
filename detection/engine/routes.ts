/**
 * Logsource routing and the per-route candidate index. A route is the set of rules that apply to one
 * (product, category, service) of an event; it is built lazily the first time such an event arrives and cached.
 * Within a route, anchored rules are found through hash lookups (`eq` anchors) and one Aho-Corasick automaton per
 * field (`sub` anchors); the rest are always run.
 */

import { MAX_CATEGORIES } from '../../core/event/event.js';
import { counter } from '../../core/metrics.js';
import type { LogSource } from '../sigma/model.js';
import { AhoCorasick } from './aho.js';
import type { Anchor } from './anchors.js';
import type { EvalContext, FieldTable } from './context.js';

/** What routing needs to know of a compiled rule. */
export interface Routable {
  logsource: LogSource;
  /** null: run on every event of the route. */
  anchors: Anchor[] | null;
}

/** Slot value for the keyword pseudo-field in an index entry. */
const KEYWORDS = -1;

interface EqIndex {
  slot: number;
  map: Map<string, number[]>;
}

interface SubIndex {
  slot: number;
  ac: AhoCorasick;
}

/** The rules of one logsource triple and their candidate index. */
export class Route {
  readonly always: Int32Array;
  readonly eq: EqIndex[] = [];
  readonly sub: SubIndex[] = [];
  /** Number of rules in the route (anchored + always). */
  readonly size: number;
  /** Every rule of the route (the fallback when the index cannot read an event). */
  readonly members: Int32Array;
  /** Whether any rule of the route is anchored (else candidates() has nothing to do). */
  readonly indexed: boolean;
  /** Keyword substring needles (with field automata holding them too). */
  private kw: AhoCorasick | null = null;
  /** Names of the fields that have an automaton (those also carry the keyword needles). */
  private readonly merged = new Set<string>();

  constructor(rules: readonly Routable[], members: number[], fields: FieldTable, useIndex: boolean) {
    const always: number[] = [];
    const eqBySlot = new Map<number, Map<string, number[]>>();
    const acBySlot = new Map<number, AhoCorasick>();
    const kwPending: [string, number][] = [];
    for (const id of members) {
      const anchors = useIndex ? rules[id]!.anchors : null;
      if (anchors === null) {
        always.push(id);
        continue;
      }
      for (const a of anchors) {
        const slot = a.field === null ? KEYWORDS : fields.slot(a.field);
        if (a.kind === 'eq') {
          let m = eqBySlot.get(slot);
          if (!m) {
            m = new Map();
            eqBySlot.set(slot, m);
          }
          const ids = m.get(a.lit);
          if (ids) ids.push(id);
          else m.set(a.lit, [id]);
        } else {
          let ac = acBySlot.get(slot);
          if (!ac) {
            ac = new AhoCorasick();
            acBySlot.set(slot, ac);
          }
          ac.add(a.lit, id);
          if (slot === KEYWORDS) kwPending.push([a.lit, id]);
        }
      }
    }
    for (const [slot, map] of eqBySlot) this.eq.push({ slot, map });
    // Keyword needles also go into every field automaton, so a field is scanned once for both; the keyword
    // automaton then only scans the strings no field automaton covers (over-approximating is safe here).
    const kw = acBySlot.get(KEYWORDS);
    acBySlot.delete(KEYWORDS);
    for (const [slot, ac] of acBySlot) {
      for (const [lit, id] of kwPending) ac.add(lit, id);
      ac.build();
      this.sub.push({ slot, ac });
      this.merged.add(fields.names[slot]!);
    }
    if (kw) {
      kw.build();
      this.kw = kw;
    }
    this.indexed = this.eq.length > 0 || this.sub.length > 0 || this.kw !== null;
    this.always = Int32Array.from(always);
    this.size = members.length;
    this.members = Int32Array.from(members);
  }

  /** Calls `mark(ruleNumber)` for every anchored rule whose anchor the current event contains. */
  candidates(ctx: EvalContext, mark: (id: number) => void): void {
    for (let i = 0; i < this.eq.length; i++) {
      const { slot, map } = this.eq[i]!;
      const t = slot === KEYWORDS ? ctx.keywordsLower() : ctx.lower(slot);
      if (t === null) continue;
      if (typeof t === 'string') {
        const ids = map.get(t);
        if (ids) for (let j = 0; j < ids.length; j++) mark(ids[j]!);
      } else {
        for (const s of t) {
          const ids = map.get(s);
          if (ids) for (let j = 0; j < ids.length; j++) mark(ids[j]!);
        }
      }
    }
    for (let i = 0; i < this.sub.length; i++) {
      const { slot, ac } = this.sub[i]!;
      // Case-blind scan of the original text: no lowercase copy of long fields just to find candidates.
      const t = ctx.text(slot);
      if (t === null) continue;
      if (typeof t === 'string') ac.scanFolded(t, mark);
      else for (const s of t) ac.scanFolded(s, mark);
    }
    const kw = this.kw;
    if (kw === null) return;
    const ev = ctx.ev;
    const m = Object.hasOwn(ev, 'message') ? ev.message : undefined;
    if (typeof m === 'string') {
      if (!this.merged.has('message')) kw.scanFolded(m, mark);
      return;
    }
    // Inherited enumerable keys (none on plain objects) would only add candidates, never lose one.
    for (const k in ev) {
      const v = ev[k];
      if (typeof v === 'string' && !this.merged.has(k)) kw.scanFolded(v, mark);
    }
  }
}

const KEYS = ['product', 'category', 'service'] as const;
/** Routes kept before the cache starts over. */
export const MAX_ROUTES = 512;
const TRUNCATED = counter(
  'canhgac_engine_categories_truncated_total',
  'Events whose logsource.categories array was longer than the engine considers',
);
const ROUTE_RESETS = counter('canhgac_engine_route_cache_resets_total', 'Times the logsource route cache was cleared');

function sameList(a: unknown[] | undefined, b: unknown[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
const UNKNOWN = '\u0001';

/** Builds and caches routes by the event's logsource, canonicalised so the cache stays small on hostile input. */
export class Router {
  private readonly known: Set<string>[] = [new Set(), new Set(), new Set()];
  private readonly cache = new Map<string, Route>();

  constructor(
    private readonly rules: readonly Routable[],
    private readonly fields: FieldTable,
    private readonly useIndex: boolean,
  ) {
    for (const r of rules) {
      KEYS.forEach((k, i) => {
        const v = r.logsource[k];
        if (v !== undefined) this.known[i]!.add(v.toLowerCase());
      });
    }
  }

  /** Number of routes built so far. */
  get routes(): number {
    return this.cache.size;
  }

  /**
   * The route for an event's `logsource.product` / `logsource.category` / `logsource.service`, plus the optional
   * `logsource.categories` array (an event of several categories, e.g. Sysmon 13 = registry_set + registry_event).
   */
  route(p: unknown, c: unknown, s: unknown, cats?: unknown): Route {
    const many = Array.isArray(cats) && cats.length > 0 ? (cats as unknown[]) : undefined;
    // Consecutive events of one source share a logsource: skip the key building.
    if (p === this.lastP && c === this.lastC && s === this.lastS && this.last && sameList(many, this.lastCats)) {
      return this.last;
    }
    this.lastP = p;
    this.lastC = c;
    this.lastS = s;
    this.lastCats = many ? many.slice() : undefined;
    this.last = this.lookup(p, many ? this.categorySet(c, many) : [this.canon(1, c)], s);
    return this.last;
  }

  private lastCats: unknown[] | undefined;

  private lastP: unknown;
  private lastC: unknown;
  private lastS: unknown;
  private last: Route | undefined;

  /**
   * Known categories among the primary one and the array, sorted and unique (so the key is canonical). Only the
   * first MAX_CATEGORIES entries count: real events carry one to three, and hostile arrays must not be able to
   * mint a new route (an automaton build) per event.
   */
  private categorySet(c: unknown, cats: unknown[]): string[] {
    const set = new Set<string>([this.canon(1, c)]);
    if (cats.length > MAX_CATEGORIES) TRUNCATED.inc();
    for (let i = 0; i < cats.length && i < MAX_CATEGORIES; i++) set.add(this.canon(1, cats[i]));
    if (set.size > 1) set.delete(UNKNOWN);
    return [...set].sort();
  }

  private lookup(p: unknown, cats: string[], s: unknown): Route {
    const cp = this.canon(0, p);
    const cs = this.canon(2, s);
    const key = `${cp}\0${cats.join('\u0002')}\0${cs}`;
    let r = this.cache.get(key);
    if (!r) {
      if (this.cache.size >= MAX_ROUTES) {
        // Only reachable with many distinct category combinations: start over rather than grow without bound.
        this.cache.clear();
        ROUTE_RESETS.inc();
      }
      const members: number[] = [];
      this.rules.forEach((rule, id) => {
        const { product, category, service } = rule.logsource;
        const fits =
          (product === undefined || product.toLowerCase() === cp) &&
          (category === undefined || cats.includes(category.toLowerCase())) &&
          (service === undefined || service.toLowerCase() === cs);
        if (fits) members.push(id);
      });
      r = new Route(this.rules, members, this.fields, this.useIndex);
      this.cache.set(key, r);
    }
    return r;
  }

  /** A value no rule names (or an absent one) becomes a sentinel that no rule's value equals. */
  private canon(i: number, v: unknown): string {
    if (typeof v !== 'string') return UNKNOWN;
    const l = v.toLowerCase();
    return this.known[i]!.has(l) ? l : UNKNOWN;
  }
}
