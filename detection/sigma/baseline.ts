/**
 * canhgac's extension of Sigma correlations: the `baseline` block inside `correlation` (docs/baselines.md). Sigma
 * 2.1's correlation schema allows extra keys there, so other tools read such a rule as its fixed threshold alone
 * (which is also what canhgac does until a baseline is learnt). Unknown keys are errors with file:line:col.
 */
import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { indexMap } from './meta.js';
import type { CorrelationBaseline, CorrelationType, Loc } from './model.js';
import { type DocContext, describeNode } from './yaml.js';

const KEYS = ['by', 'factor', 'values', 'learn', 'warmup', 'warmup-level'];
const WARMUP_LEVELS = ['informational', 'low', 'same'] as const;
/** Aggregates a rate baseline means something for (a count per timespan). */
const BASELINE_TYPES = new Set<CorrelationType>(['event_count', 'value_count']);
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** Defaults: a day's moving average, an hour of history before the normal applies. */
export const BASELINE_DEFAULTS = {
  factor: 3,
  newValues: false,
  learnMs: 86_400_000,
  warmupMs: 3_600_000,
  warmupLevel: 'informational',
} as const;

function duration(s: string): number | undefined {
  const m = /^(\d+)([smhdw])$/.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n > 0 ? n * UNIT_MS[m[2]!]! : undefined;
}

/** The correlation keys canhgac reads: the specification's plus its `baseline` extension. */
export const CORRELATION_KEYS = [
  'type',
  'rules',
  'group-by',
  'timespan',
  'timeframe',
  'condition',
  'aliases',
  'generate',
  'baseline',
];

/** Reads `correlation.baseline`; problems go to ctx (file:line:col). */
export function readBaseline(
  ctx: DocContext,
  n: Node | null,
  at: Loc,
  type: CorrelationType | undefined,
  groupBy: string[],
  timespanMs: number,
): CorrelationBaseline | undefined {
  const bad = (reason: string, where: Loc) =>
    ctx.add('CANHGAC_ERR_SIGMA_CORRELATION', { reason: `baseline: ${reason}` }, where);
  if (!isMap(n)) {
    ctx.add(
      'CANHGAC_ERR_SIGMA_FIELD_TYPE',
      { field: 'correlation.baseline', expected: 'a map', found: describeNode(n) },
      at,
    );
    return undefined;
  }
  if (type !== undefined && !BASELINE_TYPES.has(type))
    bad(`${type} has no rate to learn (event_count, value_count)`, at);
  const out: CorrelationBaseline = { by: groupBy, ...BASELINE_DEFAULTS };
  const keys = indexMap(ctx, n as YAMLMap, 3);
  for (const [k, p] of keys) {
    const v = ctx.deref(p.value, 3);
    const val = isScalar(v) ? (v as Scalar).value : undefined;
    const where = ctx.loc(v ?? (p.key as Node));
    if (!KEYS.includes(k)) {
      bad(`unknown key ${k} (${KEYS.join(', ')})`, ctx.loc(p.key as Node));
    } else if (k === 'by') {
      const names: string[] = [];
      if (typeof val === 'string') names.push(val);
      else if (isSeq(v)) {
        for (const it of v.items) {
          const e = ctx.deref(it, 4);
          if (isScalar(e) && typeof e.value === 'string') names.push(e.value);
          else bad('by must list field names', ctx.loc(e ?? v));
        }
      } else bad('by must be a field name or a list of them', where);
      if (names.length === 0) bad('by names no field', where);
      out.by = names;
    } else if (k === 'warmup-level') {
      if ((WARMUP_LEVELS as readonly unknown[]).includes(val))
        out.warmupLevel = val as CorrelationBaseline['warmupLevel'];
      else
        bad(
          `warmup-level must be one of ${WARMUP_LEVELS.join(', ')}, not ${JSON.stringify(val ?? describeNode(v))}`,
          where,
        );
    } else if (k === 'values') {
      if (val === 'new') out.newValues = true;
      else
        bad(
          `values must be new (count only values not seen within learn), not ${JSON.stringify(val ?? describeNode(v))}`,
          where,
        );
    } else if (k === 'factor') {
      if (typeof val === 'number' && Number.isFinite(val) && val > 0 && val <= 1000) out.factor = val;
      else
        bad(`factor must be a number above 0 and at most 1000, not ${JSON.stringify(val ?? describeNode(v))}`, where);
    } else {
      const ms = typeof val === 'string' ? duration(val) : undefined;
      if (ms === undefined)
        bad(`${k} must be a duration such as 30m, 6h, 7d, not ${JSON.stringify(val ?? describeNode(v))}`, where);
      else if (k === 'learn') out.learnMs = ms;
      else out.warmupMs = ms;
    }
  }
  // values: new alone sets no rate floor; with factor, both apply.
  if (out.newValues && !keys.has('factor')) out.factor = 0;
  if (out.newValues && type !== undefined && type !== 'value_count')
    bad('values: new needs a value_count correlation', at);
  if (timespanMs > 0 && out.learnMs < timespanMs) bad('learn must be at least the timespan', at);
  if (out.warmupMs > out.learnMs) bad('warmup must not be longer than learn', at);
  return out;
}
