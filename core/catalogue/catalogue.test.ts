import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../shared-data.js';
import { CATALOGUE_PARTS, ERRORS, errorsReference, mergeCatalogue } from './index.js';

const PRODUCT = [
  'core',
  'ingest',
  'detection',
  'store',
  'context',
  'incidents',
  'notify',
  'reports',
  'pipeline',
  'api',
  'cli',
];

/** The product's source files (tests and test kits excluded). */
function productSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n)) out.push(p);
    }
  };
  for (const f of PRODUCT) walk(join(projectRoot, f));
  return out;
}

/**
 * `throw new Error` is kept only for programming errors no user input or setting can cause; each one is listed
 * here with why. Anything a user can cause (configuration, command line, input, a channel's settings) throws a
 * catalogued CanhgacError instead, so it has a code, a meaning and a remedy in docs/errors.md.
 */
const INTERNAL_THROWS: Record<string, string> = {
  'core/shared-data.ts': 'the package is installed without its package.json (a broken install, not a setting)',
  'core/errors.ts': 'a catalogue entry outside the CANHGAC_ERR_ namespace (caught by this test first)',
  'core/catalogue/index.ts': 'a code defined twice (caught by this test first)',
  'pipeline/worker.ts': 'the worker entry loaded outside a worker thread, or a processor module without its export',
  'store/sqlite/sql.ts': 'a compiler constant with NUL (the compiler escapes user values before this point)',
  'store/opensearch/schema.ts': 'a shipped mapping file without its schema version',
  'notify/queue.ts': 'control flow: BullMQ retries a job when its handler throws',
  'reports/period.ts': 'an unreachable switch branch',
  'reports/rule-names.ts': 'the shipped rule-name file lacks a title (repository data)',
  'api/openapi.ts': 'the shipped openapi.yaml with a duplicate operationId',
  'api/app.ts': 'a route registered without its openapi.yaml operation',
  'pipeline/pipeline.ts': 'a batch finished twice (a pipeline bug)',
  'ingest/sources/http/source.ts': 'caught at once and answered as CANHGAC_ERR_INTAKE_BAD_ENCODING',
  'pipeline/pool.ts': 'the compiled worker entry is missing: the build was not run (developer setup)',
};

describe('the error catalogue', () => {
  it('has every code once, in the namespace, with a status, message, meaning and remedy', () => {
    const total = CATALOGUE_PARTS.reduce((n, p) => n + Object.keys(p.errors).length, 0);
    expect(Object.keys(ERRORS)).toHaveLength(total);
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^CANHGAC_ERR_[A-Z0-9_]+[A-Z0-9]$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.status).toBeLessThan(600);
      for (const text of [spec.message, spec.meaning, spec.remedy]) expect(text.trim().length).toBeGreaterThan(2);
    }
  });

  it('refuses a code defined in two parts', () => {
    const spec = { status: 400, message: 'm', meaning: 'x', remedy: 'y' };
    expect(() => mergeCatalogue([{ errors: { CANHGAC_ERR_X: spec } }, { errors: { CANHGAC_ERR_X: spec } }])).toThrow(
      /CANHGAC_ERR_X is defined twice/,
    );
  });

  it('docs/errors.md is the one generated from the catalogue', () => {
    expect(readFileSync(join(projectRoot, 'docs', 'errors.md'), 'utf8')).toBe(errorsReference());
  });

  it('knows every code the product uses', () => {
    const unknown: string[] = [];
    for (const file of productSources()) {
      const text = readFileSync(file, 'utf8');
      // Whole codes only: a prefix such as `CANHGAC_ERR_SIGMA_${x}` in a type or a comment ends with `_`.
      for (const m of text.matchAll(/CANHGAC_ERR_[A-Z0-9_]*[A-Z0-9]\b(?!_)/g)) {
        if (!(m[0] in ERRORS)) unknown.push(`${relative(projectRoot, file)}: ${m[0]}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('leaves `throw new Error` only for listed programming errors', () => {
    const found: string[] = [];
    for (const file of productSources()) {
      const rel = relative(projectRoot, file);
      if (/throw new Error\(/.test(readFileSync(file, 'utf8')) && !(rel in INTERNAL_THROWS)) found.push(rel);
    }
    expect(found).toEqual([]);
  });
});
