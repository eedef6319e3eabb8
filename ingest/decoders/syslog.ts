/**
 * Syslog: RFC 5424 (structured data, BOM, NILVALUE, fractional seconds, offsets) and the real-world RFC 3164
 * family (optional PRI, year-less / with-year / ISO timestamps, optional host, `program[pid]:` tags, Cisco
 * `%ASA-...:` tags). The body then goes through decodeBody (CEF, LEEF, key=value, netfilter, web logs...).
 */

import { auditInto, looksLikeAudit } from './audit.js';
import { cefInto, cefStart } from './cef.js';
import { kvInto, looksLikeKv } from './kv.js';
import { leefInto } from './leef.js';
import { mikrotikInto } from './mikrotik.js';
import { asaBodyInto, asaTagAt, filterlogInto, iptablesInto, panosInto } from './netfw.js';
import { snareInto } from './snare.js';
import { isDigit, scanBsd, scanIso, zone } from './time.js';
import { blank, type DecodeContext, type Decoded, rawDecoded, type StructuredData } from './types.js';
import { accessInto, apacheErrorInto, looksLikeAccess, looksLikeNginxError, nginxErrorInto } from './web.js';

const DAY = 86_400_000;

/** Reads `<PRI>` at s[0]; returns the index after '>' and writes facility/severity, or 0 when absent. */
export function priInto(d: Decoded, s: string): number {
  if (s.charCodeAt(0) !== 60) return 0;
  let v = 0;
  let j = 1;
  while (j < 5 && isDigit(s, j)) {
    v = v * 10 + s.charCodeAt(j) - 48;
    j++;
  }
  if (j === 1 || s.charCodeAt(j) !== 62 || v > 191) return 0;
  d.facility = v >> 3;
  d.severity = v & 7;
  return j + 1;
}

/** Strips a UTF-8 BOM (decoded to U+FEFF) at the start of the message part. */
function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

function token(s: string, i: number): number {
  const sp = s.indexOf(' ', i);
  return sp < 0 ? s.length : sp;
}

function nil(v: string): string | undefined {
  return v === '-' || v === '' ? undefined : v;
}

/** Parses RFC 5424 STRUCTURED-DATA at s[i] ('[' ...); returns the end index or -1 when malformed. */
export function parseStructuredData(s: string, i: number, out: StructuredData): number {
  const n = s.length;
  while (i < n && s.charCodeAt(i) === 91) {
    let j = i + 1;
    while (j < n && s.charCodeAt(j) !== 32 && s.charCodeAt(j) !== 93) j++;
    const id = s.slice(i + 1, j);
    if (id === '' || j >= n) return -1;
    // Own-property lookup only: an SD-ID of `__proto__` must never reach Object.prototype.
    const params: Record<string, string> = Object.hasOwn(out, id) ? out[id]! : {};
    if (id !== '__proto__') out[id] = params;
    while (j < n && s.charCodeAt(j) === 32) {
      j++;
      const eq = s.indexOf('=', j);
      if (eq < 0 || s.charCodeAt(eq + 1) !== 34) return -1;
      const name = s.slice(j, eq);
      j = eq + 2;
      let v = '';
      let plain = j;
      for (;;) {
        if (j >= n) return -1;
        const c = s.charCodeAt(j);
        if (c === 92 && j + 1 < n) {
          const nx = s[j + 1];
          if (nx === '"' || nx === '\\' || nx === ']') {
            v += s.slice(plain, j) + nx;
            j += 2;
            plain = j;
            continue;
          }
          j++;
          continue;
        }
        if (c === 34) break;
        j++;
      }
      if (name !== '__proto__') params[name] = v + s.slice(plain, j);
      j++;
    }
    if (s.charCodeAt(j) !== 93) return -1;
    i = j + 1;
  }
  return i;
}

