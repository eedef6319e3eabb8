/**
 * The differential retro-hunt on the real OpenSearch test node: OTRF events stored through the OpenSearch store;
 * every SigmaHQ rule the engine fires on them must hunt exactly the engine's events there too. Rules OpenSearch
 * cannot express are listed with the reason (printed, and bounded).
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { explainSkip, sharedPath } from '../../core/shared-data.js';
import { openOpenSearchStores, type OpenSearchStores } from '../../store/opensearch/index.js';
import { describeOpenSearch, testPrefix } from '../kit/opensearch.js';
import { SCOPE_ALL } from '../../store/types.js';
import { differentialHunt, engineFirings, otrfEvents } from './hunt-differential.js';
import { Engine } from '../../detection/engine/index.js';
import { loadRules } from '../../detection/sigma/load.js';

const RULES = sharedPath('sigma', 'rules');
const OTRF = sharedPath('corpus', 'otrf');

describeOpenSearch('retro-hunt on OpenSearch equals the live engine on OTRF data', (url) => {
  let s: OpenSearchStores | undefined;
  beforeAll(async () => {
    s = await openOpenSearchStores({ node: url, prefix: testPrefix() });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('returns exactly the engine’s events for every rule that fires', async () => {
    if (!RULES || !OTRF) return explainSkip('the OTRF differential retro-hunt on OpenSearch');
    const loaded = await loadRules([RULES]);
    const engine = new Engine(loaded.documents);
    const { events } = otrfEvents(OTRF);
    const fired = engineFirings(engine, events);
    expect(fired.size).toBeGreaterThan(10);
    const w = await s!.events.write(SCOPE_ALL, events);
    expect(w.rejected).toEqual([]);
    await s!.events.refresh();
    const r = await differentialHunt(s!.events, engine, loaded.documents, fired, 50);
    process.stderr.write(
      `OTRF retro-hunt on OpenSearch: ${events.length} events, ${fired.size} rules fired, ${r.compared} compared, ` +
        `${r.unsupported.length} not expressible${r.unsupported.length ? `:\n  ${r.unsupported.join('\n  ')}` : ''}\n`,
    );
    expect(r.mismatched).toEqual([]);
    // Every rule that fires must be expressible; a quiet rule that is not is reported above.
    const firedUnsupported = r.unsupported.filter((u) => fired.has(u.split(' ')[0]!));
    expect(firedUnsupported).toEqual([]);
  }, 600_000);
});
