import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { projectRoot } from '../../core/shared-data.js';
import { ruleTitle, ruleWords } from '../../reports/rule-names.js';

function shippedRules(dir = join(projectRoot, 'rules', 'sigma')): { id: string; title: string }[] {
  const out: { id: string; title: string }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...shippedRules(p));
    else if (e.name.endsWith('.yml')) {
      const d = parse(readFileSync(p, 'utf8')) as { id: string; title: string };
      out.push({ id: d.id, title: d.title });
    }
  }
  return out;
}

describe('Vietnamese words of the shipped rule pack (rules/vi.yml)', () => {
  const rules = shippedRules();
  test('every shipped rule has a Vietnamese title, description and false positives; no entry is stale', () => {
    expect(rules).toHaveLength(35);
    const words = ruleWords();
    expect([...words.keys()].sort()).toEqual(rules.map((r) => r.id).sort());
    for (const r of rules) {
      const w = words.get(r.id)!;
      expect(w.title).toMatch(/[^\x00-\x7f]/); // Vietnamese letters, not English left as it was
      expect(w.title).not.toBe(r.title);
      expect(w.description?.length).toBeGreaterThan(20);
      expect(w.falsepositives?.length).toBeGreaterThan(0);
    }
  });

  test('ruleTitle: Vietnamese where shipped, the rule own title in English and for custom rules', () => {
    const r = rules.find((x) => x.id === 'b3a0242d-91eb-4a78-b469-f2403149ab0a')!;
    expect(ruleTitle(r.id, r.title, 'vi')).toBe('Thử tấn công chèn SQL qua yêu cầu web');
    expect(ruleTitle(r.id, r.title, 'en')).toBe(r.title);
    expect(ruleTitle('custom-1', 'My rule', 'vi')).toBe('My rule');
  });
});
