import { describe, expect, test } from '@jest/globals';
import { enrichEvent, GeoEnricher } from './enrich.js';

describe('GeoIP enrichment (shipped country database)', () => {
  const g = new GeoEnricher({
    networks: [
      { network: '14.160.0.0/16', label: 'gov-vn' },
      { network: '14.160.5.0/24', label: 'so-tttt' },
    ],
  });

  test('public addresses get their country (ISO code and English name)', () => {
    expect(g.lookup('8.8.8.8')).toMatchObject({ countryIso: 'US', countryName: 'United States' });
    expect(g.lookup('113.160.1.1')).toMatchObject({ countryIso: 'VN', countryName: 'Vietnam' });
  });

  test('private, loopback and reserved ranges are labelled, not looked up', () => {
    expect(g.lookup('10.1.2.3')).toEqual({ label: 'private' });
    expect(g.lookup('192.168.1.1')).toEqual({ label: 'private' });
    expect(g.lookup('fd00::1')).toEqual({ label: 'private' });
    expect(g.lookup('127.0.0.1')).toEqual({ label: 'loopback/link-local' });
    expect(g.lookup('203.0.113.5')).toEqual({ label: 'reserved' });
  });

  test('configured networks are labelled (most specific wins) and still get their country', () => {
    expect(g.lookup('14.160.9.9')).toMatchObject({ label: 'gov-vn', countryIso: 'VN' });
    expect(g.lookup('14.160.5.9')).toMatchObject({ label: 'so-tttt', countryIso: 'VN' });
  });

  test('not an address: nothing, no throw', () => {
    expect(g.lookup('not-an-ip')).toBeUndefined();
    expect(g.lookup('')).toBeUndefined();
  });

  test('repeated addresses come from the cache', () => {
    const e = new GeoEnricher();
    e.lookup('8.8.4.4');
    const misses = e.misses;
    for (let i = 0; i < 10; i++) e.lookup('8.8.4.4');
    expect(e.misses).toBe(misses);
    expect(e.hits).toBe(10);
  });

  test('events get ECS fields for each address', () => {
    const e: Record<string, unknown> = { 'source.ip': '8.8.8.8', 'destination.ip': '10.0.0.5', message: 'x' };
    expect(enrichEvent(g, e)).toBe(2);
    expect(e).toMatchObject({
      'source.geo.country_iso_code': 'US',
      'source.geo.country_name': 'United States',
      'destination.geo.label': 'private',
    });
    expect(e['destination.geo.country_iso_code']).toBeUndefined();
  });

  test('a bad configured network is refused with its text', () => {
    expect(() => new GeoEnricher({ networks: [{ network: '300.1.1.0/24', label: 'x' }] })).toThrow('300.1.1.0/24');
  });
});

describe('GeoIP enrichment: city and AS by default, with no download', () => {
  const g = new GeoEnricher();

  test('a public address gets its city (DB-IP City Lite) and its AS number and organisation', () => {
    const info = g.lookup('8.8.8.8');
    expect(info).toMatchObject({ countryIso: 'US', asn: 15169 });
    expect(info?.asOrg).toMatch(/google/i);
    expect(typeof info?.city).toBe('string');
    expect(g.lookup('113.160.1.1')).toMatchObject({ countryIso: 'VN', city: expect.any(String), asn: 45899 });
  });

  test('IPv6 addresses too (the IPv6 city file opens on the first one)', () => {
    const info = g.lookup('2001:4860:4860::8888');
    expect(info).toMatchObject({ countryIso: expect.stringMatching(/^[A-Z]{2}$/), asn: 15169 });
    expect(typeof info?.city).toBe('string');
  });

  test('Vietnamese government networks are labelled gov-vn (the Government Portal, AS149129)', () => {
    expect(g.lookup('103.1.200.10')).toMatchObject({ label: 'gov-vn', countryIso: 'VN', asn: 149129 });
    const own = new GeoEnricher({ governmentAsns: [45899] });
    expect(own.lookup('113.160.1.1')).toMatchObject({ label: 'gov-vn' });
    expect(own.lookup('103.1.200.10')?.label).toBeUndefined();
  });

  test('city and AS can be turned off (country only, from the small database)', () => {
    const small = new GeoEnricher({ city: false, asn: false });
    const info = small.lookup('8.8.8.8');
    expect(info).toMatchObject({ countryIso: 'US' });
    expect(info?.city).toBeUndefined();
    expect(info?.asn).toBeUndefined();
  });
});
