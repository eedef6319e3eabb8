/**
 * The fast matcher (front filters, observables read in place) against a naive reference: every indicator checked
 * one by one with the string functions of observable.ts, on random indicator sets and random events whose values
 * are indicators bent the ways logs bend them (case, ports, user info, fragments, blanks, trailing dots,
 * subdomains, e-mail forms, non-ASCII letters, brackets, Sysmon hash lists).
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { ADDRESS_FIELDS, DOMAIN_FIELDS, EMAIL_FIELDS, HASH_FIELDS, Matcher, URL_FIELDS } from './matcher.js';
import {
  formatIPv6,
  hashType,
  ipv6Key,
  mappedIPv4,
  normaliseIndicator,
  normaliseUrl,
  parseIPv4,
  parseIPv6,
  urlHost,
} from './observable.js';
import { IndicatorSet } from './set.js';
import type { Indicator, IndicatorHit } from './types.js';

const NOW = Date.parse('2026-12-07T00:00:00Z');

const RAW = [
  '45.134.26.10',
  '45.134.26.11',
  '45.134.26.0/24',
  '45.134.0.0/16',
  '45.134.26.10/32',
  '10.0.0.0/8',
  '0.0.0.0/0',
  '185.220.101.7',
  '2001:db8::66',
  '2001:db8:bad::5',
  '2001:db8:bad::/48',
  '2001:db8::/32',
  'evil.example',
  'a.evil.example',
  'bad.vn',
  'c2.bad.vn',
  'xn--bcher-kva.example',
  'http://phish.example/login.php?x=1',
  'https://evil.example/',
  'http://evil.example/a/B?x=1',
  'ftp://files.bad.vn/a',
  'http://45.134.26.10/gate',
  'http://phish.example:8080/x',
  'd41d8cd98f00b204e9800998ecf8427e',
  'a'.repeat(40),
  'c'.repeat(64),
];
const OBSERVED = [
  ...RAW.map((r) => r.replace(/\/\d+$/, '')),
  '45.134.26.99',
  '45.134.99.1',
  '10.1.2.3',
  '2001:db8:bad:1::9',
  '2001:db9::1',
  'notevil.example',
  'example',
  'D41D8CD98F00B204E9800998ECF8427E',
  'A'.repeat(40),
  'bücher.example',
  'x',
  '',
];
const BENDS: ((v: string) => string)[] = [
  (v) => v,
  (v) => v.toUpperCase(),
  (v) => v.replace(/[aeiou]/g, (c) => c.toUpperCase()),
  (v) => ` ${v}`,
  (v) => `${v} `,
  (v) => `${v}.`,
  (v) => `${v}:80`,
  (v) => `${v}:443`,
  (v) => `sub.${v}`,
  (v) => `http://${v}/p`,
  (v) => `HTTPS://u:p@${v}:443/a?b#c`,
  (v) => `https://${v}:8443`,
  (v) => `http://${v}?q=1`,
  (v) => `http://${v}:80`,
  (v) => `ftp://[${v}]/x`,
  (v) => `http://[${v}]:80/x`,
  (v) => `Boss <ceo@${v}>`,
  (v) => `x@${v}`,
  (v) => `SHA1=${v},MD5=${v}, IMPHASH=00`,
  (v) => `${v}İ`,
  (v) => `ü.${v}`,
  (v) => `::ffff:${v}`,
  (v) => `${v}#frag`,
  (v) => `http://a@b@${v}/`,
  (v) => `http://${v}:x:y/`,
  (v) => `\t${v}`,
];
const FIELDS = [
  ...ADDRESS_FIELDS,
  ...DOMAIN_FIELDS,
  ...EMAIL_FIELDS,
  ...URL_FIELDS,
  ...HASH_FIELDS,
  'Hashes',
  'message',
  'host.name',
  'source.port',
];

const indicatorArb = fc
  .record({
    raw: fc.constantFrom(...RAW),
    feed: fc.constantFrom('a', 'b', 'c'),
    expiry: fc.constantFrom(undefined, NOW - 1, NOW + 1000),
  })
  .map(({ raw, feed, expiry }): Indicator => {
    const n = normaliseIndicator(raw);
    if ('error' in n) throw new Error(n.error);
    return {
      ...n,
      feed,
      confidence: 50,
      tlp: 'green',
      firstSeen: NOW,
      ...(expiry === undefined ? {} : { expiresAt: expiry }),
    };
  });
const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom(...OBSERVED), fc.array(fc.constantFrom(...BENDS), { maxLength: 2 }))
      .map(([v, bends]) => bends.reduce((x, b) => b(x), v)),
  },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...OBSERVED), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.integer() },
);
/** About half the raw indicators, then some more (duplicates in other feeds, expired ones), shuffled. */
const setArb = fc
  .tuple(fc.subarray(RAW), fc.array(indicatorArb, { maxLength: 12 }), fc.array(indicatorArb, { maxLength: 40 }))
  .chain(([raws, extra, more]) =>
    fc
      .tuple(...raws.map((raw) => indicatorArb.map((i) => ({ ...i, ...normaliseOrThrow(raw) }))))
      .chain((base) => fc.shuffledSubarray([...base, ...extra, ...more], { minLength: base.length + extra.length })),
  );