/** Fills `d` from an RFC 5424 message; `i` is the index after `<PRI>`. */
function rfc5424Into(d: Decoded, s: string, i: number, ctx: DecodeContext): Decoded {
  // VERSION
  let e = token(s, i);
  i = e + 1;
  e = token(s, i);
  if (s.charCodeAt(i) !== 45 || e - i !== 1) {
    if (!scanIso(s, i, ctx.zone, ctx.scan) || ctx.scan.end !== e) {
      return rawDecoded(s, 'rfc5424_bad_timestamp');
    }
    d.time = ctx.scan.ms;
  }
  i = e + 1;
  e = token(s, i);
  d.host = nil(s.slice(i, e));
  i = e + 1;
  e = token(s, i);
  d.appname = nil(s.slice(i, e));
  i = e + 1;
  e = token(s, i);
  d.procid = nil(s.slice(i, e));
  i = e + 1;
  e = token(s, i);
  d.msgid = nil(s.slice(i, e));
  i = e + 1;
  if (i > s.length) return rawDecoded(s, 'rfc5424_truncated_header');
  if (s.charCodeAt(i) === 45) i++;
  else if (s.charCodeAt(i) === 91) {
    const sd: StructuredData = {};
    const end = parseStructuredData(s, i, sd);
    if (end < 0) {
      d.error = 'rfc5424_bad_structured_data';
      d.message = stripBom(s.slice(i)).trimEnd();
      return d;
    }
    d.structuredData = sd;
    i = end;
  } else return rawDecoded(s, 'rfc5424_bad_structured_data');
  if (s.charCodeAt(i) === 32) i++;
  d.message = stripBom(s.slice(i)).trimEnd();
  decodeBody(d, d.message, ctx);
  return d;
}

/** The `rfc5424` decoder. */
export function decodeRfc5424(text: string, ctx: DecodeContext): Decoded {
  const d = blank('rfc5424', text);
  const i = priInto(d, text);
  if (i === 0) return rawDecoded(text, 'rfc5424_no_pri');
  if (!isDigit(text, i) || text.charCodeAt(token(text, i)) !== 32) return rawDecoded(text, 'rfc5424_no_version');
  return rfc5424Into(d, text, i, ctx);
}

/** Scans a 3164 timestamp at s[i] with a per-zone cache of the last one (most lines repeat the second). */
function timeAt(s: string, i: number, ctx: DecodeContext): number {
  const day = Math.floor(ctx.receivedAt / DAY);
  const z = ctx.zone;
  const key = z.lastText;
  if (key.length > 0 && z.lastDay === day && s.startsWith(key, i)) {
    const c = s.charCodeAt(i + key.length);
    if (c === 32 || Number.isNaN(c)) {
      ctx.scan.ms = z.lastMs;
      return i + key.length;
    }
  }
  let ok: boolean;
  if (isDigit(s, i)) ok = scanIso(s, i, ctx.zone, ctx.scan);
  else ok = scanBsd(s, i, ctx.zone, ctx.receivedAt, ctx.scan);
  if (!ok) return -1;
  z.lastText = s.slice(i, ctx.scan.end);
  z.lastMs = ctx.scan.ms;
  z.lastDay = day;
  return ctx.scan.end;
}

/**
 * Reads a `program[pid]:`, `program:` or `name version:` tag at s[i]; fills appname/procid and returns the
 * index of the message, or -1 when there is no tag.
 */
