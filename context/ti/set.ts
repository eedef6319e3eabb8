/**
 * The compiled indicator set: built once from every feed's indicators, then only read (a feed refresh builds a
 * new set and swaps it in). Lookups cost a few hash probes and a binary search, whatever the number of
 * indicators: exact values in Maps, IPv4 networks flattened into sorted non-overlapping segments (networks nest
 * or are disjoint, so each segment knows its most specific network and each network its enclosing one).
 */
import { Bloom, hashText, SEED } from './bloom.js';
import { formatIPv6, ipv6Key, mappedIPv4, parseIPv4, parseIPv6 } from './observable.js';
import type { Indicator, IndicatorType } from './types.js';

/** An IPv4 network's range and its indicator. */
interface V4Net {
  start: number;
  end: number;
  idx: number;
}

/** Above this many IPv4 addresses and networks the bitmap is per /24 (below, per /16: most sets are small). */
export const V4_BITMAP_24 = 20_000;

/** Counts by type, for metrics and the API. */
export type TypeCounts = Record<IndicatorType, number>;

/** The read-only set the matcher looks observables up in. */
export class IndicatorSet {
  readonly indicators: readonly Indicator[];
  private readonly next: Int32Array;
  private readonly v6 = new Map<string, number>();
  private readonly v6Nets = new Map<string, number>();
  private readonly v6Lens: number[] = [];
  private readonly domains = new Map<string, number>();
  private readonly urls = new Map<string, number>();
  private readonly hashes = new Map<string, number>();
  private segStart: Uint32Array = new Uint32Array(0);
  private segIdx: Int32Array = new Int32Array(0);
  /**
   * First segment of each /16 (65,537 entries): a lookup binary-searches only its /16's segments, a few
   * neighbouring entries instead of ~20 probes across megabytes (each a cache miss on a loaded machine).
   */
  private bucket: Uint32Array = new Uint32Array(65537);
  /** For an IPv4 address or network indicator: the indicator of the network enclosing it, or -1. */
  private parent: Int32Array = new Int32Array(0);
  /**
   * One bit per /24 (or /16) that any IPv4 indicator touches (2 MB, stays in the processor's cache): most
   * addresses are in no indicator's /24 and are answered without reaching the segment arrays.
   */
  private v4Bits: Uint32Array = new Uint32Array(0);
  /** The bitmap's granularity: /24 (2 MB) for large sets, /16 (8 KB) for small ones (the retro-match's, tests'). */
  private v4Shift = 8;
  private domainBloom: Bloom = new Bloom(0);
  private urlBloom: Bloom = new Bloom(0);
  private hashBloom: Bloom = new Bloom(0);
  /** Scratch of lookupDomainIn: where the suffixes the Bloom filter let through start (grown when needed). */
  private starts = new Int32Array(64);
  readonly counts: TypeCounts = { ipv4: 0, ipv6: 0, cidr: 0, domain: 0, url: 0, md5: 0, sha1: 0, sha256: 0 };

  /** Compiles indicators whose values are already normalised (normaliseIndicator). */
  constructor(indicators: readonly Indicator[]) {
    this.indicators = indicators;
    const next = new Int32Array(indicators.length).fill(-1);
    this.next = next;
    const put = (m: Map<string | number, number>, key: string | number, i: number) => {
      const h = m.get(key);
      if (h !== undefined) next[i] = h;
      m.set(key, i);
    };
    const nets: V4Net[] = [];
    const v6Lens = new Set<number>();
    for (let i = 0; i < indicators.length; i++) {
      const ind = indicators[i]!;
      this.counts[ind.type]++;
      switch (ind.type) {
        case 'ipv4': {
          // Single addresses join the networks as /32s: one binary search over two typed arrays answers both,
          // in less memory than a Map entry per address.
          const a = parseIPv4(ind.value);
          nets.push({ start: a, end: a, idx: i });
          break;
        }
        case 'ipv6':
          put(this.v6 as Map<string | number, number>, ind.value, i);
          break;
        case 'cidr': {
          const slash = ind.value.indexOf('/');
          const len = Number(ind.value.slice(slash + 1));
          const a4 = parseIPv4(ind.value.slice(0, slash));
          if (a4 >= 0) {
            nets.push({ start: a4, end: a4 + 2 ** (32 - len) - 1, idx: i });
          } else {
            const parts = parseIPv6(ind.value.slice(0, slash));
            if (!parts) break;
            v6Lens.add(len);
            put(this.v6Nets as Map<string | number, number>, ipv6Key(parts, len), i);
          }
          break;
        }
        case 'domain':
          put(this.domains as Map<string | number, number>, ind.value, i);
          break;
        case 'url':
          put(this.urls as Map<string | number, number>, ind.value, i);
          break;
        default:
          put(this.hashes as Map<string | number, number>, ind.value, i);
      }
    }
    this.v6Lens = [...v6Lens].sort((a, b) => b - a);
    this.buildSegments(nets, indicators.length);
    this.domainBloom = bloomOf(this.domains);
    this.urlBloom = bloomOf(this.urls);
    this.hashBloom = bloomOf(this.hashes);
  }

