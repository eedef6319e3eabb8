import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { explainSkip, sharedPath } from '../../core/shared-data.js';
import { listRuleFiles, loadRules, parsePlaceholders, parseRuleText } from './load.js';
import type { CorrelationRule, DetectionRule, SigmaFilter } from './model.js';
import { MODIFIERS } from './modifiers.js';

const RULE = `title: Test rule
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
status: test
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\\cmd.exe'
    CommandLine|contains:
      - ' /c '
      - ' /k '
  filter:
    User: SYSTEM
  condition: selection and not filter
level: high
`;

const CORR = `title: Many failed logins
name: many_failed
correlation:
  type: event_count
  rules:
    - failed_login
  group-by:
    - User
  timespan: 5m
  condition:
    gte: 10
    lt: 100
---
title: Failed login
name: failed_login
logsource: {product: windows, service: security}
detection:
  sel:
    EventID: 4625
  condition: sel
---
title: Filter admins
logsource: {product: windows}
filter:
  rules:
    - failed_login
  selection:
    User|startswith: adm_
  condition: not selection
`;

/** Where the first error is: [line, col, code]. */
function firstError(text: string): [number, number, string] {
  const r = parseRuleText(text, 'x.yml');
  const e = r.problems.find((p) => p.severity === 'error');
  if (!e) throw new Error('no error');
  return [e.line, e.col, e.code];
}

