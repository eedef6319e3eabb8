/**
 * W3C extended log format (IIS): `#Fields:` declares the columns for the lines after it in the same stream,
 * so it is kept in the per-stream context; `#` lines produce no event. Also the Windows CBS servicing text log
 * (`2016-09-28 04:30:30, Info   CBS   message`).
 */

import { digitsAt, localToUtc, validClock } from './time.js';
import { blank, type DecodeContext, type Decoded, rawDecoded } from './types.js';

/** W3C field name to the Sigma webserver name: `cs(User-Agent)` -> `cs-user-agent`. */
export function w3cFieldName(f: string): string {
  const p = f.indexOf('(');
  if (p > 0 && f.endsWith(')')) return `${f.slice(0, p)}-${f.slice(p + 1, -1).toLowerCase()}`;
  return f;
}

const NUMERIC: Record<string, true> = {
  'sc-status': true,
  'sc-substatus': true,
  'sc-win32-status': true,
  'time-taken': true,
  's-port': true,
  'sc-bytes': true,
  'cs-bytes': true,
};

/** The `w3c` decoder (IIS and other W3C extended logs). */
export function decodeW3c(text: string, ctx: DecodeContext): Decoded {
  if (text.charCodeAt(0) === 35) {
    const d = blank('w3c', text);
    d.headerOnly = true;
    if (text.startsWith('#Fields:')) {
      ctx.w3cFields = text.slice(8).trim().split(/\s+/).map(w3cFieldName);
    }
    return d;
  }
  const cols = ctx.w3cFields;
  if (!cols) return rawDecoded(text, 'w3c_no_fields_header');
  const vals = text.trimEnd().split(' ');
  const d = blank('w3c', text);
  const f: Record<string, unknown> = {};
  let date = '';
  let time = '';
  const n = Math.min(cols.length, vals.length);
  for (let i = 0; i < n; i++) {
    const k = cols[i]!;
    const v = vals[i]!;
    if (k === 'date') date = v;
    else if (k === 'time') time = v;
    if (v === '-' || k === '__proto__') continue;
    f[k] = NUMERIC[k] && v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  const stem = f['cs-uri-stem'];
  if (typeof stem === 'string' && f['cs-uri'] === undefined) {
    const q = f['cs-uri-query'];
    f['cs-uri'] = typeof q === 'string' ? `${stem}?${q}` : stem;
  }
  if (date.length === 10 && time.length >= 8) {
    const y = digitsAt(date, 0, 4);
    const mo = digitsAt(date, 5, 2) - 1;
    const dd = digitsAt(date, 8, 2);
    const h = digitsAt(time, 0, 2);
    const mi = digitsAt(time, 3, 2);
    const s = digitsAt(time, 6, 2);
    // W3C extended logs are in UTC by definition.
    if (y >= 0 && validClock(mo, dd, h, mi, s)) d.time = Date.UTC(y, mo, dd, h, mi, s);
  }
  d.fields = f;
  const host = f['s-computername'] ?? f['s-sitename'];
  if (typeof host === 'string') d.host = host;
  d.product = 'iis';
  d.category = 'webserver';
  return d;
}

/** True for `YYYY-MM-DD hh:mm:ss, ` (the CBS/DISM text log prefix). */
export function looksLikeCbs(s: string): boolean {
  return s[4] === '-' && s[10] === ' ' && s[19] === ',' && s[20] === ' ' && digitsAt(s, 0, 4) >= 0;
}

/** The `cbs` decoder: Windows CBS/DISM servicing logs (`date time, Level   Component   message`). */
export function decodeCbs(text: string, ctx: DecodeContext): Decoded {
  if (!looksLikeCbs(text)) return rawDecoded(text, 'cbs_bad_prefix');
  const y = digitsAt(text, 0, 4);
  const mo = digitsAt(text, 5, 2) - 1;
  const dd = digitsAt(text, 8, 2);
  const h = digitsAt(text, 11, 2);
  const mi = digitsAt(text, 14, 2);
  const s = digitsAt(text, 17, 2);
  if (!validClock(mo, dd, h, mi, s)) return rawDecoded(text, 'cbs_bad_timestamp');
  const d = blank('cbs', text);
  d.time = localToUtc(Date.UTC(y, mo, dd, h, mi, s), ctx.zone);
  let i = 21;
  const n = text.length;
  while (i < n && text.charCodeAt(i) === 32) i++;
  let e = i;
  while (e < n && text.charCodeAt(e) !== 32) e++;
  const level = text.slice(i, e);
  i = e;
  while (i < n && text.charCodeAt(i) === 32) i++;
  e = i;
  while (e < n && text.charCodeAt(e) !== 32) e++;
  d.appname = text.slice(i, e) || undefined;
  i = e;
  while (i < n && text.charCodeAt(i) === 32) i++;
  d.message = text.slice(i).trimEnd();
  d.fields = { 'log.level': level };
  d.product = 'windows';
  d.service = 'cbs';
  return d;
}
