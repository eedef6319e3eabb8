/**
 * Observables: parsing and normalising addresses, networks, domains, URLs and hashes, both for indicators (once,
 * strictly, with a reason on refusal) and for event values (per event, cheap, never throwing).
 */
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import type { IndicatorType } from './types.js';

/** An IPv4 dotted quad as an unsigned 32-bit number, or -1. No allocation. */
export function parseIPv4(s: string): number {
  return parseIPv4Range(s, 0, s.length);
}

/** parseIPv4 of `s[from, to)`, without cutting it out. */
export function parseIPv4Range(s: string, from: number, to: number): number {
  const n = to - from;
  if (n < 7 || n > 15) return -1;
  let acc = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      acc = acc * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // A leading zero is refused: 010.1.1.1 is octal to some tools and decimal to others.
      if (digits > 0 && part === 0) return -1;
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return acc * 256 + part;
}

/** An unsigned 32-bit address back to its dotted form. */
export function formatIPv4(a: number): string {
  // join() builds one flat string; a template literal would keep a chain of cons strings alive per indicator.
  return [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join('.');
}

/**
 * A flat copy of a string that holds nothing else alive: values cut from a feed file with slice() would keep the
 * whole file in memory, and concatenations keep their parts. Used once per indicator at load.
 */
export function ownString(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

/** Eight 16-bit groups of an IPv6 address (IPv4-mapped ones are not IPv6 here), or undefined. */
export function parseIPv6(s: string): number[] | undefined {
  if (s.indexOf(':') < 0) return undefined;
  const bare = s.charCodeAt(0) === 91 && s.endsWith(']') ? s.slice(1, -1) : s;
  const pct = bare.indexOf('%');
  const addr = pct < 0 ? bare : bare.slice(0, pct);
  if (!ipaddr.IPv6.isValid(addr)) return undefined;
  const v6 = ipaddr.IPv6.parse(addr);
  if (v6.isIPv4MappedAddress()) return undefined;
  return v6.parts;
}

/** The IPv4 address inside `::ffff:a.b.c.d`, as a number, or -1. */
export function mappedIPv4(s: string): number {
  const i = s.lastIndexOf(':');
  if (i < 0 || !/^(::ffff:|0:0:0:0:0:ffff:)/i.test(s)) return -1;
  return parseIPv4(s.slice(i + 1));
}

/** The key of an IPv6 network: its first `len` bits as hex groups (the host part dropped). */
export function ipv6Key(parts: readonly number[], len: number): string {
  let out = '';
  let bits = len;
  for (let i = 0; i < 8 && bits > 0; i++) {
    const keep = Math.min(bits, 16);
    const v = keep === 16 ? parts[i]! : parts[i]! & (0xffff << (16 - keep)) & 0xffff;
    out += `${v.toString(16)}:`;
    bits -= keep;
  }
  return `${out}/${len}`;
}

/** Canonical text of an IPv6 address (RFC 5952 compressed form). */
export function formatIPv6(parts: readonly number[]): string {
  return new ipaddr.IPv6(parts.slice()).toString();
}

const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z][a-z0-9-]{0,62}$/;

/** Lower-case ASCII (punycode) domain without a trailing dot, or undefined when it is not a host name. */
export function normaliseDomain(raw: string): string | undefined {
  let d = raw.trim().toLowerCase();
  if (d.endsWith('.')) d = d.slice(0, -1);
  if (d.startsWith('*.')) d = d.slice(2);
  if (/[^\x00-\x7f]/.test(d)) d = domainToASCII(d);
  if (!DOMAIN_RE.test(d) || parseIPv4(d) >= 0) return undefined;
  return d;
}

/**
 * A URL in the one form indicators and events are compared in: scheme and host lower-cased, default port and
 * fragment dropped, path and query kept as they are. Undefined when it is not an absolute http(s)/ftp URL. Cheap:
 * no WHATWG parse (events carry many URLs).
 */
export function normaliseUrl(raw: string): string | undefined {
  const s = raw.trim();
  const sep = s.indexOf('://');
  if (sep < 3 || sep > 5) return undefined;
  const scheme = s.slice(0, sep).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'ftp') return undefined;
  let end = s.length;
  const hash = s.indexOf('#', sep + 3);
  if (hash >= 0) end = hash;
  let pathAt = end;
  for (let i = sep + 3; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 47 || c === 63) {
      pathAt = i;
      break;
    }
  }
  let host = s.slice(sep + 3, pathAt).toLowerCase();
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  if (host.length === 0) return undefined;
  if ((scheme === 'http' && host.endsWith(':80')) || (scheme === 'https' && host.endsWith(':443')))
    host = host.slice(0, host.lastIndexOf(':'));
  const path = pathAt < end ? s.slice(pathAt, end) : '/';
  return `${scheme}://${host}${path.charCodeAt(0) === 63 ? `/${path}` : path}`;
}

