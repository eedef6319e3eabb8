import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import RE2 from 're2';
import { requiredLiteral } from './relit.js';

describe('requiredLiteral', () => {
  it.each([
    ['^powershell.*-enc\\s', false, 'powershell'],
    ['(?i)invoke-expression', true, 'invoke-expre'],
    ['abc|defgh', false, ''],
    ['(a|b)xyz', false, 'xyz'],
    ['ab?cdef', false, 'cdef'],
    ['abcd{2,3}', false, 'abc'],
    ['[a-z]+\\.exe', false, '.exe'],
    ['\\\\temp\\\\', false, '\\temp\\'],
    ['x+yz', false, 'yz'],
    ['a\\dbcd', false, 'bcd'],
    ['FOO(?i)bar', false, 'foo'],
  ])('%s', (src, ci, want) => {
    expect(requiredLiteral(src, ci)).toBe(want);
  });

  it('every match contains the literal (property, case-insensitively)', () => {
    const atom = fc.oneof(
      fc.constantFrom('a', 'b', 'c', 'K', 's', '.', '\\.', '[ab]', '(a|bc)', '\\d', '-', 'x'),
      fc.constantFrom('', '*', '+', '?', '{1,2}'),
    );
    fc.assert(
      fc.property(fc.array(atom, { maxLength: 8 }), fc.boolean(), fc.string({ maxLength: 12 }), (atoms, ci, text) => {
        const src = atoms.join('').replace(/^[*+?]|([*+?{][^a-z(\\[.]*)[*+?]/g, '$1');
        let re: RE2;
        try {
          re = new RE2(src, ci ? 'i' : '');
        } catch {
          return;
        }
        const lit = requiredLiteral(src, ci);
        for (const t of [text, `${text}${src}`, src.replace(/\\/g, '')]) {
          if (re.test(t)) expect(t.toLowerCase()).toContain(lit);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
