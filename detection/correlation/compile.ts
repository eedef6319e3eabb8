/**
 * Turns CorrelationRule models into what the engine runs: a WindowSpec per correlation, the index from a
 * referenced rule's id or name to the correlations (and rule positions) it feeds, and the chain links between
 * correlations. Problems are collected (file:line:col from the rule), never thrown; a rule with an error is
 * left out and the others still run.
 */

import { formatMessage } from '../../core/errors.js';
import type { CorrelationRule, RuleProblem } from '../sigma/model.js';
import { type BaselineSpec, baselineSpec } from './baseline.js';
import { CORRELATION_ERRORS, type CorrelationErrorCode } from './errors.js';
import type { WindowSpec } from './types.js';
import { hasBound } from './window.js';

/** Field names resolved for events of one referenced rule (aliases applied). */
export interface ResolvedFields {
  group: string[];
  /** condition.field resolved; value_count may name several (the parser joins a YAML list with ','). */
  value: string[];
}

/** A correlation ready to run. */
export interface CompiledCorrelation {
  rule: CorrelationRule;
  spec: WindowSpec;
  /** Resolved field names per rule position, cached by the matched rule's id. */
  fieldCache: Map<string, ResolvedFields>[];
  /** The id of the rule seen at each position (filled as matches arrive; the reference text until then). */
  ruleIds: string[];
  /** Correlations that reference this one (chaining), with the position it takes in their rule list. */
  parents: CorrelationRef[];
  /** canhgac's baseline extension, compiled against the timespan (docs/baselines.md). */
  baseline?: BaselineSpec;
}

/** A correlation and the position of a referenced rule in its `rules` list. */
export interface CorrelationRef {
  corr: CompiledCorrelation;
  idx: number;
}

/** Bounds applied while compiling. */
export interface CompileOptions {
  /** Entries kept per group (default 1000); raised for count thresholds up to hardMaxEntriesPerGroup. */
  maxEntriesPerGroup?: number;
  /** The largest per-group entry cap a threshold may ask for (default 100 000). */
  hardMaxEntriesPerGroup?: number;
  /** Out-of-order tolerance (default: anything still inside the group's current window). */
  allowedLatenessMs?: number;
  /** Event ids carried by an alert (default 100). */
  maxEventIds?: number;
  /** After an alert, the same group stays quiet for this long in event time (default 0: off). */
  suppressMs?: number;
  /** Ids and names of the loaded detection rules; when given, unknown references are errors. */
  knownRules?: ReadonlyArray<{ id: string; name?: string | undefined }>;
}

/** The outcome of compiling a set of correlations. */
export interface CompiledSet {
  correlations: CompiledCorrelation[];
  /** Referenced rule id or name -> the correlations it feeds. */
  refIndex: Map<string, CorrelationRef[]>;
  problems: RuleProblem[];
}

const COUNT_TYPES = new Set(['event_count', 'value_count', 'value_sum', 'value_avg', 'value_percentile']);
const VALUE_TYPES = new Set(['value_count', 'value_sum', 'value_avg', 'value_percentile']);

function problem(
  rule: CorrelationRule,
  code: CorrelationErrorCode,
  params: Record<string, unknown>,
  severity: 'error' | 'warning' = 'error',
): RuleProblem {
  const label = rule.name ?? rule.id;
  return {
    file: rule.file,
    line: rule.loc.line,
    col: rule.loc.col,
    message: formatMessage(CORRELATION_ERRORS[code].message, { rule: label, ...params }),
    code,
    severity,
  };
}

/** The smallest count a condition can hold for (how many entries a window must be able to keep). */
export function neededEntries(rule: CorrelationRule): number {
  const c = rule.condition;
  if (!c) return 1;
  let need = 1;
  if (c.gte !== undefined) need = Math.max(need, Math.ceil(c.gte));
  if (c.gt !== undefined) need = Math.max(need, Math.floor(c.gt) + 1);
  if (c.eq !== undefined) need = Math.max(need, Math.ceil(c.eq));
  return need;
}

