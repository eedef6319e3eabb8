/**
 * The correlation engine: fed, per event, the base-rule matches of that event; keeps windows per
 * (correlation, group) in a CorrelationStore and returns the correlation alerts that fire. A fired alert is
 * fed on to the correlations that reference it (chaining), in the same call.
 */
import { newEventId } from '../../core/ids.js';
import { logger } from '../../core/log.js';
import { counter, type StageTelemetry, stageTelemetry } from '../../core/metrics.js';
import type { CorrelationRule, CorrelationType, RuleProblem, SigmaEvent } from '../sigma/model.js';
import { type BaselineStore, MemoryBaselineStore } from './baseline.js';
import { baselineKeyRecord, observeWithBaseline } from './baseline-step.js';
import {
  type CompiledCorrelation,
  type CompileOptions,
  type CorrelationRef,
  compileCorrelations,
  type ResolvedFields,
  resolveField,
} from './compile.js';
import { correlationError } from './errors.js';
import { valueKey } from './keys.js';
import { MemoryCorrelationStore } from './memory-store.js';
import type { CorrelationStore, CorrelationStoreStats, ObserveResult, WindowEntry } from './types.js';

/** What the engine needs of a base-rule match (detection/engine's RuleMatch fits). */
export interface BaseMatch {
  id: string;
  name?: string | undefined;
}

/** A fired correlation. */
export interface CorrelationAlert {
  /** `<event.id of the event that fired it>:<correlation id>`, or a fresh id when the event has none. */
  id: string;
  correlation: { id: string; title: string; name?: string | undefined; level?: CorrelationRule['level'] };
  type: CorrelationType;
  /** Group-by name (as written in the rule, alias names included) -> value. */
  group: Record<string, unknown>;
  /** The aggregate the condition held for: count, distinct values, rules present, sum, average or percentile. */
  value: number;
  /** Entries (events or chained alerts) in the window. */
  count: number;
  firstTs: number;
  lastTs: number;
  /** `event.id` of the newest events of the window, at most maxEventIds. */
  eventIds: string[];
  /** Ids of the referenced rules that had events in the window. */
  ruleIds: string[];
  /**
   * With a baseline (docs/baselines.md): whose normal applied (`by` field -> value), the normal per timespan and
   * the least value that could fire (factor x normal); absent while warming up or without a baseline.
   */
  baseline?: { key: Record<string, unknown>; normal: number; floor: number; learning?: boolean };
  /** False when a correlation referencing this one has generate: false (raise it only through that chain). */
  standalone: boolean;
}

/** Engine options: compile bounds, the store, the clocks. */
export interface CorrelationEngineOptions extends CompileOptions {
  /** Where windows live (default: a new MemoryCorrelationStore). */
  store?: CorrelationStore;
  /**
   * Where learned normals live (default: a new MemoryBaselineStore). Pass the same one to the engines of later
   * rule sets: a normal takes hours to learn and should survive a reload.
   */
  baselines?: BaselineStore;
  /** Wall clock for expiry (default Date.now). */
  now?: () => number;
  /**
   * An event time further than this ahead of the wall clock is replaced by the wall clock (counted), so one
   * host with a wrong clock or time zone cannot push its group's window into the future and make every later
   * event late (default 300 000 ms; Infinity turns it off).
   */
  maxFutureMs?: number;
  /**
   * An event without a group-by field: 'drop' (default; counted, like `stats ... by` in Splunk or an
   * Elasticsearch terms aggregation) or 'group' (absent values form their own group, like SQL GROUP BY NULL).
   */
  missingGroupField?: 'drop' | 'group';
}

/** Why an observation was dropped (the `reason` label of canhgac_component_dropped_events_total). */
export type CorrelationDropReason =
  | 'bad_timestamp'
  | 'missing_group_field'
  | 'missing_value_field'
  | 'non_numeric_value'
  | 'late';

const NO_ALERTS: readonly CorrelationAlert[] = Object.freeze([]);
const log = logger('correlation');

/** Epoch milliseconds from `@timestamp` (ISO string, epoch ms number or Date); NaN when it is none. */
export function eventTime(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : Number.NaN;
  if (typeof v === 'string') return Date.parse(v);
  if (v instanceof Date) return v.getTime();
  return Number.NaN;
}

/** The key part of an absent group-by value with missingGroupField 'group' (a NUL, which log values do not carry). */
const MISSING = '\u0000';

function numeric(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : Number.NaN;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}

/** condition.field as a list: value_count accepts several (joined with ',' by the parser). */
function valueFields(rule: CorrelationRule): string[] {
  const f = rule.condition?.field;
  if (!f) return [];
  return rule.type === 'value_count' ? f.split(',').map((x) => x.trim()) : [f];
}

interface Pending {
  match: BaseMatch;
  event: SigmaEvent;
  ts: number;
}

