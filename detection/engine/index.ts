/**
 * The Engine: compiles Sigma detection rules once, routes each event to the rules of its logsource, runs only
 * the candidate rules the literal index selects (plus the route's unanchored rules) and returns which matched.
 * It never throws on an event: a rule that fails on one is counted, logged once, and treated as not matching.
 */
import { logger } from '../../core/log.js';
import { counter, stageTelemetry, type StageTelemetry } from '../../core/metrics.js';
import { CanhgacError } from '../../core/errors.js';
import type { CorrelationRule, DetectionRule, SigmaDocument, SigmaEvent, SigmaFilter } from '../sigma/model.js';
import { type Anchor, ruleAnchors } from './anchors.js';
import { allOf, compileConditions, type Predicate } from './compile.js';
import { EvalContext, FieldTable } from './context.js';
import { engineError } from './errors.js';
import { type Explanation, explain, filterApplies, logsourceApplies } from './reference.js';
import { Router } from './routes.js';

export { explain, logsourceApplies, referenceMatch, type Explanation } from './reference.js';

/** One matched rule, as correlation, alerting and storage need it; one frozen object per rule, shared. */
export interface RuleMatch {
  readonly id: string;
  readonly name: string | undefined;
  readonly title: string;
  readonly level: DetectionRule['level'];
  readonly tags: readonly string[];
  readonly rule: DetectionRule;
}

/** A rule the engine could not compile, with the reason (a CANHGAC_ERR_ENGINE_* code). */
export interface RejectedRule {
  id: string;
  title: string;
  file: string;
  line: number;
  col: number;
  code: string;
  message: string;
}

/** Engine options. */
export interface EngineOptions {
  /** false: no candidate index, every rule of the route runs (for equivalence tests and comparisons). */
  useIndex?: boolean;
  /** Telemetry component name (default `engine`). */
  component?: string;
}

/** Running counts; rulesEvaluated / events is the "rules evaluated per event" figure. */
export interface EngineStats {
  rules: number;
  rejected: number;
  filters: number;
  correlations: number;
  events: number;
  rulesEvaluated: number;
  matches: number;
  errors: number;
  routes: number;
}

interface CompiledRule {
  rule: DetectionRule;
  logsource: DetectionRule['logsource'];
  anchors: Anchor[] | null;
  pred: Predicate;
  result: RuleMatch;
  failed: boolean;
}

/** Rules evaluated (candidates + unanchored); divided by events received it is the rules-per-event figure. */
const RULES_EVALUATED = counter('canhgac_engine_rules_evaluated_total', 'Sigma rules evaluated on events');
/** Rule matches. */
const MATCHES = counter('canhgac_engine_matches_total', 'Sigma rule matches');
const NO_MATCHES: RuleMatch[] = Object.freeze([]) as unknown as RuleMatch[];
const FLUSH_EVERY = 4096;

/** The compiled Sigma matcher. Not re-entrant: one Engine per worker thread. */
export class Engine {
  /** Correlation rules from the documents, untouched, for the correlation engine. */
  readonly correlations: CorrelationRule[] = [];
  /** Filters from the documents. */
  readonly filters: SigmaFilter[] = [];
  /** Rules rejected at compile time. */
  readonly rejected: RejectedRule[] = [];
  private readonly compiled: CompiledRule[] = [];
  private readonly ctx: EvalContext;
  private readonly router: Router;
  private readonly stamps: Uint32Array;
  private stamp = 0;
  private readonly cand: number[] = [];
  private readonly mark: (id: number) => void;
  private readonly telemetry: StageTelemetry;
  private readonly log = logger('engine');
  private readonly counts = { events: 0, rulesEvaluated: 0, matches: 0, errors: 0 };
  private unflushed = { events: 0, matches: 0 };
  private flushedEvaluated = 0;

