/**
 * The per-event matcher: reads the event fields that carry addresses, domains, URLs, e-mail senders and file
 * hashes, and looks each observable up in the indicator set. Allocation-free when nothing matches: observables are
 * read where they stand in the event's text (scan.ts) and hashed there; the set's front filters (a /24 bitmap,
 * Bloom filters) answer "absent" for almost all of them, and strings are built only for what passes.
 */
import { hashRange, SEED } from './bloom.js';
import { hashType, normaliseUrl, parseIPv4Range, urlHost } from './observable.js';
import { hostEndIn, NOT_URL, URL_SLOW, UrlParts } from './scan.js';
import type { IndicatorSet } from './set.js';
import type { Indicator, IndicatorHit } from './types.js';

/** Event fields holding an IP address (ECS names, Sysmon and W3C names). */
export const ADDRESS_FIELDS: readonly string[] = [
  'source.ip',
  'destination.ip',
  'client.ip',
  'server.ip',
  'c-ip',
  'SourceIp',
  'DestinationIp',
  'IpAddress',
];
/** Event fields holding a host name (URL host, DNS query, proxy host, TLS SNI). */
export const DOMAIN_FIELDS: readonly string[] = [
  'url.domain',
  'destination.domain',
  'server.domain',
  'dns.question.name',
  'QueryName',
  'DestinationHostname',
  'tls.server_name',
  'tls.client.server_name',
  'cs-host',
];
/** Event fields holding an e-mail address whose domain is checked. */
export const EMAIL_FIELDS: readonly string[] = ['email.from.address', 'email.sender.address', 'source.user.email'];
/** Event fields holding a full URL. */
export const URL_FIELDS: readonly string[] = ['url.original', 'url.full'];
/** Event fields holding one hex digest. */
export const HASH_FIELDS: readonly string[] = [
  'file.hash.md5',
  'file.hash.sha1',
  'file.hash.sha256',
  'process.hash.md5',
  'process.hash.sha1',
  'process.hash.sha256',
  'hash.md5',
  'hash.sha1',
  'hash.sha256',
];

type Event = Record<string, unknown>;

const ADDRESS = 0;
const DOMAIN = 1;
const EMAIL = 2;
const URL_FIELD = 3;
const HASH = 4;
const SYSMON_HASHES = 5;
const FIELD_KIND = new Map<string, number>([
  ...ADDRESS_FIELDS.map((f) => [f, ADDRESS] as const),
  ...DOMAIN_FIELDS.map((f) => [f, DOMAIN] as const),
  ...EMAIL_FIELDS.map((f) => [f, EMAIL] as const),
  ...URL_FIELDS.map((f) => [f, URL_FIELD] as const),
  ...HASH_FIELDS.map((f) => [f, HASH] as const),
  ['Hashes', SYSMON_HASHES],
]);
/**
 * Which (length, first character) pairs a field of FIELD_KIND has: most of an event's keys (timestamps, host
 * names, messages, geo fields) are passed over with one typed-array read instead of a Map probe.
 */
const MAYBE = new Uint8Array(64 * 128);
const maybeAt = (f: string) => (f.length & 63) * 128 + (f.charCodeAt(0) & 127);
for (const f of FIELD_KIND.keys()) MAYBE[maybeAt(f)] = 1;

/** Checks events against one indicator set. Reuses its scratch array: hits are copied into the caller's array. */
export class Matcher {
  private readonly found: Indicator[] = [];
  private readonly url = new UrlParts();
  constructor(readonly set: IndicatorSet) {}

