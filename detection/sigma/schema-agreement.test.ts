/**
 * Runs the specification's official JSON schemas (ajv, from ../shared) over the corpus and checks that the
 * structural checks written in meta.ts/detection.ts give the same verdict. Deliberate differences are listed
 * in DIFFERENCES and in README.md.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { explainSkip, sharedPath } from '../../core/shared-data.js';
import { listRuleFiles, parseRuleText } from './load.js';

const sigma = sharedPath('sigma');
const STRUCTURAL = new Set([
  'CANHGAC_ERR_SIGMA_MISSING_FIELD',
  'CANHGAC_ERR_SIGMA_FIELD_TYPE',
  'CANHGAC_ERR_SIGMA_FIELD_VALUE',
  'CANHGAC_ERR_SIGMA_FIELD_FORMAT',
]);
/** Schema errors canhgac deliberately treats as warnings. */
const LEGACY_DATE = /^\d{4}\/\d{2}\/\d{2}$/;

type AjvValidate = ((d: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };

function compile(file: string): AjvValidate {
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const addFormats = (addFormatsModule as unknown as { default?: (a: Ajv2020) => void }).default ?? addFormatsModule;
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv.compile(schema) as AjvValidate;
}

/** The document with legacy YYYY/MM/DD dates rewritten, so the schema judges everything else. */
function withoutLegacyDates(doc: Record<string, unknown>): Record<string, unknown> {
  const out = { ...doc };
  for (const k of ['date', 'modified']) {
    const v = out[k];
    if (typeof v === 'string' && LEGACY_DATE.test(v)) out[k] = v.replaceAll('/', '-');
  }
  return out;
}

describe('official JSON schemas agree with the built-in structural checks', () => {
  if (!sigma) {
    explainSkip('the JSON schema agreement test');
    it.skip('needs ../shared', () => {});
    return;
  }
  it('on every single-document detection rule of the corpus (rules*, deprecated, unsupported)', () => {
    const validate = compile(join(sigma, 'spec', 'json-schema', 'sigma-detection-rule-schema.json'));
    const folders = [
      'rules',
      'rules-emerging-threats',
      'rules-threat-hunting',
      'rules-compliance',
      'deprecated',
      'unsupported',
    ];
    const disagreements: string[] = [];
    let compared = 0;
    let schemaRejects = 0;
    for (const file of listRuleFiles(folders.map((f) => join(sigma, f)))) {
      const text = readFileSync(file, 'utf8');
      if (/^---/m.test(text)) continue; // multi-document files: verdicts are per document, compared elsewhere
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
      const r = parseRuleText(text, file);
      const structural = r.problems.filter((p) => p.severity === 'error' && STRUCTURAL.has(p.code));
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
      `Schema agreement: ${compared} documents compared, schema rejects ${schemaRejects}, ${disagreements.length} disagreements\n`,
    );
    expect(compared).toBeGreaterThan(3500);
    expect(disagreements.slice(0, 40)).toEqual([]);
  });

  it('on the specification example documents (correlations and filters)', () => {
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
      }
    }
  });
});
