/**
 * The in-process CorrelationStore: one Map per correlation (group key -> window), kept in last-touch order
 * so expiry and least-recently-used eviction only look at the front. Bounded three ways: entries per group
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

interface PerCorrelation {
  spanMs: number;
  groups: Map<string, GroupWindow>;
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
    if (!per) {
      per = { spanMs: spec.spanMs, groups: new Map() };
      this.byCorr.set(correlationId, per);
    }
    let w = per.groups.get(groupKey);
    if (w) {
      // Re-insert so the Map stays in last-touch order (front = least recently touched).
      per.groups.delete(groupKey);
    } else {
      if (this.groupCount >= this.maxGroups) this.evictOldest('group_cap');
      w = new GroupWindow(spec);
      this.groupCount++;
    }
    per.groups.set(groupKey, w);
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
      for (const [key, w] of per.groups) {
        if (w.touched > limit) break;
        per.groups.delete(key);
        this.groupCount--;
        this.entryCount -= w.size;
        n++;
      }
      if (per.groups.size === 0) this.byCorr.delete(id);
    }
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
    this.groupCount = 0;
    this.entryCount = 0;
    this.groupsGauge.set(0);
  }

  /** A snapshot of the bound counters. */
  stats(): CorrelationStoreStats {
    return { groups: this.groupCount, entries: this.entryCount, ...this.s };
  }

  /** Evicts the least recently touched group across all correlations (fronts of the per-correlation maps). */
  private evictOldest(reason: 'group_cap' | 'entry_budget'): void {
    let bestPer: PerCorrelation | undefined;
    let bestId = '';
    let bestKey = '';
    let bestTouched = Number.POSITIVE_INFINITY;
    for (const [id, per] of this.byCorr) {
      const first = per.groups.entries().next();
      if (first.done) continue;
      const [key, w] = first.value;
      if (w.touched < bestTouched) {
        bestTouched = w.touched;
        bestPer = per;
        bestId = id;
        bestKey = key;
      }
    }
    if (!bestPer) return;
    const w = bestPer.groups.get(bestKey) as GroupWindow;
    // An emptied per-correlation map stays (observe() may hold it); sweep() removes empty ones.
    bestPer.groups.delete(bestKey);
    this.groupCount--;
    this.entryCount -= w.size;
    this.s.evictedGroups++;
    this.evictedGroupsCounter.labels(reason).inc();
    if (this.s.evictedGroups === 1 || this.s.evictedGroups % 10_000 === 0) {
      log.warn(
        { correlation: bestId, reason, total: this.s.evictedGroups, maxGroups: this.maxGroups },
        'Correlation group evicted to stay within the store bounds',
      );
    }
  }
}
