import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { ATTACK_TECHNIQUES } from './attack-data.js';
import {
  ATTACK_VERSION,
  attackLabels,
  attackTagLabel,
  GLOSSARY,
  SEVERITY_TERMS,
  STATE_TERMS,
  TACTIC_TERMS,
  technique,
  techniqueCount,
  techniqueName,
  term,
} from './glossary.js';

const VI_LETTERS = /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i;

describe('glossary', () => {
  test('every term has a Vietnamese and an English word, different words for different values', () => {
    for (const [kind, terms] of Object.entries(GLOSSARY)) {
      const vis = new Set<string>();
      for (const [k, t] of Object.entries(terms as Record<string, { vi: string; en: string }>)) {
        expect(t.vi.trim()).not.toBe('');
        expect(t.en.trim()).not.toBe('');
        // Two values of one kind never share a word (a leader could not tell them apart).
        expect(vis.has(t.vi)).toBe(false);
        vis.add(t.vi);
        expect(`${kind}.${k}`).toBeTruthy();
      }
    }
  });

  test('covers the states, severities and roles the code has', () => {
    expect(Object.keys(STATE_TERMS).sort()).toEqual(
      ['acknowledged', 'false_positive', 'in_progress', 'new', 'resolved'].sort(),
    );
    expect(Object.keys(SEVERITY_TERMS)).toEqual(['informational', 'low', 'medium', 'high', 'critical']);
    const roles = readFileSync(new URL('../api/auth/roles.ts', import.meta.url), 'utf8');
    const m = /export type Role = ([^;]+);/.exec(roles)!;
    const declared = [...m[1]!.matchAll(/'([a-z_]+)'/g)].map((x) => x[1]).sort();
    expect(Object.keys(GLOSSARY.role).sort()).toEqual(declared);
  });

  test('term() translates and passes an unknown value through unchanged', () => {
    expect(term('state', 'acknowledged')).toBe('Đã tiếp nhận');
    expect(term('severity', 'critical', 'en')).toBe('Critical');
    expect(term('state', 'weird')).toBe('weird');
  });

  test('ATT&CK: every tactic and every technique of the shipped release has a Vietnamese name', () => {
    expect(ATTACK_VERSION).toBe('18.1');
    expect(Object.keys(TACTIC_TERMS)).toHaveLength(14);
    // 216 techniques and 475 sub-techniques in Enterprise 18.1 (revoked and deprecated left out).
    expect(techniqueCount()).toBe(691);
    const tactics = new Set(Object.keys(TACTIC_TERMS));
    let withDiacritics = 0;
    for (const [id, [en, vi, ts]] of Object.entries(ATTACK_TECHNIQUES)) {
      expect(id).toMatch(/^T\d{4}(\.\d{3})?$/);
      expect(en.length).toBeGreaterThan(1);
      expect(vi.length).toBeGreaterThan(1);
      for (const t of ts.split(',')) expect(tactics.has(t)).toBe(true);
      if (VI_LETTERS.test(vi)) withDiacritics++;
    }
    // Proper names (PowerShell, Cron, SSH) stay as they are; the rest is Vietnamese.
    expect(withDiacritics / techniqueCount()).toBeGreaterThan(0.75);
  });

  test('technique names with their parent, tags in words', () => {
    expect(techniqueName('T1110.003')).toBe('T1110.003 Dò mật khẩu (brute force): Rải mật khẩu (password spraying)');
    expect(techniqueName('t1110.003', 'en')).toBe('T1110.003 Brute Force: Password Spraying');
    expect(techniqueName('T1059')).toBe('T1059 Trình thông dịch lệnh và kịch bản');
    expect(technique('T1190')?.tactics).toEqual(['initial-access']);
    expect(techniqueName('T9999')).toBe('T9999');
    expect(attackTagLabel('attack.credential_access')).toBe('Đánh cắp thông tin xác thực');
    expect(attackTagLabel('attack.t1505.003')).toBe('T1505.003 Thành phần phần mềm máy chủ: Web shell');
    expect(attackTagLabel('attack.g0016')).toBe('attack.g0016');
    expect(attackLabels(['attack.initial-access', 'attack.t1190', 'cve.2021-41773'], 'en')).toEqual([
      'T1190 Exploit Public-Facing Application',
      'Initial Access',
    ]);
  });
});
