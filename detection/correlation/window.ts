/**
 * One group's sliding window and the aggregate of every correlation type, kept incrementally so an
 * observation costs O(1) amortised (temporal_ordered and value_percentile scan the window, which is capped).
 *
 * Semantics (also in README.md):
 * - The window evaluated is always the one ending at the group's newest event time `newest`: entries with
 *   `ts > newest - spanMs`. An event exactly `spanMs` after another is therefore NOT in its window; one 1 ms
 *   less is.
 * - Out-of-order entries are inserted at their time position when they still fall in that window and are at
 *   most allowedLatenessMs older than `newest`; otherwise they are reported late (the caller counts the drop).
 * - The condition is tested after every accepted entry; when it holds the window fires and is reset (emptied),
 *   so the next alert needs a fresh set of events. `newest` survives the reset, so lateness is still judged.
 * - With suppressMs, a group that fired stays quiet until `lastTs + suppressMs`: windows whose condition holds
 *   in that period are reset without an alert (counted by the engine as suppressed).
 */
import type { CorrelationCondition } from '../sigma/model.js';
import type { ObserveResult, WindowEntry, WindowSpec } from './types.js';

/** A stored entry: the observation plus an arrival sequence that orders equal timestamps. */
interface Slot {
  ts: number;
  seq: number;
  rule: number;
  num: number;
  key: string;
  id: string;
}

/** Whether every bound of a condition holds for a value (no bound given: never, callers handle that case). */
export function conditionHolds(c: CorrelationCondition, v: number): boolean {
  let any = false;
  if (c.gt !== undefined) {
    if (!(v > c.gt)) return false;
    any = true;
  }
  if (c.gte !== undefined) {
    if (!(v >= c.gte)) return false;
    any = true;
  }
  if (c.lt !== undefined) {
    if (!(v < c.lt)) return false;
    any = true;
  }
  if (c.lte !== undefined) {
    if (!(v <= c.lte)) return false;
    any = true;
  }
  if (c.eq !== undefined) {
    if (v !== c.eq) return false;
    any = true;
  }
  if (c.neq !== undefined) {
    if (v === c.neq) return false;
    any = true;
  }
  return any;
}

/** Whether a condition has at least one bound. */
export function hasBound(c: CorrelationCondition | undefined): boolean {
  return (
    c !== undefined &&
    (c.gt !== undefined ||
      c.gte !== undefined ||
      c.lt !== undefined ||
      c.lte !== undefined ||
      c.eq !== undefined ||
      c.neq !== undefined)
  );
}

let scratch = new Float64Array(64);

/** Nearest-rank percentile of the first n values of `scratch` (sorted in place). */
function percentileOfScratch(n: number, p: number): number {
  const view = scratch.subarray(0, n);
  view.sort();
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return view[rank - 1] as number;
}

/** A fresh result object (the in-memory store reuses one per store). */
export function newResult(): ObserveResult {
  return {
    status: 'accepted',
    fired: false,
    suppressed: false,
    value: 0,
    count: 0,
    firstTs: 0,
    lastTs: 0,
    eventIds: [],
    rules: [],
  };
}

/** The window of one (correlation, group). */
export class GroupWindow {
  private slots: Slot[] = [];
  private head = 0;
  private seq = 0;
  /** Newest event time seen by this group (survives resets); -Infinity before the first entry. */
  newest = Number.NEGATIVE_INFINITY;
  /** Event time before which a fire is suppressed (survives resets). */
  private suppressUntil = Number.NEGATIVE_INFINITY;
  /** Wall-clock time of the last observation, for expiry. */
  touched = 0;
  /** Links of the store's last-touch list (intrusive, so touching a group allocates nothing). */
  prev: GroupWindow | null = null;
  next: GroupWindow | null = null;
  /** The group key, for removal from the store's map when evicted from the list. */
  key = '';
  private sum = 0;
  private readonly ruleCounts: number[] | undefined;
  private present = 0;
  private readonly distinct: Map<string, number> | undefined;

  constructor(private readonly spec: WindowSpec) {
    const t = spec.type;
    this.ruleCounts =
      t === 'temporal' || t === 'temporal_ordered' ? new Array<number>(spec.ruleCount).fill(0) : undefined;
    this.distinct = t === 'value_count' ? new Map() : undefined;
  }

  /** Entries currently in the window. */
  get size(): number {
    return this.slots.length - this.head;
  }

