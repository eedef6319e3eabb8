/**
 * IBM QRadar Log Event Extended Format. 1.0: `LEEF:1.0|Vendor|Product|Version|EventID|k=v<TAB>k=v`.
 * 2.0 adds an optional delimiter field after EventID: one character or its hex code (`x09`, `0x5E`, `^`).
 */

import { scanIso } from './time.js';
import { blank, type DecodeContext, type Decoded, rawDecoded } from './types.js';
import { firewallAliases, vendorHint } from './vendors.js';

function hexDelimiter(f: string): string | undefined {
  let h = f;
  if (h.startsWith('0x') || h.startsWith('0X')) h = h.slice(2);
  else if (h.startsWith('x') || h.startsWith('X')) h = h.slice(1);
  else return undefined;
  if (h.length < 1 || h.length > 4) return undefined;
  const code = Number.parseInt(h, 16);
  return Number.isNaN(code) || code <= 0 ? undefined : String.fromCharCode(code);
}

/** Fills `d` from a LEEF message starting at s[i] (`LEEF:`); false when the header is incomplete. */
export function leefInto(d: Decoded, s: string, i: number, ctx: DecodeContext): boolean {
  if (!s.startsWith('LEEF:', i)) return false;
  const h: string[] = [];
  let j = i + 5;
  while (h.length < 5) {
    const p = s.indexOf('|', j);
    if (p < 0) return false;
    h.push(s.slice(j, p));
    j = p + 1;
  }
  const version = h[0]!.trim();
  let delim = '\t';
  if (version.startsWith('2')) {
    const p = s.indexOf('|', j);
    if (p === j && s.charCodeAt(j + 1) === 124) {
      // `||`: the delimiter is the pipe itself.
      delim = '|';
      j += 2;
    } else if (p >= 0 && p - j <= 6) {
      const f = s.slice(j, p);
      const hex = f.length > 1 ? hexDelimiter(f) : undefined;
      if (f.length === 1) delim = f;
      else if (hex) delim = hex;
      if (f.length <= 1 || hex) j = p + 1;
    }
  }
  const fields: Record<string, unknown> = {
    'leef.version': version,
    'leef.vendor': h[1],
    'leef.product': h[2],
    'leef.product_version': h[3],
    'leef.event_id': h[4],
  };
  const n = s.length;
  while (j < n) {
    let e = s.indexOf(delim, j);
    if (e < 0) e = n;
    const eq = s.indexOf('=', j);
    if (eq > j && eq < e) {
      const k = s.slice(j, eq).trim();
      if (k !== '__proto__') fields[k] = s.slice(eq + 1, e);
    }
    j = e + delim.length;
  }
  firewallAliases(fields, 'src', 'dst', 'srcPort', 'dstPort', 'action');
  d.fields = d.fields ? Object.assign(d.fields, fields) : fields;
  d.message = h[4]!;
  const dt = fields.devTime;
  if (Number.isNaN(d.time) && typeof dt === 'string') {
    if (/^\d{12,14}$/.test(dt)) d.time = Number(dt);
    else if (scanIso(dt, 0, ctx.zone, ctx.scan)) d.time = ctx.scan.ms;
  }
  const hint = vendorHint(h[1]!, h[2]!);
  d.product = hint.product;
  d.category = hint.category;
  return true;
}

/** The `leef` decoder. */
export function decodeLeef(text: string, ctx: DecodeContext): Decoded {
  const d = blank('leef', text);
  return leefInto(d, text, 0, ctx) ? d : rawDecoded(text, 'leef_bad_header');
}
