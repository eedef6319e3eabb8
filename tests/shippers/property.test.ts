/**
 * Property tests of the shipper readers (ingest/normalise/shippers.ts through the JSON decoder): any syslog line
 * in any syslog shipper's shape decodes to the program, pid, host and message the line itself decodes to; and any
 * JSON object at all decodes without throwing, as a known shape or a marked unknown one.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeJson } from '../../ingest/decoders/json.js';
import { decodeRfc3164 } from '../../ingest/decoders/syslog.js';
import { decodeContext } from '../../ingest/decoders/types.js';
import { parseSyslog, SYSLOG_SHAPES } from './shapes.js';

const ctx = () => {
  const c = decodeContext();
  c.receivedAt = Date.parse('2026-11-22T03:20:00Z');
  return c;
};

const line = fc
  .record({
    pri: fc.integer({ min: 0, max: 191 }),
    day: fc.integer({ min: 10, max: 28 }),
    host: fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}$/),
    program: fc.stringMatching(/^[a-z][a-z0-9_-]{0,14}$/),
    pid: fc.option(fc.integer({ min: 1, max: 99999 }).map(String), { nil: undefined }),
    // Printable text that starts with a letter (a body starting with `{`, `<` or a digit is another format).
    message: fc.stringMatching(/^[A-Za-z][ -~]{0,80}$/).map((s) => s.trimEnd()),
  })
  .map((p) => `<${p.pri}>Nov ${p.day} 10:15:00 ${p.host} ${p.program}${p.pid ? `[${p.pid}]` : ''}: ${p.message}`);

describe('shipper readers', () => {
  for (const [shape, gen] of Object.entries(SYSLOG_SHAPES)) {
    it(`${shape}: program, pid, host and message are the line's`, () => {
      fc.assert(
        fc.property(line, (l) => {
          const raw = decodeRfc3164(l, ctx());
          const d = decodeJson(JSON.stringify(gen(parseSyslog(l))), ctx());
          expect(d.error).toBeUndefined();
          expect([d.appname, d.procid, d.host, d.message]).toEqual([raw.appname, raw.procid, raw.host, raw.message]);
        }),
        { numRuns: 100 },
      );
    });
  }

  it('any JSON object decodes without throwing: a known shape, or marked as an unknown one', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 })), (o) => {
        const d = decodeJson(JSON.stringify(o), ctx());
        expect(d.error === undefined || d.error === 'json_unknown_shape').toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