  /** Bytes held by the front filters (the /24 bitmap and the Bloom filters). */
  get filterBytes(): number {
    return this.v4Bits.byteLength + this.domainBloom.bytes + this.urlBloom.bytes + this.hashBloom.bytes;
  }

  /** Number of indicators. */
  get size(): number {
    return this.indicators.length;
  }

  private buildSegments(nets: V4Net[], n: number): void {
    if (nets.length > 0) {
      const shift = nets.length > V4_BITMAP_24 ? 8 : 16;
      const b = new Uint32Array(1 << (27 - shift));
      for (const c of nets) setBits(b, c.start >>> shift, c.end >>> shift);
      this.v4Bits = b;
      this.v4Shift = shift;
    }
    nets.sort((a, b) => a.start - b.start || b.end - a.end);
    const parent = new Int32Array(n).fill(-1);
    const starts: number[] = [];
    const idxs: number[] = [];
    const emit = (pos: number, idx: number) => {
      const last = starts.length - 1;
      if (last >= 0 && starts[last] === pos) {
        idxs[last] = idx;
        // Merging with the segment before when it names the same indicator keeps the arrays minimal.
        if (last > 0 && idxs[last - 1] === idx) {
          starts.pop();
          idxs.pop();
        }
      } else if (last < 0 || idxs[last] !== idx) {
        starts.push(pos);
        idxs.push(idx);
      }
    };
    const stack: V4Net[] = [];
    const popUntil = (pos: number) => {
      while (stack.length > 0 && stack[stack.length - 1]!.end < pos) {
        const t = stack.pop()!;
        if (t.end < 0xffffffff) emit(t.end + 1, stack.length > 0 ? stack[stack.length - 1]!.idx : -1);
      }
    };
    for (const c of nets) {
      popUntil(c.start);
      parent[c.idx] = stack.length > 0 ? stack[stack.length - 1]!.idx : -1;
      stack.push(c);
      emit(c.start, c.idx);
    }
    popUntil(2 ** 32);
    this.segStart = Uint32Array.from(starts);
    this.segIdx = Int32Array.from(idxs);
    // bucket[b] = index of the last segment starting at or before b<<16 (the one covering that address).
    const bucket = new Uint32Array(65537);
    let j = 0;
    for (let b = 0; b < 65536; b++) {
      const at = b * 65536;
      while (j + 1 < starts.length && starts[j + 1]! <= at) j++;
      bucket[b] = j;
    }
    bucket[65536] = Math.max(0, starts.length - 1);
    this.bucket = bucket;
    this.parent = parent;
  }

  /** Calls `hit` for every indicator of a value in a chain. */
  private chain(idx: number | undefined, now: number, out: Indicator[]): void {
    for (let i = idx ?? -1; i >= 0; i = this.next[i]!) {
      const ind = this.indicators[i]!;
      if (ind.expiresAt === undefined || ind.expiresAt > now) out.push(ind);
    }
  }

