import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { type FramerSink, type Framing, SyslogFramer } from './framer.js';

interface Out {
  msgs: string[];
  truncated: number;
  errors: Array<{ offset: number; reason: string }>;
}

function collect(): { sink: FramerSink; out: Out } {
  const out: Out = { msgs: [], truncated: 0, errors: [] };
  const sink: FramerSink = {
    message(d, s, e, t) {
      out.msgs.push(d.toString('utf8', s, e));
      if (t) out.truncated++;
    },
    framingError(offset, reason) {
      out.errors.push({ offset, reason });
    },
  };
  return { sink, out };
}

function run(stream: Buffer, cuts: number[], framing: Framing = 'auto', maxMessageBytes?: number): Out {
  const { sink, out } = collect();
  const f = new SyslogFramer(sink, { framing, ...(maxMessageBytes ? { maxMessageBytes } : {}) });
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    f.push(stream.subarray(prev, c));
    prev = c;
  }
  f.push(stream.subarray(prev));
  f.end();
  return out;
}

// Syslog-looking messages: non-empty, no delimiters, not ending in CR.
const line = fc
  .string({ minLength: 1, maxLength: 200, unit: 'grapheme' })
  .map((s) => `<13>${s.replace(/[\n\r\0]/g, ' ')}`);
const cutsFor = (len: number) => fc.array(fc.integer({ min: 0, max: len }), { maxLength: 20 });

