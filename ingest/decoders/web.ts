/**
 * Web server logs: Apache/nginx common and combined access logs mapped to the Sigma webserver fields
 * (`c-ip`, `cs-method`, `cs-uri`, `cs-uri-stem`, `cs-uri-query`, `sc-status`, ...), nginx error logs
 * (`2021/12/01 13:53:33 [error] 31#31: *46 ...`) and Apache error logs (`[Sun Dec 04 04:47:44 2005] [notice] ...`).
 */

import { digitsAt, isDigit, localToUtc, monthAt, scanBsd, validClock } from './time.js';
import { blank, type DecodeContext, type Decoded, rawDecoded } from './types.js';

/** `[17/May/2015:10:05:03 +0000]` at s[i] (s[i] is '[' or any one character); returns ms or NaN. */
export function clfTime(s: string, i: number, ctx: DecodeContext): number {
  const d = digitsAt(s, i + 1, 2);
  const mo = monthAt(s, i + 4);
  const y = digitsAt(s, i + 8, 4);
  const h = digitsAt(s, i + 13, 2);
  const mi = digitsAt(s, i + 16, 2);
  const se = digitsAt(s, i + 19, 2);
  if (y < 0 || s[i + 3] !== '/' || s[i + 7] !== '/' || !validClock(mo, d, h, mi, se)) return Number.NaN;
  const base = Date.UTC(y, mo, d, h, mi, se);
  const sign = s[i + 22];
  if (sign === '+' || sign === '-') {
    const oh = digitsAt(s, i + 23, 2);
    const om = digitsAt(s, i + 25, 2);
    if (oh >= 0 && om >= 0) return base - (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return localToUtc(base, ctx.zone);
}

/** Quoted string at s[i] (s[i] is '"'), honouring `\"`; writes the end (after the quote) to out[0]. */
function quoted(s: string, i: number, end: number[]): string | undefined {
  let j = i + 1;
  let v = '';
  let plain = j;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === 92 && j + 1 < s.length) {
      v += s.slice(plain, j) + s[j + 1];
      j += 2;
      plain = j;
    } else if (c === 34) {
      end[0] = j + 1;
      return v + s.slice(plain, j);
    } else j++;
  }
  return undefined;
}

/** Quick shape test: `... [dd/Mon/yyyy:` appears within the first 300 characters. */
export function looksLikeAccess(s: string, i: number): boolean {
  const b = s.indexOf(' [', i);
  return b > i && b - i < 300 && isDigit(s, b + 2) && s[b + 4] === '/' && s[b + 8] === '/';
}

/** Fills `d` from a combined/common access log line at s[i]. */
export function accessInto(d: Decoded, s: string, i: number, ctx: DecodeContext): boolean {
  const b = s.indexOf(' [', i);
  if (b < 0) return false;
  const close = s.indexOf(']', b);
  if (close < 0) return false;
  const pre = s.slice(i, b).split(' ');
  if (pre.length < 3) return false;
  const n = pre.length;
  const time = clfTime(s, b + 1, ctx);
  if (Number.isNaN(time)) return false;
  const f: Record<string, unknown> = d.fields ?? {};
  f['c-ip'] = pre[n - 3];
  if (pre[n - 1] !== '-') f['cs-username'] = pre[n - 1];
  if (n >= 4) f['cs-host'] = pre[n - 4];
  let j = close + 2;
  const end = [0];
  if (s.charCodeAt(j) !== 34) return false;
  const req = quoted(s, j, end);
  if (req === undefined) return false;
  j = end[0]!;
  const sp1 = req.indexOf(' ');
  const sp2 = req.lastIndexOf(' ');
  let uri: string;
  if (sp1 > 0) {
    f['cs-method'] = req.slice(0, sp1);
    if (sp2 > sp1) {
      uri = req.slice(sp1 + 1, sp2);
      f['cs-version'] = req.slice(sp2 + 1);
    } else uri = req.slice(sp1 + 1);
  } else uri = req;
  f['cs-uri'] = uri;
  const q = uri.indexOf('?');
  f['cs-uri-stem'] = q < 0 ? uri : uri.slice(0, q);
  if (q >= 0) f['cs-uri-query'] = uri.slice(q + 1);
  while (s.charCodeAt(j) === 32) j++;
  const status = digitsAt(s, j, 3);
  if (status >= 0) {
    f['sc-status'] = status;
    j += 3;
  }
  while (s.charCodeAt(j) === 32) j++;
  const bs = j;
  while (j < s.length && s.charCodeAt(j) !== 32) j++;
  const bytes = s.slice(bs, j);
  if (bytes !== '-' && bytes !== '') {
    const nb = Number(bytes);
    if (Number.isFinite(nb)) f['sc-bytes'] = nb;
  }
  while (s.charCodeAt(j) === 32) j++;
  if (s.charCodeAt(j) === 34) {
    const ref = quoted(s, j, end);
    if (ref !== undefined) {
      if (ref !== '-') f['cs-referer'] = ref;
      j = end[0]!;
      while (s.charCodeAt(j) === 32) j++;
      if (s.charCodeAt(j) === 34) {
        const ua = quoted(s, j, end);
        if (ua !== undefined && ua !== '-') f['cs-user-agent'] = ua;
      }
    }
  }
  d.fields = f;
  if (Number.isNaN(d.time)) d.time = time;
  d.category = 'webserver';
  return true;
}

