/**
 * Where HTTP channels (webhook, Slack, Teams, Telegram) may send: an agency admin sets the URL, so without a policy
 * a webhook is a blind request forgery into the SOC's own network. Destinations that are, or resolve to, private,
 * loopback, link-local, carrier-grade NAT, multicast or reserved addresses are refused unless the operator lists
 * the range in `notify.allowPrivateDestinations`. The check runs in the connection's own DNS lookup, so the address
 * checked is the address connected to (no re-resolution in between), and redirects are never followed.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { notifyError } from '../errors.js';

/** Ranges no channel reaches unless allowed. */
const PRIVATE_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const PRIVATE_V6: [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
];

const privateRanges = new BlockList();
for (const [a, p] of PRIVATE_V4) privateRanges.addSubnet(a, p, 'ipv4');
for (const [a, p] of PRIVATE_V6) privateRanges.addSubnet(a, p, 'ipv6');

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d or ::ffff:xxxx:yyyy), else undefined. */
function mappedV4(address: string): string | undefined {
  const m = /^(?:0{0,4}:){0,5}:?ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!m) return undefined;
  if (m[1]) return m[1];
  const hi = Number.parseInt(m[2]!, 16);
  const lo = Number.parseInt(m[3]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** The operator's exceptions (config `notify.allowPrivateDestinations`). */
export interface DestinationPolicy {
  allowPrivate?: readonly string[];
}

/** A compiled policy: which addresses a channel may connect to. */
export interface DestinationCheck {
  /** Why `address` is refused, or undefined when it is allowed. */
  refuse(address: string): string | undefined;
  /** A DNS lookup for http(s).request that refuses what the policy refuses. */
  lookup: LookupFunction;
}

/** Compiles a policy; a bad entry in allowPrivate is a configuration error naming it. */
export function destinationCheck(policy: DestinationPolicy = {}): DestinationCheck {
  const allowed = new BlockList();
  for (const entry of policy.allowPrivate ?? []) {
    const [addr = '', bits] = entry.split('/');
    const family = isIP(addr);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32))
      throw notifyError('CANHGAC_ERR_NOTIFY_DESTINATION', {
        url: entry,
        reason: 'notify.allowPrivateDestinations holds an entry that is not an address or CIDR',
      });
    allowed.addSubnet(addr, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  const refuse = (address: string): string | undefined => {
    const family = isIP(address);
    if (!family) return `${address} is not an address`;
    const type = family === 6 ? 'ipv6' : 'ipv4';
    const mapped = type === 'ipv6' ? mappedV4(address) : undefined;
    if (mapped) return refuse(mapped);
    if (!privateRanges.check(address, type) || allowed.check(address, type)) return undefined;
    return `${address} is a private, loopback, link-local or reserved address`;
  };
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const ok = addresses.filter((a) => refuse(a.address) === undefined);
      if (ok.length === 0) {
        const reason = addresses.map((a) => refuse(a.address)).join('; ') || 'no address';
        return callback(notifyError('CANHGAC_ERR_NOTIFY_DESTINATION', { url: hostname, reason }), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, ok);
      callback(null, ok[0]!.address, ok[0]!.family);
    });
  };
  return { refuse, lookup };
}