  constructor(docs: SigmaDocument[], opts: EngineOptions = {}) {
    this.telemetry = stageTelemetry(opts.component ?? 'engine');
    const fields = new FieldTable();
    const rules: DetectionRule[] = [];
    for (const d of docs) {
      if (d.kind === 'rule') rules.push(d);
      else if (d.kind === 'filter') this.filters.push(d);
      else this.correlations.push(d);
    }
    const filterPreds = new Map<SigmaFilter, Predicate | null>();
    const filterPred = (f: SigmaFilter): Predicate | null => {
      if (!filterPreds.has(f)) {
        try {
          const p = compileConditions(f, fields);
          filterPreds.set(f, (ctx) => !p(ctx));
        } catch (e) {
          // A filter that cannot compile must not silently stop filtering: the rules it names are rejected.
          this.log.warn({ filter: f.id, err: (e as Error).message }, 'Filter rejected.');
          filterPreds.set(f, null);
        }
      }
      return filterPreds.get(f)!;
    };
    for (const rule of rules) {
      try {
        let pred = compileConditions(rule, fields);
        const fs = this.filters.filter((f) => filterApplies(f, rule));
        if (fs.length > 0) {
          const nots = fs.map((f) => {
            const p = filterPred(f);
            if (!p)
              throw engineError('CANHGAC_ERR_ENGINE_COMPILE', { rule: rule.id, reason: `filter ${f.id} is invalid` });
            return p;
          });
          pred = allOf([pred, ...nots]);
        }
        const anchors = ruleAnchors(rule);
        for (const a of anchors ?? []) if (a.field !== null) fields.slot(a.field);
        const result: RuleMatch = Object.freeze({
          id: rule.id,
          name: rule.name,
          title: rule.title,
          level: rule.level,
          tags: rule.tags,
          rule,
        });
        this.compiled.push({ rule, logsource: rule.logsource, anchors, pred, result, failed: false });
      } catch (e) {
        this.reject(rule, e);
      }
    }
    this.ctx = new EvalContext(fields);
    this.router = new Router(this.compiled, fields, opts.useIndex !== false);
    this.stamps = new Uint32Array(this.compiled.length);
    this.mark = (id: number) => {
      if (this.stamps[id] !== this.stamp) {
        this.stamps[id] = this.stamp;
        this.cand.push(id);
      }
    };
  }

  private reject(rule: DetectionRule, e: unknown): void {
    const err =
      e instanceof CanhgacError
        ? e
        : engineError('CANHGAC_ERR_ENGINE_COMPILE', { rule: rule.id, reason: (e as Error)?.message ?? String(e) });
    this.rejected.push({
      id: rule.id,
      title: rule.title,
      file: rule.file,
      line: rule.loc.line,
      col: rule.loc.col,
      code: err.code,
      message: err.message,
    });
    this.log.warn({ rule: rule.id, file: rule.file, code: err.code, reason: err.message }, 'Rule rejected.');
  }

  /** Compiled detection rules, in document order. */
  get rules(): DetectionRule[] {
    return this.compiled.map((c) => c.rule);
  }

  /** A snapshot of the counters. */
  get stats(): EngineStats {
    return {
      rules: this.compiled.length,
      rejected: this.rejected.length,
      filters: this.filters.length,
      correlations: this.correlations.length,
      ...this.counts,
      routes: this.router.routes,
    };
  }

