import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { explainSkip, sharedPath } from '../../core/shared-data.js';
import { loadPlaceholders, loadRules } from './load.js';

const sigma = sharedPath('sigma');
const FOLDERS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-compliance'];
// Two rules-emerging-threats rules use |expand (%known_cdcs%): the spec says a tool must reject a rule whose
// placeholder it cannot fill, so the corpus loads with the same placeholders file as rules-placeholder.
const placeholdersFile = join(import.meta.dirname, 'fixtures', 'placeholders.yml');

describe('SigmaHQ corpus', () => {
  if (!sigma) {
    explainSkip('the SigmaHQ corpus test');
    it.skip('needs ../shared', () => {});
    return;
  }
  it('loads every rule of the four rule folders with 0 rejected', async () => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const placeholders = loadPlaceholders(placeholdersFile);
    const r = await loadRules(
      FOLDERS.map((f) => join(sigma, f)),
      { placeholders },
    );
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const errors = r.problems.filter((p) => p.severity === 'error');
    process.stdout.write(
      `SigmaHQ corpus: ${r.documents.length} documents loaded, ${r.rejected} rejected, ${r.problems.length - errors.length} warnings, ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU\n`,
    );
    expect(errors.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).slice(0, 20)).toEqual([]);
    expect(r.rejected).toBe(0);
    expect(r.documents.length).toBeGreaterThanOrEqual(3757);
  });

  it('loads rules-placeholder with a placeholders file, and rejects them without one', async () => {
    const placeholders = loadPlaceholders(placeholdersFile);
    const withP = await loadRules([join(sigma, 'rules-placeholder')], { placeholders });
    expect(withP.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(withP.rejected).toBe(0);
    const without = await loadRules([join(sigma, 'rules-placeholder')]);
    expect(without.rejected).toBeGreaterThan(0);
    expect(without.problems.some((p) => p.code === 'CANHGAC_ERR_SIGMA_PLACEHOLDER')).toBe(true);
  });

  it('never crashes on unsupported/ and deprecated/, and every rejection has a reason', async () => {
    for (const f of ['unsupported', 'deprecated']) {
      const r = await loadRules([join(sigma, f)]);
      const files = new Set(r.problems.filter((p) => p.severity === 'error').map((p) => p.file));
      process.stdout.write(`${f}: ${r.documents.length} loaded, ${r.rejected} rejected in ${files.size} files\n`);
      if (r.rejected > 0) expect(files.size).toBeGreaterThan(0);
      for (const p of r.problems) expect(p.message.length).toBeGreaterThan(0);
    }
  });
});
