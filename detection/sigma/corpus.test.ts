/**
 * The SigmaHQ corpus from ../shared: every rule of the four rule folders loads (0 rejected), rules-placeholder
 * loads with a placeholders file, unsupported/ and deprecated/ never crash, and the official JSON schemas (ajv)
 * agree with canhgac's structural checks. One load of each folder serves every check, to keep the file fast.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { explainSkip, sharedPath } from '../../core/shared-data.js';
import { listRuleFiles, loadPlaceholders, loadRules, parseRuleText } from './load.js';
import type { LoadResult, RuleProblem } from './model.js';

const sigma = sharedPath('sigma');
const FOLDERS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-compliance'];
// Two rules-emerging-threats rules use |expand (%known_cdcs%): the spec says a tool must reject a rule whose
// placeholder it cannot fill, so the corpus loads with the same placeholders file as rules-placeholder.
const placeholdersFile = join(import.meta.dirname, 'fixtures', 'placeholders.yml');

/** Problems that correspond to the JSON schemas' structural checks. */
const STRUCTURAL = new Set([
  'CANHGAC_ERR_SIGMA_MISSING_FIELD',
  'CANHGAC_ERR_SIGMA_FIELD_TYPE',
  'CANHGAC_ERR_SIGMA_FIELD_VALUE',
  'CANHGAC_ERR_SIGMA_FIELD_FORMAT',
]);
/** canhgac warns on YYYY/MM/DD dates where the schema rejects them (README: deliberate difference). */
const LEGACY_DATE = /^\d{4}\/\d{2}\/\d{2}$/;

