import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseCondition, patternMatches, selectSearches } from './condition.js';
import type { Condition } from './model.js';

function ok(text: string): Condition {
  const r = parseCondition(text);
  if ('issue' in r) throw new Error(`${r.issue.message} at ${r.issue.col}`);
  return r.cond;
}
const ref = (name: string): Condition => ({ op: 'ref', name });

describe('condition parser', () => {
  it('precedence: or < and < not', () => {
    expect(ok('a or b and not c')).toEqual({
      op: 'or',
      args: [ref('a'), { op: 'and', args: [ref('b'), { op: 'not', arg: ref('c') }] }],
    });
  });
  it('parentheses bind tightest and nested and/or are flattened', () => {
    expect(ok('(a or b) and c')).toEqual({ op: 'and', args: [{ op: 'or', args: [ref('a'), ref('b')] }, ref('c')] });
    expect(ok('a and (b and c) and d')).toEqual({ op: 'and', args: [ref('a'), ref('b'), ref('c'), ref('d')] });
    expect(ok('((a))')).toEqual(ref('a'));
  });
  it('x of: 1 / any / all with them and patterns', () => {
    expect(ok('1 of selection_*')).toEqual({ op: 'of', quantifier: 'any', pattern: 'selection_*' });
    expect(ok('any of them')).toEqual({ op: 'of', quantifier: 'any', pattern: 'them' });
    expect(ok('all of filter*')).toEqual({ op: 'of', quantifier: 'all', pattern: 'filter*' });
    expect(ok('sel and not 1 of filter_*')).toEqual({
      op: 'and',
      args: [ref('sel'), { op: 'not', arg: { op: 'of', quantifier: 'any', pattern: 'filter_*' } }],
    });
  });
  it('keywords are case-insensitive', () => {
    expect(ok('a AND NOT b')).toEqual({ op: 'and', args: [ref('a'), { op: 'not', arg: ref('b') }] });
  });
  it.each([
    ['a and', 5, 'end of condition'],
    ['a b', 2, '"b"'],
    ['(a or b', 7, 'expected )'],
    ['a and )', 6, '")"'],
    ['1 of', 4, 'them'],
    ['a > 5', 2, 'unexpected character'],
    ['sel_*', 0, 'needs "1 of"'],
  ])('syntax error in %j at column %d', (text, col, msg) => {
    const r = parseCondition(text);
    expect('issue' in r && r.issue.col).toBe(col);
    expect('issue' in r && r.issue.message).toContain(msg);
  });
  it('aggregations (Sigma 1) are reported as unsupported', () => {
    const r = parseCondition('selection | count() by host > 5');
    expect('issue' in r && r.issue.kind).toBe('unsupported');
  });
  it('deep nesting is an error, not a stack overflow', () => {
    const r = parseCondition(`${'('.repeat(5000)}a${')'.repeat(5000)}`);
    expect('issue' in r).toBe(true);
    const n = parseCondition(`${'not '.repeat(5000)}a`);
    expect('issue' in n).toBe(true);
  });
  it('patterns and them', () => {
    expect(patternMatches('sel*', 'selection')).toBe(true);
    expect(patternMatches('*_main_*', 'filter_main_x')).toBe(true);
    expect(patternMatches('a*b*c', 'abc')).toBe(true);
    expect(patternMatches('a*b*c', 'acb')).toBe(false);
    expect(selectSearches('them', ['a', '_b', 'c'])).toEqual(['a', 'c']);
  });
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        parseCondition(s);
      }),
      { numRuns: 500 },
    );
    const alphabet = fc.constantFrom('a', 'b', ' and ', ' or ', 'not ', '(', ')', '1 of ', 'them', 'sel*', ' ');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }), (toks) => {
        parseCondition(toks.join(''));
      }),
      { numRuns: 500 },
    );
  });
});
