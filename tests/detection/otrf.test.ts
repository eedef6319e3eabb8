import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { explainSkip, projectRoot, sharedPath } from '../../core/shared-data.js';
import { Engine } from '../../detection/engine/index.js';
import { loadRules } from '../../detection/sigma/load.js';
import { type DatasetResult, evaluateDataset, KNOWN_GAPS, listDatasets, renderReport } from './otrf-eval.js';

describe('OTRF detection evaluation', () => {
  it('each dataset technique is detected wherever SigmaHQ has a tagged rule for its log sources', async () => {
    const otrf = sharedPath('corpus', 'otrf');
    const rulesDir = sharedPath('sigma', 'rules');
    if (!otrf || !rulesDir) return explainSkip('the OTRF detection evaluation');
    const load = await loadRules([rulesDir]);
    const engine = new Engine(load.documents);
    const results: DatasetResult[] = [];
    for (const ds of listDatasets(otrf)) results.push(await evaluateDataset(engine, ds));
    if (process.env.CANHGAC_WRITE_OTRF_DOC === '1') {
      writeFileSync(join(projectRoot, 'docs', 'otrf-detections.md'), renderReport(results, engine.rules.length));
    }
    expect(results.length).toBeGreaterThanOrEqual(10);
    for (const r of results) {
      // Every record of every set is read: a malformed or unknown record would hide events from the rules.
      expect({ name: r.name, problems: r.problems, empty: r.events === 0 }).toEqual({
        name: r.name,
        problems: 0,
        empty: false,
      });
      const gap = KNOWN_GAPS[r.name];
      if (gap) {
        const titles = r.fired.map((f) => f.title);
        for (const t of gap.caughtBy)
          expect({ name: r.name, caught: titles.includes(t) }).toEqual({ name: r.name, caught: true });
      } else if (r.candidates > 0) {
        expect({ name: r.name, detected: r.detectedBy.length > 0 }).toEqual({ name: r.name, detected: true });
      }
    }
  }, 120_000);
});
