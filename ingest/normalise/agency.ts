/**
 * Agency attribution: which agency a sender belongs to, by longest-prefix match of its address over the
 * configured networks (IPv4 and IPv6), or by TLS certificate name. Results are cached per address because a
 * province has a few thousand senders and every record asks.
 */

import ipaddr from 'ipaddr.js';
import { counter } from '../../core/metrics.js';
import { decoderError } from '../decoders/errors.js';
import { isValidZone } from '../decoders/time.js';

/** One agency in configuration (`agencies:`), e.g. `{id: '000.00.00.H40', name: 'Sở ...', networks: [...]}`. */
export interface AgencyConfig {
  /** Decision 20/2020/QĐ-TTg code. */
  id: string;
  name: string;
  /** CIDR networks its servers send from (`10.1.0.0/16`, `2001:db8::/48`, a bare address means /32 or /128). */
  networks?: string[];
  /** TLS client certificate names (CN or SAN) that identify it. */
  certNames?: string[];
  /** Zone of its senders' zone-less timestamps (RFC 3164, W3C, ...); absent: the global `timezone`. */
  timezone?: string;
}

/** An agency as events carry it (plus the zone of its zone-less timestamps, which events do not carry). */
export interface Agency {
  id: string;
  name: string;
  timezone?: string;
}

/** The id given to events from senders no agency claims. */
export const UNASSIGNED: Agency = Object.freeze({ id: 'unassigned', name: 'unassigned' });

interface Net {
  /** Address as 16 bytes (IPv4 mapped into ::ffff:0:0/96) so one comparison loop serves both families. */
  bytes: number[];
  bits: number;
  agency: Agency;
}

/** Resolves senders to agencies. */
export interface AgencyTable {
  /** The agency whose network holds `address` (longest prefix wins), or UNASSIGNED. */
  lookup(address: string): Agency;
  /** The configured agency with this id, if any. */
  byId(id: string): Agency | undefined;
  /** The agency a TLS client certificate name belongs to, if any. */
  byCertName(name: string): Agency | undefined;
  /** How many agencies are configured. */
  readonly size: number;
}

function toBytes(addr: ipaddr.IPv4 | ipaddr.IPv6): number[] {
  if (addr.kind() === 'ipv4') return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...addr.toByteArray()];
  const v6 = addr as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return toBytes(v6.toIPv4Address());
  return v6.toByteArray();
}

function parseAddress(s: string): number[] | undefined {
  let a = s;
  // `[::1]` and zone ids (`fe80::1%eth0`) are common in socket addresses.
  if (a.charCodeAt(0) === 91) a = a.slice(1, a.indexOf(']') < 0 ? a.length : a.indexOf(']'));
  const pct = a.indexOf('%');
  if (pct >= 0) a = a.slice(0, pct);
  if (!ipaddr.isValid(a)) return undefined;
  try {
    return toBytes(ipaddr.parse(a));
  } catch {
    return undefined;
  }
}

function contains(net: Net, b: number[]): boolean {
  let bits = net.bits;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((net.bytes[i]! & mask) !== (b[i]! & mask)) return false;
  }
  return true;
}

const unassigned = counter(
  'canhgac_agency_unassigned_total',
  'Records from senders that no configured agency network claims (agency.id = unassigned)',
);

/** Counts one record attributed to no agency. */
export function countUnassigned(): void {
  unassigned.inc();
}

const CACHE_MAX = 100_000;

/** Builds the lookup table; throws CANHGAC_ERR_NORMALISE_BAD_NETWORK / _BAD_AGENCY on invalid configuration. */
export function agencyTable(agencies: readonly AgencyConfig[] = []): AgencyTable {
  const nets: Net[] = [];
  const ids = new Map<string, Agency>();
  const certs = new Map<string, Agency>();
  agencies.forEach((cfg, index) => {
    if (!cfg || typeof cfg.id !== 'string' || cfg.id === '' || typeof cfg.name !== 'string') {
      throw decoderError('CANHGAC_ERR_NORMALISE_BAD_AGENCY', { index, reason: 'id and name are required strings' });
    }
    if (cfg.timezone !== undefined && !isValidZone(cfg.timezone))
      throw decoderError('CANHGAC_ERR_DECODER_BAD_TIMEZONE', { tz: cfg.timezone });
    const agency: Agency =
      cfg.timezone === undefined
        ? { id: cfg.id, name: cfg.name }
        : { id: cfg.id, name: cfg.name, timezone: cfg.timezone };
    ids.set(cfg.id, agency);
    for (const c of cfg.certNames ?? []) certs.set(c.toLowerCase(), agency);
    for (const n of cfg.networks ?? []) {
      const slash = n.indexOf('/');
      const bytes = parseAddress(slash < 0 ? n : n.slice(0, slash));
      const isV4 = slash < 0 ? n.indexOf(':') < 0 : n.slice(0, slash).indexOf(':') < 0;
      const prefix = slash < 0 ? (isV4 ? 32 : 128) : Number(n.slice(slash + 1));
      const max = isV4 ? 32 : 128;
      if (
        !bytes ||
        !Number.isInteger(prefix) ||
        prefix < 0 ||
        prefix > max ||
        (slash >= 0 && n.slice(slash + 1) === '')
      ) {
        throw decoderError('CANHGAC_ERR_NORMALISE_BAD_NETWORK', { agency: cfg.id, network: n });
      }
      nets.push({ bytes, bits: isV4 ? prefix + 96 : prefix, agency });
    }
  });
  // Longest prefix first: the first containing network is the answer.
  nets.sort((a, b) => b.bits - a.bits);
  const cache = new Map<string, Agency>();
  return {
    size: ids.size,
    lookup(address: string): Agency {
      const hit = cache.get(address);
      if (hit !== undefined) return hit;
      let found = UNASSIGNED;
      const b = nets.length > 0 ? parseAddress(address) : undefined;
      if (b) {
        for (const net of nets) {
          if (contains(net, b)) {
            found = net.agency;
            break;
          }
        }
      }
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(address, found);
      return found;
    },
    byId: (id) => ids.get(id),
    byCertName: (name) => certs.get(name.toLowerCase()),
  };
}

/** Zone-less timestamps of the senders in `networks` are read in `timezone` (configuration `senderTimezones`). */
export interface SenderZone {
  networks: string[];
  timezone: string;
}

/**
 * Sender address -> the zone of its network (longest prefix wins), undefined when no entry claims it. Built on the
 * agency table so both read networks alike; throws CANHGAC_ERR_NORMALISE_BAD_NETWORK / DECODER_BAD_TIMEZONE.
 */
export function senderZoneTable(entries: readonly SenderZone[]): (address: string) => string | undefined {
  if (entries.length === 0) return () => undefined;
  const t = agencyTable(
    entries.map((e, i) => ({
      id: `senderTimezones[${i}]`,
      name: e.timezone,
      networks: e.networks,
      timezone: e.timezone,
    })),
  );
  return (address) => t.lookup(address).timezone;
}