type AjvValidate = ((d: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };

function compile(file: string): AjvValidate {
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  delete schema.$schema; // "…/2020-12/schema#" with the trailing # is not a meta-schema id ajv knows
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const mod = addFormatsModule as unknown as { default?: (a: Ajv2020) => void };
  const addFormats = mod.default ?? (addFormatsModule as unknown as (a: Ajv2020) => void);
  addFormats(ajv);
  return ajv.compile(schema) as AjvValidate;
}

function withoutLegacyDates(doc: Record<string, unknown>): Record<string, unknown> {
  const out = { ...doc };
  for (const k of ['date', 'modified']) {
    const v = out[k];
    if (typeof v === 'string' && LEGACY_DATE.test(v)) out[k] = v.replaceAll('/', '-');
  }
  return out;
}

describe('SigmaHQ corpus', () => {
  if (!sigma) {
    explainSkip('the SigmaHQ corpus test');
    it.skip('needs ../shared', () => {});
    return;
  }
  let main: LoadResult;
  let legacy: LoadResult;
  let mainMs = 0;
  let mainCpuMs = 0;
  beforeAll(async () => {
    const placeholders = loadPlaceholders(placeholdersFile);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    main = await loadRules(
      FOLDERS.map((f) => join(sigma, f)),
      { placeholders },
    );
    mainMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    mainCpuMs = (cpu.user + cpu.system) / 1000;
    legacy = await loadRules([join(sigma, 'unsupported'), join(sigma, 'deprecated')]);
  }, 180_000);

  it('loads every rule of the four rule folders with 0 rejected', () => {
    const errors = main.problems.filter((p) => p.severity === 'error');
    process.stdout.write(
      `SigmaHQ corpus: ${main.documents.length} documents loaded, ${main.rejected} rejected, ` +
        `${main.problems.length - errors.length} warnings, ${mainMs.toFixed(0)} ms wall, ${mainCpuMs.toFixed(0)} ms CPU\n`,
    );
    expect(errors.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).slice(0, 20)).toEqual([]);
    expect(main.rejected).toBe(0);
    expect(main.documents.length).toBeGreaterThanOrEqual(3757);
  });

  it('gives every DetectionItem and matcher kind one object shape (backends read them in hot loops)', () => {
    const itemShapes = new Set<string>();
    const matcherShapes = new Map<string, Set<string>>();
    for (const d of main.documents) {
      if (d.kind === 'correlation') continue;
      for (const s of Object.values(d.searches)) {
        for (const alt of s.alternatives) {
          for (const item of alt) {
            itemShapes.add(Object.keys(item).join());
            for (const m of item.matchers) {
              const set = matcherShapes.get(m.t) ?? new Set<string>();
              set.add(Object.keys(m).join());
              matcherShapes.set(m.t, set);
            }
          }
        }
      }
    }
    expect([...itemShapes]).toEqual(['field,modifiers,matchers,all,negate,loc']);
    for (const [t, shapes] of matcherShapes) expect([t, shapes.size]).toEqual([t, 1]);
  });

  it('loads rules-placeholder with a placeholders file, and rejects them without one', async () => {
    const placeholders = loadPlaceholders(placeholdersFile);
    const withP = await loadRules([join(sigma, 'rules-placeholder')], { placeholders });
    expect(withP.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(withP.rejected).toBe(0);
    expect(withP.documents.length).toBeGreaterThan(0);
    const without = await loadRules([join(sigma, 'rules-placeholder')]);
    expect(without.rejected).toBe(withP.documents.length);
    expect(without.problems.some((p) => p.code === 'CANHGAC_ERR_SIGMA_PLACEHOLDER')).toBe(true);
  });

  it('never crashes on unsupported/ and deprecated/, and every rejection has a reason', () => {
    const errorFiles = new Set(legacy.problems.filter((p) => p.severity === 'error').map((p) => p.file));
    process.stdout.write(
      `unsupported+deprecated: ${legacy.documents.length} loaded, ${legacy.rejected} rejected in ${errorFiles.size} files\n`,
    );
    expect(legacy.rejected).toBeGreaterThanOrEqual(errorFiles.size > 0 ? 1 : 0);
    for (const p of legacy.problems) {
      expect(p.message.length).toBeGreaterThan(0);
      expect(p.line).toBeGreaterThan(0);
    }
  });

  it('agrees with the official detection-rule JSON schema on every single-document rule file', () => {
    const validate = compile(join(sigma, 'spec', 'json-schema', 'sigma-detection-rule-schema.json'));
    const byFile = new Map<string, RuleProblem[]>();
    for (const p of [...main.problems, ...legacy.problems]) {
      if (p.severity !== 'error' || !STRUCTURAL.has(p.code)) continue;
      const list = byFile.get(p.file) ?? [];
      list.push(p);
      byFile.set(p.file, list);
    }
    const folders = [...FOLDERS, 'unsupported', 'deprecated'].map((f) => join(sigma, f));
    const disagreements: string[] = [];
    let compared = 0;
    let schemaRejects = 0;
    for (const file of listRuleFiles(folders)) {
      const text = readFileSync(file, 'utf8');
      if (/^---/m.test(text)) continue; // multi-document files: verdicts are per document
      let doc: unknown;
      try {
        doc = parse(text);
      } catch {
        continue;
      }
      if (doc === null || typeof doc !== 'object' || !('detection' in doc)) continue;
      compared++;
      const schemaOk = validate(withoutLegacyDates(doc as Record<string, unknown>));
      if (!schemaOk) schemaRejects++;
      const structural = byFile.get(file) ?? [];
      const ours = structural.length === 0;
      if (ours !== schemaOk) {
        const why = schemaOk
          ? structural.map((p) => `${p.line}:${p.col} ${p.message}`).join('; ')
          : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ');
        disagreements.push(
          `${file}: schema ${schemaOk ? 'accepts' : 'rejects'}, canhgac ${ours ? 'accepts' : 'rejects'}: ${why}`,
        );
      }
    }
    process.stdout.write(
      `Schema agreement: ${compared} rule files compared, schema rejects ${schemaRejects}, ${disagreements.length} disagreements\n`,
    );
    expect(compared).toBeGreaterThan(3500);
    expect(schemaRejects).toBeGreaterThan(0);
    expect(disagreements.slice(0, 20)).toEqual([]);
  });

  it('agrees with the correlation and filter schemas on the specification examples', () => {
    const tests = sharedPath('sigma', 'spec', 'tests', 'schema');
    if (!tests) return;
    for (const kind of ['correlation', 'filter']) {
      const schemaFile = kind === 'correlation' ? 'sigma-correlation-rules-schema.json' : 'sigma-filters-schema.json';
      const validate = compile(join(sigma, 'spec', 'json-schema', schemaFile));
      for (const file of listRuleFiles([join(tests, kind)])) {
        const text = readFileSync(file, 'utf8');
        const r = parseRuleText(text, file);
        const docs = text.split(/^---$/m).map((t) => parse(t) as Record<string, unknown> | null);
        const schemaOk = docs.filter((d) => d && kind in d).every((d) => validate(d));
        const structural = r.problems.filter((p) => p.severity === 'error' && STRUCTURAL.has(p.code));
        expect([file, structural.length === 0]).toEqual([file, schemaOk]);
        expect([file, r.documents.some((d) => d.kind === kind)]).toEqual([file, true]);
      }
    }
  });
});