  /**
   * The rules that match an event, in document order. Returns a shared frozen empty array when none match
   * (the common case: no allocation) and a fresh array otherwise; RuleMatch objects are shared per rule.
   */
  match(event: SigmaEvent): RuleMatch[] {
    this.counts.events++;
    if (++this.unflushed.events >= FLUSH_EVERY) this.flushMetrics();
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      this.telemetry.dropped('not_an_object');
      return NO_MATCHES;
    }
    try {
      return this.matchObject(event);
    } catch (e) {
      // Per-rule and index failures are handled inside; this is the last guard (e.g. a throwing logsource getter).
      this.counts.errors++;
      this.telemetry.error('processing', 'CANHGAC_ERR_ENGINE_EVENT');
      this.log.warn({ err: (e as Error)?.message }, 'Event could not be matched; counted as no match.');
      return NO_MATCHES;
    }
  }

  private matchObject(event: SigmaEvent): RuleMatch[] {
    const ctx = this.ctx;
    ctx.reset(event);
    const route = this.router.route(
      event['logsource.product'],
      event['logsource.category'],
      event['logsource.service'],
      event['logsource.categories'],
    );
    if (route.size === 0) return NO_MATCHES;
    if (++this.stamp === 0xffffffff) {
      this.stamp = 1;
      this.stamps.fill(0);
    }
    const cand = this.cand;
    cand.length = 0;
    if (route.indexed) {
      try {
        route.candidates(ctx, this.mark);
      } catch (e) {
        // The event could not be read (a throwing getter, say): run every rule, each guarded below.
        this.counts.errors++;
        this.telemetry.error('processing', 'CANHGAC_ERR_ENGINE_EVENT');
        this.log.warn({ err: (e as Error)?.message }, 'Candidate index failed on an event; running every rule.');
        const always = new Set(route.always);
        for (const id of route.members) if (!always.has(id)) this.mark(id);
      }
    }
    let out: RuleMatch[] | null = null;
    const always = route.always;
    for (let i = 0; i < always.length; i++) {
      const c = this.compiled[always[i]!]!;
      if (this.run(c, ctx)) {
        if (out === null) out = [];
        out.push(c.result);
      }
    }
    for (let i = 0; i < cand.length; i++) {
      const c = this.compiled[cand[i]!]!;
      if (this.run(c, ctx)) {
        if (out === null) out = [];
        out.push(c.result);
      }
    }
    this.counts.rulesEvaluated += always.length + cand.length;
    if (out === null) return NO_MATCHES;
    this.counts.matches += out.length;
    this.unflushed.matches += out.length;
    if (out.length > 1) out.sort((a, b) => this.order(a) - this.order(b));
    return out;
  }

  private orderOf: Map<RuleMatch, number> | undefined;

  private order(m: RuleMatch): number {
    if (!this.orderOf) this.orderOf = new Map(this.compiled.map((c, i) => [c.result, i]));
    return this.orderOf.get(m)!;
  }

  private run(c: CompiledRule, ctx: EvalContext): boolean {
    try {
      return c.pred(ctx);
    } catch (e) {
      this.counts.errors++;
      this.telemetry.error('processing', 'CANHGAC_ERR_ENGINE_EVENT');
      if (!c.failed) {
        c.failed = true;
        this.log.error(
          { rule: c.rule.id, err: (e as Error)?.message },
          'Rule failed on an event; counted as no match.',
        );
      }
      return false;
    }
  }

  /**
   * Explains one loaded rule (by id or name) on an event with the reference interpreter, for `canhgac rules test`:
   * whether its logsource applies, which searches held, which filters excluded it. Undefined for an unknown rule.
   */
  explain(rule: string, event: SigmaEvent): (Explanation & { logsource: boolean }) | undefined {
    const c = this.compiled.find((x) => x.rule.id === rule || x.rule.name === rule);
    if (!c) return undefined;
    const fs = this.filters.filter((f) => filterApplies(f, c.rule));
    const logsource = logsourceApplies(c.rule.logsource, event);
    const e = explain(c.rule, event, fs);
    return { ...e, matched: logsource && e.matched, logsource };
  }

  /** Pushes the event and match counts to the Prometheus registry (also done every 4096 events). */
  flushMetrics(): void {
    this.telemetry.received(this.unflushed.events);
    this.telemetry.sent(this.unflushed.events);
    RULES_EVALUATED.inc(this.counts.rulesEvaluated - this.flushedEvaluated);
    MATCHES.inc(this.unflushed.matches);
    this.flushedEvaluated = this.counts.rulesEvaluated;
    this.unflushed.events = 0;
    this.unflushed.matches = 0;
  }
}
