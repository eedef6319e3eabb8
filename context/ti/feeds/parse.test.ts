import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { projectRoot } from '../../../core/shared-data.js';
import { parseMispEvents } from './misp.js';
import type { FeedDefaults } from './parse-common.js';
import { parsePlainList, splitCsv } from './plain.js';
import { parseStixBundle, patternObservables } from './stix.js';

const FIX = join(projectRoot, 'context', 'ti', 'feeds', 'fixtures');
const NOW = Date.parse('2026-12-07T00:00:00Z');
const D: FeedDefaults = { feed: 'f', confidence: 60, tlp: 'amber', expireDays: 30, now: NOW };
const text = (f: string) => readFileSync(join(FIX, f), 'utf8');

describe('plain lists (abuse.ch formats and pasted lists)', () => {
  test('Feodo Tracker CSV: addresses with first seen and malware', () => {
    const r = parsePlainList(text('feodo-ipblocklist.csv'), D, 'feodo');
    expect(r.problems).toEqual([]);
    expect(r.indicators.map((i) => [i.type, i.value, i.description])).toEqual([
      ['ipv4', '45.134.26.10', 'QakBot'],
      ['ipv4', '185.220.101.7', 'Emotet'],
    ]);
    expect(r.indicators[0]!.firstSeen).toBe(Date.parse('2026-11-30T10:12:04Z'));
    expect(r.indicators[0]!.expiresAt).toBe(NOW + 30 * 86_400_000);
    expect(r.indicators[0]).toMatchObject({ feed: 'f', confidence: 60, tlp: 'amber' });
  });

  test('URLhaus CSV: header in the last comment line', () => {
    const r = parsePlainList(text('urlhaus.csv'), D);
    expect(r.indicators.map((i) => i.value)).toEqual([
      'http://103.77.1.2:38211/i',
      'https://phish.example/dang-nhap/index.php?id=1',
    ]);
    expect(r.indicators[0]!.description).toBe('malware_download');
  });

  test('ThreatFox CSV: typed values, ip:port loses the port, confidence kept, unknown types skipped', () => {
    const r = parsePlainList(text('threatfox.csv'), D);
    expect(r.indicators.map((i) => [i.type, i.value, i.confidence, i.description])).toEqual([
      ['ipv4', '91.92.241.11', 100, 'AsyncRAT'],
      ['domain', 'c2.badhost.example', 75, 'Cobalt Strike'],
      ['sha256', '6a6f0e5b4c2e1b0c1f0e7e3e1c0d0e2f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d', 50, 'Agent Tesla'],
    ]);
    expect(r.skipped).toBe(1);
  });

  test('SSL Blacklist CSV: certificate SHA1 fingerprints', () => {
    const r = parsePlainList(text('sslbl.csv'), D);
    expect(r.indicators.map((i) => [i.type, i.value, i.description])).toEqual([
      ['sha1', 'b08c6f1c2ffbb4f0fbd8f2f6c4a4ea5b4f3b1c2d', 'QakBot C&C'],
    ]);
  });

  test('a pasted list: one value a line, comments kept as descriptions, bad lines reported with file:line', () => {
    const r = parsePlainList(text('vncert-pasted.txt'), D, 'vncert.txt');
    expect(r.indicators.map((i) => [i.type, i.value])).toEqual([
      ['ipv4', '103.9.76.200'],
      ['domain', 'mail-gov.vn-update.com'],
      ['url', 'http://dichvucong-gov.top/login'],
      ['md5', '5f4dcc3b5aa765d61d8327deb882cf99'],
    ]);
    expect(r.indicators[1]!.description).toBe('tên miền giả mạo cổng thư công vụ');
    expect(r.problems).toEqual([{ at: 'vncert.txt:6', reason: expect.stringContaining('not an address') }]);
  });

  test('CSV splitting round-trips quoted fields (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string().filter((s) => s.trim() === s),
          { minLength: 1, maxLength: 6 },
        ),
        (cols) => {
          const line = cols.map((c) => `"${c.replace(/"/g, '""')}"`).join(',');
          expect(splitCsv(line)).toEqual(cols);
        },
      ),
    );
  });

  test('never throws on arbitrary text (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 500 }), (s) => Array.isArray(parsePlainList(s, D).indicators)));
  });
});

describe('MISP feed events', () => {
  test('to_ids attributes of supported types, composite values split, event TLP and info kept', () => {
    const uuids = ['5f0e3c1a-6f1c-4d5e-9a4b-0c1d2e3f4a5b', '7a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9'];
    const r = parseMispEvents(
      uuids.map((u) => [u, JSON.parse(text(`misp/${u}.json`))] as [string, unknown]),
      D,
    );
    expect(r.indicators.map((i) => [i.type, i.value, i.tlp])).toEqual([
      ['domain', 'dichvucong-gov.example', 'amber'],
      ['url', 'https://dichvucong-gov.example/login', 'amber'],
      ['ipv4', '203.0.113.50', 'amber'],
      ['sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'amber'],
      ['ipv4', '45.134.26.10', 'clear'],
      ['md5', '098f6bcd4621d373cade4e832627b4f6', 'clear'],
    ]);
    expect(r.indicators[0]!.description).toBe('Tên miền giả mạo');
    expect(r.indicators[1]!.description).toBe('Chiến dịch lừa đảo giả mạo Cổng DVC');
    expect(r.skipped).toBe(2);
  });

  test('a document that is not an event is a problem, not a crash', () => {
    const r = parseMispEvents([['x', { nope: 1 }]], D);
    expect(r.problems).toEqual([{ at: 'x.json', reason: expect.stringContaining('not a MISP event') }]);
  });
});

describe('STIX 2.1', () => {
  test('a bundle with indicators of every kind', () => {
    const r = parseStixBundle(JSON.parse(text('stix-bundle.json')), D, 'bundle.json');
    expect(r.problems).toEqual([]);
    expect(r.indicators.map((i) => [i.type, i.value])).toEqual([
      ['ipv4', '198.51.100.23'],
      ['cidr', '203.0.113.0/24'],
      ['ipv6', '2001:db8::bad'],
      ['domain', 'dvc-gov.example'],
      ['domain', 'vneid-update.example'],
      ['url', 'http://dvc-gov.example/dang-nhap'],
      ['md5', '44d88612fea8a8f36de82e1278abb02f'],
      ['sha1', '3395856ce81f2b7382dee72602f798b642f14140'],
      ['sha256', '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f'],
      ['domain', 'spoofed-sender.example'],
    ]);
    expect(r.indicators[0]).toMatchObject({ tlp: 'amber', confidence: 90, description: 'C2 server' });
    expect(r.indicators[3]!.description).toBe('Phishing domains: Giả mạo cổng dịch vụ công');
    // AND pattern, expired indicator, snort pattern.
    expect(r.skipped).toBe(3);
  });

  test('patterns outside the subset are refused with the reason', () => {
    expect(
      patternObservables("[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [url:value = 'http://x.example/']"),
    ).toHaveProperty('unsupported');
    expect(patternObservables("[process:name = 'x.exe']")).toEqual({ unsupported: 'process:name' });
    expect(patternObservables("[url:value = 'http://a.example/it\\'s']")).toEqual([
      { value: "http://a.example/it's", type: 'url' },
    ]);
  });

  test('a file that is not a bundle is reported', () => {
    expect(parseStixBundle({ type: 'x' }, D).problems[0]!.reason).toContain('not a STIX 2.1 bundle');
  });
});
