/** Timestamp parsing for event shapes whose clocks disagree (zone-less local strings, epoch, ISO with 9 digits). */

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?\s*(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO-8601 UTC string for a timestamp, or undefined when it cannot be read.
 * Zone-less strings (`2020-10-19 03:30:41.104`, NXLog's TimeCreated/EventTime) are taken as UTC: the sender's
 * zone is unknown here, and a consistent guess beats dropping the time. Numbers are epoch seconds (< 1e11) or ms.
 */
export function toIsoUtc(v: unknown): string | undefined {
  // Most shippers already write the canonical form: keep the string, only check that it is a real date.
  if (typeof v === 'string' && v.length === 24 && CANONICAL.test(v)) return Number.isNaN(Date.parse(v)) ? undefined : v;
  let ms: number;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    ms = Math.abs(v) < 1e11 ? v * 1000 : v;
  } else if (typeof v === 'string') {
    const m = ISO_LIKE.exec(v.trim());
    if (!m) return undefined;
    const frac = m[3] ? `.${m[3].slice(0, 3).padEnd(3, '0')}` : '';
    let zone = m[4] ?? 'Z';
    if (zone === 'z') zone = 'Z';
    else if (zone !== 'Z' && zone.length === 5) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
    const time = m[2]!.length === 5 ? `${m[2]}:00` : m[2];
    ms = Date.parse(`${m[1]}T${time}${frac}${zone}`);
  } else return undefined;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  return new Date(ms).toISOString();
}
