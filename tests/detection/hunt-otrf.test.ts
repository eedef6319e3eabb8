/**
 * Differential retro-hunt on real data: the OTRF Security Datasets events (../shared/corpus/otrf) normalised and
 * stored in SQLite; for every SigmaHQ rule the live engine fires on at least one of them, the hunt must return
 * exactly the engine's events. Rules that cannot be translated are listed (and must stay few).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { explainSkip, sharedPath } from '../../core/shared-data.js';
import { differentialHunt, engineFirings, otrfEvents } from './hunt-differential.js';
import { openSqliteStores } from '../../store/sqlite/index.js';
import { SCOPE_ALL } from '../../store/types.js';
import { Engine } from '../../detection/engine/index.js';
import { loadRules } from '../../detection/sigma/load.js';
import type { LoadResult } from '../../detection/sigma/model.js';
import { translateRule } from '../../detection/hunt/translate.js';

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

    const fired = engineFirings(engine, events);
    expect(fired.size).toBeGreaterThan(10);

    const s = openSqliteStores({ path: ':memory:' });
    const w = await s.events.write(SCOPE_ALL, events);
    expect(w.rejected).toEqual([]);
    const { unsupported, mismatched } = await differentialHunt(s.events, engine, loaded.documents, fired);
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