function validate(rule: CorrelationRule, opts: CompileOptions): { problems: RuleProblem[]; maxEntries: number } {
  const out: RuleProblem[] = [];
  const base = opts.maxEntriesPerGroup ?? 1000;
  const hard = opts.hardMaxEntriesPerGroup ?? 100_000;
  let maxEntries = Math.max(base, rule.rules.length);
  if (!(Number.isFinite(rule.timespanMs) && rule.timespanMs > 0)) {
    out.push(problem(rule, 'CANHGAC_ERR_CORRELATION_TIMESPAN', { value: rule.timespanMs }));
  }
  if (rule.rules.length === 0) out.push(problem(rule, 'CANHGAC_ERR_CORRELATION_RULES', { reason: 'rules is empty' }));
  if (new Set(rule.rules).size !== rule.rules.length) {
    out.push(problem(rule, 'CANHGAC_ERR_CORRELATION_RULES', { reason: 'a rule is listed twice' }));
  }
  const c = rule.condition;
  if (c) {
    for (const k of ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const) {
      const v = c[k];
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v))) {
        out.push(problem(rule, 'CANHGAC_ERR_CORRELATION_CONDITION', { reason: `condition.${k} must be a number` }));
      }
    }
  }
  if (COUNT_TYPES.has(rule.type) && !hasBound(c)) {
    out.push(
      problem(rule, 'CANHGAC_ERR_CORRELATION_CONDITION', {
        reason: `type ${rule.type} needs a condition with gt, gte, lt, lte, eq or neq`,
      }),
    );
  }
  if (!COUNT_TYPES.has(rule.type) && c !== undefined && !hasBound(c)) {
    out.push(problem(rule, 'CANHGAC_ERR_CORRELATION_CONDITION', { reason: 'condition has no bound' }));
  }
  const growing = rule.type === 'event_count' || rule.type === 'value_count' || rule.type === 'temporal';
  if (growing && c && hasBound(c) && c.gt === undefined && c.gte === undefined && c.eq === undefined) {
    // Counts only grow while a window fills, and the condition is tested on every event: an upper bound alone
    // already holds at the first event. Legal, but almost never what the author meant.
    out.push(
      problem(
        rule,
        'CANHGAC_ERR_CORRELATION_CONDITION',
        { reason: 'the condition has no lower bound, so it holds as soon as the first event arrives' },
        'warning',
      ),
    );
  }
  if (VALUE_TYPES.has(rule.type) && !c?.field) {
    out.push(problem(rule, 'CANHGAC_ERR_CORRELATION_FIELD', { type: rule.type }));
  }
  if (rule.type === 'value_percentile' && c?.percentile !== undefined) {
    if (!(Number.isFinite(c.percentile) && c.percentile >= 0 && c.percentile <= 100)) {
      out.push(problem(rule, 'CANHGAC_ERR_CORRELATION_PERCENTILE', { value: c.percentile }));
    }
  }
  if (rule.type === 'event_count' || rule.type === 'value_count') {
    const need = neededEntries(rule);
    if (need > hard) {
      out.push(problem(rule, 'CANHGAC_ERR_CORRELATION_CAP', { threshold: need, cap: hard }));
    } else {
      maxEntries = Math.max(maxEntries, need);
    }
  }
  for (const [alias, perRule] of Object.entries(rule.aliases)) {
    for (const [ref, field] of Object.entries(perRule)) {
      if (typeof field !== 'string' || field === '') {
        out.push(problem(rule, 'CANHGAC_ERR_CORRELATION_ALIAS', { alias, reason: `field for ${ref} must be a name` }));
      } else if (!rule.rules.includes(ref)) {
        out.push(
          problem(
            rule,
            'CANHGAC_ERR_CORRELATION_ALIAS',
            { alias, reason: `${ref} is not one of the correlation's rules (by the name it is listed with)` },
            'warning',
          ),
        );
      }
    }
  }
  return { problems: out, maxEntries };
}

