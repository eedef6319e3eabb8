/**
 * Firewall bodies carried in syslog: Linux netfilter (`SRC= DST= PROTO= ...` kernel lines), pfSense/OPNsense
 * `filterlog` CSV, PAN-OS CSV and Cisco ASA `%ASA-6-302013:` tags. All fill the Sigma firewall fields
 * (`src_ip`, `dst_ip`, `src_port`, `dst_port`, `action`) alongside the vendor's own names.
 */

import { digitsAt, isDigit } from './time.js';
import { blank, type DecodeContext, type Decoded, rawDecoded } from './types.js';
import { clfTime } from './web.js';

function fieldsOf(d: Decoded): Record<string, unknown> {
  if (!d.fields) d.fields = {};
  return d.fields;
}

/** Netfilter log lines: `[prefix] IN=eth0 OUT= ... SRC=a DST=b ... PROTO=TCP SPT=1 DPT=2 ... SYN`. */
export function iptablesInto(d: Decoded, msg: string): boolean {
  const src = msg.indexOf(' SRC=');
  if (src < 0 || msg.indexOf(' DST=', src) < 0) return false;
  let i = msg.indexOf('IN=');
  if (i < 0 || i > src) i = src + 1;
  const f = fieldsOf(d);
  // The prefix is what the admin put in --log-prefix (after an optional `[uptime]` stamp).
  let p = 0;
  if (msg.charCodeAt(0) === 91) {
    const close = msg.indexOf(']');
    if (close > 0 && close < i) p = close + 1;
  }
  const prefix = msg.slice(p, i).trim();
  if (prefix) f['netfilter.prefix'] = prefix;
  const n = msg.length;
  const flags: string[] = [];
  while (i < n) {
    while (i < n && msg.charCodeAt(i) === 32) i++;
    const ws = i;
    while (i < n && msg.charCodeAt(i) !== 32) i++;
    if (i === ws) break;
    const eq = msg.indexOf('=', ws);
    if (eq > ws && eq < i) {
      const k = msg.slice(ws, eq);
      // LEN appears twice (IP and UDP length); keep the first, the IP packet length.
      if (f[k] === undefined && k !== '__proto__') f[k] = msg.slice(eq + 1, i);
    } else flags.push(msg.slice(ws, i));
  }
  if (flags.length) f['netfilter.flags'] = flags.join(' ');
  if (f.SRC !== undefined) f.src_ip = f.SRC;
  if (f.DST !== undefined) f.dst_ip = f.DST;
  if (f.SPT !== undefined) f.src_port = Number(f.SPT);
  if (f.DPT !== undefined) f.dst_port = Number(f.DPT);
  if (typeof f.PROTO === 'string') f.protocol = f.PROTO.toLowerCase();
  const pl = prefix.toLowerCase();
  if (pl.includes('drop') || pl.includes('reject') || pl.includes('block') || pl.includes('deny')) f.action = 'drop';
  else if (pl.includes('accept') || pl.includes('allow')) f.action = 'accept';
  d.category = 'firewall';
  d.product = 'linux';
  d.service = 'iptables';
  return true;
}

function splitCsv(s: string): string[] {
  return s.split(',');
}

/** pfSense/OPNsense `filterlog`: rule,sub,anchor,label,iface,reason,action,dir,ipver,... */
export function filterlogInto(d: Decoded, msg: string, product: string): boolean {
  const c = splitCsv(msg);
  if (c.length < 10) return false;
  const f = fieldsOf(d);
  f.rule = c[0];
  f.interface = c[4];
  f.reason = c[5];
  f.action = c[6];
  f.direction = c[7];
  const v = c[8];
  let base: number;
  if (v === '4') {
    f.protocol = c[16];
    base = 18;
  } else if (v === '6') {
    f.protocol = c[12];
    base = 15;
  } else return true;
  f.src_ip = c[base];
  f.dst_ip = c[base + 1];
  const proto = typeof f.protocol === 'string' ? f.protocol.toLowerCase() : '';
  if ((proto === 'tcp' || proto === 'udp') && c[base + 3] !== undefined) {
    f.src_port = Number(c[base + 2]);
    f.dst_port = Number(c[base + 3]);
  }
  d.category = 'firewall';
  d.product = product;
  return true;
}