  /** Appends the event's hits to `out` (one per indicator and field; an indicator seen twice is kept once). */
  match(e: Event, now: number, out: IndicatorHit[]): number {
    const before = out.length;
    const set = this.set;
    const found = this.found;
    // One pass over the event's own keys is several times cheaper than probing ~30 absent fields.
    for (const f in e) {
      if (MAYBE[maybeAt(f)] === 0) continue;
      const kind = FIELD_KIND.get(f);
      if (kind === undefined) continue;
      const v = e[f];
      switch (kind) {
        case ADDRESS:
          if (typeof v === 'string') {
            set.lookupAddress(v, now, found);
            if (found.length > 0) this.flush(f, v, out);
          } else if (Array.isArray(v))
            for (const x of v) {
              if (typeof x !== 'string') continue;
              set.lookupAddress(x, now, found);
              if (found.length > 0) this.flush(f, x, out);
            }
          break;
        case DOMAIN:
          if (set.hasDomains && typeof v === 'string' && v.length > 0) {
            if (!set.lookupDomainIn(v, 0, hostEndIn(v, 0, v.length), now, found))
              set.lookupDomain(lowerHost(v), now, found);
            if (found.length > 0) this.flush(f, lowerHost(v), out);
          }
          break;
        case EMAIL: {
          if (!set.hasDomains || typeof v !== 'string') break;
          const at = v.lastIndexOf('@');
          if (at < 0) break;
          const to = v.charCodeAt(v.length - 1) === 62 ? v.length - 1 : v.length;
          if (!set.lookupDomainIn(v, at + 1, hostEndIn(v, at + 1, to), now, found))
            set.lookupDomain(lowerHost(v.slice(at + 1, to)), now, found);
          if (found.length > 0) this.flush(f, v, out);
          break;
        }
        case URL_FIELD:
          if (typeof v === 'string') this.matchUrl(f, v, now, out);
          break;
        case HASH:
          if (set.hasHashes && typeof v === 'string' && isDigest(v)) {
            if (set.mayHaveHash(hashRange(SEED, v, 0, v.length, true))) set.lookupHash(v.toLowerCase(), now, found);
            if (found.length > 0) this.flush(f, v, out);
          }
          break;
        default:
          // Sysmon: Hashes="SHA1=...,MD5=...,SHA256=...,IMPHASH=..."
          if (!set.hasHashes || typeof v !== 'string') break;
          for (const part of v.split(',')) {
            const eq = part.indexOf('=');
            const digest = (eq >= 0 ? part.slice(eq + 1) : part).trim();
            if (!hashType(digest)) continue;
            set.lookupHash(digest.toLowerCase(), now, found);
            if (found.length > 0) this.flush(f, digest, out);
          }
      }
    }
    return out.length - before;
  }

  /** A URL field: the URL itself, its host as a domain and as an address (in that order). */
  private matchUrl(f: string, v: string, now: number, out: IndicatorHit[]): void {
    const set = this.set;
    const found = this.found;
    const p = this.url;
    const r = p.scan(v);
    if (r === NOT_URL) return;
    if (r === URL_SLOW) {
      const u = normaliseUrl(v);
      if (!u) return;
      if (set.hasUrls) {
        set.lookupUrl(u, now, found);
        if (found.length > 0) this.flush(f, u, out);
      }
      const host = urlHost(u);
      if (set.hasDomains) {
        set.lookupDomain(host, now, found);
        if (found.length > 0) this.flush(f, host, out);
      }
      set.lookupAddress(host, now, found);
      if (found.length > 0) this.flush(f, host, out);
      return;
    }
    if (set.hasUrls && set.mayHaveUrl(p.hash(v))) {
      const u = normaliseUrl(v)!;
      set.lookupUrl(u, now, found);
      if (found.length > 0) this.flush(f, u, out);
    }
    const hs = p.hostStart;
    const he = p.nameEnd;
    if (set.hasDomains) {
      set.lookupDomainIn(v, hs, he, now, found);
      if (found.length > 0) this.flush(f, v.slice(hs, he).toLowerCase(), out);
    }
    const a4 = parseIPv4Range(v, hs, he);
    if (a4 >= 0) {
      set.lookupIPv4(a4, now, found);
      if (found.length > 0) this.flush(f, v.slice(hs, he), out);
    }
  }

  private flush(field: string, observed: string, out: IndicatorHit[]): void {
    const found = this.found;
    for (const indicator of found) {
      let dup = false;
      for (const h of out) if (h.indicator === indicator) dup = true;
      if (!dup) out.push({ indicator, field, observed });
    }
    found.length = 0;
  }
}

/** Whether the text is an MD5, SHA-1 or SHA-256 hex digest (hashType without a regular expression). */
function isDigest(v: string): boolean {
  const n = v.length;
  if (n !== 32 && n !== 40 && n !== 64) return false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

/** A host name as compared: lower-case, no trailing dot, no port. */
function lowerHost(v: string): string {
  let d = v;
  const colon = d.lastIndexOf(':');
  if (colon > 0 && d.indexOf(':') === colon) d = d.slice(0, colon);
  if (d.charCodeAt(d.length - 1) === 46) d = d.slice(0, -1);
  return d.toLowerCase();
}
