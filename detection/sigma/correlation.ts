/**
 * Correlation (Sigma 2.1 correlation specification) and filter documents, and the cross-document check that
 * the rules they name were loaded.
 */
import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { formatMessage } from '../../core/errors.js';
import { DETECTION_ERRORS } from '../errors.js';
import { CORRELATION_KEYS, readBaseline } from './baseline.js';
import { readDetection } from './detection.js';
import { indexMap, readLogsource, readMeta, type TopMap } from './meta.js';
import type {
  CorrelationCondition,
  CorrelationRule,
  CorrelationType,
  Loc,
  RuleProblem,
  SigmaDocument,
  SigmaFilter,
} from './model.js';
import { type DocContext, describeNode } from './yaml.js';

const TYPES: CorrelationType[] = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
];
const NEEDS_CONDITION = new Set<CorrelationType>([
  'event_count',
  'value_count',
  'value_sum',
  'value_avg',
  'value_percentile',
]);
const NEEDS_FIELD = new Set<CorrelationType>(['value_count', 'value_sum', 'value_avg', 'value_percentile']);
const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  M: 2_592_000_000,
  y: 31_536_000_000,
};

/** `5m`, `1h`, `30s`, `1d` (plus w, M = 30 days, y = 365 days as pySigma) to milliseconds, or undefined. */
export function parseTimespan(s: string): number | undefined {
  const m = /^(\d+)([smhdwMy])$/.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n > 0 ? n * UNIT_MS[m[2]!]! : undefined;
}

function strings(ctx: DocContext, n: Node | null, field: string, at: Loc): string[] | null {
  if (isScalar(n) && typeof n.value === 'string') return [n.value];
  if (!isSeq(n)) {
    ctx.add('CANHGAC_ERR_SIGMA_FIELD_TYPE', { field, expected: 'a list of strings', found: describeNode(n) }, at);
    return null;
  }
  const out: string[] = [];
  for (const it of n.items) {
    const e = ctx.deref(it, 3);
    if (isScalar(e) && (typeof e.value === 'string' || typeof e.value === 'number')) out.push(String(e.value));
    else
      ctx.add('CANHGAC_ERR_SIGMA_FIELD_TYPE', { field, expected: 'a string', found: describeNode(e) }, ctx.loc(e ?? n));
  }
  return out;
}