const PAN_TYPES: Record<string, true> = {
  TRAFFIC: true,
  THREAT: true,
  SYSTEM: true,
  CONFIG: true,
  GLOBALPROTECT: true,
  USERID: true,
  AUTHENTICATION: true,
  HIPMATCH: true,
  DECRYPTION: true,
};

/** PAN-OS CSV bodies: `FUTURE,2024/01/10 10:00:00,serial,TRAFFIC,end,...`. */
export function panosInto(d: Decoded, msg: string): boolean {
  const c1 = msg.indexOf(',');
  if (c1 < 0 || c1 > 12 || digitsAt(msg, c1 + 1, 4) < 0 || msg[c1 + 5] !== '/') return false;
  const c = splitCsv(msg);
  const type = c[3];
  if (type === undefined || !PAN_TYPES[type]) return false;
  const f = fieldsOf(d);
  f['panos.type'] = type;
  f['panos.subtype'] = c[4];
  d.service = type.toLowerCase();
  if (type === 'TRAFFIC' || type === 'THREAT') {
    f.src_ip = c[7];
    f.dst_ip = c[8];
    f.rule = c[11];
    f.src_user = c[12];
    f.dst_user = c[13];
    f.application = c[14];
    f.src_zone = c[16];
    f.dst_zone = c[17];
    if (c[24] !== undefined) f.src_port = Number(c[24]);
    if (c[25] !== undefined) f.dst_port = Number(c[25]);
    f.protocol = c[29];
    f.action = c[30];
  }
  d.category = 'firewall';
  d.product = 'paloalto';
  return true;
}

/**
 * Cisco tags `%FACILITY-SEVERITY-MNEMONIC:` at s[i]: ASA/FTD (`%ASA-6-302013:`, numeric message ids, firewall)
 * and IOS (`%SYS-5-CONFIG_I:`). Severity and message id come from the tag. Returns the index after it, or -1.
 */
export function asaTagAt(d: Decoded, s: string, i: number): number {
  if (s.charCodeAt(i) !== 37) return -1;
  const dash = s.indexOf('-', i + 1);
  if (dash < 0 || dash - i > 24) return -1;
  if (!isDigit(s, dash + 1) || s[dash + 2] !== '-') return -1;
  const colon = s.indexOf(':', dash + 3);
  if (colon < 0 || colon - dash > 40 || colon === dash + 3) return -1;
  const id = s.slice(dash + 3, colon);
  for (let k = 0; k < id.length; k++) {
    const c = id.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95)) return -1;
  }
  const facility = s.slice(i + 1, dash);
  const vendor = facility.toLowerCase();
  const numeric = digitsAt(id, 0, id.length) >= 0;
  d.severity = s.charCodeAt(dash + 1) - 48;
  d.msgid = id;
  if (numeric && (vendor === 'asa' || vendor === 'ftd' || vendor === 'pix' || vendor === 'fwsm')) {
    d.appname = vendor;
    d.product = vendor === 'ftd' ? 'ftd' : 'asa';
    d.category = 'firewall';
  } else {
    d.appname = facility;
    d.product = 'cisco';
  }
  let e = colon + 1;
  if (s.charCodeAt(e) === 32) e++;
  return e;
}

/**
 * The `iptables` decoder for netfilter lines without a syslog header, e.g. Proxmox's
 * `0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 policy DROP: IN=... SRC=...`.
 */
export function decodeIptables(text: string, ctx: DecodeContext): Decoded {
  const d = blank('iptables', text);
  if (!iptablesInto(d, text)) return rawDecoded(text, 'iptables_no_addresses');
  const src = text.indexOf(' SRC=');
  // A `dd/Mon/yyyy:hh:mm:ss +zzzz` stamp before the fields (Proxmox) is the event time.
  for (let i = text.indexOf('/'); i > 2 && i < src; i = text.indexOf('/', i + 1)) {
    if (text[i + 4] === '/' && text[i - 3] === ' ') {
      const t = clfTime(text, i - 3, ctx);
      if (!Number.isNaN(t)) d.time = t;
      break;
    }
  }
  return d;
}