  /** Indicators naming an IPv4 address (as a number) or a network holding it; appended to `out`. */
  lookupIPv4(a: number, now: number, out: Indicator[]): void {
    const s = this.segStart;
    if (s.length === 0) return;
    const q = a >>> this.v4Shift;
    if ((this.v4Bits[q >>> 5]! & (1 << (q & 31))) === 0 || s[0]! > a) return;
    const b = a >>> 16;
    let lo = this.bucket[b]!;
    let hi = this.bucket[b + 1]!;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (s[mid]! <= a) lo = mid;
      else hi = mid - 1;
    }
    for (let i = this.segIdx[lo]!; i >= 0; i = this.parent[i]!) {
      const ind = this.indicators[i]!;
      if (ind.expiresAt === undefined || ind.expiresAt > now) out.push(ind);
    }
  }

  /** Indicators naming an address given as text (IPv4, IPv6, IPv4-mapped IPv6). */
  lookupAddress(text: string, now: number, out: Indicator[]): void {
    const a4 = parseIPv4(text);
    if (a4 >= 0) {
      this.lookupIPv4(a4, now, out);
      return;
    }
    if (text.indexOf(':') < 0) return;
    const m4 = mappedIPv4(text);
    if (m4 >= 0) {
      this.lookupIPv4(m4, now, out);
      return;
    }
    if (this.v6.size === 0 && this.v6Lens.length === 0) return;
    const parts = parseIPv6(text);
    if (!parts) return;
    this.chain(this.v6.get(formatIPv6(parts)), now, out);
    for (const len of this.v6Lens) this.chain(this.v6Nets.get(ipv6Key(parts, len)), now, out);
  }

  /** Indicators naming a domain (lower-case) or any domain above it (`evil.example` matches `a.evil.example`). */
  lookupDomain(domain: string, now: number, out: Indicator[]): void {
    const m = this.domains;
    if (m.size === 0) return;
    let d = domain;
    for (;;) {
      const idx = m.get(d);
      if (idx !== undefined) this.chain(idx, now, out);
      const dot = d.indexOf('.');
      if (dot < 0) return;
      d = d.slice(dot + 1);
    }
  }

  /**
   * lookupDomain for the host name `s[from, to)` as it stands in an event, ASCII letters compared in lower case,
   * without building a string unless a suffix passes the Bloom filter. False (nothing looked up) when the name has
   * a non-ASCII character: the caller then lower-cases it and calls lookupDomain.
   */
  lookupDomainIn(s: string, from: number, to: number, now: number, out: Indicator[]): boolean {
    const bloom = this.domainBloom;
    let n = 0;
    let h = SEED;
    for (let i = to - 1; i >= from; i--) {
      let c = s.charCodeAt(i);
      if (c >= 128) return false;
      // At a dot, h is the hash of the suffix after it: the same as a whole indicator of that text.
      if (c === 46 && bloom.has(h)) n = this.keep(n, i + 1);
      if (c >= 65 && c <= 90) c |= 32;
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (bloom.has(h)) n = this.keep(n, from);
    // Longest first, as lookupDomain.
    for (let j = n - 1; j >= 0; j--) {
      const idx = this.domains.get(s.slice(this.starts[j]!, to).toLowerCase());
      if (idx !== undefined) this.chain(idx, now, out);
    }
    return true;
  }

  private keep(n: number, at: number): number {
    if (n === this.starts.length) {
      const grown = new Int32Array(n * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[n] = at;
    return n + 1;
  }

  /** Whether a URL or digest with this hash (bloom.ts) may be in the set (false: certainly not). */
  mayHaveUrl(h: number): boolean {
    return this.urlBloom.has(h);
  }
  mayHaveHash(h: number): boolean {
    return this.hashBloom.has(h);
  }

  /** Indicators naming a normalised URL. */
  lookupUrl(url: string, now: number, out: Indicator[]): void {
    if (this.urls.size > 0) this.chain(this.urls.get(url), now, out);
  }

  /** Indicators naming a lower-case hex digest. */
  lookupHash(hash: string, now: number, out: Indicator[]): void {
    if (this.hashes.size > 0) this.chain(this.hashes.get(hash), now, out);
  }

  /** Whether any domain, URL or hash indicators exist (the matcher skips those fields otherwise). */
  get hasDomains(): boolean {
    return this.domains.size > 0;
  }
  get hasUrls(): boolean {
    return this.urls.size > 0;
  }
  get hasHashes(): boolean {
    return this.hashes.size > 0;
  }
}

/** Sets bits lo..hi (inclusive) of a bitmap. */
function setBits(b: Uint32Array, lo: number, hi: number): void {
  for (let i = lo; i <= hi; ) {
    if ((i & 31) === 0 && i + 31 <= hi) {
      b[i >>> 5] = 0xffffffff;
      i += 32;
    } else {
      b[i >>> 5]! |= 1 << (i & 31);
      i++;
    }
  }
}

/** A Bloom filter of a Map's keys. */
function bloomOf(m: Map<string, number>): Bloom {
  const b = new Bloom(m.size);
  for (const k of m.keys()) b.add(hashText(k));
  return b;
}

/** An empty set (no feeds configured). */
export const EMPTY_SET = new IndicatorSet([]);
