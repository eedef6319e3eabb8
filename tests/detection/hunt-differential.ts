/**
 * The differential retro-hunt on real data, for any event store: the OTRF Security Datasets events normalised and
 * stored; for every SigmaHQ rule the live engine fires on at least one of them, the hunt must return exactly the
 * engine's events. Rules a backend cannot express are collected with the backend's reason, never hidden.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CanhgacError } from '../../core/errors.js';
import type { Engine } from '../../detection/engine/index.js';
import { huntQuery } from '../../detection/hunt/hunt.js';
import { translateRule } from '../../detection/hunt/translate.js';
import type { DetectionRule, SigmaDocument } from '../../detection/sigma/model.js';
import { isWindowsEvent, normaliseWindowsEvent } from '../../ingest/decoders/windows/index.js';
import { isAzureSyslogRow, normaliseAzureSyslogRow } from '../../ingest/normalise/otrf-linux.js';
import { type EventStore, SCOPE_ALL, type StoredEvent } from '../../store/types.js';

/** Every OTRF event this project can normalise, as it would be stored (JSON round trip, id and agency set). */
export function otrfEvents(dir: string): { events: StoredEvent[]; skipped: number } {
  const events: StoredEvent[] = [];
  let skipped = 0;
  for (const set of readdirSync(dir, { withFileTypes: true })) {
    if (!set.isDirectory()) continue;
    for (const f of readdirSync(join(dir, set.name))) {
      if (!f.endsWith('.json')) continue;
      for (const line of readFileSync(join(dir, set.name, f), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        let o: unknown;
        try {
          o = JSON.parse(line);
        } catch {
          skipped++;
          continue;
        }
        const e = isWindowsEvent(o)
          ? normaliseWindowsEvent(o)
          : isAzureSyslogRow(o)
            ? normaliseAzureSyslogRow(o)
            : undefined;
        if (!e || typeof e['@timestamp'] !== 'string') {
          skipped++;
          continue;
        }
        e['event.id'] = `otrf-${String(events.length).padStart(6, '0')}`;
        e['agency.id'] ??= '000.00.00.H40';
        events.push(JSON.parse(JSON.stringify(e)) as StoredEvent);
      }
    }
  }
  return { events, skipped };
}

/** Which rules the live engine fires, with the ids of the events each one fires on. */
export function engineFirings(
  engine: Engine,
  events: readonly StoredEvent[],
): Map<string, { rule: DetectionRule; ids: string[] }> {
  const fired = new Map<string, { rule: DetectionRule; ids: string[] }>();
  for (const e of events) {
    for (const m of engine.match(e)) {
      let f = fired.get(m.id);
      if (!f) {
        f = { rule: m.rule, ids: [] };
        fired.set(m.id, f);
      }
      f.ids.push(e['event.id'] as string);
    }
  }
  return fired;
}

/** What a differential run found. */
export interface Differential {
  /** Rules the hunt could not run on this backend, with the reason. */
  unsupported: string[];
  /** Rules whose hunt returned other events than the engine. */
  mismatched: { rule: string; missing: string[]; extra: string[] }[];
  /** Rules compared. */
  compared: number;
}

/**
 * Hunts every fired rule on `store` (which holds the events) and compares with the engine; then a sample of the
 * rules that fire on nothing (every `quietEvery`-th) must hunt nothing either.
 */
export async function differentialHunt(
  store: EventStore,
  engine: Engine,
  documents: readonly SigmaDocument[],
  fired: Map<string, { rule: DetectionRule; ids: string[] }>,
  quietEvery = 25,
): Promise<Differential> {
  const out: Differential = { unsupported: [], mismatched: [], compared: 0 };
  const run = async (rule: DetectionRule): Promise<string[] | undefined> => {
    const t = translateRule(rule, engine.filters);
    const reasons = t.ok ? (store.unsupported?.(t.query) ?? []) : t.reasons;
    if (!t.ok || reasons.length) {
      out.unsupported.push(`${rule.id} ${rule.title}: ${reasons.join('; ')}`);
      return undefined;
    }
    const got: string[] = [];
    try {
      for await (const e of huntQuery(store, t.query, { from: 0, to: Date.UTC(2100, 0, 1), scope: SCOPE_ALL }))
        got.push(e['event.id'] as string);
    } catch (err) {
      // A backend that refuses a query says why (e.g. a regex construct Lucene lacks): reported, not hidden.
      if (err instanceof CanhgacError && err.code === 'CANHGAC_ERR_STORE_INVALID') {
        out.unsupported.push(`${rule.id} ${rule.title}: ${err.message}`);
        return undefined;
      }
      throw err;
    }
    out.compared++;
    return got;
  };
  for (const [id, { rule, ids }] of fired) {
    const got = await run(rule);
    if (!got) continue;
    const want = new Set(ids);
    const have = new Set(got);
    const missing = ids.filter((x) => !have.has(x));
    const extra = got.filter((x) => !want.has(x));
    if (missing.length || extra.length)
      out.mismatched.push({ rule: `${id} ${rule.title}`, missing: missing.slice(0, 5), extra: extra.slice(0, 5) });
  }
  const quiet = documents.filter((d): d is DetectionRule => d.kind === 'rule' && !fired.has(d.id));
  for (let i = 0; i < quiet.length; i += quietEvery) {
    const got = await run(quiet[i]!);
    if (got?.length)
      out.mismatched.push({ rule: `${quiet[i]!.id} ${quiet[i]!.title}`, missing: [], extra: got.slice(0, 5) });
  }
  return out;
}
