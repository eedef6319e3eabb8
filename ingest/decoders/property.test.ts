import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeCef } from './cef.js';
import { DECODERS, decodeContext } from './index.js';
import { decodeJson } from './json.js';
import { decodeKv } from './kv.js';
import { decodeLeef } from './leef.js';
import { decodeRfc3164, decodeRfc5424 } from './syslog.js';
import type { DecodeContext, Decoded } from './types.js';
import { decodeW3c } from './w3c.js';
import { decodeWeb } from './web.js';

const RECV = Date.UTC(2026, 5, 15, 12, 0, 0);

function ctx(tz = 'UTC'): DecodeContext {
  const c = decodeContext(tz);
  c.receivedAt = RECV;
  return c;
}

/** Prefixes that steer random text into each decoder's deeper branches. */
const PREFIXES = [
  '',
  '<13>',
  '<13>1 ',
  '<13>1 2024-01-01T00:00:00Z h a p m [',
  'Jan  1 00:00:00 ',
  'Jan  1 00:00:00 host prog[1]: ',
  'CEF:0|',
  'CEF:0|a|b|c|d|e|f|',
  'LEEF:2.0|a|b|c|d|',
  '{',
  '#Fields: date time c-ip\n',
  '2024-01-01 00:00:00 ',
  '1.2.3.4 - - [',
  '2021/12/01 13:53:33 [',
  '[Sun Dec 04 04:47:44 2005] [',
  'a=',
  'x SRC=',
];

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 300 }),
  // Random bytes read as UTF-8: invalid sequences become U+FFFD, as on the wire.
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('utf8')),
);

function wellFormed(d: Decoded): void {
  expect(typeof d.format).toBe('string');
  expect(typeof d.message).toBe('string');
  expect(typeof d.time).toBe('number');
  expect(typeof d.headerOnly).toBe('boolean');
}

describe('every decoder survives arbitrary input', () => {
  it.each(Object.keys(DECODERS))('%s never throws', (name) => {
    const decode = DECODERS[name]!;
    const c = ctx();
    fc.assert(
      fc.property(fc.constantFrom(...PREFIXES), anyText, (prefix, text) => {
        wellFormed(decode(prefix + text, c));
      }),
      { numRuns: 150 },
    );
  });

  it.each(Object.keys(DECODERS))('%s stays linear on huge pathological lines', (name) => {
    const decode = DECODERS[name]!;
    const c = ctx();
    const n = 20_000;
    const lines = [
      'a'.repeat(n * 10),
      ' k='.repeat(n),
      `CEF:0|a|b|c|d|e|f|${'k=v '.repeat(n)}`,
      `CEF:0|a|b|c|d|e|f|k=${'\\'.repeat(n)}`,
      `<13>1 - - - - - ${'[a b="c"]'.repeat(n)}`,
      `<13>1 - - - - - [a ${'b="\\"'.repeat(n)}`,
      `Jan  1 00:00:00 h ${'['.repeat(n)}`,
      `1.2.3.4 - - [${'"'.repeat(n)}`,
      `x SRC=${' A=B'.repeat(n)}`,
      `LEEF:2.0|a|b|c|d|^|${'k=v^'.repeat(n)}`,
      `${'a=b,'.repeat(n)}`,
    ];
    const start = Date.now();
    for (const l of lines) wellFormed(decode(l, c));
    expect(Date.now() - start).toBeLessThan(3000);
  });
});

