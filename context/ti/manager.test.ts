import { describe, expect, test } from '@jest/globals';
import { ThreatIntel } from './manager.js';
import { normaliseIndicator } from './observable.js';
import type { Indicator } from './types.js';

const NOW = Date.parse('2026-12-07T00:00:00Z');

function ind(raw: string, extra: Partial<Indicator> = {}): Indicator {
  const n = normaliseIndicator(raw);
  if ('error' in n) throw new Error(n.error);
  return { ...n, feed: 'local', confidence: 90, tlp: 'amber', firstSeen: NOW, ...extra };
}

describe('indicator search', () => {
  const ti = new ThreatIntel({ feeds: [], now: () => NOW });
  ti.setLocal([
    ind('185.220.0.0/16'),
    ind('185.220.101.0/24'),
    ind('185.220.101.7'),
    ind('185.220.101.9', { expiresAt: NOW - 1 }),
    ind('185.220.102.0/24'),
    ind('185.221.0.1'),
    ind('2001:db8:bad::/48'),
    ind('2001:db8:bad:1::5'),
    ind('2001:db8::/32'),
    ind('2001:db9::1'),
    ind('evil.example'),
  ]);
  const values = (v: string) => {
    const r = ti.search(v);
    if ('error' in r) throw new Error(r.error);
    return r.hits.map((h) => h.value);
  };

  test('an address: the address and the networks holding it, most specific first', () => {
    expect(values('185.220.101.7')).toEqual(['185.220.101.7', '185.220.101.0/24', '185.220.0.0/16']);
    expect(values('2001:db8:bad:1::5')).toEqual(['2001:db8:bad:1::5', '2001:db8:bad::/48', '2001:db8::/32']);
  });

  test('a network: the networks holding it, itself and what lies inside it (expired left out), widest first', () => {
    expect(values('185.220.101.0/24')).toEqual(['185.220.0.0/16', '185.220.101.0/24', '185.220.101.7']);
    expect(values('185.220.96.0/20')).toEqual([
      '185.220.0.0/16',
      '185.220.101.0/24',
      '185.220.102.0/24',
      '185.220.101.7',
    ]);
    expect(values('2001:db8:bad::/48')).toEqual(['2001:db8::/32', '2001:db8:bad::/48', '2001:db8:bad:1::5']);
    expect(values('10.0.0.0/8')).toEqual([]);
  });

  test('a subdomain finds its parent domain; a non-indicator is refused', () => {
    expect(values('cdn.Evil.example')).toEqual(['evil.example']);
    expect(ti.search('not a thing')).toHaveProperty('error');
  });
});
