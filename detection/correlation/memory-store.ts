/**
 * The in-process CorrelationStore: per correlation a Map (group key -> window) for lookup and an intrusive
 * list in last-touch order, so touching allocates nothing and expiry and least-recently-used eviction only
 * look at the head. Bounded three ways: entries per group
 * (WindowSpec.maxEntries), number of groups (maxGroups) and entries across all groups (maxTotalEntries).
 * Every eviction and expiry is counted (Prometheus + stats()) and logged, never silent.
 */
import { logger } from '../../core/log.js';
import { counter, gauge } from '../../core/metrics.js';
import type { CorrelationStoreStats, ObserveResult, SyncCorrelationStore, WindowEntry, WindowSpec } from './types.js';
import { GroupWindow, newResult } from './window.js';

/** Bounds of the in-memory store. */
export interface MemoryStoreOptions {
  /** Groups held across all correlations before the least recently touched is evicted (default 100 000). */
  maxGroups?: number;
  /** Entries held across all groups before least recently touched groups are evicted (default 2 000 000). */
  maxTotalEntries?: number;
  /** Extra idle time, beyond the timespan, before a group expires (default 60 000 ms). */
  expiryGraceMs?: number;
  /** Expired groups are swept every this many observations (default 1024); sweep() can also be called. */
  sweepEvery?: number;
}

/** One correlation's groups: a map for lookup and a doubly linked list in last-touch order (head = oldest). */
interface PerCorrelation {
  id: string;
  /** The spec the groups were built with (a reloaded rule with the same id may bring another). */
  spec: WindowSpec;
  spanMs: number;
  groups: Map<string, GroupWindow>;
  head: GroupWindow | null;
  tail: GroupWindow | null;
}

function unlink(per: PerCorrelation, w: GroupWindow): void {
  if (w.prev) w.prev.next = w.next;
  else per.head = w.next;
  if (w.next) w.next.prev = w.prev;
  else per.tail = w.prev;
  w.prev = null;
  w.next = null;
}

function append(per: PerCorrelation, w: GroupWindow): void {
  w.prev = per.tail;
  w.next = null;
  if (per.tail) per.tail.next = w;
  else per.head = w;
  per.tail = w;
}

const log = logger('correlation-store');

/** The default, in-process store (embedded mode and each worker's local windows). */
export class MemoryCorrelationStore implements SyncCorrelationStore {
  private readonly byCorr = new Map<string, PerCorrelation>();
  private readonly out = newResult();
  private readonly maxGroups: number;
  private readonly maxTotalEntries: number;
  private readonly graceMs: number;
  private readonly sweepEvery: number;
  private groupCount = 0;
  private entryCount = 0;
  private sinceSweep = 0;
  private readonly s = { evictedGroups: 0, evictedEntries: 0, expiredGroups: 0 };
  private readonly evictedGroupsCounter = counter(
    'canhgac_correlation_groups_evicted_total',
    'Correlation groups evicted to stay within the store bounds, by reason (group_cap, entry_budget)',
    ['reason'],
  );
  // Labelled children resolved once: eviction is a hot path under a flood of new groups (a scan).
  private readonly evictedBy = {
    group_cap: this.evictedGroupsCounter.labels('group_cap'),
    entry_budget: this.evictedGroupsCounter.labels('entry_budget'),
  };
  /** The per-correlation entries as an array, so eviction scans heads without an iterator. */
  private perList: PerCorrelation[] = [];
  private readonly evictedEntriesCounter = counter(
    'canhgac_correlation_entries_evicted_total',
    'Correlation window entries evicted because a group reached its per-group entry cap',
  );
  private readonly expiredCounter = counter(
    'canhgac_correlation_groups_expired_total',
    'Correlation groups removed after being idle for timespan + grace',
  );
  private readonly groupsGauge = gauge('canhgac_correlation_groups', 'Correlation groups currently held');

  constructor(opts: MemoryStoreOptions = {}) {
    this.maxGroups = opts.maxGroups ?? 100_000;
    this.maxTotalEntries = opts.maxTotalEntries ?? 2_000_000;
    this.graceMs = opts.expiryGraceMs ?? 60_000;
    this.sweepEvery = opts.sweepEvery ?? 1024;
  }

