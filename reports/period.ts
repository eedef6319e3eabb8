/**
 * Report periods in local time (Asia/Ho_Chi_Minh, UTC+7, no daylight saving): ISO weeks (Monday 00:00 to Sunday
 * 23:59:59.999) and half-years (1/1-30/6, 1/7-31/12). Bounds are epoch ms, `from` inclusive and `to` exclusive.
 */
import { errorFactory } from '../core/errors.js';
import { REPORT_ERRORS } from '../core/catalogue/incidents.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { REPORT_ERRORS };

/** Throw-helper for the catalogue above. */
export const reportError = errorFactory(REPORT_ERRORS);

/** Offset of Asia/Ho_Chi_Minh from UTC (no DST since 1975). */
export const LOCAL_OFFSET_MS = 7 * 3600_000;
const DAY = 86_400_000;

/** A report period. */
export interface Period {
  kind: 'week' | 'half';
  /** `2026-W47` or `2026-H2`. */
  label: string;
  /** Inclusive start, epoch ms (local midnight). */
  from: number;
  /** Exclusive end, epoch ms (local midnight after the last day). */
  to: number;
}

/** Epoch ms of local midnight of a calendar date (month 1-12; overflowing days roll over like Date.UTC). */
export function localMidnight(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) - LOCAL_OFFSET_MS;
}

/** The local calendar date of an instant. */
export function localDate(ms: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(ms + LOCAL_OFFSET_MS);
  // weekday: 1 = Monday .. 7 = Sunday (ISO)
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() || 7 };
}

/** Monday (local midnight) of ISO week 1 of an ISO year. */
function week1Monday(isoYear: number): number {
  // Week 1 holds 4 January.
  const jan4 = new Date(Date.UTC(isoYear, 0, 4));
  const dow = jan4.getUTCDay() || 7;
  return localMidnight(isoYear, 1, 4 - (dow - 1));
}

/** Number of ISO weeks of an ISO year (52 or 53). */
export function weeksInYear(isoYear: number): number {
  return Math.round((week1Monday(isoYear + 1) - week1Monday(isoYear)) / (7 * DAY));
}

/** The ISO week `YYYY-Www`. */
export function parseWeek(label: string): Period {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  const year = m ? Number(m[1]) : 0;
  const week = m ? Number(m[2]) : 0;
  if (!m || year < 1970 || week < 1 || week > weeksInYear(year))
    throw reportError('CANHGAC_ERR_REPORT_PERIOD', {
      value: label.slice(0, 40),
      kind: 'week',
      expected: `YYYY-Www with a week the year has (e.g. 2026-W47; ${year >= 1970 ? `${year} has ${weeksInYear(year)} weeks` : '1..52 or 53'})`,
    });
  const from = week1Monday(year) + (week - 1) * 7 * DAY;
  return { kind: 'week', label: `${year}-W${String(week).padStart(2, '0')}`, from, to: from + 7 * DAY };
}

/** The ISO week that holds an instant (local time). */
export function weekOf(ms: number): Period {
  const { year } = localDate(ms);
  for (const y of [year + 1, year, year - 1]) {
    const start = week1Monday(y);
    if (ms >= start) {
      const week = Math.floor((ms - start) / (7 * DAY)) + 1;
      return parseWeek(`${y}-W${String(week).padStart(2, '0')}`);
    }
  }
  throw new Error('unreachable');
}

/** The half-year `YYYY-H1` (1/1-30/6) or `YYYY-H2` (1/7-31/12). */
export function parseHalf(label: string): Period {
  const m = /^(\d{4})-H([12])$/.exec(label);
  const year = m ? Number(m[1]) : 0;
  if (!m || year < 1970)
    throw reportError('CANHGAC_ERR_REPORT_PERIOD', {
      value: label.slice(0, 40),
      kind: 'half-year',
      expected: 'YYYY-H1 (January-June) or YYYY-H2 (July-December), e.g. 2026-H2',
    });
  const h = Number(m[2]);
  const from = localMidnight(year, h === 1 ? 1 : 7, 1);
  const to = h === 1 ? localMidnight(year, 7, 1) : localMidnight(year + 1, 1, 1);
  return { kind: 'half', label: `${year}-H${h}`, from, to };
}

/** The half-year that holds an instant (local time). */
export function halfOf(ms: number): Period {
  const { year, month } = localDate(ms);
  return parseHalf(`${year}-H${month <= 6 ? 1 : 2}`);
}

/** The period just before (the previous week or half-year). */
export function previous(p: Period): Period {
  return p.kind === 'week' ? weekOf(p.from - 1) : halfOf(p.from - 1);
}

/** The sub-periods of a chart's trend: the 7 days of a week, the 6 months of a half-year. */
export function buckets(p: Period): { from: number; to: number; label: string }[] {
  const out: { from: number; to: number; label: string }[] = [];
  if (p.kind === 'week') {
    for (let i = 0; i < 7; i++) {
      const from = p.from + i * DAY;
      const d = localDate(from);
      out.push({ from, to: from + DAY, label: `${d.day}/${d.month}` });
    }
  } else {
    const { year, month } = localDate(p.from);
    for (let i = 0; i < 6; i++) {
      out.push({
        from: localMidnight(year, month + i, 1),
        to: localMidnight(year, month + i + 1, 1),
        label: `${month + i}/${year}`,
      });
    }
  }
  return out;
}

/** d/M/yyyy of an instant, local time. */
export function formatDate(ms: number): string {
  const d = localDate(ms);
  return `${d.day}/${d.month}/${d.year}`;
}

/** d/M/yyyy HH:mm of an instant, local time. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms + LOCAL_OFFSET_MS);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${formatDate(ms)} ${hh}:${mm}`;
}
