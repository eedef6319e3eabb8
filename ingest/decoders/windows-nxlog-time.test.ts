import { describe, expect, it } from '@jest/globals';
import { decodeJson } from './json.js';
import { decodeContext } from './types.js';

const nx = (o: Record<string, unknown>) =>
  JSON.stringify({
    EventID: 4625,
    Channel: 'Security',
    SourceName: 'Microsoft-Windows-Security-Auditing',
    Hostname: 'SRV',
    ...o,
  });

describe('NXLog Windows events: EventTime is the host local time', () => {
  it('reads a zone-less EventTime in the stream zone when no @timestamp is beside it', () => {
    const d = decodeJson(nx({ EventTime: '2026-11-22 10:15:00' }), decodeContext('Asia/Ho_Chi_Minh'));
    expect(new Date(d.time).toISOString()).toBe('2026-11-22T03:15:00.000Z');
    const utc = decodeJson(nx({ EventTime: '2026-11-22 10:15:00' }), decodeContext('UTC'));
    expect(new Date(utc.time).toISOString()).toBe('2026-11-22T10:15:00.000Z');
  });

  it('keeps @timestamp and zoned times as they are', () => {
    const ctx = decodeContext('Asia/Ho_Chi_Minh');
    const a = decodeJson(nx({ EventTime: '2026-11-22 10:15:00', '@timestamp': '2026-11-22T03:15:02.500Z' }), ctx);
    expect(new Date(a.time).toISOString()).toBe('2026-11-22T03:15:02.500Z');
    const b = decodeJson(nx({ TimeCreated: '2026-11-22T03:15:00.123Z' }), ctx);
    expect(new Date(b.time).toISOString()).toBe('2026-11-22T03:15:00.123Z');
  });
});