/** Sigma correlation rules over a stream of base-rule matches. */
export class CorrelationEngine {
  /** Problems found while compiling; correlations with errors are not run. */
  readonly problems: RuleProblem[];
  private readonly correlations: CompiledCorrelation[];
  private readonly refIndex: Map<string, CorrelationRef[]>;
  private readonly byIdentity = new Map<string, CompiledCorrelation>();
  private readonly generates = new Map<string, boolean>();
  private readonly store: CorrelationStore;
  private readonly baselines: BaselineStore;
  private readonly now: () => number;
  private readonly telemetry: StageTelemetry = stageTelemetry('correlation');
  private readonly entry: WindowEntry = { ts: 0, rule: 0, num: Number.NaN, key: '', id: '', floor: 0 };
  private readonly targets: CorrelationRef[] = [];
  private readonly maxFutureMs: number;
  private readonly groupMissing: boolean;
  private readonly suppressedCounter = counter(
    'canhgac_correlation_suppressed_total',
    'Correlation fires not raised because the group was inside its suppression period (suppressMs)',
  );
  private readonly futureCounter = counter(
    'canhgac_correlation_future_timestamps_total',
    'Events whose time was too far ahead of the wall clock and was replaced by it for correlation',
  );

  constructor(rules: readonly CorrelationRule[], opts: CorrelationEngineOptions = {}) {
    const set = compileCorrelations(rules, opts);
    this.problems = set.problems;
    this.correlations = set.correlations;
    this.refIndex = set.refIndex;
    for (const c of this.correlations) {
      this.byIdentity.set(c.rule.id, c);
      if (c.rule.name) this.byIdentity.set(c.rule.name, c);
    }
    // Per referenced id or name: does any correlation referencing it say generate: true? (read per base match)
    const mark = (key: string, refs: readonly CorrelationRef[]) => {
      const any = refs.some((r) => r.corr.rule.generate);
      this.generates.set(key, (this.generates.get(key) ?? false) || any);
    };
    for (const [key, refs] of this.refIndex) mark(key, refs);
    for (const c of this.correlations) {
      if (c.parents.length === 0) continue;
      mark(c.rule.id, c.parents);
      if (c.rule.name) mark(c.rule.name, c.parents);
    }
    this.store = opts.store ?? new MemoryCorrelationStore();
    this.baselines = opts.baselines ?? new MemoryBaselineStore();
    this.now = opts.now ?? Date.now;
    this.maxFutureMs = opts.maxFutureMs ?? 300_000;
    this.groupMissing = opts.missingGroupField === 'group';
    for (const p of this.problems) {
      log.warn({ file: p.file, line: p.line, col: p.col, code: p.code }, `Correlation rule problem: ${p.message}`);
    }
  }

  /** The correlations that run (compiled, valid). */
  get rules(): CorrelationRule[] {
    return this.correlations.map((c) => c.rule);
  }

  /** Whether any correlation listens to this rule (id or name): the caller can skip process() otherwise. */
  references(match: BaseMatch): boolean {
    return this.refIndex.has(match.id) || (match.name !== undefined && this.refIndex.has(match.name));
  }

  /**
   * Whether a rule's own matches should be raised as alerts: yes unless it is referenced by correlations and
   * none of them says generate: true (Sigma's default is false: only the correlation alerts).
   */
  shouldAlert(rule: BaseMatch): boolean {
    const byId = this.generates.get(rule.id);
    const byName = rule.name !== undefined ? this.generates.get(rule.name) : undefined;
    if (byId === undefined && byName === undefined) return true;
    return byId === true || byName === true;
  }

  /** Processes one event's base-rule matches with a synchronous store; returns the alerts that fired. */
  process(event: SigmaEvent, matches: readonly BaseMatch[], ts?: number): readonly CorrelationAlert[] {
    let alerts: CorrelationAlert[] | undefined;
    let queue: Pending[] | undefined;
    const t = this.eventTs(event, ts);
    let received = false;
    for (const m of matches) {
      const targets = this.collectTargets(m);
      if (targets.length === 0) continue;
      if (!received) {
        received = true;
        this.telemetry.received();
      }
      if (!Number.isFinite(t)) {
        this.drop('bad_timestamp', targets[0]?.corr, event);
        continue;
      }
      for (const ref of targets) {
        const r = this.observe(ref, m, event, t);
        if (r === undefined) continue;
        if (r instanceof Promise) throw correlationError('CANHGAC_ERR_CORRELATION_ASYNC_STORE');
        const a = this.onResult(ref, r, event, m, this.entry.floor);
        if (a) {
          alerts ??= [];
          queue ??= [];
          alerts.push(a);
          this.enqueueChain(queue, ref.corr, a, event);
        }
      }
    }
    while (queue !== undefined && queue.length > 0) {
      const p = queue.shift() as Pending;
      for (const ref of [...this.collectTargets(p.match)]) {
        const r = this.observe(ref, p.match, p.event, p.ts);
        if (r === undefined) continue;
        if (r instanceof Promise) throw correlationError('CANHGAC_ERR_CORRELATION_ASYNC_STORE');
        const a = this.onResult(ref, r, p.event, p.match, this.entry.floor);
        if (a) {
          (alerts as CorrelationAlert[]).push(a);
          this.enqueueChain(queue, ref.corr, a, p.event);
        }
      }
    }
    if (!alerts) return NO_ALERTS;
    this.telemetry.sent(alerts.length);
    return alerts;
  }