/** Reads a correlation document. */
export function readCorrelation(ctx: DocContext, top: TopMap, rootLoc: Loc): CorrelationRule | null {
  const meta = readMeta(ctx, top, 'correlation', rootLoc);
  const cp = top.get('correlation')!;
  const cn = ctx.deref(cp.value, 1);
  const bad = (reason: string, at: Loc) => ctx.add('CANHGAC_ERR_SIGMA_CORRELATION', { reason }, at);
  if (!isMap(cn)) {
    ctx.add(
      'CANHGAC_ERR_SIGMA_FIELD_TYPE',
      { field: 'correlation', expected: 'a map', found: describeNode(cn) },
      ctx.loc(cn ?? (cp.key as Node)),
    );
    return null;
  }
  const m = indexMap(ctx, cn as YAMLMap, 2);
  const at = ctx.loc(cn);
  const get = (k: string) => {
    const p = m.get(k);
    return p ? { n: ctx.deref(p.value, 2), loc: ctx.loc((ctx.deref(p.value, 2) ?? p.key) as Node) } : undefined;
  };
  const typeV = get('type');
  let type: CorrelationType | undefined;
  if (!typeV) ctx.add('CANHGAC_ERR_SIGMA_MISSING_FIELD', { field: 'correlation.type' }, at);
  else if (isScalar(typeV.n) && TYPES.includes((typeV.n as Scalar).value as CorrelationType)) {
    type = (typeV.n as Scalar).value as CorrelationType;
  } else bad(`type must be one of ${TYPES.join(', ')}`, typeV.loc);

  const rulesV = get('rules');
  let rules: string[] = [];
  if (!rulesV) ctx.add('CANHGAC_ERR_SIGMA_MISSING_FIELD', { field: 'correlation.rules' }, at);
  else {
    rules = strings(ctx, rulesV.n, 'correlation.rules', rulesV.loc) ?? [];
    if (rules.length === 0) bad('rules must name at least one rule', rulesV.loc);
    if (new Set(rules).size !== rules.length) bad('rules has duplicates', rulesV.loc);
  }
  const gbV = get('group-by');
  const groupBy = gbV ? (strings(ctx, gbV.n, 'correlation.group-by', gbV.loc) ?? []) : [];
  if (!gbV && type !== undefined) ctx.add('CANHGAC_ERR_SIGMA_MISSING_FIELD', { field: 'correlation.group-by' }, at);

  const tsV = get('timespan') ?? get('timeframe');
  let timespanMs = 0;
  if (!tsV) ctx.add('CANHGAC_ERR_SIGMA_MISSING_FIELD', { field: 'correlation.timespan' }, at);
  else {
    const raw = isScalar(tsV.n) ? String((tsV.n as Scalar).value) : '';
    const ms = parseTimespan(raw);
    if (ms === undefined) ctx.add('CANHGAC_ERR_SIGMA_TIMESPAN', { value: JSON.stringify(raw) }, tsV.loc);
    else timespanMs = ms;
  }

  let condition: CorrelationCondition | undefined;
  const condV = get('condition');
  if (condV) condition = readCondition(ctx, condV.n, condV.loc, type);
  else if (type !== undefined && NEEDS_CONDITION.has(type))
    ctx.add('CANHGAC_ERR_SIGMA_MISSING_FIELD', { field: 'correlation.condition' }, at);
  if (condition && type !== undefined && NEEDS_FIELD.has(type) && condition.field === undefined) {
    bad(`${type} needs condition.field`, condV!.loc);
  }

  const aliases: Record<string, Record<string, string>> = Object.create(null); // user-chosen names: no prototype to pollute
  const alV = get('aliases');
  if (alV) {
    if (!isMap(alV.n)) bad('aliases must be a map', alV.loc);
    else {
      for (const [alias, p] of indexMap(ctx, alV.n as YAMLMap, 3)) {
        const v = ctx.deref(p.value, 3);
        if (!isMap(v)) {
          bad(`alias ${alias} must map rule names to field names`, ctx.loc(v ?? (p.key as Node)));
          continue;
        }
        const per: Record<string, string> = Object.create(null);
        for (const [rule, q] of indexMap(ctx, v as YAMLMap, 4)) {
          const f = ctx.deref(q.value, 4);
          if (isScalar(f) && typeof f.value === 'string') per[rule] = f.value;
          else bad(`alias ${alias}.${rule} must be a field name`, ctx.loc(f ?? (q.key as Node)));
        }
        aliases[alias] = per;
      }
    }
  }
  // Aliases map a rule (by name or id) to its field: a rule not in `rules` is a typo that would never match.
  for (const [alias, per] of Object.entries(aliases)) {
    for (const rule of Object.keys(per)) {
      if (rules.length > 0 && !rules.includes(rule))
        bad(`alias ${alias} names ${rule}, which is not in rules`, alV!.loc);
    }
  }
  let generate = false;
  const gen = top.get('generate') ?? m.get('generate');
  if (gen) {
    const g = ctx.deref(gen.value, 2);
    if (isScalar(g) && typeof g.value === 'boolean') generate = g.value;
    else
      ctx.add(
        'CANHGAC_ERR_SIGMA_FIELD_TYPE',
        { field: 'generate', expected: 'a boolean', found: describeNode(g) },
        ctx.loc(g ?? (gen.key as Node)),
      );
  }
  const blV = get('baseline');
  const baseline = blV ? readBaseline(ctx, blV.n, blV.loc, type, groupBy, timespanMs) : undefined;
  for (const [k, p] of m) {
    // The schema allows other keys; one canhgac does not read is most likely a typo (baselin:), so say so.
    if (!CORRELATION_KEYS.includes(k))
      ctx.add(
        'CANHGAC_ERR_SIGMA_CORRELATION',
        { reason: `unknown key ${k} is ignored (${CORRELATION_KEYS.join(', ')})` },
        ctx.loc(p.key as Node),
        'warning',
      );
  }
  if (type === undefined || ctx.failed) return null;
  const out: CorrelationRule = { ...meta, kind: 'correlation', type, rules, groupBy, timespanMs, aliases, generate };
  if (condition) out.condition = condition;
  if (baseline) out.baseline = baseline;
  return out;
}

