/**
 * Timestamp parsing for decoders: hand-written digit scanning (no regex, no Date.parse) plus caches, because
 * timestamps are parsed for every message and consecutive messages usually share the same second.
 */

/** Month abbreviations to 0-based month, keyed by the three letters as written (any case). */
const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

/** 0-based month from a three-letter abbreviation at `s[i..i+3]`, or -1. */
export function monthAt(s: string, i: number): number {
  if (i + 3 > s.length) return -1;
  const m = MONTHS[s.slice(i, i + 3).toLowerCase()];
  return m === undefined ? -1 : m;
}

/** The value of `n` decimal digits at `s[i]`, or -1 when any is not a digit. */
export function digitsAt(s: string, i: number, n: number): number {
  if (i + n > s.length) return -1;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** True when s[i] is an ASCII digit. */
export function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

const HOUR = 3_600_000;

/** Fixed-offset zones ('UTC', '+07:00', 'Z') in minutes, or undefined for IANA names. */
function fixedOffset(tz: string): number | undefined {
  if (tz === 'UTC' || tz === 'Etc/UTC' || tz === 'GMT' || tz === 'Z') return 0;
  const c = tz.charCodeAt(0);
  if ((c === 43 || c === 45) && tz.length === 6 && tz[3] === ':') {
    const h = digitsAt(tz, 1, 2);
    const m = digitsAt(tz, 4, 2);
    if (h >= 0 && m >= 0) return (c === 45 ? -1 : 1) * (h * 60 + m);
  }
  return undefined;
}

/** A time zone resolved once: fixed offsets answer directly, IANA zones through Intl with an hourly cache. */
export interface Zone {
  name: string;
  /** Offset of local time from UTC in minutes at the given UTC instant. */
  offsetAt(utcMs: number): number;
  /**
   * Last timestamp text parsed in this zone and its value, shared by every stream in the zone (senders
   * interleave, but most messages of one second carry the same text). Valid only for the same receive day.
   */
  lastText: string;
  lastMs: number;
  lastDay: number;
}

const zones = new Map<string, Zone>();

/** Whether `tz` names a zone this runtime knows (IANA name or ±HH:MM). */
export function isValidZone(tz: string): boolean {
  if (fixedOffset(tz) !== undefined) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The zone object for a name (cached); unknown names fall back to UTC, validated earlier by isValidZone. */
export function zone(tz: string): Zone {
  let z = zones.get(tz);
  if (z) return z;
  const fixed = fixedOffset(tz);
  if (fixed !== undefined) {
    z = { name: tz, offsetAt: () => fixed, lastText: '', lastMs: Number.NaN, lastDay: -1 };
  } else if (!isValidZone(tz)) {
    z = { name: 'UTC', offsetAt: () => 0, lastText: '', lastMs: Number.NaN, lastDay: -1 };
  } else {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const cache = new Map<number, number>();
    z = {
      name: tz,
      lastText: '',
      lastMs: Number.NaN,
      lastDay: -1,
      offsetAt(utcMs: number): number {
        const key = Math.floor(utcMs / HOUR);
        const hit = cache.get(key);
        if (hit !== undefined) return hit;
        let y = 1970;
        let mo = 1;
        let d = 1;
        let h = 0;
        let mi = 0;
        let s = 0;
        for (const p of fmt.formatToParts(key * HOUR)) {
          const v = Number(p.value);
          if (p.type === 'year') y = v;
          else if (p.type === 'month') mo = v;
          else if (p.type === 'day') d = v;
          else if (p.type === 'hour') h = v;
          else if (p.type === 'minute') mi = v;
          else if (p.type === 'second') s = v;
        }
        const off = Math.round((Date.UTC(y, mo - 1, d, h, mi, s) - key * HOUR) / 60_000);
        if (cache.size > 10_000) cache.clear();
        cache.set(key, off);
        return off;
      },
    };
  }
  zones.set(tz, z);
  return z;
}

/** Converts a wall-clock time in `z` (given as if it were UTC) to a real UTC instant. */
export function localToUtc(localAsUtc: number, z: Zone): number {
  const first = localAsUtc - z.offsetAt(localAsUtc) * 60_000;
  return localAsUtc - z.offsetAt(first) * 60_000;
}

const DAY = 86_400_000;

/**
 * Picks the year for a year-less timestamp (RFC 3164): the receive year, unless that puts the message more
 * than a week in the future (December logs read in January: previous year) or almost a year in the past
 * (a sender whose clock already passed New Year: next year).
 */
export function inferYear(month: number, day: number, h: number, mi: number, s: number, receivedAt: number, z: Zone) {
  const recvLocal = new Date(receivedAt + z.offsetAt(receivedAt) * 60_000);
  let y = recvLocal.getUTCFullYear();
  if (month === 1 && day === 29) {
    // Feb 29 only exists in leap years: the most recent one (sent late, or this year's).
    while (!isLeap(y)) y--;
    return localToUtc(Date.UTC(y, month, day, h, mi, s), z);
  }
  let t = localToUtc(Date.UTC(y, month, day, h, mi, s), z);
  if (t > receivedAt + 7 * DAY) t = localToUtc(Date.UTC(y - 1, month, day, h, mi, s), z);
  else if (t < receivedAt - 358 * DAY) t = localToUtc(Date.UTC(y + 1, month, day, h, mi, s), z);
  return t;
}

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Valid ranges for a wall-clock time; rejects 25:00, month 13 or Apr 31 before Date.UTC rolls them over. */
export function validClock(mo: number, d: number, h: number, mi: number, s: number): boolean {
  return (
    mo >= 0 &&
    mo <= 11 &&
    d >= 1 &&
    d <= MONTH_DAYS[mo]! &&
    h >= 0 &&
    h <= 23 &&
    mi >= 0 &&
    mi <= 59 &&
    s >= 0 &&
    s <= 60
  );
}

/** Whether `y` is a Gregorian leap year. */
export function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Result slot for parsers that return a time and the index just after it (avoids allocating a tuple). */
export interface TimeScan {
  ms: number;
  end: number;
}

/**
 * Parses an ISO 8601 / RFC 3339 timestamp at s[i] (`YYYY-MM-DD[T ]hh:mm:ss[.frac][Z|±hh:mm|±hhmm]`).
 * Without an offset the time is local to `z`. Writes ms (NaN on failure) and end into `out`.
 */
export function scanIso(s: string, i: number, z: Zone, out: TimeScan): boolean {
  out.ms = Number.NaN;
  out.end = i;
  const y = digitsAt(s, i, 4);
  if (y < 0 || s[i + 4] !== '-' || s[i + 7] !== '-') return false;
  const mo = digitsAt(s, i + 5, 2) - 1;
  const d = digitsAt(s, i + 8, 2);
  const sep = s[i + 10];
  if (sep !== 'T' && sep !== 't' && sep !== ' ') return false;
  const h = digitsAt(s, i + 11, 2);
  const mi = digitsAt(s, i + 14, 2);
  const se = digitsAt(s, i + 17, 2);
  if (s[i + 13] !== ':' || s[i + 16] !== ':' || !validClock(mo, d, h, mi, se)) return false;
  let j = i + 19;
  let frac = 0;
  if (s[j] === '.' || s[j] === ',') {
    j++;
    let scale = 100;
    const start = j;
    while (j < s.length && isDigit(s, j)) {
      if (scale >= 1) frac += (s.charCodeAt(j) - 48) * scale;
      scale /= 10;
      j++;
    }
    if (j === start) return false;
    frac = Math.floor(frac);
  }
  const base = Date.UTC(y, mo, d, h, mi, se);
  const c = s[j];
  let ms: number;
  if (c === 'Z' || c === 'z') {
    ms = base;
    j++;
  } else if (c === '+' || c === '-') {
    const oh = digitsAt(s, j + 1, 2);
    let om: number;
    let len: number;
    if (s[j + 3] === ':') {
      om = digitsAt(s, j + 4, 2);
      len = 6;
    } else {
      om = digitsAt(s, j + 3, 2);
      len = 5;
    }
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return false;
    ms = base - (c === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
    j += len;
  } else {
    ms = localToUtc(base, z);
  }
  out.ms = ms + frac;
  out.end = j;
  return true;
}

/**
 * Parses a BSD timestamp `Mmm dd hh:mm:ss` at s[i] (day space-padded or one digit, optional `.frac`, optional
 * year before or after the clock: `Mmm dd yyyy hh:mm:ss`, `Mmm dd hh:mm:ss yyyy`). Year-less times get a year
 * from inferYear. Writes ms (NaN on failure) and end.
 */
export function scanBsd(s: string, i: number, z: Zone, receivedAt: number, out: TimeScan): boolean {
  out.ms = Number.NaN;
  out.end = i;
  const mo = monthAt(s, i);
  if (mo < 0 || s[i + 3] !== ' ') return false;
  let j = i + 4;
  if (s[j] === ' ') j++;
  let d = digitsAt(s, j, 2);
  if (d >= 0) j += 2;
  else {
    d = digitsAt(s, j, 1);
    if (d < 0) return false;
    j += 1;
  }
  if (s[j] !== ' ') return false;
  j++;
  let year = -1;
  if (s[j + 4] === ' ' && s[j + 2] !== ':') {
    year = digitsAt(s, j, 4);
    if (year < 0) return false;
    j += 5;
  }
  const h = digitsAt(s, j, 2);
  const mi = digitsAt(s, j + 3, 2);
  const se = digitsAt(s, j + 6, 2);
  if (s[j + 2] !== ':' || s[j + 5] !== ':' || !validClock(mo, d, h, mi, se)) return false;
  j += 8;
  let frac = 0;
  if (s[j] === '.') {
    let k = j + 1;
    let scale = 100;
    while (k < s.length && isDigit(s, k)) {
      if (scale >= 1) frac += (s.charCodeAt(k) - 48) * scale;
      scale /= 10;
      k++;
    }
    if (k > j + 1) {
      j = k;
      frac = Math.floor(frac);
    }
  }
  if (year < 0 && s[j] === ' ' && (s[j + 5] === ' ' || s[j + 5] === ']' || j + 5 === s.length)) {
    const y2 = digitsAt(s, j + 1, 4);
    if (y2 >= 1970 && y2 <= 2199) {
      year = y2;
      j += 5;
    }
  }
  out.ms =
    (year >= 0 ? localToUtc(Date.UTC(year, mo, d, h, mi, se), z) : inferYear(mo, d, h, mi, se, receivedAt, z)) + frac;
  out.end = j;
  return true;
}

/** ISO 8601 UTC text for a time in ms (what `@timestamp` holds). */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}