/** Validates and compiles correlations; invalid ones are reported in problems and left out. */
export function compileCorrelations(rules: readonly CorrelationRule[], opts: CompileOptions = {}): CompiledSet {
  const problems: RuleProblem[] = [];
  const byKey = new Map<string, CorrelationRule>();
  const accepted: Array<{ rule: CorrelationRule; maxEntries: number }> = [];
  for (const rule of rules) {
    const v = validate(rule, opts);
    problems.push(...v.problems);
    let ok = !v.problems.some((p) => p.severity === 'error');
    for (const key of rule.name && rule.name !== rule.id ? [rule.id, rule.name] : [rule.id]) {
      const other = byKey.get(key);
      if (other && other !== rule) {
        problems.push(problem(rule, 'CANHGAC_ERR_CORRELATION_DUPLICATE', { key, other: other.name ?? other.id }));
        ok = false;
      }
    }
    if (!ok) continue;
    byKey.set(rule.id, rule);
    if (rule.name) byKey.set(rule.name, rule);
    accepted.push({ rule, maxEntries: v.maxEntries });
  }

  // Chains: refuse cycles (a correlation feeding itself, directly or through others).
  const inCycle = new Set<CorrelationRule>();
  const state = new Map<CorrelationRule, 1 | 2>();
  const stack: CorrelationRule[] = [];
  const visit = (r: CorrelationRule): void => {
    state.set(r, 1);
    stack.push(r);
    for (const ref of r.rules) {
      const child = byKey.get(ref);
      if (!child) continue;
      const st = state.get(child);
      if (st === 1) {
        const cycle = stack.slice(stack.indexOf(child));
        const path = [...cycle, child].map((x) => x.name ?? x.id).join(' -> ');
        for (const x of cycle) {
          if (!inCycle.has(x)) problems.push(problem(x, 'CANHGAC_ERR_CORRELATION_CYCLE', { path }));
          inCycle.add(x);
        }
      } else if (st === undefined) {
        visit(child);
      }
    }
    stack.pop();
    state.set(r, 2);
  };
  for (const a of accepted) if (!state.has(a.rule)) visit(a.rule);

  const known = new Set<string>();
  for (const k of opts.knownRules ?? []) {
    known.add(k.id);
    if (k.name) known.add(k.name);
  }
  const compiled: CompiledCorrelation[] = [];
  const byRule = new Map<CorrelationRule, CompiledCorrelation>();
  for (const { rule, maxEntries } of accepted) {
    if (inCycle.has(rule)) continue;
    if (opts.knownRules) {
      const unknown = rule.rules.filter((r) => !known.has(r) && !byKey.has(r));
      if (unknown.length > 0) {
        for (const ref of unknown) problems.push(problem(rule, 'CANHGAC_ERR_CORRELATION_UNKNOWN_RULE', { ref }));
        continue;
      }
    }
    const spec: WindowSpec = {
      type: rule.type,
      spanMs: rule.timespanMs,
      ruleCount: rule.rules.length,
      condition: rule.condition,
      percentile: rule.condition?.percentile ?? 50,
      maxEntries,
      allowedLatenessMs: opts.allowedLatenessMs ?? Number.POSITIVE_INFINITY,
      maxEventIds: opts.maxEventIds ?? 100,
      suppressMs: opts.suppressMs ?? 0,
    };
    const c: CompiledCorrelation = {
      rule,
      spec,
      fieldCache: rule.rules.map(() => new Map()),
      ruleIds: [...rule.rules],
      parents: [],
    };
    if (rule.baseline) c.baseline = baselineSpec(rule.baseline, rule.timespanMs);
    compiled.push(c);
    byRule.set(rule, c);
  }
  // A correlation left out (error, cycle, unknown reference) also drops out of the chains above it.
  const refIndex = new Map<string, CorrelationRef[]>();
  for (const c of compiled) {
    c.rule.rules.forEach((ref, idx) => {
      const child = byKey.get(ref);
      if (child) {
        const cc = byRule.get(child);
        if (cc) cc.parents.push({ corr: c, idx });
        if (child.id !== ref) c.ruleIds[idx] = child.id;
        return;
      }
      let list = refIndex.get(ref);
      if (!list) {
        list = [];
        refIndex.set(ref, list);
      }
      list.push({ corr: c, idx });
    });
  }
  return { correlations: compiled, refIndex, problems };
}

/** The field an event of the matched rule carries for a group-by name or value field (aliases applied). */
export function resolveField(
  rule: CorrelationRule,
  name: string,
  matchId: string,
  matchName: string | undefined,
  ref: string,
): string {
  const a = rule.aliases[name];
  if (!a) return name;
  return (matchName !== undefined ? a[matchName] : undefined) ?? a[matchId] ?? a[ref] ?? name;
}
