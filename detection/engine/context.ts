/**
 * Per-event evaluation context: the event, and caches that make each field's text (and lowercase text) computed
 * at most once per event however many rules read it. Resetting for the next event is one counter increment.
 */

import { scalarText } from '../../core/event/values.js';
import type { SigmaEvent } from '../sigma/model.js';
import { AhoCorasick } from './aho.js';

/**
 * The case-insensitive keyword literal lists of every compiled rule in one automaton: an event's keyword texts are
 * scanned once for all of them (each list is a group; a rule asks whether its group was hit), where one automaton
 * per rule scanned the same texts once per keyword rule evaluated.
 */
export class KeywordGroups {
  private ac: AhoCorasick | null = null;
  private readonly literals: [string, number][] = [];
  private groups = 0;

  /** Registers one OR list of lowercase literals; returns its group number. */
  add(literals: readonly string[]): number {
    const g = this.groups++;
    for (const l of literals) this.literals.push([l, g]);
    this.ac = null; // built again, with every list, at the next scan
    return g;
  }

  get count(): number {
    return this.groups;
  }

  /** Calls `emit(group)` for every group with a literal in the lowercase `text` (groups may repeat). */
  scan(text: string, emit: (group: number) => void): void {
    let ac = this.ac;
    if (ac === null) {
      ac = new AhoCorasick();
      for (const [l, g] of this.literals) ac.add(l, g);
      ac.build();
      this.ac = ac;
    }
    ac.scan(text, emit);
  }
}

/** Field names used by compiled rules, each given a small integer slot for the per-event caches. */
export class FieldTable {
  readonly names: string[] = [];
  /** Keyword literal lists shared by the rules compiled against this table. */
  readonly keywordGroups = new KeywordGroups();
  private readonly slots = new Map<string, number>();

  /** The slot of a field name, allocated on first use. */
  slot(name: string): number {
    let s = this.slots.get(name);
    if (s === undefined) {
      s = this.names.length;
      this.names.push(name);
      this.slots.set(name, s);
    }
    return s;
  }
}

/** Text of a field value: a string, the texts of an array's scalar elements, or null (absent / not text). */
export type FieldText = string | string[] | null;

const NOTHING: SigmaEvent = Object.freeze({}) as SigmaEvent;

/** Caches for one event; one instance per Engine, reused for every event (not re-entrant). */
export class EvalContext {
  ev: SigmaEvent = NOTHING;
  private gen = 1;
  private readonly names: string[];
  /** Field names that exist on Object.prototype: read as own properties only. */
  private readonly guarded: Uint8Array;
  private readonly lowGen: Uint32Array;
  private readonly lowVal: FieldText[];
  private readonly txtGen: Uint32Array;
  private readonly txtVal: FieldText[];
  private kwGen = 0;
  private kwTxt: string[] = [];
  private kwLowGen = 0;
  private kwLow: string[] = [];
  private readonly groups: KeywordGroups;
  private groupScanGen = 0;
  /** Per keyword group, the generation of the last event whose keyword texts hit it. */
  private groupHitGen: Uint32Array;
  private readonly markGroup = (g: number): void => {
    this.groupHitGen[g] = this.gen;
  };

  constructor(fields: FieldTable) {
    this.groups = fields.keywordGroups;
    this.groupHitGen = new Uint32Array(this.groups.count);
    this.names = fields.names.slice();
    const n = this.names.length;
    this.guarded = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (this.names[i]! in Object.prototype) this.guarded[i] = 1;
    this.lowGen = new Uint32Array(n);
    this.lowVal = new Array<FieldText>(n).fill(null);
    this.txtGen = new Uint32Array(n);
    this.txtVal = new Array<FieldText>(n).fill(null);
  }

  /** Starts a new event: every cache becomes stale at once. */
  reset(ev: SigmaEvent): void {
    this.ev = ev;
    if (++this.gen === 0xffffffff) {
      this.gen = 1;
      this.lowGen.fill(0);
      this.txtGen.fill(0);
      this.kwGen = 0;
      this.kwLowGen = 0;
      this.groupScanGen = 0;
      this.groupHitGen.fill(0);
    }
  }

  /** The raw value of a field (own properties only). */
  raw(slot: number): unknown {
    const name = this.names[slot]!;
    if (this.guarded[slot] === 1 && !Object.hasOwn(this.ev, name)) return undefined;
    return this.ev[name];
  }

  /** Whether the event has the field as an own key (|exists). */
  has(slot: number): boolean {
    return Object.hasOwn(this.ev, this.names[slot]!);
  }

  /** The field's text as compared by cased string matchers and regular expressions. */
  text(slot: number): FieldText {
    if (this.txtGen[slot] === this.gen) return this.txtVal[slot]!;
    const v = this.raw(slot);
    let r: FieldText = null;
    if (typeof v === 'string') r = v;
    else if (Array.isArray(v)) {
      r = [];
      for (const e of v) {
        const t = scalarText(e);
        if (t !== undefined) r.push(t);
      }
    } else {
      const t = scalarText(v);
      if (t !== undefined) r = t;
    }
    this.txtGen[slot] = this.gen;
    this.txtVal[slot] = r;
    return r;
  }

  /** The field's lowercase text, computed once per event (case-insensitive matchers and the candidate index). */
  lower(slot: number): FieldText {
    if (this.lowGen[slot] === this.gen) return this.lowVal[slot]!;
    const t = this.text(slot);
    let r: FieldText;
    if (t === null) r = null;
    else if (typeof t === 'string') r = t.toLowerCase();
    else r = t.map((s) => s.toLowerCase());
    this.lowGen[slot] = this.gen;
    this.lowVal[slot] = r;
    return r;
  }

  /** Keyword search texts: `message` when it is a string, else every top-level string value. */
  keywords(): string[] {
    if (this.kwGen === this.gen) return this.kwTxt;
    const ev = this.ev;
    const m = Object.hasOwn(ev, 'message') ? ev.message : undefined;
    const out: string[] = [];
    if (typeof m === 'string') out.push(m);
    else {
      for (const k in ev) {
        if (!Object.hasOwn(ev, k)) continue;
        const v = ev[k];
        if (typeof v === 'string') out.push(v);
      }
    }
    this.kwGen = this.gen;
    this.kwTxt = out;
    return out;
  }

  /** Lowercase keyword texts. */
  keywordsLower(): string[] {
    if (this.kwLowGen === this.gen) return this.kwLow;
    this.kwLow = this.keywords().map((s) => s.toLowerCase());
    this.kwLowGen = this.gen;
    return this.kwLow;
  }

  /** Whether a keyword group (KeywordGroups.add) has a literal in this event's lowercase keyword texts. */
  keywordGroupHit(group: number): boolean {
    if (this.groupScanGen !== this.gen) {
      // A group registered after this context was made (never at run time today) gets room here.
      if (this.groupHitGen.length < this.groups.count) this.groupHitGen = new Uint32Array(this.groups.count);
      const ts = this.keywordsLower();
      for (let i = 0; i < ts.length; i++) this.groups.scan(ts[i]!, this.markGroup);
      this.groupScanGen = this.gen;
    }
    return this.groupHitGen[group] === this.gen;
  }
}