const sdName = fc.stringMatching(/^[!#-<>-\\^-~]{1,32}$/).filter((s) => s !== '__proto__');
const printable = fc.stringMatching(/^[!-~]{1,48}$/).filter((s) => s !== '-');

function sdEscape(v: string): string {
  return v.replace(/[\\"\]]/g, (m) => `\\${m}`);
}

describe('round trips', () => {
  it('RFC 5424: a message built from generated parts decodes back to them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 191 }),
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31) }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.option(printable, { nil: undefined }),
        fc.option(printable, { nil: undefined }),
        fc.option(printable, { nil: undefined }),
        fc.option(
          fc.stringMatching(/^[!-~]{1,32}$/).filter((s) => s !== '-'),
          { nil: undefined },
        ),
        fc.dictionary(sdName, fc.dictionary(sdName, fc.string({ maxLength: 20 }), { maxKeys: 3 }), { maxKeys: 3 }),
        fc.string({ maxLength: 80 }).map((s) => s.trim()),
        fc.boolean(),
        (pri, ms, offMin, host, app, procid, msgid, sd, msg, bom) => {
          const local = new Date(ms + offMin * 60_000).toISOString().slice(0, 23);
          const sign = offMin < 0 ? '-' : '+';
          const a = Math.abs(offMin);
          const off = `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
          const sdText =
            Object.keys(sd).length === 0
              ? '-'
              : Object.entries(sd)
                  .map(
                    ([id, ps]) =>
                      `[${id}${Object.entries(ps)
                        .map(([k, v]) => ` ${k}="${sdEscape(v)}"`)
                        .join('')}]`,
                  )
                  .join('');
          const line = `<${pri}>1 ${local}${off} ${host ?? '-'} ${app ?? '-'} ${procid ?? '-'} ${msgid ?? '-'} ${sdText}${msg === '' ? '' : ` ${bom ? '\uFEFF' : ''}${msg}`}`;
          const d = decodeRfc5424(line, ctx());
          expect(d.error).toBeUndefined();
          expect(d.time).toBe(ms);
          expect([d.facility, d.severity]).toEqual([pri >> 3, pri & 7]);
          expect([d.host, d.appname, d.procid, d.msgid]).toEqual([host, app, procid, msgid]);
          expect(d.structuredData ?? {}).toEqual(sd);
          if (!msg.startsWith('CEF:') && !msg.startsWith('LEEF:')) expect(d.message).toBe(msg);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('RFC 3164: PRI, year-less time, host, program[pid] and message come back', () => {
    const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 191 }),
        fc.integer({ min: RECV - 300 * 86_400_000, max: RECV }).map((t) => Math.floor(t / 1000) * 1000),
        fc.stringMatching(/^[a-z][a-z0-9.-]{0,30}$/),
        fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/),
        fc.option(fc.integer({ min: 1, max: 4_000_000 }), { nil: undefined }),
        fc.stringMatching(/^[A-Za-z][ -~]{0,100}$/).map((s) => s.trimEnd()),
        (pri, t, host, prog, pid, msg) => {
          const dt = new Date(t);
          const stamp = `${MON[dt.getUTCMonth()]} ${String(dt.getUTCDate()).padStart(2, ' ')} ${dt.toISOString().slice(11, 19)}`;
          const line = `<${pri}>${stamp} ${host} ${prog}${pid === undefined ? '' : `[${pid}]`}: ${msg}`;
          const d = decodeRfc3164(line, ctx());
          expect(d.error).toBeUndefined();
          expect(d.time).toBe(t);
          expect([d.facility, d.severity, d.host, d.appname, d.procid]).toEqual([
            pri >> 3,
            pri & 7,
            host,
            prog,
            pid === undefined ? undefined : String(pid),
          ]);
          if (prog !== 'kernel' && prog !== 'filterlog' && !['nginx', 'httpd', 'apache2', 'apache'].includes(prog)) {
            expect(d.message).toBe(msg);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  const cefKey = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,15}$/).filter((k) => k !== '__proto__');
  const cefValue = fc.string({ maxLength: 30 }).map((s) => s.trim());

  it('CEF: header and extension values survive their escapes', () => {
    const escH = (s: string) => s.replace(/[\\|]/g, (m) => `\\${m}`);
    const escE = (s: string) => s.replace(/[\\=]/g, (m) => `\\${m}`).replace(/\n/g, '\\n');
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 20 }), { minLength: 6, maxLength: 6 }),
        fc.dictionary(cefKey, cefValue, { maxKeys: 6 }),
        (header, ext) => {
          const line = `CEF:0|${header.map(escH).join('|')}|${Object.entries(ext)
            .map(([k, v]) => `${k}=${escE(v)}`)
            .join(' ')}`;
          const d = decodeCef(line, ctx());
          expect(d.error).toBeUndefined();
          expect(d.fields?.['cef.device_vendor']).toBe(header[0]);
          expect(d.fields?.['cef.name']).toBe(header[4]);
          expect(d.fields?.['cef.severity']).toBe(header[5]);
          for (const [k, v] of Object.entries(ext)) expect(d.fields?.[k]).toBe(v);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('LEEF 2.0: attributes split on the declared delimiter', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('^', '|', ';', 'x09', '0x7C'),
        fc.dictionary(
          cefKey,
          fc.string({ maxLength: 20 }).filter((v) => !/[\t^|;]/.test(v)),
          { minKeys: 1, maxKeys: 6 },
        ),
        (delim, attrs) => {
          const ch = delim === 'x09' ? '\t' : delim === '0x7C' ? '|' : delim;
          const line = `LEEF:2.0|V|P|1.0|42|${delim}|${Object.entries(attrs)
            .map(([k, v]) => `${k}=${v}`)
            .join(ch)}`;
          const d = decodeLeef(line, ctx());
          for (const [k, v] of Object.entries(attrs)) expect(d.fields?.[k]).toBe(v);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('key=value: quoted values with escapes come back', () => {
    fc.assert(
      fc.property(fc.dictionary(cefKey, fc.string({ maxLength: 20 }), { minKeys: 1, maxKeys: 6 }), (kv) => {
        const line = Object.entries(kv)
          .map(([k, v]) => `${k}="${v.replace(/[\\"]/g, (m) => `\\${m}`)}"`)
          .join(' ');
        const d = decodeKv(line, ctx());
        for (const [k, v] of Object.entries(kv)) expect(d.fields?.[k]).toBe(v);
      }),
      { numRuns: 200 },
    );
  });

  it('access log: request parts and status come back as webserver fields', () => {
    fc.assert(
      fc.property(
        fc.ipV4(),
        fc.constantFrom('GET', 'POST', 'HEAD', 'PUT'),
        fc.stringMatching(/^\/[A-Za-z0-9/._-]{0,30}$/),
        fc.option(fc.stringMatching(/^[A-Za-z0-9=&%._-]{1,30}$/), { nil: undefined }),
        fc.integer({ min: 100, max: 599 }),
        // `-` means absent in access logs.
        fc.stringMatching(/^[ -!#-[\]-~]{1,40}$/).filter((u) => u !== '-'),
        (ip, method, stem, query, status, ua) => {
          const uri = query === undefined ? stem : `${stem}?${query}`;
          const line = `${ip} - - [10/Oct/2000:13:55:36 +0000] "${method} ${uri} HTTP/1.1" ${status} 12 "-" "${ua}"`;
          const d = decodeWeb(line, ctx(), 'nginx');
          expect(d.fields).toMatchObject({
            'c-ip': ip,
            'cs-method': method,
            'cs-uri': uri,
            'cs-uri-stem': stem,
            'sc-status': status,
            'cs-user-agent': ua,
          });
          expect(d.fields?.['cs-uri-query']).toBe(query);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('W3C: values come back under the declared columns', () => {
    const cols = ['s-ip', 'cs-method', 'cs-uri-stem', 'cs-uri-query', 'cs(User-Agent)', 'c-ip'];
    const names = ['s-ip', 'cs-method', 'cs-uri-stem', 'cs-uri-query', 'cs-user-agent', 'c-ip'];
    fc.assert(
      fc.property(
        fc.array(
          fc.stringMatching(/^[!-~]{1,20}$/).filter((v) => v !== '-'),
          { minLength: 6, maxLength: 6 },
        ),
        (vals) => {
          const c = ctx();
          decodeW3c(`#Fields: date time ${cols.join(' ')}`, c);
          const d = decodeW3c(`2024-03-01 12:34:56 ${vals.join(' ')}`, c);
          expect(d.time).toBe(Date.UTC(2024, 2, 1, 12, 34, 56));
          names.forEach((n, i) => {
            expect(d.fields?.[n]).toBe(vals[i]);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('JSON: flat objects of no known shape come back as fields, marked as an unknown shape', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          // `x_` keeps the keys clear of the names shipper readers look for (message, ident, program...).
          fc.stringMatching(/^x_[a-z0-9_]{0,10}$/),
          fc.oneof(fc.string(), fc.integer(), fc.boolean()),
        ),
        (o) => {
          const d = decodeJson(JSON.stringify(o), ctx());
          expect(d.error).toBe('json_unknown_shape');
          const { 'canhgac.shape': shape, 'canhgac.shape_keys': keys, ...rest } = d.fields ?? {};
          expect(rest).toEqual(o);
          expect(shape).toMatch(/^[0-9a-f]{8}$/);
          expect(keys).toBe(Object.keys(o).sort().slice(0, 24).join(','));
          // The fingerprint depends on the key names only, not on their order or values.
          const again = decodeJson(
            JSON.stringify(
              Object.fromEntries(
                Object.keys(o)
                  .reverse()
                  .map((k) => [k, 1]),
              ),
            ),
            ctx(),
          );
          expect(again.fields?.['canhgac.shape']).toBe(shape);
        },
      ),
      { numRuns: 200 },
    );
  });
});
