/**
 * The real SigmaHQ windows + linux rules against real OTRF Windows events: every rule compiles, no rule throws,
 * and the indexed engine agrees with the unindexed engine on many events and with the reference on a sample.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { explainSkip, sharedPath } from '../../core/shared-data.js';
import type { DetectionRule, SigmaEvent } from '../sigma/model.js';
import { loadRules } from '../sigma/load.js';
import { Engine } from './index.js';
import { logsourceApplies, referenceMatch } from './reference.js';
import { otrfLogsource } from '../../tests/kit/sigma-model.js';

const rulesDir = sharedPath('sigma', 'rules');
const otrf = sharedPath('corpus', 'otrf');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return jsonFiles(p);
    return name.endsWith('.json') ? [p] : [];
  });
}

/** Every `step`-th event of every OTRF file. */
function sampleEvents(step: number): SigmaEvent[] {
  const out: SigmaEvent[] = [];
  for (const f of jsonFiles(otrf!)) {
    const lines = readFileSync(f, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i += step) {
      const line = lines[i]!;
      if (!line.trim()) continue;
      try {
        out.push(otrfLogsource(JSON.parse(line) as SigmaEvent));
      } catch {
        // not JSON: not this test's concern
      }
    }
  }
  return out;
}

const run = rulesDir && otrf ? describe : describe.skip;
if (!rulesDir || !otrf) explainSkip('detection/engine/sigmahq.test.ts');

run('SigmaHQ rules on OTRF events', () => {
  it('compile, never throw, and agree with the unindexed engine and the reference', async () => {
    const loaded = await loadRules([join(rulesDir!, 'windows'), join(rulesDir!, 'linux')]);
    const engine = new Engine(loaded.documents);
    const plain = new Engine(loaded.documents, { useIndex: false });
    expect(engine.rejected).toEqual([]);
    expect(engine.stats.rules).toBeGreaterThan(2000);

    const events = sampleEvents(11);
    let matches = 0;
    for (const ev of events) {
      const got = engine.match(ev).map((m) => m.id);
      expect(got).toEqual(plain.match(ev).map((m) => m.id));
      matches += got.length;
    }
    expect(matches).toBeGreaterThan(0);
    expect(engine.stats.errors).toBe(0);
    // Only a small share of the rules runs per event.
    expect(engine.stats.rulesEvaluated / engine.stats.events).toBeLessThan(20);

    const rules = loaded.documents.filter((d): d is DetectionRule => d.kind === 'rule');
    for (const ev of events.filter((_, i) => i % 50 === 0)) {
      const want = rules.filter((r) => logsourceApplies(r.logsource, ev) && referenceMatch(r, ev)).map((r) => r.id);
      expect(engine.match(ev).map((m) => m.id)).toEqual(want);
    }
  });
});
