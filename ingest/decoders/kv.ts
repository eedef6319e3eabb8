/**
 * key=value messages (FortiGate, many appliances): `k=v k2="quoted \"value\"" k3=`. FortiGate's `date=`,
 * `time=` and `tz=` become the event time; `devname` the host.
 */

import { digitsAt, localToUtc, scanIso, zone } from './time.js';
import { blank, type DecodeContext, type Decoded, rawDecoded } from './types.js';
import { firewallAliases } from './vendors.js';

function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
}

/** True when s[i] starts `key=`. */
export function looksLikeKv(s: string, i: number): boolean {
  let j = i;
  while (j < s.length && isKeyChar(s.charCodeAt(j))) j++;
  return j > i && j - i <= 64 && s.charCodeAt(j) === 61;
}

/** Parses pairs from s[i] into `fields`; returns how many. Words that are not pairs are skipped. */
export function parseKv(s: string, i: number, fields: Record<string, unknown>): number {
  const n = s.length;
  let count = 0;
  while (i < n) {
    while (i < n && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 44 || s.charCodeAt(i) === 9)) i++;
    const ks = i;
    while (i < n && isKeyChar(s.charCodeAt(i))) i++;
    if (i === ks || s.charCodeAt(i) !== 61) {
      while (i < n && s.charCodeAt(i) !== 32) i++;
      continue;
    }
    const key = s.slice(ks, i);
    i++;
    let value: string;
    if (s.charCodeAt(i) === 34) {
      i++;
      let v = '';
      let plain = i;
      while (i < n && s.charCodeAt(i) !== 34) {
        if (s.charCodeAt(i) === 92 && i + 1 < n) {
          v += s.slice(plain, i) + s[i + 1];
          i += 2;
          plain = i;
        } else i++;
      }
      value = v + s.slice(plain, i);
      i++;
    } else {
      const vs = i;
      while (i < n && s.charCodeAt(i) !== 32) i++;
      value = s.slice(vs, i);
    }
    if (key !== '__proto__') fields[key] = value;
    count++;
  }
  return count;
}

/** FortiGate `tz` values: `+0700`, `-05:00`, `UTC-5:00`, `UTC` -> offset minutes, or undefined. */
function tzOffset(tz: string): number | undefined {
  let t = tz;
  if (t.startsWith('UTC') || t.startsWith('GMT')) t = t.slice(3);
  if (t === '') return 0;
  const sign = t[0] === '-' ? -1 : t[0] === '+' ? 1 : 0;
  if (sign === 0) return undefined;
  const colon = t.indexOf(':');
  const hh = colon > 0 ? Number(t.slice(1, colon)) : Number(t.slice(1, t.length - 2 > 1 ? t.length - 2 : t.length));
  const mm = colon > 0 ? Number(t.slice(colon + 1)) : t.length > 3 ? Number(t.slice(t.length - 2)) : 0;
  if (!Number.isFinite(hh) || !Number.isFinite(mm) || hh > 14 || mm > 59) return undefined;
  return sign * (hh * 60 + mm);
}

/** Event time from FortiGate-style fields (date+time[+tz], else eventtime/timestamp in s, µs or ns). */
export function kvTime(fields: Record<string, unknown>, ctx: DecodeContext): number {
  const date = fields.date;
  const time = fields.time;
  if (typeof date === 'string' && typeof time === 'string' && date.length === 10 && time.length >= 8) {
    const y = digitsAt(date, 0, 4);
    const mo = digitsAt(date, 5, 2);
    const d = digitsAt(date, 8, 2);
    const h = digitsAt(time, 0, 2);
    const mi = digitsAt(time, 3, 2);
    const s = digitsAt(time, 6, 2);
    if (y > 0 && mo > 0 && d > 0 && h >= 0 && mi >= 0 && s >= 0 && mo <= 12 && d <= 31 && h < 24 && mi < 60 && s < 61) {
      const local = Date.UTC(y, mo - 1, d, h, mi, s);
      const off = typeof fields.tz === 'string' ? tzOffset(fields.tz) : undefined;
      return off === undefined ? localToUtc(local, ctx.zone) : local - off * 60_000;
    }
  }
  const et = fields.eventtime ?? fields.timestamp;
  if (typeof et === 'string' && et.length >= 9 && digitsAt(et, 0, et.length) >= 0) {
    const n = Number(et);
    if (et.length >= 18) return Math.floor(n / 1e6);
    if (et.length >= 15) return Math.floor(n / 1e3);
    if (et.length >= 12) return n;
    return n * 1000;
  }
  if (typeof date === 'string' && scanIso(date, 0, zone('UTC'), ctx.scan)) return ctx.scan.ms;
  return Number.NaN;
}

/** Fills `d` from key=value text at s[i]; false when it holds no pair. */
export function kvInto(d: Decoded, s: string, i: number, ctx: DecodeContext): boolean {
  const fields: Record<string, unknown> = d.fields ?? {};
  if (parseKv(s, i, fields) === 0) return false;
  d.fields = fields;
  if (Number.isNaN(d.time)) d.time = kvTime(fields, ctx);
  if (typeof fields.devname === 'string' && fields.devname !== '') d.host = fields.devname;
  if (fields.devid !== undefined || fields.logid !== undefined || fields.log_id !== undefined) {
    d.product = 'fortigate';
    d.category = 'firewall';
    firewallAliases(fields, 'srcip', 'dstip', 'srcport', 'dstport', 'action');
    if (typeof fields.type === 'string') d.service = fields.type;
  }
  const msg = fields.msg ?? fields.logdesc ?? fields.desc;
  if (typeof msg === 'string') d.message = msg;
  return true;
}

/** The `kv` decoder. */
export function decodeKv(text: string, ctx: DecodeContext): Decoded {
  const d = blank('kv', text);
  return kvInto(d, text, 0, ctx) ? d : rawDecoded(text, 'kv_no_pairs');
}