/** The host of a normalised URL (without port or brackets). */
export function urlHost(url: string): string {
  const start = url.indexOf('://') + 3;
  let end = url.indexOf('/', start);
  if (end < 0) end = url.length;
  const host = url.slice(start, end);
  if (host.charCodeAt(0) === 91) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon >= 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}

const HEX_RE = /^[0-9a-fA-F]+$/;

/** The hash type of a hex digest by its length, or undefined. */
export function hashType(s: string): 'md5' | 'sha1' | 'sha256' | undefined {
  const t = s.length === 32 ? 'md5' : s.length === 40 ? 'sha1' : s.length === 64 ? 'sha256' : undefined;
  return t && HEX_RE.test(s) ? t : undefined;
}

/** A normalised indicator value, or why it is refused. */
export type Normalised = { type: IndicatorType; value: string } | { error: string };

/**
 * Normalises one indicator value. With `type` the value must be of that type; without, the type is guessed
 * (address, network, URL, hash, domain in that order). `ipv4`/`ipv6` given a network become `cidr`.
 */
export function normaliseIndicator(raw: string, type?: IndicatorType): Normalised {
  const n = normaliseValue(raw, type);
  return 'value' in n ? { type: n.type, value: ownString(n.value) } : n;
}

function normaliseValue(raw: string, type?: IndicatorType): Normalised {
  const v = raw.trim();
  if (v.length === 0) return { error: 'empty value' };
  if (v.length > 4096) return { error: 'value longer than 4096 characters' };
  const want = type;
  if (want === 'ipv4' || want === 'ipv6' || want === 'cidr' || (!want && !v.includes('://'))) {
    const slash = v.indexOf('/');
    const isNet = slash > 0 && !v.includes('://');
    if (isNet) {
      const c = normaliseCidr(v);
      if (c) return { type: 'cidr', value: c };
      if (want) return { error: `not a network: ${v.slice(0, 80)}` };
    } else {
      const a4 = parseIPv4(v);
      if (a4 >= 0)
        return want && want !== 'ipv4' && want !== 'cidr'
          ? { error: 'IPv4 address given as IPv6' }
          : { type: 'ipv4', value: formatIPv4(a4) };
      const m4 = mappedIPv4(v);
      if (m4 >= 0) return { type: 'ipv4', value: formatIPv4(m4) };
      const a6 = parseIPv6(v);
      if (a6)
        return want === 'ipv4' ? { error: 'IPv6 address given as IPv4' } : { type: 'ipv6', value: formatIPv6(a6) };
      if (want) return { error: `not an IP address: ${v.slice(0, 80)}` };
    }
  }
  if (!want || want === 'url') {
    const u = normaliseUrl(v);
    if (u) return { type: 'url', value: u };
    if (want) return { error: `not an absolute http(s) or ftp URL: ${v.slice(0, 80)}` };
  }
  if (!want || want === 'md5' || want === 'sha1' || want === 'sha256') {
    const h = hashType(v);
    if (h && (!want || want === h)) return { type: h, value: v.toLowerCase() };
    if (want) return { error: `not a ${want} hex digest: ${v.slice(0, 80)}` };
  }
  const d = normaliseDomain(v);
  if (d) return { type: 'domain', value: d };
  return { error: `not an address, network, domain, URL or hash: ${v.slice(0, 80)}` };
}

/** `a.b.c.d/len` or `v6/len` with the host bits cleared, or undefined. */
export function normaliseCidr(v: string): string | undefined {
  const slash = v.indexOf('/');
  const lenText = v.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return undefined;
  const len = Number(lenText);
  const addr = v.slice(0, slash);
  const a4 = parseIPv4(addr);
  if (a4 >= 0) {
    if (len > 32) return undefined;
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    return `${formatIPv4((a4 & mask) >>> 0)}/${len}`;
  }
  const a6 = parseIPv6(addr);
  if (!a6 || len > 128) return undefined;
  const parts = a6.slice();
  let bits = len;
  for (let i = 0; i < 8; i++) {
    const keep = Math.max(0, Math.min(16, bits));
    parts[i] = keep === 0 ? 0 : parts[i]! & (0xffff << (16 - keep)) & 0xffff;
    bits -= 16;
  }
  return `${formatIPv6(parts)}/${len}`;
}
