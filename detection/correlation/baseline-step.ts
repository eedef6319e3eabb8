/**
 * One observation of a correlation with a baseline (docs/baselines.md): read the key's normal (the buckets before
 * this one), observe the window with factor x normal as its floor, then record the aggregate as this bucket's
 * peak. Synchronous with in-memory stores, a promise with Redis ones.
 */
import type { SigmaEvent } from '../sigma/model.js';
import type { BaselineStore } from './baseline.js';
import { type CorrelationRef, resolveField } from './compile.js';
import { valueKey } from './keys.js';
import type { CorrelationStore, ObserveResult, WindowEntry } from './types.js';
import { newResult } from './window.js';

/** The baseline's key: the values of `baseline.by` (aliases resolved as for group-by); undefined if one is absent. */
export function baselineKey(ref: CorrelationRef, m: { id: string; name?: string | undefined }, event: SigmaEvent) {
  const rule = ref.corr.rule;
  const by = rule.baseline?.by ?? [];
  let k = '';
  for (let i = 0; i < by.length; i++) {
    const v = valueKey(event[resolveField(rule, by[i] as string, m.id, m.name, rule.rules[ref.idx] as string)]);
    if (v === undefined) return undefined;
    k = i === 0 ? v : `${k}\u001f${v}`;
  }
  return k;
}

/** The baseline's key as a record for an alert (`by` name -> value). */
export function baselineKeyRecord(
  ref: CorrelationRef,
  m: { id: string; name?: string | undefined },
  event: SigmaEvent,
): Record<string, unknown> {
  const rule = ref.corr.rule;
  const out: Record<string, unknown> = {};
  for (const b of rule.baseline?.by ?? [])
    out[b] = event[resolveField(rule, b, m.id, m.name, rule.rules[ref.idx] as string)] ?? null;
  return out;
}

/** store.observe with the correlation's baseline applied (entry.floor set); plain observe without one. */
export function observeWithBaseline(
  store: CorrelationStore,
  baselines: BaselineStore,
  ref: CorrelationRef,
  m: { id: string; name?: string | undefined },
  event: SigmaEvent,
  groupKey: string,
  entry: WindowEntry,
  now: number,
): ObserveResult | Promise<ObserveResult> {
  const c = ref.corr;
  const b = c.baseline;
  const bkey = b === undefined ? undefined : baselineKey(ref, m, event);
  // Without a baseline, or without the field it is kept by: the fixed condition alone.
  if (b === undefined || bkey === undefined) return store.observe(c.rule.id, groupKey, c.spec, entry, now);
  const id = c.rule.id;
  const ts = entry.ts;
  const spec = b;
  const key = bkey;
  const after = (r: ObserveResult): ObserveResult | Promise<ObserveResult> => {
    if (r.status !== 'accepted') return r;
    const w = baselines.record(id, key, spec, ts, r.value);
    return w instanceof Promise ? w.then(() => r) : r;
  };
  const withNormal = (nm: number): ObserveResult | Promise<ObserveResult> => {
    // -1: warming up (the fixed condition alone; the alert is marked and raised at warmup-level).
    entry.floor = nm >= 0 ? (spec.factor * nm) / 1000 : -1;
    const r = store.observe(id, groupKey, c.spec, entry, now);
    return r instanceof Promise ? r.then(after) : after(r);
  };
  const rate = (): ObserveResult | Promise<ObserveResult> => {
    const nm = baselines.normal(id, key, spec, ts);
    return nm instanceof Promise ? nm.then(withNormal) : withNormal(nm);
  };
  if (!spec.newValues) return rate();
  // A value the key has seen within learn is not counted at all (during warm-up every value counts).
  const go = (fresh: number): ObserveResult | Promise<ObserveResult> => {
    if (fresh === 0) return KNOWN;
    if (spec.factor > 0) return rate();
    entry.floor = fresh < 0 ? -1 : 0;
    return store.observe(id, groupKey, c.spec, entry, now);
  };
  const s = baselines.seen(id, key, spec, ts, entry.key, entry.id);
  return s instanceof Promise ? s.then(go) : go(s);
}

/** The answer for an observation a `values: new` baseline leaves out (a value seen before): nothing fires. */
const KNOWN: ObserveResult = Object.freeze({ ...newResult() }) as ObserveResult;
