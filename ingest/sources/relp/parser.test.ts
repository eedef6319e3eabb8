import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { encodeRelp, type RelpFrame, RelpParser } from './parser.js';

function parse(chunks: Buffer[], max?: number): { frames: RelpFrame[]; errors: Array<[number, string]> } {
  const frames: RelpFrame[] = [];
  const errors: Array<[number, string]> = [];
  const p = new RelpParser({ frame: (f) => frames.push(f), error: (o, r) => errors.push([o, r]) }, max);
  for (const c of chunks) p.push(c);
  return { frames, errors };
}

function split(b: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...new Set(cuts)].sort((a, b) => a - b)) {
    out.push(b.subarray(prev, c));
    prev = c;
  }
  out.push(b.subarray(prev));
  return out;
}

describe('RelpParser', () => {
  it('parses open, syslog and close frames as rsyslog sends them', () => {
    const offer = 'relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog';
    const s = Buffer.from(`1 open ${offer.length} ${offer}\n2 syslog 19 <13>Nov 22 host: hi\n3 close 0\n`);
    const { frames, errors } = parse([s]);
    expect(errors).toEqual([]);
    expect(frames.map((f) => [f.txnr, f.command])).toEqual([
      [1, 'open'],
      [2, 'syslog'],
      [3, 'close'],
    ]);
    expect(frames[1]!.data).toBe('<13>Nov 22 host: hi');
  });

  it('any split of a frame stream gives the same frames', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 200 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 15 }),
        (msgs, cuts) => {
          const msgsClean = msgs.map((m) => m.replace(/[\r\n]+$/, ''));
          const stream = Buffer.concat(msgsClean.map((m, i) => encodeRelp(i + 1, 'syslog', m)));
          const { frames, errors } = parse(
            split(
              stream,
              cuts.map((c) => c % (stream.length + 1)),
            ),
          );
          expect(errors).toEqual([]);
          expect(frames.map((f) => f.data)).toEqual(msgsClean);
          expect(frames.map((f) => f.txnr)).toEqual(msgsClean.map((_, i) => i + 1));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('arbitrary bytes never throw; a framing error carries its byte offset and stops the parser', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
        const b = Buffer.from(bytes);
        const { errors } = parse(
          split(
            b,
            cuts.map((c) => c % (b.length + 1)),
          ),
        );
        expect(errors.length).toBeLessThanOrEqual(1);
        for (const [o] of errors) expect(o).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 300 },
    );
    const { frames, errors } = parse([Buffer.from('1 syslog 3 abc\n2 syslog x\n3 syslog 1 z\n')]);
    expect(frames.length).toBe(1);
    expect(errors).toEqual([[24, 'bad data length']]);
  });

  it('truncates oversized data and keeps the stream in sync', () => {
    const big = 'y'.repeat(1000);
    const s = Buffer.concat([encodeRelp(1, 'syslog', big), encodeRelp(2, 'syslog', 'small')]);
    for (const cuts of [[], [5, 30, 500, 1003], Array.from({ length: s.length }, (_, i) => i)]) {
      const { frames, errors } = parse(split(s, cuts), 100);
      expect(errors).toEqual([]);
      expect(frames.map((f) => [f.txnr, f.data.length, f.truncated])).toEqual([
        [1, 100, true],
        [2, 5, false],
      ]);
    }
  });
});
