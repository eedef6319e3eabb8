/**
 * The fast YAML front end (yaml-fast.ts) against the positioned parse: the same documents (each document's own
 * position exact; positions inside a document are the document's) and exactly the same problems, on the SigmaHQ
 * corpus, on the project's rules and fixtures, and on randomly damaged rule texts (most of them end in problems,
 * which must keep their exact file:line:col through the fallback).
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { explainSkip, sharedPath } from '../../core/shared-data.js';
import { listRuleFiles, loadRules, parseRuleText, parseRuleTextFast } from './load.js';
import type { LoadResult } from './model.js';
import { DEFAULT_YAML_LIMITS } from './yaml.js';
import { parseYamlFast } from './yaml-fast.js';

const root = join(import.meta.dirname, '..', '..');

/** Documents with every position inside them dropped (the document's own kept), and the problems. */
function comparable(r: LoadResult): string {
  const docs = r.documents.map((d) => ({
    ...(JSON.parse(JSON.stringify(d, (k, v) => (k === 'loc' ? undefined : v))) as object),
    loc: d.loc,
  }));
  return JSON.stringify({ docs, problems: r.problems, rejected: r.rejected });
}

function sameEitherWay(text: string, file: string): boolean {
  return comparable(parseRuleText(text, file)) === comparable(parseRuleTextFast(text, file));
}

describe('fast YAML front end', () => {
  it('reads the project rules and fixtures exactly like the positioned parse', () => {
    const files = listRuleFiles([join(root, 'rules'), join(import.meta.dirname, 'fixtures')]);
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) expect([f, sameEitherWay(readFileSync(f, 'utf8'), f)]).toEqual([f, true]);
  });

  it('reads the SigmaHQ corpus exactly like the positioned parse, nearly all of it without positions', () => {
    const rules = sharedPath('sigma', 'rules');
    if (!rules) return explainSkip('the SigmaHQ corpus comparison');
    const files = listRuleFiles([rules]);
    let fast = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      if (parseYamlFast(text, f, [], DEFAULT_YAML_LIMITS)) fast++;
      expect([f, sameEitherWay(text, f)]).toEqual([f, true]);
    }
    expect(fast / files.length).toBeGreaterThan(0.95);
  });

  it('gives the same documents and problems on damaged rule texts', () => {
    const base = readFileSync(listRuleFiles([join(root, 'rules', 'sigma')])[0]!, 'utf8');
    const pieces = [
      ' ',
      '  ',
      ':',
      ': ',
      '- ',
      "'",
      '"',
      '\n',
      '\n  ',
      '#',
      ' #',
      '|',
      '>',
      '[',
      ']',
      '{',
      '}',
      ',',
      '?',
      '\\',
      '0x1',
      '1.0',
      '~',
      'null',
      'true',
      '\n---\n',
      '\n...\n',
      '&a ',
      '*a',
      '!',
      '%',
      '\r\n',
      '\t',
      '@',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...pieces, ''), fc.nat(3)), { minLength: 1, maxLength: 3 }),
        (edits) => {
          let t = base;
          for (const [at, piece, cut] of edits) {
            const p = at % (t.length + 1);
            t = t.slice(0, p) + piece + t.slice(p + (piece === '' ? cut + 1 : 0));
          }
          return sameEitherWay(t, 'damaged.yml');
        },
      ),
      { numRuns: 400, seed: 18 },
    );
  });

  it('keeps every problem at its file:line:col in a bulk load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-fast-'));
    try {
      // A quoted value continued on a line less indented than its key: js-yaml reads it, `yaml` refuses it.
      const quote = "title: t\nlogsource:\n  product: linux\ndetection:\n  sel:\n    a: 'x\n y'\n  condition: sel\n";
      // Well-formed YAML with a Sigma error deep inside (an unknown modifier).
      const modifier =
        'title: t\nlogsource:\n  product: linux\ndetection:\n  sel:\n    a|nosuch: x\n  condition: sel\n';
      writeFileSync(join(dir, 'quote.yml'), quote);
      writeFileSync(join(dir, 'modifier.yml'), modifier);
      const r = await loadRules([dir], { cache: false });
      const expected = [
        ...parseRuleText(modifier, join(dir, 'modifier.yml')).problems,
        ...parseRuleText(quote, join(dir, 'quote.yml')).problems,
      ];
      expect(new Set(expected.map((p) => p.file.split('/').pop()))).toEqual(new Set(['modifier.yml', 'quote.yml']));
      expect(expected.every((p) => p.line > 1)).toBe(true);
      expect(r.problems).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
