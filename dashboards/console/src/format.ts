/** Dates d/M/yyyy HH:mm in Asia/Ho_Chi_Minh whatever the browser's zone; durations and numbers per language. */

/** The console's languages. */
export type Lang = 'vi' | 'en';

/** The console's time zone. */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function pick(ms: number): Record<string, string> {
  const o: Record<string, string> = {};
  for (const p of parts.formatToParts(new Date(ms))) o[p.type] = p.value;
  return o;
}

/** d/M/yyyy HH:mm in Asia/Ho_Chi_Minh. */
export function fmtDateTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const o = pick(ms);
  return `${Number(o.day)}/${Number(o.month)}/${o.year} ${o.hour}:${o.minute}`;
}

/** d/M/yyyy HH:mm:ss in Asia/Ho_Chi_Minh (an event's own time: seconds matter). */
export function fmtDateTimeSec(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  // Zone offsets are whole minutes: the seconds are the instant's own.
  const sec = Math.floor((((ms % 60_000) + 60_000) % 60_000) / 1000);
  return `${fmtDateTime(ms)}:${String(sec).padStart(2, '0')}`;
}

/** d/M/yyyy in Asia/Ho_Chi_Minh. */
export function fmtDate(ms: number): string {
  const o = pick(ms);
  return `${Number(o.day)}/${Number(o.month)}/${o.year}`;
}

/** HH:mm in Asia/Ho_Chi_Minh. */
export function fmtTime(ms: number): string {
  const o = pick(ms);
  return `${o.hour}:${o.minute}`;
}

/** A duration as "3 h 20 min" / "2 d 4 h" ("3 giờ 20 phút" in Vietnamese). */
export function fmtDuration(ms: number, lang: Lang): string {
  const m = Math.floor(Math.abs(ms) / 60000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const day = lang === 'vi' ? 'ngày' : 'd';
  const hour = lang === 'vi' ? 'giờ' : 'h';
  const min = lang === 'vi' ? 'phút' : 'min';
  if (d > 0) return `${d} ${day} ${h} ${hour}`;
  if (h > 0) return `${h} ${hour} ${m % 60} ${min}`;
  return `${m % 60} ${min}`;
}

/** Numbers with the language's grouping. */
export function fmtNumber(n: number, lang: Lang, digits = 0): string {
  return n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: digits });
}

/**
 * A date typed as d/M/yyyy or d/M/yyyy HH:mm (wall time in Asia/Ho_Chi_Minh, UTC+7 all year) as epoch ms;
 * undefined when it is not such a date.
 */
export function parseDateTime(text: string): number | undefined {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?\s*$/.exec(text);
  if (!m) return undefined;
  const [d, mo, y, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h - 7, mi);
  // Reject 31/2 and the like: the date must come back unchanged.
  const back = new Date(ms + 7 * 3_600_000);
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1) return undefined;
  return ms;
}