function tagAt(d: Decoded, s: string, i: number): number {
  const n = s.length;
  const limit = Math.min(n, i + 64);
  let j = i;
  while (j < limit) {
    const c = s.charCodeAt(j);
    if (c === 91 || c === 58 || c === 32) break;
    j++;
  }
  if (j === i || j >= limit) return -1;
  const c = s.charCodeAt(j);
  let end: number;
  if (c === 91) {
    const close = s.indexOf(']', j);
    if (close < 0 || close - j > 24) return -1;
    d.appname = s.slice(i, j);
    d.procid = s.slice(j + 1, close);
    end = close + 1;
    if (s.charCodeAt(end) === 58) end++;
  } else if (c === 58) {
    if (j + 1 < n && s.charCodeAt(j + 1) !== 32) return -1;
    d.appname = s.slice(i, j);
    end = j + 1;
  } else {
    // `-- root[2421]: ...` (login) — a tag with spaces, accepted only when it ends in `[digits]:`.
    const br = s.indexOf('[', j);
    if (br > 0 && br < limit) {
      const close = s.indexOf(']', br);
      if (close > br + 1 && close - br <= 11 && s.charCodeAt(close + 1) === 58 && digitsOnly(s, br + 1, close)) {
        d.appname = s.slice(i, br);
        d.procid = s.slice(br + 1, close);
        end = close + 2;
        if (s.charCodeAt(end) === 32) end++;
        return end;
      }
    }
    // `syslogd 1.4.1: restart.` — a program name followed by its version.
    if (!isDigit(s, j + 1)) return -1;
    let k = j + 1;
    while (k < limit && s.charCodeAt(k) !== 32 && s.charCodeAt(k) !== 58) k++;
    if (s.charCodeAt(k) !== 58 || (k + 1 < n && s.charCodeAt(k + 1) !== 32)) return -1;
    d.appname = s.slice(i, k);
    end = k + 1;
  }
  if (s.charCodeAt(end) === 32) end++;
  return end;
}

function digitsOnly(s: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isDigit(s, k)) return false;
  return true;
}

/** Whether the token at s[i..e) cannot be a host name (it is a tag or the start of a body). */
function notAHost(s: string, i: number, e: number): boolean {
  const last = s.charCodeAt(e - 1);
  if (last === 58 && e - i > 1) {
    // `host:` alone is a tag; an IPv6 address ends in ':' only as `::`.
    return s.charCodeAt(e - 2) !== 58;
  }
  for (let k = i; k < e; k++) {
    const c = s.charCodeAt(k);
    if (c === 91 || c === 61 || c === 37 || c === 124) return true;
  }
  return false;
}

/** Fills `d` from an RFC 3164-style message; `i` is the index after `<PRI>` (0 when absent). */
function rfc3164Into(d: Decoded, s: string, i: number, ctx: DecodeContext): Decoded {
  const hadPri = i > 0;
  while (s.charCodeAt(i) === 32) i++;
  let ciscoTime = false;
  if (hadPri) {
    // Cisco IOS: `<189>45: *Mar  1 18:48:50.483 UTC: %SYS-5-CONFIG_I: ...` (sequence number, `*` or `.`
    // when the clock is not synchronised, zone name after the time).
    let k = i;
    while (k < i + 10 && isDigit(s, k)) k++;
    if (k > i && s.charCodeAt(k) === 58 && s.charCodeAt(k + 1) === 32) {
      i = k + 2;
      ciscoTime = true;
    }
    const c = s.charCodeAt(i);
    if (c === 42 || c === 46) {
      i++;
      ciscoTime = true;
    }
  }
  let hasTime = false;
  const te = timeAt(s, i, ctx);
  if (te > 0) {
    d.time = ctx.scan.ms;
    hasTime = true;
    const ts = i;
    i = te;
    if (s.startsWith(' UTC', i) || s.startsWith(' GMT', i)) {
      // An explicit UTC zone after the clock overrides the stream's zone.
      if (scanBsd(s, ts, zone('UTC'), ctx.receivedAt, ctx.scan)) d.time = ctx.scan.ms;
      i += 4;
      ciscoTime = true;
    }
    // `Jan 10 2024 10:00:00: %ASA-...` and IOS put a colon after the time.
    if (s.charCodeAt(i) === 58 && (ciscoTime || s.charCodeAt(i + 2) === 37)) i++;
    while (s.charCodeAt(i) === 32) i++;
  }
  if (!hasTime && !hadPri) return rawDecoded(s, 'rfc3164_no_header');
  const n = s.length;
  if (hasTime && i < n && !s.startsWith('CEF:', i) && !s.startsWith('LEEF:', i)) {
    const e = token(s, i);
    if (!notAHost(s, i, e)) {
      // A token followed by end of line is the message, not a host.
      if (e < n) {
        d.host = s.slice(i, e);
        i = e + 1;
        while (s.charCodeAt(i) === 32) i++;
        // Cisco: `host : %ASA-...`.
        if (s.charCodeAt(i) === 58 && s.charCodeAt(i + 1) === 32) i += 2;
      }
    }
  }
  if (s.startsWith('CEF:', i) || s.startsWith('LEEF:', i)) {
    d.message = s.slice(i).trimEnd();
    decodeBody(d, d.message, ctx);
    return d;
  }
  const asa = asaTagAt(d, s, i);
  if (asa >= 0) {
    d.message = s.slice(asa).trimEnd();
    if (d.category === 'firewall') asaBodyInto(d, d.message);
    return d;
  }
  const m = looksLikeKv(s, i) || s.startsWith('MSWinEventLog\t', i) ? -1 : tagAt(d, s, i);
  d.message = s.slice(m < 0 ? i : m).trimEnd();
  decodeBody(d, d.message, ctx);
  return d;
}

