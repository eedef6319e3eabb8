import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { Matcher } from './matcher.js';
import { formatIPv4, normaliseIndicator, normaliseUrl, parseIPv4 } from './observable.js';
import { IndicatorSet, V4_BITMAP_24 } from './set.js';
import type { Indicator, IndicatorHit, IndicatorType } from './types.js';

const NOW = Date.parse('2026-12-07T00:00:00Z');

function ind(raw: string, extra: Partial<Indicator> = {}, type?: IndicatorType): Indicator {
  const n = normaliseIndicator(raw, type);
  if ('error' in n) throw new Error(n.error);
  return { ...n, feed: 'test', confidence: 80, tlp: 'green', firstSeen: NOW - 86_400_000, ...extra };
}

function hits(set: IndicatorSet, e: Record<string, unknown>, now = NOW): IndicatorHit[] {
  const out: IndicatorHit[] = [];
  new Matcher(set).match(e, now, out);
  return out;
}

describe('normaliseIndicator', () => {
  test('guesses and normalises each type', () => {
    expect(normaliseIndicator(' 45.134.26.10 ')).toEqual({ type: 'ipv4', value: '45.134.26.10' });
    expect(normaliseIndicator('185.220.101.7/24')).toEqual({ type: 'cidr', value: '185.220.101.0/24' });
    expect(normaliseIndicator('2001:DB8:0:0::1')).toEqual({ type: 'ipv6', value: '2001:db8::1' });
    expect(normaliseIndicator('2001:db8::1/32')).toEqual({ type: 'cidr', value: '2001:db8::/32' });
    expect(normaliseIndicator('::ffff:10.1.2.3')).toEqual({ type: 'ipv4', value: '10.1.2.3' });
    expect(normaliseIndicator('Evil.Example.COM.')).toEqual({ type: 'domain', value: 'evil.example.com' });
    expect(normaliseIndicator('bücher.example')).toEqual({ type: 'domain', value: 'xn--bcher-kva.example' });
    expect(normaliseIndicator('HTTP://Evil.Example:80/a/B?x=1#frag')).toEqual({
      type: 'url',
      value: 'http://evil.example/a/B?x=1',
    });
    expect(normaliseIndicator('D41D8CD98F00B204E9800998ECF8427E')).toEqual({
      type: 'md5',
      value: 'd41d8cd98f00b204e9800998ecf8427e',
    });
    expect(normaliseIndicator('a'.repeat(40))).toEqual({ type: 'sha1', value: 'a'.repeat(40) });
    expect(normaliseIndicator('b'.repeat(64))).toEqual({ type: 'sha256', value: 'b'.repeat(64) });
  });

  test('refuses what is not an observable, saying why', () => {
    expect(normaliseIndicator('')).toEqual({ error: 'empty value' });
    expect(normaliseIndicator('256.1.1.1')).toHaveProperty('error');
    expect(normaliseIndicator('010.1.1.1', 'ipv4')).toHaveProperty('error');
    expect(normaliseIndicator('1.2.3.4/33')).toHaveProperty('error');
    expect(normaliseIndicator('not a thing')).toHaveProperty('error');
    expect(normaliseIndicator('a'.repeat(32), 'sha256')).toEqual({
      error: `not a sha256 hex digest: ${'a'.repeat(32)}`,
    });
    expect(normaliseIndicator('javascript:alert(1)', 'url')).toHaveProperty('error');
  });

  test('an IPv4 address prints back to itself (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (a) => parseIPv4(formatIPv4(a)) === a));
  });

  test('URL normalisation is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.webUrl({ withFragments: true, withQueryParameters: true }), (u) => {
        const n = normaliseUrl(u);
        return n === undefined || normaliseUrl(n) === n;
      }),
    );
  });
});

