import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { EXTRA_FIELD, KEYWORDS_INDEX_FIELD, needsRewrite, PRESENT_FIELD, restore, rewrite } from './shape.js';

describe('event shapes OpenSearch cannot index as given', () => {
  it('leaves the common event alone', () => {
    const e = { message: 'x', 'event.id': '1', EventID: 4688, Tags: ['a', null], Flag: true, Score: null };
    expect(needsRewrite(e)).toBe(false);
  });

  it('parks objects and empty lists, keeps scalar elements searchable, records presence and keywords', () => {
    const e = { 'event.id': '1', Obj: { a: 1 }, Empty: [], Mixed: ['b', { c: 2 }], User: 'root' };
    const doc = rewrite(e);
    expect(doc).toEqual({
      'event.id': '1',
      Mixed: ['b'],
      User: 'root',
      [EXTRA_FIELD]: { Obj: { a: 1 }, Empty: [], Mixed: ['b', { c: 2 }] },
      [PRESENT_FIELD]: ['Obj', 'Empty', 'Mixed'],
      [KEYWORDS_INDEX_FIELD]: ['1', 'root'],
    });
    expect(restore(doc)).toEqual(e);
  });

  it('restores every event exactly (property)', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    const value = fc.oneof(
      scalar,
      fc.array(fc.oneof(scalar, fc.dictionary(fc.string(), scalar)), { maxLength: 3 }),
      fc.dictionary(fc.string(), scalar),
    );
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1 }).filter((k) => !k.startsWith('canhgac_')),
          value,
        ),
        (e) => {
          const doc = needsRewrite(e) ? rewrite(e) : e;
          // Key order may change (parked fields come last); keys and values may not.
          const back = JSON.parse(JSON.stringify(restore(JSON.parse(JSON.stringify(doc)))));
          expect(back).toEqual(JSON.parse(JSON.stringify(e)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
