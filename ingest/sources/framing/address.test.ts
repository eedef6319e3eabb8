import { describe, expect, it } from '@jest/globals';
import { senderAddress } from './address.js';

describe('senderAddress', () => {
  it('unwraps IPv4-mapped IPv6 and keeps the rest', () => {
    expect(senderAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(senderAddress('2001:db8::1')).toBe('2001:db8::1');
    expect(senderAddress('::ffff:abcd')).toBe('::ffff:abcd');
    expect(senderAddress('192.0.2.7')).toBe('192.0.2.7');
    expect(senderAddress(undefined)).toBe('unknown');
  });
});