/** The `rfc3164` decoder (also accepts 5424 lines, which senders mix on one port). */
export function decodeRfc3164(text: string, ctx: DecodeContext): Decoded {
  const d = blank('rfc3164', text);
  const i = priInto(d, text);
  if (i > 0 && text.charCodeAt(i) === 49 && text.charCodeAt(i + 1) === 32) {
    d.format = 'rfc5424';
    return rfc5424Into(d, text, i, ctx);
  }
  return rfc3164Into(d, text, i, ctx);
}

/** Decodes a JSON object carried in a syslog message (NXLog `to_json()`); set by json.ts to keep imports acyclic. */
let jsonBody: ((d: Decoded, msg: string, ctx: DecodeContext) => boolean) | undefined;

/** Registers the JSON body decoder (called once by json.ts). */
export function setJsonBodyDecoder(fn: (d: Decoded, msg: string, ctx: DecodeContext) => boolean): void {
  jsonBody = fn;
}

const WEB_APPS: Record<string, string> = { nginx: 'nginx', httpd: 'apache', apache2: 'apache', apache: 'apache' };

/**
 * Decodes what a syslog message carries: CEF, LEEF, key=value (FortiGate), netfilter kernel lines, pfSense
 * filterlog, PAN-OS CSV, web server access/error lines. Leaves `d` alone when the body is plain text.
 */
export function decodeBody(d: Decoded, msg: string, ctx: DecodeContext): void {
  const c0 = msg.charCodeAt(0);
  if (c0 === 67 || (c0 >= 48 && c0 <= 57 && msg.charCodeAt(1) === 124)) {
    const st = cefStart(msg, 0);
    if (st >= 0 && cefInto(d, msg, st, ctx)) return;
  }
  if (c0 === 76 && msg.startsWith('LEEF:') && leefInto(d, msg, 0, ctx)) return;
  if (c0 === 123 && jsonBody !== undefined && jsonBody(d, msg, ctx)) return;
  if (c0 === 77 && snareInto(d, msg, ctx)) return;
  const app = d.appname;
  if (app === undefined) {
    if ((c0 === 116 || c0 === 110) && looksLikeAudit(msg, 0) && auditInto(d, msg, ctx)) return;
    if (looksLikeKv(msg, 0)) {
      kvInto(d, msg, 0, ctx);
      return;
    }
    if (isDigit(msg, 0) && panosInto(d, msg)) return;
    if (c0 >= 97 && c0 <= 122) mikrotikInto(d, msg);
    return;
  }
  if (app === 'kernel') {
    iptablesInto(d, msg);
    return;
  }
  if ((c0 === 116 || c0 === 110) && looksLikeAudit(msg, 0) && auditInto(d, msg, ctx)) return;
  if (app === 'filterlog') {
    filterlogInto(d, msg, 'pfsense');
    return;
  }
  const web = WEB_APPS[app];
  if (web !== undefined) {
    if (looksLikeNginxError(msg, 0)) nginxErrorInto(d, msg, 0, ctx);
    else if (msg.charCodeAt(0) === 91) apacheErrorInto(d, msg, 0, ctx);
    else if (looksLikeAccess(msg, 0)) accessInto(d, msg, 0, ctx);
    d.product = web;
    d.category = 'webserver';
  }
}
