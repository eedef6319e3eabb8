import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { encodeRecords } from './codec.js';
import type { RawRecord } from './types.js';
import { decodeRecords, RecordWriter } from './writer.js';

// Bytes a sender may put in a message: ASCII, quotes, backslashes, control characters, UTF-8 (Vietnamese) and
// invalid UTF-8 (a truncated multi-byte character, a lone continuation byte).
const message = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 120 }).map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a)),
  fc.constantFrom(
    Buffer.from("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8"),
    Buffer.from('Đăng nhập thất bại từ 203.0.113.7 "quoted" \\ back\tslash'),
    Buffer.from([0x3c, 0x31, 0x3e, 0xe1, 0xba]),
    Buffer.from([0x80, 0x41, 0xff, 0x22]),
  ),
);

describe('RecordWriter', () => {
  it('writes exactly what encoding the RawRecord gives, for any bytes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(message, fc.option(fc.constantFrom('000.00.00.H40', 'ag"ency'), { nil: undefined })), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.option(fc.constantFrom('rfc5424', 'json'), { nil: undefined }),
        (msgs, format) => {
          const w = new RecordWriter({ transport: 'tcp', source: '192.0.2.1', format });
          // Messages sit at an offset inside a larger read, as the framer hands them over.
          for (const [i, [m, agency]] of msgs.entries()) {
            const read = Buffer.concat([Buffer.from('xx\n'), m, Buffer.from('\nyy')]);
            w.add(read, 3, 3 + m.length, 1_796_000_000_000 + (i % 3), agency, i % 4 === 3 ? '2001:db8::1' : undefined);
          }
          const batch = w.take()!;
          expect(batch.count).toBe(msgs.length);
          const got = decodeRecords(batch);
          const want: RawRecord[] = msgs.map(([m, agency], i) => ({
            id: got[i]!.id,
            receivedAt: 1_796_000_000_000 + (i % 3),
            transport: 'tcp',
            source: i % 4 === 3 ? '2001:db8::1' : '192.0.2.1',
            agency,
            format,
            data: m.toString('utf8'),
          }));
          expect(got).toEqual(want.map((r) => JSON.parse(JSON.stringify(r))));
          // Byte for byte the spool's own encoding of those records.
          expect(batch.buf.equals(encodeRecords(want))).toBe(true);
          for (const r of got)
            expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hands out batches that later records never overwrite, across slabs', () => {
    const w = new RecordWriter({ transport: 'tcp', source: '127.0.0.1' });
    const big = Buffer.alloc(200 * 1024, 0x61);
    const batches = [];
    for (let i = 0; i < 12; i++) {
      w.add(big, 0, big.length - i, 1_796_000_000_000);
      w.add(Buffer.from(`short ${i}`), 0, 6 + String(i).length, 1_796_000_000_001);
      batches.push(w.take()!);
    }
    expect(w.take()).toBeUndefined();
    for (const [i, b] of batches.entries()) {
      const rs = decodeRecords(b);
      expect(rs.map((r) => r.data.length)).toEqual([big.length - i, 6 + String(i).length]);
      expect(rs[1]!.data).toBe(`short ${i}`);
    }
  });
});
