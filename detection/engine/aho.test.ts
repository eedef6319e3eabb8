/** The automaton against a naive lowercase indexOf, including the skip path and Unicode folding corners. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AhoCorasick } from './aho.js';

function naive(needles: string[], text: string): number[] {
  const t = text.toLowerCase();
  return needles.flatMap((n, i) => (t.includes(n) ? [i] : [])).sort((a, b) => a - b);
}

function found(ac: AhoCorasick, text: string, folded: boolean): number[] {
  const hits = new Set<number>();
  if (folded) ac.scanFolded(text, (id) => hits.add(id));
  else ac.scan(text.toLowerCase(), (id) => hits.add(id));
  return [...hits].sort((a, b) => a - b);
}

const chars = fc.constantFrom(
  'a',
  'b',
  'c',
  'A',
  'B',
  ':',
  '.',
  '\\',
  ' ',
  'x',
  'İ',
  'Σ',
  'σ',
  'ς',
  'K',
  'ſ',
  '😀',
  'đ',
  'Đ',
);

describe('AhoCorasick', () => {
  it('finds what a lowercase indexOf finds (scan and scanFolded, with and without skipping)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(chars, { minLength: 1, maxLength: 7 }).map((a) => a.join('').toLowerCase()),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.array(chars, { maxLength: 40 }).map((a) => a.join('')),
        fc.boolean(),
        (raw, text, plant) => {
          const needles = raw.filter((n) => n.length > 0);
          if (needles.length === 0) return;
          const ac = new AhoCorasick();
          for (const [i, n] of needles.entries()) ac.add(n, i);
          ac.build();
          const t = plant ? `${text}${needles[0]!.toUpperCase()}${text}` : text;
          const want = naive(needles, t);
          expect(found(ac, t, true)).toEqual(want);
          expect(found(ac, t, false)).toEqual(want);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('skipping (ASCII needles of 4+) agrees on texts with Unicode corners', () => {
    const ascii = fc.constantFrom('a', 'b', 'c', ':', 'i', 's', 'k');
    fc.assert(
      fc.property(
        fc.array(
          fc.array(ascii, { minLength: 4, maxLength: 7 }).map((a) => a.join('')),
          { minLength: 1, maxLength: 5 },
        ),
        fc.array(fc.oneof(ascii, chars), { maxLength: 60 }).map((a) => a.join('')),
        fc.nat(60),
        (needles, text, at) => {
          const ac = new AhoCorasick();
          for (const [i, n] of needles.entries()) ac.add(n, i);
          ac.build();
          const t = `${text.slice(0, at)}${needles[at % needles.length]!.toUpperCase()}${text.slice(at)}`;
          expect(found(ac, t, true)).toEqual(naive(needles, t));
          expect(found(ac, text, true)).toEqual(naive(needles, text));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('finds a needle in a text that only reaches the needle length once lowercased (İ is two units)', () => {
    const ac = new AhoCorasick();
    ac.add('i\u0307ςa', 0);
    ac.build();
    expect(found(ac, 'İςA', true)).toEqual([0]);
  });

  it('skips through long texts and still finds needles at any offset', () => {
    const needles = ['sekurlsa::', 'lsadump::', 'privilege::debug', 'kiwi legit printer'];
    const ac = new AhoCorasick();
    for (const [i, n] of needles.entries()) ac.add(n, i);
    ac.build();
    const filler = 'The Windows Filtering Platform has permitted a connection 0123456789. ';
    for (let off = 0; off < 40; off++) {
      const text = `${filler.slice(0, off)}${filler}Mimikatz SEKURLSA::logonpasswords ${filler}`;
      expect(found(ac, text, true)).toEqual([0]);
      expect(found(ac, `${filler.repeat(3).slice(off)}LSADUMP::`, true)).toEqual([1]);
    }
    expect(found(ac, filler.repeat(10), true)).toEqual([]);
  });
});