  /** See CorrelationStore.observe; the returned object is reused by the next call. */
  observe(correlationId: string, groupKey: string, spec: WindowSpec, entry: WindowEntry, nowMs: number): ObserveResult {
    if (++this.sinceSweep >= this.sweepEvery) this.sweep(nowMs);
    let per = this.byCorr.get(correlationId);
    if (per && per.spec !== spec && JSON.stringify(per.spec) !== JSON.stringify(spec)) {
      // The rule changed (reload with the same id): windows built for the old spec are meaningless now.
      this.dropCorrelation(per);
      per = undefined;
    } else if (per) {
      per.spec = spec;
    }
    if (!per) {
      per = { id: correlationId, spec, spanMs: spec.spanMs, groups: new Map(), head: null, tail: null };
      this.byCorr.set(correlationId, per);
      this.perList = [...this.byCorr.values()];
    }
    let w = per.groups.get(groupKey);
    if (w) {
      if (per.tail !== w) {
        unlink(per, w);
        append(per, w);
      }
    } else {
      if (this.groupCount >= this.maxGroups) this.evictOldest('group_cap');
      w = new GroupWindow(spec);
      w.key = groupKey;
      per.groups.set(groupKey, w);
      append(per, w);
      this.groupCount++;
    }
    w.touched = nowMs;
    const before = w.size;
    const evicted = w.observe(entry, this.out);
    if (evicted > 0) {
      this.s.evictedEntries += evicted;
      this.evictedEntriesCounter.inc(evicted);
      if (this.s.evictedEntries === evicted || this.s.evictedEntries % 10_000 < evicted) {
        log.warn(
          { correlation: correlationId, cap: spec.maxEntries, total: this.s.evictedEntries },
          'Correlation group reached its entry cap; oldest entries evicted',
        );
      }
    }
    this.entryCount += w.size - before;
    while (this.entryCount > this.maxTotalEntries && this.groupCount > 1) this.evictOldest('entry_budget');
    return this.out;
  }

  /** Removes groups idle for longer than their correlation's timespan + grace. */
  sweep(nowMs: number): number {
    this.sinceSweep = 0;
    let n = 0;
    for (const [id, per] of this.byCorr) {
      const limit = nowMs - per.spanMs - this.graceMs;
      for (let w = per.head; w !== null && w.touched <= limit; w = per.head) {
        unlink(per, w);
        per.groups.delete(w.key);
        this.groupCount--;
        this.entryCount -= w.size;
        n++;
      }
      if (per.groups.size === 0) this.byCorr.delete(id);
    }
    this.perList = [...this.byCorr.values()];
    if (n > 0) {
      this.s.expiredGroups += n;
      this.expiredCounter.inc(n);
      log.debug({ expired: n, groups: this.groupCount }, 'Expired idle correlation groups');
    }
    this.groupsGauge.set(this.groupCount);
    return n;
  }

  /** Drops every window. */
  clear(): void {
    this.byCorr.clear();
    this.perList = [];
    this.groupCount = 0;
    this.entryCount = 0;
    this.groupsGauge.set(0);
  }

  /** A snapshot of the bound counters. */
  stats(): CorrelationStoreStats {
    return { groups: this.groupCount, entries: this.entryCount, ...this.s };
  }

  /** Forgets every group of one correlation (its rule changed), counted as expired. */
  private dropCorrelation(per: PerCorrelation): void {
    let n = 0;
    for (const w of per.groups.values()) {
      this.entryCount -= w.size;
      n++;
    }
    this.groupCount -= n;
    this.byCorr.delete(per.id);
    this.perList = [...this.byCorr.values()];
    this.s.expiredGroups += n;
    this.expiredCounter.inc(n);
    log.info({ correlation: per.id, groups: n }, 'Correlation rule changed; its windows were dropped');
  }

  /** Evicts the least recently touched group across all correlations (fronts of the per-correlation maps). */
  private evictOldest(reason: 'group_cap' | 'entry_budget'): void {
    let bestPer: PerCorrelation | undefined;
    for (const per of this.perList) {
      if (per.head !== null && (bestPer === undefined || per.head.touched < (bestPer.head as GroupWindow).touched)) {
        bestPer = per;
      }
    }
    if (!bestPer) return;
    const bestId = bestPer.id;
    const w = bestPer.head as GroupWindow;
    // An emptied per-correlation map stays (observe() may hold it); sweep() removes empty ones.
    unlink(bestPer, w);
    bestPer.groups.delete(w.key);
    this.groupCount--;
    this.entryCount -= w.size;
    this.s.evictedGroups++;
    this.evictedBy[reason].inc();
    if (this.s.evictedGroups === 1 || this.s.evictedGroups % 10_000 === 0) {
      log.warn(
        { correlation: bestId, reason, total: this.s.evictedGroups, maxGroups: this.maxGroups },
        'Correlation group evicted to stay within the store bounds',
      );
    }
  }
}