  /**
   * Observes one entry and fills `out`; returns how many entries were evicted by the per-group cap.
   * `out.fired` means the window was reset.
   */
  observe(e: WindowEntry, out: ObserveResult): number {
    const spec = this.spec;
    out.fired = false;
    out.suppressed = false;
    out.eventIds = EMPTY_IDS;
    out.rules = EMPTY_RULES;
    if (e.ts <= this.newest - spec.spanMs || this.newest - e.ts > spec.allowedLatenessMs) {
      out.status = 'late';
      out.value = this.aggregate();
      out.count = this.size;
      return 0;
    }
    out.status = 'accepted';
    const slot: Slot = { ts: e.ts, seq: this.seq++, rule: e.rule, num: e.num, key: e.key, id: e.id };
    const slots = this.slots;
    if (e.ts >= this.newest || this.size === 0) {
      slots.push(slot);
    } else {
      // Late but inside the window: after every entry with ts <= e.ts (arrival order breaks ties).
      let lo = this.head;
      let hi = slots.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((slots[mid] as Slot).ts <= e.ts) lo = mid + 1;
        else hi = mid;
      }
      slots.splice(lo, 0, slot);
    }
    if (e.ts > this.newest) this.newest = e.ts;
    this.add(slot);
    const cutoff = this.newest - spec.spanMs;
    while (this.head < slots.length && (slots[this.head] as Slot).ts <= cutoff) this.removeHead();
    let evicted = 0;
    while (this.size > spec.maxEntries) {
      this.removeHead();
      evicted++;
    }
    if (this.head > 32 && this.head * 2 > slots.length) {
      this.slots = slots.slice(this.head);
      this.head = 0;
    }
    const v = this.aggregate();
    out.value = v;
    out.count = this.size;
    const c = spec.condition;
    const holds =
      (c !== undefined && hasBound(c)
        ? conditionHolds(c, v)
        : (spec.type === 'temporal' || spec.type === 'temporal_ordered') && v === spec.ruleCount) &&
      !(v < (e.floor ?? 0));
    if (holds) {
      if (this.newest < this.suppressUntil) {
        out.suppressed = true;
      } else {
        this.snapshot(out);
        out.fired = true;
        if (spec.suppressMs > 0) this.suppressUntil = this.newest + spec.suppressMs;
      }
      this.reset();
    }
    return evicted;
  }

  private add(s: Slot): void {
    if (this.ruleCounts) {
      if (this.ruleCounts[s.rule] === 0) this.present++;
      this.ruleCounts[s.rule] = (this.ruleCounts[s.rule] as number) + 1;
    } else if (this.distinct) {
      this.distinct.set(s.key, (this.distinct.get(s.key) ?? 0) + 1);
    } else if (!Number.isNaN(s.num)) {
      this.sum += s.num;
    }
  }

  private removeHead(): void {
    const s = this.slots[this.head] as Slot;
    this.head++;
    if (this.ruleCounts) {
      const n = (this.ruleCounts[s.rule] as number) - 1;
      this.ruleCounts[s.rule] = n;
      if (n === 0) this.present--;
    } else if (this.distinct) {
      const n = (this.distinct.get(s.key) ?? 1) - 1;
      if (n === 0) this.distinct.delete(s.key);
      else this.distinct.set(s.key, n);
    } else if (!Number.isNaN(s.num)) {
      this.sum -= s.num;
    }
    // Adding and subtracting floats can leave a residue; an empty window sums to exactly 0.
    if (this.head === this.slots.length) this.sum = 0;
  }

  /** The aggregate of the current window for the spec's type. */
  aggregate(): number {
    const n = this.size;
    switch (this.spec.type) {
      case 'event_count':
        return n;
      case 'value_count':
        return (this.distinct as Map<string, number>).size;
      case 'temporal':
        return this.present;
      case 'temporal_ordered':
        return this.orderedPrefix();
      case 'value_sum':
        return this.sum;
      case 'value_avg':
        return n === 0 ? 0 : this.sum / n;
      case 'value_percentile': {
        if (n === 0) return 0;
        if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
        for (let i = 0; i < n; i++) scratch[i] = (this.slots[this.head + i] as Slot).num;
        return percentileOfScratch(n, this.spec.percentile);
      }
    }
  }

  /** Length of the longest prefix of the rule list that occurs in order (by time, then arrival) in the window. */
  private orderedPrefix(): number {
    const want = this.spec.ruleCount;
    let k = 0;
    const slots = this.slots;
    for (let i = this.head; i < slots.length && k < want; i++) if ((slots[i] as Slot).rule === k) k++;
    return k;
  }

  private snapshot(out: ObserveResult): void {
    const slots = this.slots;
    out.firstTs = (slots[this.head] as Slot).ts;
    out.lastTs = this.newest;
    const ids: string[] = [];
    for (let i = slots.length - 1; i >= this.head && ids.length < this.spec.maxEventIds; i--) {
      const id = (slots[i] as Slot).id;
      if (id !== '') ids.push(id);
    }
    ids.reverse();
    out.eventIds = ids;
    const seen = new Array<boolean>(this.spec.ruleCount).fill(false);
    for (let i = this.head; i < slots.length; i++) seen[(slots[i] as Slot).rule] = true;
    const rules: number[] = [];
    for (let r = 0; r < seen.length; r++) if (seen[r]) rules.push(r);
    out.rules = rules;
  }

  /** Empties the window (after a fire); the group clock `newest` stays. */
  reset(): void {
    this.slots = [];
    this.head = 0;
    this.sum = 0;
    this.present = 0;
    if (this.ruleCounts) this.ruleCounts.fill(0);
    this.distinct?.clear();
  }
}

const EMPTY_IDS: string[] = [];
const EMPTY_RULES: number[] = [];
