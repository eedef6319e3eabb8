/**
 * A data directory whose shipped baseline correlations have been learning for a day (docs/baselines.md), for the
 * service tests that are about something else (notifications, faults, intake, exports) and start with a brute
 * force. A fresh installation learns its hosts' normal first: for the first 30 minutes the shipped SSH brute-force
 * rules raise learning alerts (informational) that open no incident. A test whose subject is not the warm-up
 * starts the service as an operator's second day would: with `<dataDir>/baselines.json` (the file the embedded
 * service writes and reads back at start) saying each correlation started learning a day ago and has seen no
 * host yet, so every host's normal is 0 and the fixed thresholds fire at the rules' own levels at once.
 * `cli/service.int.test.ts` and `cli/distributed.int.test.ts` learn the real way (old events sent first).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../core/shared-data.js';
import { MemoryBaselineStore } from '../../detection/correlation/baseline.js';
import { parseTimespan } from '../../detection/sigma/correlation.js';

/** The shipped correlations with a `baseline` block: id and timespan (ms), read from rules/sigma. */
export function shippedBaselineCorrelations(): { id: string; timespanMs: number }[] {
  const out: { id: string; timespanMs: number }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yml') && readFileSync(p, 'utf8').includes('baseline:')) {
        const doc = parse(readFileSync(p, 'utf8')) as {
          id?: string;
          correlation?: { baseline?: unknown; timespan?: string };
        };
        const ms = doc.correlation?.timespan ? parseTimespan(doc.correlation.timespan) : undefined;
        if (doc.id && doc.correlation?.baseline && ms) out.push({ id: doc.id, timespanMs: ms });
      }
    }
  };
  walk(join(projectRoot, 'rules', 'sigma'));
  if (out.length === 0) throw new Error('no shipped correlation with a baseline found under rules/sigma');
  return out;
}

/** Writes `<dataDir>/baselines.json`: every shipped baseline correlation learning since `agoMs` before now. */
export function seedLearnedBaselines(dataDir: string, agoMs = 24 * 3_600_000): void {
  const now = Date.now();
  const store = new MemoryBaselineStore();
  for (const c of shippedBaselineCorrelations()) store.setStart(c.id, c.timespanMs, now - agoMs, now);
  writeFileSync(join(dataDir, 'baselines.json'), JSON.stringify(store.snapshot()));
}
