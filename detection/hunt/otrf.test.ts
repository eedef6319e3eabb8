/**
 * Differential retro-hunt on real data: the OTRF Security Datasets events (../shared/corpus/otrf) normalised and
 * stored in SQLite; for every SigmaHQ rule the live engine fires on at least one of them, the hunt must return
 * exactly the engine's events. Rules that cannot be translated are listed (and must stay few).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { explainSkip, sharedPath } from '../../core/shared-data.js';
import { isWindowsEvent, normaliseWindowsEvent } from '../../ingest/decoders/windows/index.js';
import { isAzureSyslogRow, normaliseAzureSyslogRow } from '../../ingest/normalise/otrf-linux.js';
import { openSqliteStores } from '../../store/sqlite/index.js';
import { SCOPE_ALL, type StoredEvent } from '../../store/types.js';
import { Engine } from '../engine/index.js';
import { loadRules } from '../sigma/load.js';
import type { DetectionRule, LoadResult } from '../sigma/model.js';
import { huntQuery } from './hunt.js';
import { translateRule } from './translate.js';

/** Every OTRF event this project can normalise, as it would be stored (JSON round trip, id and agency set). */
function otrfEvents(dir: string): { events: StoredEvent[]; skipped: number } {
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

const RULE_DIRS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => sharedPath('sigma', d));

describe('retro-hunt equals the live engine on OTRF data with SigmaHQ rules', () => {
  // Loaded once for both tests: the SigmaHQ rule sets take seconds to parse and compile.
  let loaded: LoadResult | undefined;
  let engine: Engine | undefined;
  beforeAll(async () => {
    if (RULE_DIRS.some((d) => !d)) return;
    loaded = await loadRules(RULE_DIRS as string[]);
    engine = new Engine(loaded.documents);
  }, 120_000);

  it('returns exactly the engine’s events for every rule that fires', async () => {
    const dir = sharedPath('corpus', 'otrf');
    if (!dir || !loaded || !engine) return explainSkip('the OTRF differential retro-hunt');
    const { events, skipped } = otrfEvents(dir);
    expect(events.length).toBeGreaterThan(10000);

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
    expect(fired.size).toBeGreaterThan(10);

    const s = openSqliteStores({ path: ':memory:' });
    const w = await s.events.write(SCOPE_ALL, events);
    expect(w.rejected).toEqual([]);
    const unsupported: string[] = [];
    const mismatched: { rule: string; missing: string[]; extra: string[] }[] = [];
    for (const [id, { rule, ids }] of fired) {
      const t = translateRule(rule, engine.filters);
      if (!t.ok) {
        unsupported.push(`${id} ${rule.title}: ${t.reasons.join('; ')}`);
        continue;
      }
      const got: string[] = [];
      for await (const e of huntQuery(s.events, t.query, { from: 0, to: Date.UTC(2100, 0, 1), scope: SCOPE_ALL })) {
        got.push(e['event.id'] as string);
      }
      const want = new Set(ids);
      const have = new Set(got);
      const missing = ids.filter((x) => !have.has(x));
      const extra = got.filter((x) => !want.has(x));
      if (missing.length || extra.length)
        mismatched.push({ rule: `${id} ${rule.title}`, missing: missing.slice(0, 5), extra: extra.slice(0, 5) });
    }
    // Rules that do not fire must hunt nothing: a deterministic sample (every 25th detection rule).
    const quiet = loaded.documents.filter((d): d is DetectionRule => d.kind === 'rule' && !fired.has(d.id));
    for (let i = 0; i < quiet.length; i += 25) {
      const rule = quiet[i]!;
      const t = translateRule(rule, engine.filters);
      if (!t.ok) {
        unsupported.push(`${rule.id} ${rule.title}: ${t.reasons.join('; ')}`);
        continue;
      }
      const page = await s.events.search(SCOPE_ALL, { query: t.query, size: 5 });
      if (page.events.length)
        mismatched.push({
          rule: `${rule.id} ${rule.title}`,
          missing: [],
          extra: page.events.map((e) => e['event.id'] as string),
        });
    }
    await s.close();
    process.stderr.write(
      `OTRF retro-hunt: ${events.length} events (${skipped} skipped), ${loaded.documents.length} documents, ` +
        `${engine.rejected.length} rejected by the engine, ${fired.size} rules fired, ${unsupported.length} not translatable` +
        `${unsupported.length ? `:\n  ${unsupported.join('\n  ')}` : ''}\n`,
    );
    expect(mismatched).toEqual([]);
    expect(unsupported).toEqual([]);
  }, 120_000);

  it('translates every SigmaHQ detection rule into SQL SQLite accepts', async () => {
    if (!loaded || !engine) return explainSkip('SigmaHQ rules');
    const s = openSqliteStores({ path: ':memory:' });
    const failures: string[] = [];
    let n = 0;
    for (const d of loaded.documents) {
      if (d.kind !== 'rule') continue;
      const t = translateRule(d, engine.filters);
      if (!t.ok) {
        if (!engine.rejected.some((r) => r.id === d.id)) failures.push(`${d.id}: ${t.reasons.join('; ')}`);
        continue;
      }
      try {
        await s.events.search(SCOPE_ALL, { query: t.query, size: 1 });
        n++;
      } catch (e) {
        failures.push(`${d.id} ${d.title}: ${(e as Error).message}`);
      }
    }
    await s.close();
    expect(failures).toEqual([]);
    expect(n).toBeGreaterThan(3000);
  }, 120_000);
});