describe('IndicatorSet and Matcher', () => {
  const set = new IndicatorSet([
    ind('45.134.26.10', { description: 'SSH brute force', feed: 'feodo' }),
    ind('45.134.26.10', { feed: 'local', confidence: 100 }),
    ind('185.220.101.0/24', { feed: 'tor' }),
    ind('185.220.0.0/16', { feed: 'wide' }),
    ind('2001:db8:bad::/48'),
    ind('2001:db8::66'),
    ind('evil.example'),
    ind('http://phish.example/login.php?x=1'),
    ind('d41d8cd98f00b204e9800998ecf8427e'),
    ind('c'.repeat(64)),
    ind('198.51.100.9', { expiresAt: NOW - 1 }),
  ]);

  test('an address matches every indicator naming it, from every feed', () => {
    const h = hits(set, { 'source.ip': '45.134.26.10' });
    expect(h.map((x) => x.indicator.feed).sort()).toEqual(['feodo', 'local']);
    expect(h[0]!.field).toBe('source.ip');
  });

  test('an address inside nested networks matches each network, most specific first', () => {
    const h = hits(set, { 'destination.ip': '185.220.101.77' });
    expect(h.map((x) => x.indicator.value)).toEqual(['185.220.101.0/24', '185.220.0.0/16']);
    expect(hits(set, { 'destination.ip': '185.220.102.1' }).map((x) => x.indicator.value)).toEqual(['185.220.0.0/16']);
    expect(hits(set, { 'destination.ip': '185.221.0.0' })).toEqual([]);
  });

  test('IPv6 addresses and networks, IPv4-mapped addresses', () => {
    expect(hits(set, { 'source.ip': '2001:db8:bad:1::5' }).map((x) => x.indicator.value)).toEqual([
      '2001:db8:bad::/48',
    ]);
    expect(hits(set, { 'source.ip': '2001:DB8:0::66' }).map((x) => x.indicator.value)).toEqual(['2001:db8::66']);
    expect(hits(set, { 'source.ip': '::ffff:45.134.26.10' })).toHaveLength(2);
  });

  test('domains match themselves and their subdomains, from DNS, SNI, URLs and e-mail senders', () => {
    expect(hits(set, { 'dns.question.name': 'a.b.EVIL.example.' })[0]!.indicator.value).toBe('evil.example');
    expect(hits(set, { 'tls.server_name': 'evil.example' })).toHaveLength(1);
    expect(hits(set, { 'tls.server_name': 'notevil.example' })).toEqual([]);
    expect(hits(set, { 'email.from.address': 'Boss <ceo@mail.evil.example>' })[0]!.field).toBe('email.from.address');
    expect(hits(set, { 'url.original': 'https://cdn.evil.example/x.js' })[0]!.observed).toBe('cdn.evil.example');
  });

  test('URLs match in normalised form; the URL host is checked as an address too', () => {
    const h = hits(set, { 'url.original': 'HTTP://PHISH.example:80/login.php?x=1#top' });
    expect(h.map((x) => x.indicator.type)).toEqual(['url']);
    expect(hits(set, { 'url.original': 'http://phish.example/login.php?x=2' })).toEqual([]);
    expect(hits(set, { 'url.original': 'http://185.220.101.5/gate' })[0]!.indicator.value).toBe('185.220.101.0/24');
  });

  test('hashes, in ECS fields and in Sysmon Hashes', () => {
    expect(hits(set, { 'file.hash.md5': 'D41D8CD98F00B204E9800998ECF8427E' })).toHaveLength(1);
    expect(hits(set, { Hashes: `SHA1=${'a'.repeat(40)},SHA256=${'C'.repeat(64)},IMPHASH=00` })).toHaveLength(1);
  });

  test('an expired indicator no longer matches', () => {
    expect(hits(set, { 'source.ip': '198.51.100.9' })).toEqual([]);
    expect(hits(set, { 'source.ip': '198.51.100.9' }, NOW - 10)).toHaveLength(1);
  });

  test('an indicator seen in two fields of one event is reported once', () => {
    expect(hits(set, { 'source.ip': '45.134.26.10', 'client.ip': '45.134.26.10' })).toHaveLength(2);
  });

  test('network matching agrees with a naive scan (property)', () => {
    const net = fc.record({ a: fc.integer({ min: 0, max: 0xffffffff }), len: fc.integer({ min: 0, max: 32 }) });
    fc.assert(
      fc.property(
        fc.array(net, { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 20 }),
        (nets, probes) => {
          const inds = nets.map((n) => ind(`${formatIPv4(n.a)}/${n.len}`));
          const s = new IndicatorSet(inds);
          const m = new Matcher(s);
          const ranges = inds.map((i) => {
            const [a, l] = i.value.split('/');
            const start = parseIPv4(a!);
            return { i, start, end: start + 2 ** (32 - Number(l)) - 1 };
          });
          // Probe the edges of every network as well as random addresses.
          const all = [...probes, ...ranges.flatMap((r) => [r.start, r.end, r.start - 1, r.end + 1])].filter(
            (p) => p >= 0 && p <= 0xffffffff,
          );
          for (const p of all) {
            const out: IndicatorHit[] = [];
            m.match({ 'source.ip': formatIPv4(p) }, NOW, out);
            const want = ranges.filter((r) => p >= r.start && p <= r.end).map((r) => r.i);
            expect(new Set(out.map((h) => h.indicator))).toEqual(new Set(want));
          }
        },
      ),
    );
  });

  test('a large set (its bitmap per /24) agrees with a direct check, at the edges of every network (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), (seed) => {
        let x = seed;
        const rand = () => {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          return x;
        };
        const inds: Indicator[] = [];
        const singles = new Set<number>();
        for (let i = 0; i <= V4_BITMAP_24; i++) {
          const a = rand();
          singles.add(a);
          inds.push({ type: 'ipv4', value: formatIPv4(a), feed: 'f', confidence: 50, tlp: 'green', firstSeen: NOW });
        }
        const nets: { start: number; end: number; value: string }[] = [];
        for (let i = 0; i < 200; i++) {
          const len = 8 + (rand() % 25);
          const n = ind(`${formatIPv4(rand())}/${len}`);
          inds.push(n);
          const start = parseIPv4(n.value.split('/')[0]!);
          nets.push({ start, end: start + 2 ** (32 - len) - 1, value: n.value });
        }
        const m = new Matcher(new IndicatorSet(inds));
        const probes = [...nets.flatMap((n) => [n.start - 1, n.start, n.end, n.end + 1])];
        for (let i = 0; i < 300; i++)
          probes.push(
            rand(),
            inds[rand() % V4_BITMAP_24]!.value === ''
              ? 0
              : parseIPv4(inds[rand() % V4_BITMAP_24]!.value) + (rand() % 3) - 1,
          );
        for (const p of probes) {
          if (p < 0 || p > 0xffffffff) continue;
          const out: IndicatorHit[] = [];
          m.match({ 'source.ip': formatIPv4(p) }, NOW, out);
          const want = [
            ...(singles.has(p) ? [formatIPv4(p)] : []),
            ...nets.filter((n) => p >= n.start && p <= n.end).map((n) => n.value),
          ];
          expect(out.map((h) => h.indicator.value).sort()).toEqual(want.sort());
        }
      }),
      { numRuns: 5 },
    );
  });
});
