/**
 * The simulated province: agencies (Decision 20/2020/QĐ-TTg style codes), their hosts, and the background rates
 * each host sees. Every rate is a parameter with its source in bench/province/README.md ("Rates and sources").
 */

/** A seeded PRNG (mulberry32): the same seed gives the same province, background and attacks. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Exponential gap (ms) for a Poisson process of `perHour` events an hour. */
  gapMs(perHour: number): number {
    return (-Math.log(1 - this.next()) * 3_600_000) / perHour;
  }
  /** A public-looking IPv4 address (avoids private, loopback, multicast and the documentation ranges). */
  publicIp(): string {
    for (;;) {
      const a = this.int(1, 223);
      if (a === 10 || a === 127 || a === 100 || a === 169 || a === 172 || a === 192 || a === 198 || a === 203) continue;
      return `${a}.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`;
    }
  }
}

/** Background rates per host (per simulated hour unless named otherwise); README.md gives the sources. */
export interface Rates {
  /** Failed SSH logins a day on an internet-facing sshd from bots (sessions of 1-6 attempts each). */
  sshBotAttemptsPerDay: number;
  /** Credential-stuffing runs a day per internet-facing sshd: one bot, 15-60 attempts over 3-15 minutes. */
  sshStuffingRunsPerDay: number;
  /** Interactive admin logins a day per Linux host. */
  adminLoginsPerDay: number;
  /** Share of password logins preceded by 1-2 mistyped passwords. */
  adminTypoShare: number;
  /** sudo commands per admin session. */
  sudoPerSession: [number, number];
  /** Web requests a day per portal host (before the daytime curve). */
  webRequestsPerDay: number;
  /** Shares of web requests: crawlers, vulnerability scanners' probes, ordinary 4xx (the rest are people). */
  webCrawlerShare: number;
  webScannerShare: number;
  web4xxShare: number;
  /** Denied packets logged a day per agency firewall (internet background radiation). */
  firewallDeniesPerDay: number;
  /** Windows Security events a day per Windows server (logons, logoffs, privileges, a few failures). */
  windowsEventsPerDay: number;
}

/** Defaults: see README.md "Rates and sources". */
export const DEFAULT_RATES: Rates = {
  sshBotAttemptsPerDay: 1500,
  sshStuffingRunsPerDay: 2,
  adminLoginsPerDay: 3,
  adminTypoShare: 0.12,
  sudoPerSession: [1, 6],
  webRequestsPerDay: 30_000,
  webCrawlerShare: 0.3,
  webScannerShare: 0.02,
  web4xxShare: 0.04,
  firewallDeniesPerDay: 25_000,
  windowsEventsPerDay: 3_000,
};

/** A host of an agency. */
export interface Host {
  name: string;
  kind: 'web' | 'app' | 'db' | 'firewall' | 'windows';
  /** sshd reachable from the internet (the web servers and the bastion in most provinces). */
  sshExposed: boolean;
  /** Its address inside the agency (destination of firewall lines). */
  ip: string;
}

/** An agency: code, name, the loopback address its log relay sends from, its hosts and admins. */
export interface Agency {
  id: string;
  name: string;
  slug: string;
  relay: string;
  /** The agent key its Windows log shipper (NXLog over HTTP) presents. */
  intakeKey: string;
  hosts: Host[];
  admins: string[];
  /** Office / VPN addresses admins log in from. */
  adminIps: string[];
}

/**
 * Eight agencies of a province (codes in the Decision 20/2020/QĐ-TTg shape, province part H40 as the repository's
 * examples use; names as provinces name them).
 */
const AGENCIES: readonly { id: string; name: string; slug: string }[] = [
  { id: '000.00.01.H40', name: 'Văn phòng Ủy ban nhân dân tỉnh', slug: 'vpubnd' },
  { id: '000.00.31.H40', name: 'Sở Thông tin và Truyền thông', slug: 'sotttt' },
  { id: '000.00.12.H40', name: 'Sở Tài chính', slug: 'sotc' },
  { id: '000.00.11.H40', name: 'Sở Kế hoạch và Đầu tư', slug: 'sokhdt' },
  { id: '000.00.22.H40', name: 'Sở Y tế', slug: 'soyt' },
  { id: '000.00.21.H40', name: 'Sở Giáo dục và Đào tạo', slug: 'sogddt' },
  { id: '000.00.19.H40', name: 'Sở Tài nguyên và Môi trường', slug: 'sotnmt' },
  { id: '000.20.30.H40', name: 'Ủy ban nhân dân thành phố', slug: 'ubndtp' },
];

const ADMIN_NAMES = ['quantri', 'admin', 'hungnv', 'lanptt', 'tuanla', 'minhdq', 'sysadmin', 'ops', 'thanhbv'];

/** The province: `agencies` (at most 8) x (webHosts web + 2 app + 1 db Linux servers, a firewall, a Windows server). */
export function buildProvince(rng: Rng, agencies = 8, webHosts = 3): Agency[] {
  const out: Agency[] = [];
  for (let i = 0; i < Math.min(agencies, AGENCIES.length); i++) {
    const a = AGENCIES[i]!;
    const net = `10.${40 + i}.0`;
    const hosts: Host[] = [];
    for (let w = 1; w <= webHosts; w++)
      hosts.push({ name: `${a.slug}-web0${w}`, kind: 'web', sshExposed: true, ip: `${net}.${10 + w}` });
    hosts.push({ name: `${a.slug}-app01`, kind: 'app', sshExposed: true, ip: `${net}.21` });
    hosts.push({ name: `${a.slug}-app02`, kind: 'app', sshExposed: false, ip: `${net}.22` });
    hosts.push({ name: `${a.slug}-db01`, kind: 'db', sshExposed: false, ip: `${net}.31` });
    hosts.push({ name: `${a.slug}-fw01`, kind: 'firewall', sshExposed: false, ip: `${net}.1` });
    hosts.push({ name: `SRV-${a.slug.toUpperCase()}`, kind: 'windows', sshExposed: false, ip: `${net}.41` });
    const admins = [rng.pick(ADMIN_NAMES), rng.pick(ADMIN_NAMES)].filter((n, k, xs) => xs.indexOf(n) === k);
    out.push({
      ...a,
      relay: `127.0.1.${i + 1}`,
      intakeKey: `province-bench-${a.slug}-key-0123456789`,
      hosts,
      admins,
      adminIps: [`${net}.200`, `${net}.201`, `10.${40 + i}.8.${rng.int(2, 250)}`],
    });
  }
  return out;
}

/** How a simulated line travels: syslog over TCP from the agency's relay, or NDJSON over HTTP with its key. */
export type Transport = 'tcp' | 'http';

/** One simulated log record: when (simulated epoch ms), from which agency and how, the raw line. */
export interface SimEvent {
  t: number;
  agency: number;
  transport: Transport;
  line: string;
  /** The attack it belongs to (index into the ground truth), or -1 for background. */
  attack: number;
}

/** An attack's lines with their simulated times and transport, before they are tagged with the attack. */
export type AttackLines = { t: number; line: string; transport: Transport }[];
