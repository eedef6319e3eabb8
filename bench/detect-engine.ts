/**
 * Quick self-check of the Sigma engine's speed (the official figure is `canhgac bench detect`): loads the
 * SigmaHQ windows + linux rules and the OTRF Windows events from ../shared, gives each event a logsource with a
 * small Sysmon/Security/PowerShell table, and prints load time, events/s on one core, rules evaluated per event
 * and RSS. Run after a build: `node dist/bench/detect-engine.js [seconds]`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { explainSkip, sharedPath } from '../core/shared-data.js';
import { Engine } from '../detection/engine/index.js';
import { otrfLogsource } from '../tests/kit/sigma-model.js';
import type { NormalisedEvent as SigmaEvent } from '../core/event/event.js';
import { loadRules } from '../detection/sigma/load.js';

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...jsonFiles(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const rulesDir = sharedPath('sigma', 'rules');
  const otrf = sharedPath('corpus', 'otrf');
  if (!rulesDir || !otrf) {
    explainSkip('bench/detect-engine');
    return;
  }
  const t0 = performance.now();
  const loaded = await loadRules([join(rulesDir, 'windows'), join(rulesDir, 'linux')]);
  const t1 = performance.now();
  const engine = new Engine(loaded.documents);
  const t2 = performance.now();
  const events: SigmaEvent[] = [];
  for (const f of jsonFiles(otrf)) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        events.push(otrfLogsource(JSON.parse(line) as SigmaEvent));
      } catch {
        // a broken line in the corpus is not the engine's problem
      }
    }
  }
  // Warm up (routes are built lazily), then measure.
  for (const e of events) engine.match(e);
  const before = engine.stats;
  let n = 0;
  let matched = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    for (const e of events) matched += engine.match(e).length;
    n += events.length;
  }
  const el = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  const after = engine.stats;
  const perEvent = (after.rulesEvaluated - before.rulesEvaluated) / (after.events - before.events);
  const rss = process.memoryUsage().rss / 1048576;
  process.stdout.write(
    `${JSON.stringify({
      rules: engine.stats.rules,
      rejected: engine.rejected.length,
      loadProblems: loaded.problems.length,
      parseMs: Math.round(t1 - t0),
      compileMs: Math.round(t2 - t1),
      events: events.length,
      eventsPerSec: Math.round(n / el),
      eventsPerCpuSec: Math.round(n / cpuSec),
      rulesEvaluatedPerEvent: Number(perEvent.toFixed(2)),
      matchesPerPass: matched / (n / events.length),
      routes: after.routes,
      rssMB: Math.round(rss),
    })}\n`,
  );
}

await main();
