// Generates core/attack-data.json from tools/attack/enterprise-attack-vi.tsv (ATT&CK id, English name, tactics,
// Vietnamese name). Run after editing the TSV: node tools/attack/build.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = new URL('.', import.meta.url);
const lines = readFileSync(new URL('enterprise-attack-vi.tsv', here), 'utf8').split('\n');
const version = /Enterprise (\d+\.\d+)/.exec(lines[0])?.[1];
const source = /from (.*?);/.exec(lines[0])?.[1];
if (!version || !source) throw new Error('enterprise-attack-vi.tsv: first line must name the version and source');
const techniques = {};
lines.forEach((l, n) => {
  if (!l || l.startsWith('#')) return;
  const [id, en, tactics, vi] = l.split('\t');
  if (!/^T\d{4}(\.\d{3})?$/.test(id) || !en || !vi || vi === 'TODO')
    throw new Error(`enterprise-attack-vi.tsv:${n + 1}: needs id, English name, tactics and a Vietnamese name`);
  techniques[id] = [en, vi, tactics];
});
// Data, not code: a JSON file that core/attack-data.ts imports (the console bundle inlines it).
const out = {
  generatedBy: 'tools/attack/build.mjs from tools/attack/enterprise-attack-vi.tsv: do not edit by hand',
  version,
  source: `MITRE ATT&CK Enterprise ${version}, ${source}`,
  techniques,
};
const target = fileURLToPath(new URL('../../core/attack-data.json', here));
writeFileSync(target, `${JSON.stringify(out, null, 1)}\n`);
// Formatted like the rest of the repository so that biome check stays clean.
execFileSync('npx', ['biome', 'format', '--write', target], { stdio: 'ignore' });
console.log(`core/attack-data.json: ${Object.keys(techniques).length} techniques, ATT&CK ${version}`);
