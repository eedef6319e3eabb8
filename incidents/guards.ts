/**
 * Guards of entity grouping (issue 15 point 1): values that must never join alerts into one incident. Loopback and
 * unspecified addresses, the agency's own relays and listed scanners (by network), and values an operator lists
 * (a shared service account, a health-check URL). An entity that is stopped still shows on the incident; it only
 * does not join.
 */
import { BlockList, isIP } from 'node:net';
import type { Entity, EntityKind } from './entities.js';

/** One stop-value as configured: an address range, or an exact value of a kind; optionally one agency's. */
export interface StopValue {
  kind?: EntityKind;
  /** CIDR (ip entities). */
  network?: string;
  /** Exact value (case-insensitive); for user/url/process without the host part. */
  value?: string;
  /** Only for this agency (default: every agency). */
  agency?: string;
  /** Why (shown in the docs and the incident's reasons). */
  reason?: string;
}

function blockList(cidrs: readonly string[]): BlockList {
  const b = new BlockList();
  for (const c of cidrs) {
    const [addr, bits] = c.split('/');
    const fam = isIP(addr ?? '');
    if (fam === 0) continue;
    const type = fam === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) b.addAddress(addr!, type);
    else b.addSubnet(addr!, Number(bits), type);
  }
  return b;
}

/** Networks that never join: loopback, unspecified, link-local (the address of a relay on the same machine). */
export const BUILT_IN_STOP_NETWORKS = ['127.0.0.0/8', '0.0.0.0/32', '169.254.0.0/16', '::1/128', '::/128', 'fe80::/10'];

/** Decides which entities may join alerts; built once from the configuration and the agencies' networks. */
export class GroupingGuards {
  private readonly builtIn = blockList(BUILT_IN_STOP_NETWORKS);
  private readonly nets = new Map<string, BlockList>();
  private readonly values = new Map<string, Set<string>>();

  /**
   * @param stops configured stop-values
   * @param agencyNetworks each agency's own networks (its relays and servers send from there): an address in
   *   them is the agency's infrastructure, never an attacker worth joining on
   */
  constructor(stops: readonly StopValue[], agencyNetworks: ReadonlyMap<string, readonly string[]> = new Map()) {
    const byAgency = new Map<string, string[]>();
    for (const s of stops) {
      const scope = s.agency ?? '*';
      if (s.network) byAgency.set(scope, [...(byAgency.get(scope) ?? []), s.network]);
      if (s.value !== undefined) {
        const k = `${scope}\u0000${s.kind ?? '*'}`;
        const set = this.values.get(k) ?? new Set<string>();
        set.add(s.value.toLowerCase());
        this.values.set(k, set);
      }
    }
    for (const [agency, nets] of agencyNetworks) byAgency.set(agency, [...(byAgency.get(agency) ?? []), ...nets]);
    for (const [scope, nets] of byAgency) this.nets.set(scope, blockList(nets));
  }

  /** Whether an entity of an agency's alert may join it to others. */
  joins(agency: string, e: Entity): boolean {
    if (e.kind === 'ip') {
      const type = e.value.includes(':') ? 'ipv6' : 'ipv4';
      if (this.builtIn.check(e.value, type)) return false;
      if (this.nets.get('*')?.check(e.value, type) || this.nets.get(agency)?.check(e.value, type)) return false;
    }
    // user, url and process values carry their host (`root@web01`): the listed value is the part before it.
    const at = e.kind === 'ip' || e.kind === 'host' ? -1 : e.value.lastIndexOf('@');
    const bare = at > 0 ? e.value.slice(0, at) : e.value;
    for (const scope of ['*', agency])
      for (const kind of ['*', e.kind])
        if (this.values.get(`${scope}\u0000${kind}`)?.has(bare.toLowerCase())) return false;
    return true;
  }

  /** The entities of an agency's alert that may join. */
  joining(agency: string, entities: readonly Entity[]): Entity[] {
    return entities.filter((e) => this.joins(agency, e));
  }
}