function readCondition(
  ctx: DocContext,
  n: Node | null,
  at: Loc,
  type: CorrelationType | undefined,
): CorrelationCondition | undefined {
  if (!isMap(n)) {
    ctx.add(
      'CANHGAC_ERR_SIGMA_FIELD_TYPE',
      { field: 'correlation.condition', expected: 'a map', found: describeNode(n) },
      at,
    );
    return undefined;
  }
  const out: CorrelationCondition = {};
  let bounds = 0;
  for (const [k, p] of indexMap(ctx, n as YAMLMap, 3)) {
    const v = ctx.deref(p.value, 3);
    const val = isScalar(v) ? (v as Scalar).value : undefined;
    const where = ctx.loc(v ?? (p.key as Node));
    if (k === 'field') {
      if (typeof val === 'string') out.field = val;
      else if (isSeq(v)) {
        // Several fields (value_count over a tuple): kept joined; the model holds one field name.
        const names = strings(ctx, v, 'correlation.condition.field', where) ?? [];
        out.field = names.join(',');
      } else
        ctx.add(
          'CANHGAC_ERR_SIGMA_FIELD_TYPE',
          { field: 'correlation.condition.field', expected: 'a string', found: describeNode(v) },
          where,
        );
    } else if (
      k === 'gt' ||
      k === 'gte' ||
      k === 'lt' ||
      k === 'lte' ||
      k === 'eq' ||
      k === 'neq' ||
      k === 'percentile'
    ) {
      if (typeof val === 'number' && Number.isFinite(val)) {
        out[k] = val;
        if (k !== 'percentile') bounds++;
      } else
        ctx.add(
          'CANHGAC_ERR_SIGMA_NUMBER',
          { modifier: `condition.${k}`, value: JSON.stringify(val ?? describeNode(v)) },
          where,
        );
    } else {
      ctx.add(
        'CANHGAC_ERR_SIGMA_CORRELATION',
        { reason: `unknown condition key ${k} (gt, gte, lt, lte, eq, neq, field)` },
        ctx.loc(p.key as Node),
      );
    }
  }
  if (bounds === 0 && type !== 'temporal' && type !== 'temporal_ordered') {
    ctx.add(
      'CANHGAC_ERR_SIGMA_CORRELATION',
      { reason: 'condition needs at least one of gt, gte, lt, lte, eq, neq' },
      at,
    );
  }
  return out;
}

/** Reads a filter document (`filter:` with `rules` and searches plus `condition`). */
export function readFilter(
  ctx: DocContext,
  top: TopMap,
  rootLoc: Loc,
  placeholders: Record<string, string[]> | undefined,
): SigmaFilter | null {
  const meta = readMeta(ctx, top, 'filter', rootLoc);
  const logsource = readLogsource(ctx, top, rootLoc);
  const fp = top.get('filter')!;
  const fn = ctx.deref(fp.value, 1);
  if (!isMap(fn)) {
    ctx.add(
      'CANHGAC_ERR_SIGMA_FIELD_TYPE',
      { field: 'filter', expected: 'a map', found: describeNode(fn) },
      ctx.loc(fn ?? (fp.key as Node)),
    );
    return null;
  }
  const m = indexMap(ctx, fn as YAMLMap, 2);
  const rp = m.get('rules');
  let rules: string[] = [];
  if (!rp) ctx.add('CANHGAC_ERR_SIGMA_MISSING_FIELD', { field: 'filter.rules' }, ctx.loc(fn));
  else {
    const rn = ctx.deref(rp.value, 2);
    rules = strings(ctx, rn, 'filter.rules', ctx.loc(rn ?? (rp.key as Node))) ?? [];
    if (rules.length === 0)
      ctx.add('CANHGAC_ERR_SIGMA_FILTER', { reason: 'rules must name at least one rule' }, ctx.loc(rn ?? fn));
  }
  const det = readDetection(ctx, fn, ctx.loc(fn), placeholders, ['rules']);
  if (det && Object.keys(det.searches).length === 0) {
    ctx.add('CANHGAC_ERR_SIGMA_FILTER', { reason: 'no search identifier (e.g. selection)' }, ctx.loc(fn));
  }
  if (ctx.failed || !det || !logsource) return null;
  return { ...meta, kind: 'filter', logsource, rules, ...det };
}

/**
 * After every file is loaded: correlation and filter references must name a loaded rule (by id or name).
 * Returns the documents that still stand; problems are appended.
 */
export function checkReferences(
  docs: SigmaDocument[],
  problems: RuleProblem[],
): { kept: SigmaDocument[]; rejected: number } {
  let kept = docs;
  let rejected = 0;
  const reported = new Set<SigmaDocument>();
  // Repeat until nothing changes: a correlation over a rejected correlation must go too.
  for (;;) {
    const known = new Set<string>();
    for (const d of kept) {
      known.add(d.id);
      if (d.name !== undefined) known.add(d.name);
    }
    const next: SigmaDocument[] = [];
    for (const d of kept) {
      if (d.kind === 'rule') {
        next.push(d);
        continue;
      }
      const missing = d.rules.filter((r) => !known.has(r));
      if (missing.length > 0 && !reported.has(d)) {
        reported.add(d);
        for (const ref of missing) {
          problems.push({
            file: d.file,
            line: d.loc.line,
            col: d.loc.col,
            message: formatMessage(DETECTION_ERRORS.CANHGAC_ERR_SIGMA_REFERENCE.message, { ref }),
            code: 'CANHGAC_ERR_SIGMA_REFERENCE',
            // A filter naming rules that are not loaded is harmless (it filters nothing); a correlation cannot work.
            severity: d.kind === 'correlation' ? 'error' : 'warning',
          });
        }
      }
      if (missing.length > 0 && d.kind === 'correlation') rejected++;
      else next.push(d);
    }
    if (next.length === kept.length) return { kept: next, rejected };
    kept = next;
  }
}
