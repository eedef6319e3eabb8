/**
 * The correlation seam: what the engine hands a CorrelationStore and what it gets back. Everything in a
 * WindowSpec and a WindowEntry is a number or a string so that a Redis-backed store can pass it to one Lua
 * script (ARGV) and run insert + prune + aggregate + reset-on-fire as a single atomic operation.
 */
import type { CorrelationCondition, CorrelationType } from '../sigma/model.js';

/** A value that may be ready now (in-memory store) or later (Redis store). */
export type MaybePromise<T> = T | Promise<T>;

/** How one correlation's windows behave; built once per correlation, identical for all its groups. */
export interface WindowSpec {
  type: CorrelationType;
  /** Sliding window length: entries older than `newest - spanMs` (inclusive) leave the window. */
  spanMs: number;
  /** Number of referenced rules; temporal types need rule indices 0..ruleCount-1. */
  ruleCount: number;
  /** The bounds; undefined for temporal types without a condition (all rules must occur). */
  condition: CorrelationCondition | undefined;
  /** value_percentile: which percentile (0-100), nearest-rank method. */
  percentile: number;
  /** Per-group entry cap; the oldest entries beyond it are evicted (counted). */
  maxEntries: number;
  /** An entry older than the group's newest by more than this is dropped as late (counted). */
  allowedLatenessMs: number;
  /** How many event ids an alert carries at most (the newest ones of the window). */
  maxEventIds: number;
  /**
   * After a fire, further fires of the same group are suppressed until `lastTs + suppressMs` (event time): the
   * window still resets when the condition holds, but no alert is raised. 0: every fire alerts.
   */
  suppressMs: number;
}

/** One observation for one (correlation, group): a base-rule match or a chained correlation alert. */
export interface WindowEntry {
  /** Event time, epoch milliseconds. */
  ts: number;
  /** Index of the referenced rule in the correlation's `rules` list. */
  rule: number;
  /** value_sum / value_avg / value_percentile: the numeric value (NaN otherwise). */
  num: number;
  /** value_count: the value's string form ('' otherwise). */
  key: string;
  /** `event.id` of the event ('' when absent). */
  id: string;
  /**
   * The least aggregate that may fire besides the condition (a correlation's baseline: factor x the learned
   * normal, docs/baselines.md); 0 when none. Optional so a caller without baselines need not set it.
   */
  floor?: number;
}

/** What happened to an observed entry. */
export type ObserveStatus = 'accepted' | 'late';

/** The answer to one observe(); from the in-memory store it is reused, valid only until the next call. */
export interface ObserveResult {
  status: ObserveStatus;
  /** Whether the condition held after this entry; the group's window has then been reset. */
  fired: boolean;
  /** The aggregate the condition was tested on (count, distinct values, rules present, sum, avg, percentile). */
  value: number;
  /** Entries in the window when evaluated. */
  count: number;
  /** Oldest and newest event time in the window (only meaningful when fired). */
  firstTs: number;
  lastTs: number;
  /** Newest event ids of the window, at most maxEventIds (only filled when fired). */
  eventIds: string[];
  /** Indices of the referenced rules present in the window (only filled when fired). */
  rules: number[];
  /** The condition held but the group is inside its suppression period (the window was reset, no alert). */
  suppressed: boolean;
}

/** Counters a store keeps about its own bounds. */
export interface CorrelationStoreStats {
  /** Groups currently held. */
  groups: number;
  /** Entries currently held across all groups. */
  entries: number;
  /** Groups evicted because of the group cap or the total entry budget. */
  evictedGroups: number;
  /** Entries evicted because a group reached its per-group entry cap. */
  evictedEntries: number;
  /** Groups removed because no event touched them for timespan + grace. */
  expiredGroups: number;
}

/**
 * Window state per (correlation, group). Every method is one atomic step: a Redis implementation runs
 * observe() as one Lua script (sorted set per group scored by time, hash of per-value and per-rule counts,
 * PEXPIRE timespan + grace for expiry, a per-correlation sorted set of group keys by last touch for the cap).
 */
export interface CorrelationStore {
  /** Adds the entry to the group's window, prunes, evaluates the spec's condition and resets the group on a fire. */
  observe(
    correlationId: string,
    groupKey: string,
    spec: WindowSpec,
    entry: WindowEntry,
    nowMs: number,
  ): MaybePromise<ObserveResult>;
  /** Removes groups idle (by wall clock) for longer than their timespan + grace; returns how many. */
  sweep(nowMs: number): MaybePromise<number>;
  /** Drops every window (rules reloaded, tests). */
  clear(): MaybePromise<void>;
  /** A snapshot of the bound counters. */
  stats(): CorrelationStoreStats;
}

/** A store whose operations complete synchronously: the in-process hot path uses it without promises. */
export interface SyncCorrelationStore extends CorrelationStore {
  observe(correlationId: string, groupKey: string, spec: WindowSpec, entry: WindowEntry, nowMs: number): ObserveResult;
  sweep(nowMs: number): number;
  clear(): void;
}