/** nginx error log `YYYY/MM/DD hh:mm:ss [level] pid#tid: *cid message, client: ip, server: x, request: "..."`. */
export function looksLikeNginxError(s: string, i: number): boolean {
  return s[i + 4] === '/' && s[i + 7] === '/' && s[i + 10] === ' ' && s[i + 20] === '[' && digitsAt(s, i, 4) >= 0;
}

/** Fills `d` from an nginx error log line at s[i]. */
export function nginxErrorInto(d: Decoded, s: string, i: number, ctx: DecodeContext): boolean {
  const y = digitsAt(s, i, 4);
  const mo = digitsAt(s, i + 5, 2) - 1;
  const dd = digitsAt(s, i + 8, 2);
  const h = digitsAt(s, i + 11, 2);
  const mi = digitsAt(s, i + 14, 2);
  const se = digitsAt(s, i + 17, 2);
  if (y < 0 || !validClock(mo, dd, h, mi, se)) return false;
  const lc = s.indexOf(']', i + 21);
  if (lc < 0) return false;
  const f: Record<string, unknown> = d.fields ?? {};
  f['log.level'] = s.slice(i + 21, lc);
  let j = lc + 2;
  const hash = s.indexOf('#', j);
  const colon = s.indexOf(': ', j);
  if (hash > j && colon > hash && colon - j < 24) {
    d.procid = s.slice(j, hash);
    j = colon + 2;
  }
  const msg = s.slice(j).trimEnd();
  const client = msg.indexOf(', client: ');
  if (client >= 0) {
    const ce = msg.indexOf(',', client + 10);
    f['c-ip'] = msg.slice(client + 10, ce < 0 ? msg.length : ce);
  }
  const rq = msg.indexOf(', request: "');
  if (rq >= 0) {
    const re = msg.indexOf('"', rq + 12);
    const req = msg.slice(rq + 12, re < 0 ? msg.length : re);
    const sp1 = req.indexOf(' ');
    const sp2 = req.lastIndexOf(' ');
    if (sp1 > 0) {
      f['cs-method'] = req.slice(0, sp1);
      const uri = req.slice(sp1 + 1, sp2 > sp1 ? sp2 : req.length);
      f['cs-uri'] = uri;
      const q = uri.indexOf('?');
      f['cs-uri-stem'] = q < 0 ? uri : uri.slice(0, q);
      if (q >= 0) f['cs-uri-query'] = uri.slice(q + 1);
    }
  }
  d.fields = f;
  d.message = msg;
  if (Number.isNaN(d.time)) d.time = localToUtc(Date.UTC(y, mo, dd, h, mi, se), ctx.zone);
  d.appname ??= 'nginx';
  d.product = 'nginx';
  d.category = 'webserver';
  d.service = 'error';
  return true;
}

/** Apache error log: `[Sun Dec 04 04:47:44 2005] [notice] msg` or 2.4 `[... .123456 2005] [mod:level] [pid N] ...`. */
export function apacheErrorInto(d: Decoded, s: string, i: number, ctx: DecodeContext): boolean {
  if (s.charCodeAt(i) !== 91 || s[i + 4] !== ' ') return false;
  const close = s.indexOf(']', i);
  if (close < 0) return false;
  if (!scanBsd(s, i + 5, ctx.zone, ctx.receivedAt, ctx.scan) || ctx.scan.end !== close) return false;
  const time = ctx.scan.ms;
  const f: Record<string, unknown> = d.fields ?? {};
  let j = close + 1;
  while (s.charCodeAt(j) === 32) j++;
  if (s.charCodeAt(j) === 91) {
    const lc = s.indexOf(']', j);
    if (lc > 0) {
      const lv = s.slice(j + 1, lc);
      const c = lv.lastIndexOf(':');
      f['log.level'] = c >= 0 ? lv.slice(c + 1) : lv;
      if (c >= 0) f['apache.module'] = lv.slice(0, c);
      j = lc + 1;
    }
  }
  // Apache 2.4 adds [pid N:tid M] and [client ip:port] blocks before the text: read them as fields but keep
  // them in the message, as the log shows it.
  while (s.charCodeAt(j) === 32) j++;
  const msgStart = j;
  while (s.charCodeAt(j) === 91) {
    const bc = s.indexOf(']', j);
    if (bc < 0) break;
    const blk = s.slice(j + 1, bc);
    if (blk.startsWith('pid ')) {
      const colon = blk.indexOf(':');
      d.procid = blk.slice(4, colon < 0 ? blk.length : colon);
    } else if (blk.startsWith('client ')) {
      const ip = blk.slice(7);
      const lc = ip.lastIndexOf(':');
      f['c-ip'] = lc > 0 && ip.indexOf(':') === lc ? ip.slice(0, lc) : ip;
    } else break;
    j = bc + 1;
    while (s.charCodeAt(j) === 32) j++;
  }
  d.fields = f;
  d.message = s.slice(msgStart).trimEnd();
  if (Number.isNaN(d.time)) d.time = time;
  d.appname ??= 'apache';
  d.product = 'apache';
  d.category = 'webserver';
  d.service = 'error';
  return true;
}

/** The `apache` / `nginx` / `access` decoder: access log lines, else error log lines. */
export function decodeWeb(text: string, ctx: DecodeContext, product: string | undefined): Decoded {
  const d = blank('access', text);
  if (accessInto(d, text, 0, ctx)) {
    d.product = product;
    return d;
  }
  d.format = 'error_log';
  if (looksLikeNginxError(text, 0) && nginxErrorInto(d, text, 0, ctx)) return d;
  if (apacheErrorInto(d, text, 0, ctx)) return d;
  return rawDecoded(text, 'web_unrecognised');
}
