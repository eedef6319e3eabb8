import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { jsonErrorOffset, lineColAt } from './json-error.js';

describe('jsonErrorOffset', () => {
  it('finds where JSON breaks', () => {
    const t = '[\n{"a":1},\n{"b":}\n]';
    expect(lineColAt(t, jsonErrorOffset(t))).toEqual({ line: 3, col: 6 });
    expect(jsonErrorOffset('{"a": [1, 2,]}')).toBe(12);
    expect(jsonErrorOffset('{"a": 1} x')).toBe(9);
  });
  it('agrees with JSON.parse on validity', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (s) => {
        let valid = true;
        try {
          JSON.parse(s);
        } catch {
          valid = false;
        }
        expect(jsonErrorOffset(s) === -1).toBe(valid);
      }),
      { numRuns: 500 },
    );
  });
});