function normaliseOrThrow(raw: string): Pick<Indicator, 'type' | 'value'> {
  const n = normaliseIndicator(raw);
  if ('error' in n) throw new Error(n.error);
  return n;
}

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const bent = (values: readonly string[], bends: readonly ((v: string) => string)[]) =>
  fc.tuple(pick(values), fc.array(pick(bends), { maxLength: 2 })).map(([v, bs]) => bs.reduce((x, b) => b(x), v));
const DOMAINS = OBSERVED.filter((v) => /^[a-zü.-]+$/i.test(v) && v.includes('.'));
const ADDRESSES = OBSERVED.filter((v) => parseIPv4(v) >= 0 || v.includes(':'));
const URLS = OBSERVED.filter((v) => v.includes('://'));
const DIGESTS = OBSERVED.filter((v) => hashType(v));
const CASE = [(v: string) => v, (v: string) => v.toUpperCase(), BENDS[2]!];
const URL_BENDS = [
  ...CASE,
  (v: string) => v.replace(/^(\w+:\/\/[^/?#]+)/, '$1:443'),
  (v: string) => v.replace(/^(\w+:\/\/[^/?#]+)/, '$1:80'),
  (v: string) => v.replace(/^(\w+:\/\/)/, '$1user:pw@'),
  (v: string) => v.replace(/^(\w+:\/\/[^/?#]+)\//, '$1?'),
  (v: string) => v.replace(/^(\w+:\/\/[^/?#]+)\/.*$/, '$1'),
  (v: string) => `${v}#frag`,
  (v: string) => ` ${v}`,
];
/** One field and a value of its kind, bent; or any field with anything. */
const entryArb: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(pick(ADDRESS_FIELDS), fc.oneof(bent(ADDRESSES, [...CASE, BENDS[21]!]), fc.array(pick(ADDRESSES)))),
  fc.tuple(pick(DOMAIN_FIELDS), bent(DOMAINS, [...CASE, BENDS[5]!, BENDS[6]!, BENDS[8]!, BENDS[19]!, BENDS[20]!])),
  fc.tuple(
    pick(EMAIL_FIELDS),
    bent(DOMAINS, [BENDS[16]!, BENDS[17]!]).map((v) => (v.includes('@') ? v : `a@${v}`)),
  ),
  fc.tuple(pick(URL_FIELDS), fc.oneof(bent(URLS, URL_BENDS), bent([...DOMAINS, ...ADDRESSES], BENDS.slice(9, 16)))),
  fc.tuple(pick([...HASH_FIELDS, 'Hashes']), bent(DIGESTS, [...CASE, BENDS[18]!])),
  fc.tuple(pick(FIELDS), valueArb),
);
const eventArb = fc
  .array(entryArb, { maxLength: 8 })
  .map((pairs) => Object.fromEntries(pairs) as Record<string, unknown>);

/** The reference: every indicator checked in turn, in the order the set promises (most specific, newest first). */
function reference(inds: readonly Indicator[], e: Record<string, unknown>, now: number): IndicatorHit[] {
  const live = (i: Indicator) => i.expiresAt === undefined || i.expiresAt > now;
  const newestFirst = (pred: (i: Indicator) => boolean) => inds.filter((i) => pred(i) && live(i)).reverse();
  const has = (types: string[]) => inds.some((i) => types.includes(i.type));
  const out: IndicatorHit[] = [];
  const push = (list: Indicator[], field: string, observed: string) => {
    for (const indicator of list)
      if (!out.some((h) => h.indicator === indicator)) out.push({ indicator, field, observed });
  };
  const v4Range = (i: Indicator) => {
    const [a, l] = i.value.split('/');
    const start = parseIPv4(a!);
    if (start < 0) return undefined;
    return { start, end: start + 2 ** (32 - Number(l ?? 32)) - 1 };
  };
  const address = (text: string): Indicator[] => {
    let a4 = parseIPv4(text);
    if (a4 < 0 && text.includes(':')) a4 = mappedIPv4(text);
    if (a4 >= 0) {
      const m = inds
        .map((i, idx) => ({ i, idx, r: i.type === 'ipv4' || i.type === 'cidr' ? v4Range(i) : undefined }))
        .filter((x) => x.r && a4 >= x.r.start && a4 <= x.r.end && live(x.i));
      m.sort((x, y) => x.r!.end - x.r!.start - (y.r!.end - y.r!.start) || y.idx - x.idx);
      return m.map((x) => x.i);
    }
    if (!text.includes(':')) return [];
    const parts = parseIPv6(text);
    if (!parts) return [];
    const exact = newestFirst((i) => i.type === 'ipv6' && i.value === formatIPv6(parts));
    const lens = [
      ...new Set(
        inds.filter((i) => i.type === 'cidr' && i.value.includes(':')).map((i) => Number(i.value.split('/')[1])),
      ),
    ].sort((a, b) => b - a);
    const nets = lens.flatMap((len) =>
      newestFirst(
        (i) =>
          i.type === 'cidr' &&
          i.value.includes(':') &&
          Number(i.value.split('/')[1]) === len &&
          ipv6Key(parseIPv6(i.value.split('/')[0]!)!, len) === ipv6Key(parts, len),
      ),
    );
    return [...exact, ...nets];
  };
  const domain = (d: string): Indicator[] => {
    const suffixes = [d];
    for (let i = d.indexOf('.'); i >= 0; i = d.indexOf('.', i + 1)) suffixes.push(d.slice(i + 1));
    return suffixes.flatMap((s) => newestFirst((i) => i.type === 'domain' && i.value === s));
  };
  const lowerHost = (v: string) => {
    let d = v;
    const colon = d.lastIndexOf(':');
    if (colon > 0 && d.indexOf(':') === colon) d = d.slice(0, colon);
    if (d.endsWith('.')) d = d.slice(0, -1);
    return d.toLowerCase();
  };
  const digest = (h: string) => newestFirst((i) => ['md5', 'sha1', 'sha256'].includes(i.type) && i.value === h);
  for (const f in e) {
    const v = e[f];
    if (ADDRESS_FIELDS.includes(f)) {
      for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string') push(address(x), f, x);
    } else if (DOMAIN_FIELDS.includes(f)) {
      if (has(['domain']) && typeof v === 'string' && v.length > 0) push(domain(lowerHost(v)), f, lowerHost(v));
    } else if (EMAIL_FIELDS.includes(f)) {
      if (!has(['domain']) || typeof v !== 'string' || !v.includes('@')) continue;
      push(domain(lowerHost(v.slice(v.lastIndexOf('@') + 1).replace(/>$/, ''))), f, v);
    } else if (URL_FIELDS.includes(f)) {
      const u = typeof v === 'string' ? normaliseUrl(v) : undefined;
      if (!u) continue;
      if (has(['url']))
        push(
          newestFirst((i) => i.type === 'url' && i.value === u),
          f,
          u,
        );
      const host = urlHost(u);
      if (has(['domain'])) push(domain(host), f, host);
      push(address(host), f, host);
    } else if (HASH_FIELDS.includes(f)) {
      if (has(['md5', 'sha1', 'sha256']) && typeof v === 'string' && hashType(v)) push(digest(v.toLowerCase()), f, v);
    } else if (f === 'Hashes' && has(['md5', 'sha1', 'sha256']) && typeof v === 'string') {
      for (const part of v.split(',')) {
        const d = (part.includes('=') ? part.slice(part.indexOf('=') + 1) : part).trim();
        if (hashType(d)) push(digest(d.toLowerCase()), f, d);
      }
    }
  }
  return out;
}

describe('fast matcher', () => {
  test('equals the naive reference on random indicators and events (property)', () => {
    fc.assert(
      fc.property(setArb, fc.array(eventArb, { maxLength: 6 }), (inds, events) => {
        const m = new Matcher(new IndicatorSet(inds));
        for (const e of events) {
          const out: IndicatorHit[] = [];
          m.match(e, NOW, out);
          expect(out).toEqual(reference(inds, e, NOW));
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('the reference is not trivially empty: bent values still hit', () => {
    const inds = RAW.map((raw) => {
      const n = normaliseIndicator(raw);
      if ('error' in n) throw new Error(n.error);
      return { ...n, feed: 'a', confidence: 50, tlp: 'green' as const, firstSeen: NOW };
    });
    const m = new Matcher(new IndicatorSet(inds));
    const e = {
      'url.original': 'HTTP://u:p@Evil.Example:80/a/B?x=1#c',
      'dns.question.name': 'C2.BAD.VN.',
      'email.from.address': 'Boss <ceo@a.evil.example>',
      'file.hash.md5': 'D41D8CD98F00B204E9800998ECF8427E',
      'source.ip': '45.134.26.10',
    };
    const out: IndicatorHit[] = [];
    m.match(e, NOW, out);
    expect(out).toEqual(reference(inds, e, NOW));
    expect(out.map((h) => h.indicator.value)).toEqual([
      'http://evil.example/a/B?x=1',
      'evil.example',
      'c2.bad.vn',
      'bad.vn',
      'a.evil.example',
      'd41d8cd98f00b204e9800998ecf8427e',
      '45.134.26.10/32',
      '45.134.26.10',
      '45.134.26.0/24',
      '45.134.0.0/16',
      '0.0.0.0/0',
    ]);
  });
});
