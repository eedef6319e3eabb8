import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { AsnTable, ipv6Hex } from './asn-table.js';

describe('AS table (CSV ranges searched by halving)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asn-'));
  const v4 = join(dir, 'v4.csv');
  const v6 = join(dir, 'v6.csv');
  writeFileSync(v4, '16777216,16777471,13335,"Cloudflare, Inc."\n16778240,16779263,38803,Gtelecom Pty Ltd\n');
  writeFileSync(v6, '2001:200::,2001:200:1b9:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project\n');
  const t = new AsnTable({ v4, v6 });

  test('inside, at the edges and between ranges', () => {
    expect(t.lookup('1.0.0.0')).toEqual({ asn: 13335, org: 'Cloudflare, Inc.' });
    expect(t.lookup('1.0.0.255')).toEqual({ asn: 13335, org: 'Cloudflare, Inc.' });
    expect(t.lookup('1.0.1.0')).toBeUndefined();
    expect(t.lookup('1.0.4.7')).toEqual({ asn: 38803, org: 'Gtelecom Pty Ltd' });
    expect(t.lookup('0.255.255.255')).toBeUndefined();
    expect(t.lookup('2001:200:1::5')).toEqual({ asn: 2500, org: 'WIDE Project' });
    expect(t.lookup('2001:201::1')).toBeUndefined();
    expect(t.lookup('nonsense')).toBeUndefined();
  });

  test('IPv6 text of any spelling sorts as its number', () => {
    expect(ipv6Hex('::1')).toBe(`${'0'.repeat(31)}1`);
    expect(ipv6Hex('::ffff:1.2.3.4')).toBe('00000000000000000000ffff01020304');
    fc.assert(
      fc.property(fc.ipV6(), fc.ipV6(), (a, b) => {
        const [ha, hb] = [ipv6Hex(a)!, ipv6Hex(b)!];
        expect(ha).toHaveLength(32);
        const num = (h: string) => BigInt(`0x${h}`);
        expect(Math.sign(Number(num(ha) - num(hb)))).toBe(ha < hb ? -1 : ha > hb ? 1 : 0);
      }),
    );
  });

  test('the shipped table loads', () => {
    const shipped = new AsnTable();
    expect(shipped.size.v4).toBeGreaterThan(100_000);
    expect(shipped.lookup('1.1.1.1')?.asn).toBe(13335);
  });
});
