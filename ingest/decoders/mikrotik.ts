/**
 * MikroTik RouterOS syslog (common in provincial networks): `topics,comma,separated message`, with firewall
 * lines such as `firewall,info DROP input: in:ether1 out:(unknown 0), src-mac ..., proto TCP (SYN),
 * 203.0.113.5:51234->192.168.88.1:8291, len 52`.
 */

import type { Decoded } from './types.js';

const TOPICS: Record<string, true> = {
  account: true,
  bgp: true,
  bridge: true,
  caps: true,
  critical: true,
  debug: true,
  dhcp: true,
  dns: true,
  error: true,
  firewall: true,
  hotspot: true,
  info: true,
  interface: true,
  ipsec: true,
  l2tp: true,
  ospf: true,
  ovpn: true,
  ppp: true,
  pppoe: true,
  pptp: true,
  script: true,
  sstp: true,
  system: true,
  warning: true,
  web: true,
  wireguard: true,
  wireless: true,
};

/** Reads `topic,topic message` at the start of msg; returns the index of the message or -1. */
function topicsEnd(msg: string): number {
  const sp = msg.indexOf(' ');
  if (sp < 3 || sp > 48) return -1;
  let start = 0;
  let commas = 0;
  for (let i = 0; i <= sp; i++) {
    const c = msg.charCodeAt(i);
    if (c === 44 || i === sp) {
      if (!TOPICS[msg.slice(start, i)]) return -1;
      if (c === 44) commas++;
      start = i + 1;
    } else if (c < 97 || c > 122) return -1;
  }
  return commas > 0 ? sp + 1 : -1;
}

function endpoint(s: string, f: Record<string, unknown>, ip: string, port: string): void {
  const colon = s.lastIndexOf(':');
  // IPv4 `a.b.c.d:port`; IPv6 addresses hold several colons and MikroTik writes their port after `]:` or not at all.
  if (colon > 0 && s.indexOf(':') === colon) {
    f[ip] = s.slice(0, colon);
    const p = Number(s.slice(colon + 1));
    if (Number.isInteger(p)) f[port] = p;
  } else if (s.charCodeAt(0) === 91 && s.indexOf(']:') > 0) {
    const b = s.indexOf(']:');
    f[ip] = s.slice(1, b);
    const p = Number(s.slice(b + 2));
    if (Number.isInteger(p)) f[port] = p;
  } else f[ip] = s;
}

/** Fills `d` from a RouterOS message; false when the message does not start with RouterOS topics. */
export function mikrotikInto(d: Decoded, msg: string): boolean {
  const m = topicsEnd(msg);
  if (m < 0) return false;
  const topics = msg.slice(0, m - 1);
  d.appname = topics;
  d.product = 'mikrotik';
  const body = msg.slice(m);
  d.message = body;
  if (!topics.startsWith('firewall')) return true;
  d.category = 'firewall';
  const f: Record<string, unknown> = d.fields ?? {};
  d.fields = f;
  const colon = body.indexOf(': in:');
  if (colon > 0) {
    const head = body.slice(0, colon);
    const sp = head.lastIndexOf(' ');
    f.chain = head.slice(sp + 1);
    if (sp > 0) {
      const prefix = head.slice(0, sp);
      f['mikrotik.prefix'] = prefix;
      // RouterOS logs no verdict: the admin's log-prefix names it, as with netfilter (`DROP_WAN`, `accept-lan`).
      const pl = prefix.toLowerCase();
      if (pl.includes('drop') || pl.includes('reject') || pl.includes('block') || pl.includes('deny'))
        f.action = 'drop';
      else if (pl.includes('accept') || pl.includes('allow')) f.action = 'accept';
    }
  }
  const inI = body.indexOf(' in:');
  if (inI >= 0) f['mikrotik.in_interface'] = body.slice(inI + 4, body.indexOf(' ', inI + 4) >>> 0);
  const proto = body.indexOf(', proto ');
  if (proto >= 0) {
    const pe = body.indexOf(',', proto + 8);
    const p = body.slice(proto + 8, pe < 0 ? body.length : pe);
    const sp = p.indexOf(' ');
    f.protocol = (sp < 0 ? p : p.slice(0, sp)).toLowerCase();
    if (pe >= 0) {
      const ce = body.indexOf(',', pe + 1);
      const conn = body.slice(pe + 2, ce < 0 ? body.length : ce);
      const arrow = conn.indexOf('->');
      if (arrow > 0) {
        endpoint(conn.slice(0, arrow), f, 'src_ip', 'src_port');
        endpoint(conn.slice(arrow + 2), f, 'dst_ip', 'dst_port');
      }
    }
  }
  return true;
}
