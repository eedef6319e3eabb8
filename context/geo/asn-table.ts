/**
 * The shipped AS table: @ip-location-db/asn (RouteViews + the five RIRs + DB-IP ASN Lite, CC BY 4.0), published on
 * the registry as CSV only (no MMDB package), so it is read once into sorted typed arrays and searched by halving.
 * IPv4: three Uint32Arrays (start, end, AS number) and an index into a table of distinct organisation names
 * (~410,000 ranges, ~6.5 MB). IPv6 ranges are kept as 32-digit hex strings, compared as text (~100,000 ranges).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';

/** An AS: number and organisation. */
export interface AsInfo {
  asn: number;
  org: string;
}

/** The shipped CSV files (IPv4 numeric, IPv6 textual). */
export function defaultAsnFiles(): { v4: string; v6: string } {
  const req = createRequire(import.meta.url);
  return {
    v4: req.resolve('@ip-location-db/asn/asn-ipv4-num.csv'),
    v6: req.resolve('@ip-location-db/asn/asn-ipv6.csv'),
  };
}

/** Splits `a,b,asn,org` where org may be quoted (with doubled quotes inside). */
function fields(line: string): [string, string, string, string] | undefined {
  const a = line.indexOf(',');
  const b = line.indexOf(',', a + 1);
  const c = line.indexOf(',', b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  let org = line.slice(c + 1);
  if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replace(/""/g, '"');
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c), org];
}

/** An IPv6 address as 32 lower-case hex digits (undefined when not IPv6). */
export function ipv6Hex(ip: string): string | undefined {
  if (!isIPv6(ip)) return undefined;
  let s = ip.toLowerCase();
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const n = v4.slice(1).map(Number);
    s = `${s.slice(0, v4.index)}${((n[0]! << 8) | n[1]!).toString(16)}:${((n[2]! << 8) | n[3]!).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return undefined;
  return groups.map((g) => g.padStart(4, '0')).join('');
}

/** The AS table in memory. */
export class AsnTable {
  private readonly start4: Uint32Array;
  private readonly end4: Uint32Array;
  private readonly asn4: Uint32Array;
  private readonly org4: Uint32Array;
  private readonly start6: string[] = [];
  private readonly end6: string[] = [];
  private readonly asn6: number[] = [];
  private readonly org6: number[] = [];
  private readonly orgs: string[] = [];

  /** Reads the CSV files (numeric IPv4, textual IPv6); rows are sorted by start in the files. */
  constructor(files: { v4?: string; v6?: string } = defaultAsnFiles()) {
    const orgIndex = new Map<string, number>();
    const orgOf = (o: string) => {
      let i = orgIndex.get(o);
      if (i === undefined) {
        i = this.orgs.length;
        this.orgs.push(o);
        orgIndex.set(o, i);
      }
      return i;
    };
    const v4 = files.v4 ? readFileSync(files.v4, 'utf8').split('\n') : [];
    this.start4 = new Uint32Array(v4.length);
    this.end4 = new Uint32Array(v4.length);
    this.asn4 = new Uint32Array(v4.length);
    this.org4 = new Uint32Array(v4.length);
    let n = 0;
    for (const line of v4) {
      const f = fields(line);
      if (!f) continue;
      this.start4[n] = Number(f[0]);
      this.end4[n] = Number(f[1]);
      this.asn4[n] = Number(f[2]);
      this.org4[n] = orgOf(f[3]);
      n++;
    }
    this.start4 = this.start4.subarray(0, n);
    this.end4 = this.end4.subarray(0, n);
    this.asn4 = this.asn4.subarray(0, n);
    this.org4 = this.org4.subarray(0, n);
    for (const line of files.v6 ? readFileSync(files.v6, 'utf8').split('\n') : []) {
      const f = fields(line);
      const s = f && ipv6Hex(f[0]);
      const e = f && ipv6Hex(f[1]);
      if (!f || !s || !e) continue;
      this.start6.push(s);
      this.end6.push(e);
      this.asn6.push(Number(f[2]));
      this.org6.push(orgOf(f[3]));
    }
  }

  /** Ranges loaded (IPv4, IPv6). */
  get size(): { v4: number; v6: number } {
    return { v4: this.start4.length, v6: this.start6.length };
  }

  /** The AS announcing an address, or undefined. */
  lookup(ip: string): AsInfo | undefined {
    if (isIPv4(ip)) {
      let x = 0;
      for (const p of ip.split('.')) x = x * 256 + Number(p);
      let lo = 0;
      let hi = this.start4.length - 1;
      // The last range starting at or before x.
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (this.start4[mid]! <= x) lo = mid + 1;
        else hi = mid - 1;
      }
      if (hi < 0 || this.end4[hi]! < x) return undefined;
      return { asn: this.asn4[hi]!, org: this.orgs[this.org4[hi]!]! };
    }
    const h = ipv6Hex(ip);
    if (!h) return undefined;
    let lo = 0;
    let hi = this.start6.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.start6[mid]! <= h) lo = mid + 1;
      else hi = mid - 1;
    }
    if (hi < 0 || this.end6[hi]! < h) return undefined;
    return { asn: this.asn6[hi]!, org: this.orgs[this.org6[hi]!]! };
  }
}
