/**
 * What a field value of the normalised event means as text, a number, a timestamp or an IP address. Every stage
 * that compares values uses these: the compiled Sigma engine and its reference interpreter, the store's query
 * evaluator and SQLite functions, hunt and reports, so a rule, a search and a retro-hunt agree on one value.
 */
import ipaddr from 'ipaddr.js';

/** A field value as a number for lt/lte/gt/gte: finite numbers, or strings that are a finite number. */
export function numericValue(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The string form a scalar takes in string comparisons (numbers and booleans compare as their text). */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Epoch ms of a timestamp value (ISO string or epoch-ms number), or undefined. */
export function timeForm(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/** Time units of the Sigma 2.1 time modifiers. */
export type TimeUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** A UTC part of a timestamp (ISO string, or epoch milliseconds as a number); undefined when not a time. */
export function timePart(v: unknown, unit: TimeUnit): number | undefined {
  let ms: number;
  if (typeof v === 'number') ms = v;
  else if (typeof v === 'string') ms = Date.parse(v);
  else return undefined;
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return undefined;
  switch (unit) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    case 'week':
      return isoWeek(d);
  }
}

/** ISO 8601 week number (1-53) of a UTC date. */
function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / 86400000 + 1) / 7);
}

/** Whether a CIDR (or a bare address) parses; translators report the ones that do not. */
export function cidrValid(cidr: string): boolean {
  return parseNetwork(cidr) !== undefined;
}

/** A parsed network for |cidr. */
export type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses a CIDR (a bare address means a single host); undefined when invalid. */
export function parseNetwork(cidr: string): Network | undefined {
  try {
    const s = cidr.trim();
    if (s.includes('/')) return ipaddr.parseCIDR(s);
    const a = ipaddr.parse(s);
    return [a, a.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** Whether a text address lies in a network; IPv4 only in four-part decimal, IPv4-mapped IPv6 counts as IPv4. */
export function inNetwork(text: string, net: Network): boolean {
  let a: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    if (text.includes(':')) {
      if (!ipaddr.IPv6.isValid(text)) return false;
      const v6 = ipaddr.IPv6.parse(text);
      a = v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
    } else {
      if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return false;
      a = ipaddr.IPv4.parse(text);
    }
  } catch {
    return false;
  }
  if (a.kind() !== net[0].kind()) return false;
  return a.match(net);
}

const V4 = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

/**
 * A fast |cidr test for the compiled engine: IPv4 text is parsed by hand into a 32-bit number (the same
 * four-part-decimal rule as inNetwork), anything else goes through inNetwork. Undefined for an invalid CIDR.
 */
export function networkTest(cidr: string): ((text: string) => boolean) | undefined {
  const net = parseNetwork(cidr);
  if (!net) return undefined;
  if (net[0].kind() !== 'ipv4') return (t) => t.includes(':') && inNetwork(t, net);
  const bits = net[1];
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const base = ((net[0] as ipaddr.IPv4).octets.reduce((a, o) => a * 256 + o, 0) & mask) >>> 0;
  return (t) => {
    if (t.includes(':')) return inNetwork(t, net);
    const m = V4.exec(t);
    if (!m) return false;
    const a = Number(m[1]);
    const b = Number(m[2]);
    const c = Number(m[3]);
    const d = Number(m[4]);
    if (a > 255 || b > 255 || c > 255 || d > 255) return false;
    const ip = (((a << 24) >>> 0) + (b << 16) + (c << 8) + d) >>> 0;
    return (ip & mask) >>> 0 === base;
  };
}