  /** Same as process() for any store, synchronous or not (a Redis store in distributed mode). */
  async processAsync(
    event: SigmaEvent,
    matches: readonly BaseMatch[],
    ts?: number,
  ): Promise<readonly CorrelationAlert[]> {
    const alerts: CorrelationAlert[] = [];
    const t = this.eventTs(event, ts);
    const queue: Pending[] = [];
    let received = false;
    for (const m of matches) {
      if (this.collectTargets(m).length === 0) continue;
      if (!received) {
        received = true;
        this.telemetry.received();
      }
      if (!Number.isFinite(t)) {
        this.drop('bad_timestamp', this.collectTargets(m)[0]?.corr, event);
        continue;
      }
      queue.push({ match: m, event, ts: t });
    }
    while (queue.length > 0) {
      const p = queue.shift() as Pending;
      for (const ref of [...this.collectTargets(p.match)]) {
        // A fresh entry per call: an asynchronous store may still read it after the next observation starts.
        const entry: WindowEntry = { ts: 0, rule: 0, num: Number.NaN, key: '', id: '', floor: 0 };
        const pending = this.observe(ref, p.match, p.event, p.ts, entry);
        // A synchronous store's result object is reused: read it before yielding to another processAsync call.
        const r = pending instanceof Promise ? await pending : pending;
        if (r === undefined) continue;
        const a = this.onResult(ref, r, p.event, p.match, entry.floor);
        if (a) {
          alerts.push(a);
          this.enqueueChain(queue, ref.corr, a, p.event);
        }
      }
    }
    if (alerts.length > 0) this.telemetry.sent(alerts.length);
    return alerts.length > 0 ? alerts : NO_ALERTS;
  }

  /** Expires idle groups now (the store also sweeps on its own); returns how many. */
  sweep(): ReturnType<CorrelationStore['sweep']> {
    return this.store.sweep(this.now());
  }

  /** The store's bound counters. */
  stats(): CorrelationStoreStats {
    return this.store.stats();
  }

  /** The event's time, with a time too far in the future replaced by the wall clock (NaN: unusable). */
  private eventTs(event: SigmaEvent, ts: number | undefined): number {
    const t = ts ?? eventTime(event['@timestamp']);
    if (!Number.isFinite(this.maxFutureMs)) return t;
    const now = this.now();
    if (!(t > now + this.maxFutureMs)) return t;
    this.futureCounter.inc();
    log.debug({ eventId: event['event.id'], ts: t, now }, 'Event time ahead of the wall clock; wall clock used');
    return now;
  }

  /** Correlations fed by a rule or correlation identified by id or name (each correlation once). */
  private collectTargets(m: BaseMatch): CorrelationRef[] {
    const own = this.byIdentity.get(m.id) ?? (m.name !== undefined ? this.byIdentity.get(m.name) : undefined);
    if (own) return own.parents;
    const byId = this.refIndex.get(m.id);
    const byName = m.name !== undefined && m.name !== m.id ? this.refIndex.get(m.name) : undefined;
    if (!byName) return byId ?? EMPTY_REFS;
    if (!byId) return byName;
    // A rule referenced by id in one correlation and by name in another: merge, each correlation once.
    const out = this.targets;
    out.length = 0;
    for (const r of byId) out.push(r);
    for (const r of byName) if (!byId.some((x) => x.corr === r.corr)) out.push(r);
    return out;
  }

  private fields(ref: CorrelationRef, m: BaseMatch): ResolvedFields {
    const cache = ref.corr.fieldCache[ref.idx] as Map<string, ResolvedFields>;
    let f = cache.get(m.id);
    if (!f) {
      const rule = ref.corr.rule;
      const refText = rule.rules[ref.idx] as string;
      f = {
        group: rule.groupBy.map((g) => resolveField(rule, g, m.id, m.name, refText)),
        value: valueFields(rule).map((v) => resolveField(rule, v, m.id, m.name, refText)),
      };
      cache.set(m.id, f);
      if (ref.corr.ruleIds[ref.idx] === refText) ref.corr.ruleIds[ref.idx] = m.id;
    }
    return f;
  }

