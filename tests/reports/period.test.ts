/** ISO weeks and half-years in Vietnam time (UTC+7): year edges (W01, W53) and the local-midnight boundary. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  buckets,
  formatDate,
  halfOf,
  parseHalf,
  parseWeek,
  previous,
  weekOf,
  weeksInYear,
} from '../../reports/period.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('ISO weeks, UTC+7', () => {
  it('2026-W47 is Monday 16/11 00:00 to Sunday 22/11 23:59:59.999 local', () => {
    const w = parseWeek('2026-W47');
    expect(iso(w.from)).toBe('2026-11-15T17:00:00.000Z');
    expect(iso(w.to)).toBe('2026-11-22T17:00:00.000Z');
    expect(formatDate(w.from)).toBe('16/11/2026');
    expect(formatDate(w.to - 1)).toBe('22/11/2026');
  });

  it('year edges: 2026-W01 starts in 2025, 2026 has a W53 ending in 2027, 2027 has none', () => {
    expect(iso(parseWeek('2026-W01').from)).toBe('2025-12-28T17:00:00.000Z'); // Monday 29/12/2025
    expect(iso(parseWeek('2026-W53').from)).toBe('2026-12-27T17:00:00.000Z'); // Monday 28/12/2026
    expect(iso(parseWeek('2026-W53').to)).toBe('2027-01-03T17:00:00.000Z'); // Monday 4/1/2027
    expect(parseWeek('2027-W01').from).toBe(parseWeek('2026-W53').to);
    expect(weeksInYear(2026)).toBe(53);
    expect(weeksInYear(2027)).toBe(52);
    expect(weeksInYear(2020)).toBe(53);
    expect(() => parseWeek('2027-W53')).toThrow("'2027-W53' is not a week");
    for (const bad of ['2026-W00', '2026-W54', '2026W47', '2026-w47', '26-W47', '2026-W4'])
      expect(() => parseWeek(bad)).toThrow(/is not a week/);
    // 1/1/2027 (a Friday) belongs to 2026-W53; 1/1/2026 (a Thursday) to 2026-W01; 31/12/2024 to 2025-W01.
    expect(weekOf(Date.parse('2027-01-01T05:00:00Z')).label).toBe('2026-W53');
    expect(weekOf(Date.parse('2026-01-01T05:00:00Z')).label).toBe('2026-W01');
    expect(weekOf(Date.parse('2024-12-31T05:00:00Z')).label).toBe('2025-W01');
    expect(previous(parseWeek('2026-W01')).label).toBe('2025-W52');
    expect(previous(parseWeek('2027-W01')).label).toBe('2026-W53');
  });

  it('the boundary is local midnight, not UTC midnight', () => {
    // Sunday 15/11 23:59:59.999 local is still W46; Monday 00:00 local (Sunday 17:00 UTC) is W47.
    expect(weekOf(Date.parse('2026-11-15T16:59:59.999Z')).label).toBe('2026-W46');
    expect(weekOf(Date.parse('2026-11-15T17:00:00.000Z')).label).toBe('2026-W47');
    // Monday 16/11 06:00 local is Sunday 23:00 UTC: W47 here, though UTC says W46.
    expect(weekOf(Date.parse('2026-11-15T23:00:00Z')).label).toBe('2026-W47');
    expect(weekOf(Date.parse('2026-11-22T16:59:59.999Z')).label).toBe('2026-W47');
    expect(weekOf(Date.parse('2026-11-22T17:00:00.000Z')).label).toBe('2026-W48');
  });

  it('every instant lies in the week weekOf names, which is 7 days from a local Monday midnight', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2100, 0, 1) }), (t) => {
        const w = weekOf(t);
        expect(t >= w.from && t < w.to).toBe(true);
        expect(w.to - w.from).toBe(7 * 86_400_000);
        const local = new Date(w.from + 7 * 3_600_000);
        expect([local.getUTCDay(), local.getUTCHours(), local.getUTCMinutes()]).toEqual([1, 0, 0]);
        expect(parseWeek(w.label)).toEqual(w);
        expect(previous(w).to).toBe(w.from);
      }),
      { numRuns: 2000 },
    );
  });

  it('a week has seven day buckets labelled d/M', () => {
    const b = buckets(parseWeek('2026-W53'));
    expect(b.map((x) => x.label)).toEqual(['28/12', '29/12', '30/12', '31/12', '1/1', '2/1', '3/1']);
    expect(b[6]!.to).toBe(parseWeek('2026-W53').to);
  });
});

describe('half-years, UTC+7', () => {
  it('H1 is 1/1-30/6, H2 is 1/7-31/12, local midnight', () => {
    const h2 = parseHalf('2026-H2');
    expect(iso(h2.from)).toBe('2026-06-30T17:00:00.000Z');
    expect(iso(h2.to)).toBe('2026-12-31T17:00:00.000Z');
    expect(previous(h2).label).toBe('2026-H1');
    expect(previous(parseHalf('2026-H1')).label).toBe('2025-H2');
    expect(halfOf(Date.parse('2026-06-30T16:59:59.999Z')).label).toBe('2026-H1');
    expect(halfOf(Date.parse('2026-06-30T17:00:00.000Z')).label).toBe('2026-H2');
    expect(halfOf(Date.parse('2026-12-31T17:00:00.000Z')).label).toBe('2027-H1');
    expect(buckets(h2).map((x) => x.label)).toEqual(['7/2026', '8/2026', '9/2026', '10/2026', '11/2026', '12/2026']);
    expect(() => parseHalf('2026-H3')).toThrow(/is not a half-year/);
  });
});