describe('SyslogFramer', () => {
  it('octet-counted: any split of the stream gives the same messages', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ minLength: 1, maxLength: 300 }).map((s) => `<14>${s}`),
          { maxLength: 30 },
        ),
        fc.nat(),
        (msgs, seed) => {
          const stream = Buffer.from(msgs.map((m) => `${Buffer.byteLength(m)} ${m}`).join(''));
          const cuts = fc.sample(cutsFor(stream.length), { numRuns: 1, seed })[0]!;
          const out = run(stream, cuts, 'auto');
          expect(out.msgs).toEqual(msgs);
          expect(out.errors).toEqual([]);
          expect(run(stream, cuts, 'octet-counted').msgs).toEqual(msgs);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('LF, CRLF and NUL delimited: any split gives the same messages', () => {
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 30 }),
        fc.constantFrom('\n', '\r\n', '\0'),
        fc.nat(),
        (msgs, delim, seed) => {
          const stream = Buffer.from(msgs.map((m) => m + delim).join(''));
          const cuts = fc.sample(cutsFor(stream.length), { numRuns: 1, seed })[0]!;
          expect(run(stream, cuts, 'auto').msgs).toEqual(msgs);
          expect(run(stream, cuts, delim === '\0' ? 'nul' : 'lf').msgs).toEqual(msgs);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('arbitrary bytes in arbitrary chunks never throw and never invent bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat({ max: 2000 }), { maxLength: 10 }),
        fc.constantFrom<Framing>('auto', 'octet-counted', 'lf', 'nul'),
        fc.integer({ min: 1, max: 300 }),
        (bytes, cuts, framing, max) => {
          const buf = Buffer.from(bytes);
          const out = run(
            buf,
            cuts.map((c) => Math.min(c, buf.length)),
            framing,
            max,
          );
          const emitted = out.msgs.reduce((a, m) => a + Buffer.byteLength(Buffer.from(m, 'utf8')), 0);
          // UTF-8 replacement chars can grow a byte into three; anything beyond that would be invented data.
          expect(emitted).toBeLessThanOrEqual(buf.length * 3);
          for (const e of out.errors) expect(e.offset).toBeLessThanOrEqual(buf.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('truncates oversized delimited messages, counts them and resyncs at the next delimiter', () => {
    const big = `<13>${'a'.repeat(100)}`;
    const stream = Buffer.from(`<13>first\n${big}\n<13>after\n`);
    for (const cuts of [[], [3, 20, 50, 90], Array.from({ length: stream.length }, (_, i) => i)]) {
      const out = run(stream, cuts, 'lf', 32);
      expect(out.msgs).toEqual(['<13>first', big.slice(0, 32), '<13>after']);
      expect(out.truncated).toBe(1);
    }
  });

  it('truncates oversized octet-counted messages and skips exactly their remaining bytes', () => {
    const big = `<13>${'b'.repeat(100)}`;
    const stream = Buffer.from(`9 <13>first${big.length} ${big}9 <13>after`);
    for (const cuts of [[], [5, 40, 77], Array.from({ length: stream.length }, (_, i) => i)]) {
      const out = run(stream, cuts, 'octet-counted', 32);
      expect(out.msgs).toEqual(['<13>first', big.slice(0, 32), '<13>after']);
      expect(out.truncated).toBe(1);
    }
  });

  it('reports a bad octet count with its byte offset and resyncs', () => {
    const out = run(Buffer.from('9 <13>hello12x4 junk\n5 <13>a'), [], 'octet-counted');
    expect(out.errors).toEqual([{ offset: 11, reason: 'unexpected byte 0x78 in octet count' }]);
    expect(out.msgs).toEqual(['<13>hello', '<13>a']);
  });

  it('auto: a delimited line that starts with a digit is not taken for an octet count', () => {
    const out = run(Buffer.from('2024-05-01 12:00:00 host app: started\n<13>x\n'), [7]);
    expect(out.msgs).toEqual(['2024-05-01 12:00:00 host app: started', '<13>x']);
    expect(out.errors).toEqual([]);
  });

  it('auto: one NUL inside a line does not lock the connection into NUL framing (1 + 1,000 lines: 1,001)', () => {
    const rest = Array.from({ length: 1000 }, (_, i) => `<13>Dec  7 04:00:00 web01 app: line ${i}`);
    const stream = Buffer.from(`<13>Dec  7 04:00:00 web01 app: a\0b\n${rest.join('\n')}\n`);
    for (const cuts of [[], [10, 50, 4000, 20000], [36, 37]]) {
      const out = run(stream, cuts);
      expect(out.msgs).toHaveLength(1001);
      expect(out.msgs[0]).toBe('<13>Dec  7 04:00:00 web01 app: a\0b');
      expect(out.msgs.slice(1)).toEqual(rest);
    }
  });

  it('auto: NULs inside lines and NUL-framed messages mixed in one read give each message once (property)', () => {
    // Data NULs are followed by a byte that starts no frame; NUL frame ends by a PRI. One read holds them all,
    // so the NUL found for one message is reused (or searched past) for the next ones.
    const part = fc.stringMatching(/^[a-z ]{0,12}$/);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(part, { minLength: 1, maxLength: 4 }), fc.constantFrom('\n', '\0')), {
          minLength: 1,
          maxLength: 30,
        }),
        (items) => {
          const msgs = items.map(([parts]) => `<13>x ${parts.map((p) => `q${p}`).join('\0')}`);
          const stream = Buffer.from(items.map(([, d], i) => `${msgs[i]}${d}`).join(''));
          expect(run(stream, []).msgs).toEqual(msgs);
        },
      ),
    );
  });

  it('auto: decides LF, NUL or octet counting per message on one connection', () => {
    const stream = Buffer.from('<13>lf one\n<13>nul one\x00<13>nul two\x009 <14>octet<13>lf two\n<13>last\x00');
    for (const cuts of [[], [5, 17, 30, 41]]) {
      expect(run(stream, cuts).msgs).toEqual([
        '<13>lf one',
        '<13>nul one',
        '<13>nul two',
        '<14>octet',
        '<13>lf two',
        '<13>last',
      ]);
    }
  });

  it('auto: NUL-framed streams in any split still give the same messages', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), fc.nat(), (msgs, seed) => {
        const stream = Buffer.from(msgs.map((m) => `${m}\0`).join(''));
        const cuts = fc.sample(cutsFor(stream.length), { numRuns: 1, seed })[0]!;
        expect(run(stream, cuts, 'auto').msgs).toEqual(msgs);
      }),
      { numRuns: 100 },
    );
  });

  it('delivers an unterminated last line at end of stream but reports a partial octet frame', () => {
    expect(run(Buffer.from('<13>a\n<13>last'), []).msgs).toEqual(['<13>a', '<13>last']);
    const out = run(Buffer.from('20 <13>short'), [], 'auto');
    expect(out.msgs).toEqual([]);
    expect(out.errors[0]?.reason).toMatch(/ended inside/);
  });
});