describe('parseRuleText', () => {
  it('loads a rule into the model', () => {
    const r = parseRuleText(RULE, 'r.yml');
    expect(r.problems).toEqual([]);
    const d = r.documents[0] as DetectionRule;
    expect(d.kind).toBe('rule');
    expect(d.id).toBe('929a690e-bef0-4204-a928-ef5e620d6fcc');
    expect(d.level).toBe('high');
    expect(d.logsource).toEqual({ product: 'windows', category: 'process_creation' });
    expect(Object.keys(d.searches)).toEqual(['selection', 'filter']);
    expect(d.searches.selection!.alternatives[0]!.map((i) => i.field)).toEqual(['Image', 'CommandLine']);
    expect(d.searches.selection!.alternatives[0]![1]!.loc).toEqual({ line: 10, col: 5 });
    expect(d.conditionText).toEqual(['selection and not filter']);
  });

  it('puts errors at the exact YAML node (file:line:col)', () => {
    expect(firstError(RULE.replace('Image|endswith', 'Image|endwith'))).toEqual([
      9,
      5,
      'CANHGAC_ERR_SIGMA_UNKNOWN_MODIFIER',
    ]);
    expect(firstError(RULE.replace('selection and not filter', 'selection and not filtre'))).toEqual([
      15,
      32,
      'CANHGAC_ERR_SIGMA_CONDITION_UNDEFINED',
    ]);
    expect(firstError(RULE.replace('selection and not filter', 'selection and and filter'))).toEqual([
      15,
      28,
      'CANHGAC_ERR_SIGMA_CONDITION_SYNTAX',
    ]);
    expect(firstError(RULE.replace('level: high', 'level: severe'))).toEqual([16, 8, 'CANHGAC_ERR_SIGMA_FIELD_VALUE']);
    expect(firstError(RULE.replace("' /k '", 'null'))).toEqual([12, 9, 'CANHGAC_ERR_SIGMA_NULL_IN_LIST']);
    expect(firstError(RULE.replace('User: SYSTEM', 'User|re: "a(?<=b)"'))).toEqual([14, 14, 'CANHGAC_ERR_SIGMA_REGEX']);
    expect(firstError(RULE.replace('  product: windows', '  product: [windows]'))).toEqual([
      5,
      12,
      'CANHGAC_ERR_SIGMA_FIELD_TYPE',
    ]);
    expect(firstError(RULE.replace('title: Test rule\n', ''))).toEqual([1, 1, 'CANHGAC_ERR_SIGMA_MISSING_FIELD']);
    expect(firstError(`${RULE}  bad: [\n`)[2]).toBe('CANHGAC_ERR_SIGMA_YAML_SYNTAX');
  });

  it('collects several problems instead of stopping at the first', () => {
    const bad = RULE.replace('Image|endswith', 'Image|bogus')
      .replace('level: high', 'level: 5')
      .replace('filter\n', 'nope\n');
    const r = parseRuleText(bad, 'x.yml');
    expect(r.problems.filter((p) => p.severity === 'error').length).toBeGreaterThanOrEqual(3);
    expect(r.rejected).toBe(1);
  });

  it('warnings do not reject', () => {
    const r = parseRuleText(RULE.replace('status: test', 'status: deprecated\ndate: 2020/01/02'), 'w.yml');
    expect(r.rejected).toBe(0);
    expect(r.documents).toHaveLength(1);
    expect(r.problems.map((p) => p.severity)).toEqual(['warning', 'warning']);
  });

  it('rejects an alias bomb', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'title: t',
      'logsource: {product: x, extra: *f}',
      'detection: {sel: {F: x}, condition: sel}',
    ].join('\n');
    const r = parseRuleText(bomb, 'bomb.yml');
    expect(r.rejected).toBe(1);
    expect(r.problems.some((p) => p.code === 'CANHGAC_ERR_SIGMA_YAML_ALIASES')).toBe(true);
  });

  it('rejects a 50 MB document without parsing it', () => {
    const big = `title: t\ndescription: '${'a'.repeat(50 * 1024 * 1024)}'\n`;
    const t0 = performance.now();
    const r = parseRuleText(big, 'big.yml');
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.problems[0]!.code).toBe('CANHGAC_ERR_SIGMA_FILE_TOO_LARGE');
    expect(r.rejected).toBe(1);
  });

  it('rejects a million nested brackets quickly, at the right place', () => {
    const t0 = performance.now();
    const r = parseRuleText(`title: t\nx: ${'['.repeat(1_000_000)}`, 'flow.yml');
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.problems[0]).toMatchObject({ code: 'CANHGAC_ERR_SIGMA_YAML_DEPTH', line: 2, col: 1004 });
    expect(r.rejected).toBe(1);
  });

  it('rejects deeply nested YAML', () => {
    const deep = `title: t\nlogsource: {product: x}\ndetection:\n  sel: ${'['.repeat(3000)}${']'.repeat(3000)}\n  condition: sel\n`;
    const r = parseRuleText(deep, 'deep.yml');
    expect(r.rejected).toBe(1);
    expect(r.problems.length).toBeGreaterThan(0);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = parseRuleText(s, 'f.yml');
        expect(r.rejected + r.documents.length).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
    // Mutations of a real rule reach deeper into the validators than random text does.
    fc.assert(
      fc.property(
        fc.constantFrom(RULE, CORR),
        fc.nat(600),
        fc.string({ maxLength: 8 }),
        fc.nat(6),
        (base, at, ins, del) => {
          const text = base.slice(0, at) + ins + base.slice(at + del);
          const r = parseRuleText(text, 'm.yml');
          // Every problem points inside the text, and every rejection has an error to show for it.
          const lines = text.split('\n');
          for (const p of r.problems) {
            expect(p.line).toBeGreaterThanOrEqual(1);
            expect(p.line).toBeLessThanOrEqual(lines.length);
            expect(p.col).toBeGreaterThanOrEqual(1);
            expect(p.col).toBeLessThanOrEqual((lines[p.line - 1] ?? '').length + 1);
          }
          if (r.rejected > 0) expect(r.problems.some((p) => p.severity === 'error')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('merges legacy action: global collections into each following document', () => {
    const text = `action: global
title: Global part
id: 0b3a2b96-d7fc-4cb9-80e4-4a545fe95f46
logsource:
  product: windows
detection:
  condition: sel
---
logsource:
  service: security
detection:
  sel:
    EventID: 4624
---
logsource:
  service: system
detection:
  sel:
    EventID: 7045
`;
    const r = parseRuleText(text, 'g.yml');
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const docs = r.documents as DetectionRule[];
    expect(docs.map((d) => [d.title, d.logsource.product, d.logsource.service])).toEqual([
      ['Global part', 'windows', 'security'],
      ['Global part', 'windows', 'system'],
    ]);
    expect(docs[1]!.searches.sel!.loc.line).toBe(18);
    expect(docs.map((d) => d.id)).toEqual([
      '0b3a2b96-d7fc-4cb9-80e4-4a545fe95f46',
      '0b3a2b96-d7fc-4cb9-80e4-4a545fe95f46#2',
    ]);
  });
});

describe('correlations and filters', () => {
  it('parses correlation and filter documents', () => {
    const r = parseRuleText(CORR, 'c.yml');
    expect(r.problems).toEqual([]);
    const c = r.documents[0] as CorrelationRule;
    expect(c).toMatchObject({
      kind: 'correlation',
      type: 'event_count',
      rules: ['failed_login'],
      groupBy: ['User'],
      timespanMs: 300_000,
      condition: { gte: 10, lt: 100 },
      generate: false,
    });
    const f = r.documents[2] as SigmaFilter;
    expect(f.kind).toBe('filter');
    expect(f.rules).toEqual(['failed_login']);
    expect(Object.keys(f.searches)).toEqual(['selection']);
  });
  it('checks correlation fields', () => {
    const bad = CORR.replace('timespan: 5m', 'timespan: 5 minutes').replace('type: event_count', 'type: event_sum');
    const codes = parseRuleText(bad, 'c.yml').problems.map((p) => p.code);
    expect(codes).toContain('CANHGAC_ERR_SIGMA_TIMESPAN');
    expect(codes).toContain('CANHGAC_ERR_SIGMA_CORRELATION');
    const noField = CORR.replace('type: event_count', 'type: value_count');
    expect(parseRuleText(noField, 'c.yml').problems.map((p) => p.message)).toContain(
      'Correlation: value_count needs condition.field',
    );
  });
  it('checks references once every file is loaded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-sigma-'));
    try {
      writeFileSync(join(dir, 'a.yml'), CORR.replace('- failed_login\n  group-by', '- missing_rule\n  group-by'));
      const r = await loadRules([dir]);
      expect(r.rejected).toBe(1);
      expect(r.problems.map((p) => p.code)).toContain('CANHGAC_ERR_SIGMA_REFERENCE');
      // A correlation over the rejected correlation is rejected too (two rejections in all).
      writeFileSync(
        join(dir, 'b.yml'),
        'title: Chain\ncorrelation:\n  type: temporal\n  rules: [many_failed]\n  group-by: [User]\n  timespan: 1h\n',
      );
      expect((await loadRules([dir])).rejected).toBe(2);
      rmSync(join(dir, 'b.yml'));
      writeFileSync(join(dir, 'c.yml'), CORR.split('---\n')[1]!);
      const dup = await loadRules([dir]);
      expect(dup.problems.filter((p) => p.code === 'CANHGAC_ERR_SIGMA_DUPLICATE_ID').map((p) => p.severity)).toEqual([
        'warning',
      ]);
      rmSync(join(dir, 'c.yml'));
      mkdirSync(join(dir, 'odd.yml'));
      writeFileSync(join(dir, 'odd.yml', 'inner.yml'), 'title: x\n');
      const odd = await loadRules([join(dir, 'odd.yml')]);
      expect(odd.problems.map((p) => [p.file, p.code])).toEqual([
        [join(dir, 'odd.yml', 'inner.yml'), 'CANHGAC_ERR_SIGMA_UNKNOWN_KIND'],
      ]);
      rmSync(join(dir, 'odd.yml'), { recursive: true });
      symlinkSync(dir, join(dir, 'loop')); // a symlink loop must not hang or duplicate files
      expect(listRuleFiles([dir])).toEqual([join(dir, 'a.yml')]);
      writeFileSync(join(dir, 'bad.yml'), Buffer.from([0x74, 0x69, 0x3a, 0x20, 0xc3, 0x28, 0x0a]));
      const u = await loadRules([join(dir, 'bad.yml')]);
      expect(u.problems[0]).toMatchObject({ code: 'CANHGAC_ERR_SIGMA_INVALID_UTF8', line: 1, col: 5 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('placeholders file', () => {
  it('reads name -> values and rejects malformed files', () => {
    expect(parsePlaceholders('A: [x, y]\nB: z\n')).toEqual({ A: ['x', 'y'], B: ['z'] });
    expect(() => parsePlaceholders('- not a map')).toThrow(/must be a map/);
  });
});

describe('modifier registry', () => {
  it('matches the modifiers appendix of the specification', () => {
    const file = sharedPath('sigma', 'spec', 'specification', 'sigma-appendix-modifiers.md');
    if (!file) {
      explainSkip('the modifier registry check');
      return;
    }
    const md = readFileSync(file, 'utf8');
    const names = new Set<string>();
    for (const m of md.matchAll(/^\s*- `([a-z0-9]+)`:/gm)) names.add(m[1]!);
    expect([...names].sort()).toEqual(Object.keys(MODIFIERS).sort());
  });
});

describe('error catalogue', () => {
  it('documents every CANHGAC_ERR_SIGMA_* code in README.md', async () => {
    const { DETECTION_ERRORS } = await import('../errors.js');
    const readme = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');
    const missing = Object.keys(DETECTION_ERRORS).filter(
      (c) => c.startsWith('CANHGAC_ERR_SIGMA_') && !readme.includes(c),
    );
    expect(missing).toEqual([]);
  });
});

describe('denial-of-service guards', () => {
  it('refuses many documents, oversized documents and reports duplicate keys without quadratic work', () => {
    expect(parseRuleText('a: 1\n---\n'.repeat(10_000), 'docs.yml').problems[0]!.code).toBe(
      'CANHGAC_ERR_SIGMA_TOO_MANY_DOCS',
    );
    const big = `title: t\nx: '${'a'.repeat(1_100_000)}'\n`;
    expect(parseRuleText(big, 'doc.yml').problems[0]!.code).toBe('CANHGAC_ERR_SIGMA_DOC_TOO_LARGE');
    const dup = parseRuleText(RULE.replace('  filter:\n', '  filter:\n    User: a\n'), 'dup.yml');
    expect(dup.problems[0]).toMatchObject({ code: 'CANHGAC_ERR_SIGMA_YAML_SYNTAX', line: 15 });
    expect(parseRuleText(`${RULE}---\n`, 'trailing.yml').problems).toEqual([]);
  });
});
