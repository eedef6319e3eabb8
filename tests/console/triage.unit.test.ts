/** The console's triage rules: the same transitions as the incident service, a stable queue, a cursor by id. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { allows, CATEGORIES, cursorAfter, mergeQueue, TRANSITIONS } from '../../dashboards/console/src/triage.js';
import { TRANSITIONS as SERVICE } from '../../incidents/policy.js';
import { CLOSE_CATEGORIES } from '../../incidents/types.js';

describe('console triage rules', () => {
  it('offers exactly the transitions the incident service allows, and only known categories', () => {
    expect(TRANSITIONS).toEqual(SERVICE);
    expect(allows('resolved', 'acknowledged')).toBe(false);
    expect(allows('new', 'resolved')).toBe(true);
    for (const c of Object.values(CATEGORIES).flat()) expect(CLOSE_CATEGORIES).toContain(c);
  });

  it('keeps shown rows in place, holds new ones back, and the cursor on its id', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 20 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 20 }),
        fc.integer({ min: 0, max: 30 }),
        (shownN, listingN, c) => {
          const shown = shownN.map(String);
          const listing = listingN.map((n) => ({ id: String(n) }));
          const { rows, fresh } = mergeQueue(shown, listing);
          // Rows: the shown ones still listed, in the shown order; fresh: the rest of the listing.
          expect(rows.map((r) => r.id)).toEqual(shown.filter((id) => listingN.includes(Number(id))));
          expect(fresh.map((r) => r.id).sort()).toEqual(
            listing
              .map((r) => r.id)
              .filter((id) => !shown.includes(id))
              .sort(),
          );
          const cur = cursorAfter(shown, rows, String(c));
          if (rows.length === 0) expect(cur).toBeUndefined();
          else expect(rows.map((r) => r.id)).toContain(cur);
          if (rows.some((r) => r.id === String(c))) expect(cur).toBe(String(c));
        },
      ),
    );
  });

  it('moves the cursor to the next row down when its incident leaves', () => {
    expect(cursorAfter(['a', 'b', 'c'], [{ id: 'a' }, { id: 'c' }], 'b')).toBe('c');
    expect(cursorAfter(['a', 'b', 'c'], [{ id: 'a' }, { id: 'b' }], 'c')).toBe('b');
  });
});