/** An IPv4/IPv6 literal (digits, hex, dots and colons; at least one dot or two colons). */
function looksLikeIp(s: string): boolean {
  if (s.length < 3 || s.length > 45) return false;
  let dots = 0;
  let colons = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) dots++;
    else if (c === 58) colons++;
    else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return (dots === 3 && colons === 0) || colons >= 2;
}

/**
 * One ASA endpoint token: `outside:203.0.113.5/41234`, `203.0.113.5/41234`, `outside/203.0.113.5(41234)`,
 * `inside:10.0.0.1` (ICMP). Returns [ip, port | undefined, interface | undefined] or undefined.
 */
function asaEndpoint(tok: string): [string, number | undefined, string | undefined] | undefined {
  let t = tok;
  if (t.endsWith(',')) t = t.slice(0, -1);
  let iface: string | undefined;
  let port: number | undefined;
  // `iface/ip(port)` (106100)
  const paren = t.indexOf('(');
  if (paren > 0 && t.endsWith(')')) {
    port = Number(t.slice(paren + 1, -1));
    t = t.slice(0, paren);
    const sl = t.indexOf('/');
    if (sl > 0) {
      iface = t.slice(0, sl);
      t = t.slice(sl + 1);
    }
  } else {
    // `iface:ip/port`: the interface name ends at the first ':' unless the rest is IPv6.
    const colon = t.indexOf(':');
    if (
      colon > 0 &&
      t.indexOf('.') > colon &&
      !looksLikeIp(t.slice(0, t.lastIndexOf('/') > 0 ? t.lastIndexOf('/') : t.length))
    ) {
      iface = t.slice(0, colon);
      t = t.slice(colon + 1);
    }
    const sl = t.lastIndexOf('/');
    if (sl > 0) {
      port = Number(t.slice(sl + 1));
      t = t.slice(0, sl);
    }
  }
  if (!looksLikeIp(t)) return undefined;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) return undefined;
  return [t, port, iface];
}

const ASA_PROTOCOLS: Record<string, true> = { tcp: true, udp: true, icmp: true, icmp6: true, gre: true, esp: true };

/**
 * Cisco ASA/FTD connection and ACL messages (106001, 106006, 106014, 106015, 106023, 106100, 302013-302016,
 * 710003 ...): the first two endpoints become `src_ip`/`src_port` and `dst_ip`/`dst_port` (NAT translations in
 * parentheses are skipped), plus `protocol` and `action` (`deny` or `permit`), the Sigma firewall names.
 */
export function asaBodyInto(d: Decoded, msg: string): boolean {
  const words = msg.split(' ');
  const ends: Array<[string, number | undefined, string | undefined]> = [];
  let protocol: string | undefined;
  for (const w of words) {
    if (w === '' || w.charCodeAt(0) === 40) continue;
    const lw = w.toLowerCase();
    if (protocol === undefined && ASA_PROTOCOLS[lw]) protocol = lw;
    const e = asaEndpoint(w);
    if (e) {
      ends.push(e);
      if (ends.length === 2) break;
    }
  }
  if (ends.length < 2) return false;
  const f = fieldsOf(d);
  type End = [string, number | undefined, string | undefined];
  let [s, dst] = ends as [End, End];
  const lm = msg.toLowerCase();
  // `Built outbound ... for outside:<remote> ... to inside:<local>`: the inside host started it.
  if (lm.startsWith('built outbound ')) [s, dst] = [dst, s];
  f.src_ip = s[0];
  if (s[1] !== undefined) f.src_port = s[1];
  if (s[2] !== undefined) f.src_interface = s[2];
  f.dst_ip = dst[0];
  if (dst[1] !== undefined) f.dst_port = dst[1];
  if (dst[2] !== undefined) f.dst_interface = dst[2];
  if (protocol !== undefined) f.protocol = protocol;
  if (lm.startsWith('deny') || lm.includes(' denied') || lm.startsWith('drop')) f.action = 'deny';
  else if (lm.startsWith('built') || lm.includes(' permitted') || lm.startsWith('teardown')) f.action = 'permit';
  return true;
}
