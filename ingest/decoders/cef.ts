/**
 * ArcSight Common Event Format: `CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|Extension`.
 * Header fields escape `\|` and `\\`; extension values escape `\=`, `\\`, `\n`, `\r` and may contain spaces
 * (a value runs until the next ` key=`).
 */

import { digitsAt, isDigit, scanBsd, scanIso } from './time.js';
import { blank, type DecodeContext, type Decoded, rawDecoded } from './types.js';
import { firewallAliases, vendorHint } from './vendors.js';

/** Index just after `CEF:` (and an optional space) when s[i] starts a CEF message, headerless `0|` too; else -1. */
export function cefStart(s: string, i: number): number {
  if (s.startsWith('CEF:', i)) return s[i + 4] === ' ' ? i + 5 : i + 4;
  if (isDigit(s, i) && s[i + 1] === '|') return i;
  return -1;
}

function isKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 46 ||
    c === 45 ||
    c === 91 ||
    c === 93
  );
}

/** Length of `key=` at s[i] (key chars then an unescaped '='), 0 when none starts there. */
function keyLenAt(s: string, i: number): number {
  let j = i;
  while (j < s.length && isKeyChar(s.charCodeAt(j))) j++;
  return j > i && s.charCodeAt(j) === 61 ? j - i : 0;
}

function unescapeExt(v: string): string {
  if (v.indexOf('\\') < 0) return v;
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '\\' && i + 1 < v.length) {
      const n = v[++i];
      out += n === 'n' ? '\n' : n === 'r' ? '\r' : n!;
    } else out += c;
  }
  return out;
}

/** Parses `k=v k2=v with spaces` into `fields`; returns the number of pairs. */
export function parseCefExtension(s: string, i: number, fields: Record<string, unknown>): number {
  const n = s.length;
  while (i < n && s.charCodeAt(i) === 32) i++;
  let count = 0;
  while (i < n) {
    const kl = keyLenAt(s, i);
    if (kl === 0) {
      // Not a key: skip the word (garbage between pairs is ignored, never fatal).
      while (i < n && s.charCodeAt(i) !== 32) i++;
      while (i < n && s.charCodeAt(i) === 32) i++;
      continue;
    }
    const key = s.slice(i, i + kl);
    const vs = i + kl + 1;
    let j = vs;
    let end = n;
    while (j < n) {
      const c = s.charCodeAt(j);
      if (c === 92) {
        j += 2;
        continue;
      }
      if (c === 32) {
        let k = j;
        while (k < n && s.charCodeAt(k) === 32) k++;
        if (k < n && keyLenAt(s, k) > 0) {
          end = j;
          j = k;
          break;
        }
        j = k;
        continue;
      }
      j++;
    }
    if (j >= n) end = n;
    let e = end;
    while (e > vs && s.charCodeAt(e - 1) === 32) e--;
    if (key !== '__proto__') fields[key] = unescapeExt(s.slice(vs, e));
    count++;
    i = end === n ? n : j;
  }
  return count;
}

/** Splits the seven header fields (unescaping `\|`, `\\`); returns the extension start or -1. */
function parseHeader(s: string, i: number, out: string[]): number {
  let cur = '';
  let plain = i;
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 92 && j + 1 < s.length && (s[j + 1] === '|' || s[j + 1] === '\\')) {
      cur += s.slice(plain, j) + s[j + 1];
      j++;
      plain = j + 1;
    } else if (c === 124) {
      out.push(cur + s.slice(plain, j));
      cur = '';
      plain = j + 1;
      if (out.length === 7) return j + 1;
    }
  }
  return -1;
}

/** Fills `d` from a CEF message starting at s[i] (just after `CEF:`); false when it is not valid CEF. */
export function cefInto(d: Decoded, s: string, i: number, ctx: DecodeContext): boolean {
  const h: string[] = [];
  const ext = parseHeader(s, i, h);
  if (ext < 0) return false;
  const fields: Record<string, unknown> = {
    'cef.version': h[0]!.trim(),
    'cef.device_vendor': h[1],
    'cef.device_product': h[2],
    'cef.device_version': h[3],
    'cef.signature_id': h[4],
    'cef.name': h[5],
    'cef.severity': h[6],
  };
  parseCefExtension(s, ext, fields);
  firewallAliases(fields, 'src', 'dst', 'spt', 'dpt', 'act');
  d.fields = d.fields ? Object.assign(d.fields, fields) : fields;
  const msg = fields.msg;
  d.message = typeof msg === 'string' ? msg : h[5]!;
  if (!d.host && typeof fields.dvchost === 'string') d.host = fields.dvchost;
  const rt = fields.rt;
  if (Number.isNaN(d.time) && typeof rt === 'string') {
    // rt is epoch ms, `MMM dd yyyy HH:mm:ss` or ISO 8601 depending on the vendor.
    if (rt.length >= 12 && digitsAt(rt, 0, rt.length) >= 0) d.time = Number(rt);
    else if (isDigit(rt, 0) ? scanIso(rt, 0, ctx.zone, ctx.scan) : scanBsd(rt, 0, ctx.zone, ctx.receivedAt, ctx.scan)) {
      d.time = ctx.scan.ms;
    }
  }
  const hint = vendorHint(h[1]!, h[2]!);
  d.product = hint.product;
  d.category = hint.category;
  return true;
}

/** The `cef` decoder: a bare CEF line (or a syslog line whose body is CEF, via the syslog decoders). */
export function decodeCef(text: string, ctx: DecodeContext): Decoded {
  const st = cefStart(text, 0);
  if (st < 0) return rawDecoded(text, 'cef_no_header');
  const d = blank('cef', text);
  return cefInto(d, text, st, ctx) ? d : rawDecoded(text, 'cef_bad_header');
}