  /** Builds the entry and hands it to the store; undefined when the observation is dropped (counted). */
  private observe(
    ref: CorrelationRef,
    m: BaseMatch,
    event: SigmaEvent,
    ts: number,
    entry: WindowEntry = this.entry,
  ): ObserveResult | Promise<ObserveResult> | undefined {
    const c = ref.corr;
    const f = this.fields(ref, m);
    let key = '';
    for (let i = 0; i < f.group.length; i++) {
      let v = valueKey(event[f.group[i] as string]);
      if (v === undefined) {
        if (!this.groupMissing) {
          this.drop('missing_group_field', c, event);
          return undefined;
        }
        v = MISSING;
      }
      key = i === 0 ? v : `${key}\u001f${v}`;
    }
    entry.ts = ts;
    entry.rule = ref.idx;
    entry.num = Number.NaN;
    entry.key = '';
    const id = event['event.id'];
    entry.id = typeof id === 'string' ? id : '';
    const type = c.spec.type;
    if (type === 'value_count') {
      // Several fields count distinct tuples (all must be present), as the spec links them with AND.
      let k = '';
      for (let i = 0; i < f.value.length; i++) {
        const v = valueKey(event[f.value[i] as string]);
        if (v === undefined) {
          this.drop('missing_value_field', c, event);
          return undefined;
        }
        k = i === 0 ? v : `${k}\u001f${v}`;
      }
      entry.key = k;
    } else if (type === 'value_sum' || type === 'value_avg' || type === 'value_percentile') {
      const raw = event[f.value[0] as string];
      if (raw === undefined || raw === null) {
        this.drop('missing_value_field', c, event);
        return undefined;
      }
      const n = numeric(raw);
      if (Number.isNaN(n)) {
        this.drop('non_numeric_value', c, event);
        return undefined;
      }
      entry.num = n;
    }
    entry.floor = 0;
    return observeWithBaseline(this.store, this.baselines, ref, m, event, key, entry, this.now());
  }

  private onResult(
    ref: CorrelationRef,
    r: ObserveResult,
    event: SigmaEvent,
    m: BaseMatch,
    floor = 0,
  ): CorrelationAlert | undefined {
    const c = ref.corr;
    if (r.status === 'late') {
      this.drop('late', c, event);
      return undefined;
    }
    if (r.suppressed) {
      this.suppressedCounter.inc();
      return undefined;
    }
    if (!r.fired) return undefined;
    const rule = c.rule;
    const f = this.fields(ref, m);
    const group: Record<string, unknown> = {};
    rule.groupBy.forEach((g, i) => {
      group[g] = event[f.group[i] as string] ?? null;
    });
    // Named after the event that fired it, so a replayed batch raises the same alert id (counted once).
    const trigger = event['event.id'];
    const alert: CorrelationAlert = {
      id: typeof trigger === 'string' && trigger ? `${trigger}:${rule.id}` : newEventId(),
      correlation: { id: rule.id, title: rule.title, name: rule.name, level: rule.level },
      type: rule.type,
      group,
      value: r.value,
      count: r.count,
      firstTs: r.firstTs,
      lastTs: r.lastTs,
      eventIds: r.eventIds,
      ruleIds: r.rules.map((i) => c.ruleIds[i] as string),
      standalone: this.shouldAlert({ id: rule.id, name: rule.name }),
    };
    if (floor > 0 && c.baseline)
      alert.baseline = { key: baselineKeyRecord(ref, m, event), normal: floor / c.baseline.factor, floor };
    else if (floor < 0 && c.baseline) {
      // Warm-up: the fixed condition fired before a normal exists (docs/baselines.md).
      alert.baseline = { key: baselineKeyRecord(ref, m, event), normal: -1, floor: 0, learning: true };
      if (c.baseline.warmupLevel !== 'same') alert.correlation.level = c.baseline.warmupLevel;
    }
    return alert;
  }

  /**
   * Feeds a fired alert to the correlations above it. Their events are the triggering event overlaid with the
   * alert's group values, so an outer correlation can group by the inner one's group-by names (aliases too)
   * or by any field of the event that completed the inner window; the time is the inner window's lastTs.
   */
  private enqueueChain(queue: Pending[], c: CompiledCorrelation, a: CorrelationAlert, event: SigmaEvent): void {
    if (c.parents.length === 0) return;
    queue.push({ match: { id: c.rule.id, name: c.rule.name }, event: { ...event, ...a.group }, ts: a.lastTs });
  }

  private drop(reason: CorrelationDropReason, c: CompiledCorrelation | undefined, event: SigmaEvent): void {
    this.telemetry.dropped(reason);
    log.debug({ reason, correlation: c?.rule.id, eventId: event['event.id'] }, 'Correlation observation dropped');
  }
}

const EMPTY_REFS: CorrelationRef[] = [];
