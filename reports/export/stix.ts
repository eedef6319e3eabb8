/**
 * Incidents as STIX 2.1 for a national or provincial monitoring centre, filtered by a sharing policy per agency:
 *
 * - `full`: the incident (with the host in its description), an attack-pattern per ATT&CK technique, a sighting
 *   of each (count, first/last seen, where: the agency), and for public source addresses an indicator and its
 *   sighting; internal (private, loopback, link-local) addresses never leave.
 * - `monitoring_only` (forced for security level 5 systems): the incident's rule title, time, severity label and
 *   ATT&CK techniques, and the sightings of the techniques; no host, no address, no user, no log content, no
 *   indicator. tests/reports/export.test.ts lists every field this profile sends.
 * - `none`: nothing of the agency.
 *
 * An agency whose TLP is above what the target accepts is not sent. Ids are derived from canhgac's ids (UUIDv5
 * style), so a re-sent incident keeps its STIX id and a receiver deduplicates by id and `modified`.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { technique, techniqueId } from '../../core/glossary.js';
import type { Alert, Incident } from '../../incidents/types.js';
import { ruleTitle } from '../rule-names.js';

/** What an agency's incidents share. */
export type Profile = 'full' | 'monitoring_only' | 'none';
/** TLP 2.0 levels (CLEAR is TLP 1.0's WHITE in STIX 2.1's predefined markings). */
export type Tlp = 'clear' | 'green' | 'amber' | 'red';

/** The sharing policy of one export target. */
export interface SharingPolicy {
  /** Who sends: the province's identity (e.g. "Sở Khoa học và Công nghệ tỉnh ..."). */
  producer: string;
  defaultProfile: Profile;
  defaultTlp: Tlp;
  /** The highest TLP the receiver may get; agencies marked above it are not sent. */
  maxTlp: Tlp;
  agencies?: Record<string, { profile?: Profile; tlp?: Tlp; securityLevel?: 1 | 2 | 3 | 4 | 5; name?: string }>;
}

/** STIX 2.1's predefined TLP marking definitions. */
export const TLP_MARKING: Record<Tlp, string> = {
  clear: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
};
const TLP_RANK: Record<Tlp, number> = { clear: 0, green: 1, amber: 2, red: 3 };

/** What the policy says for one agency: a level 5 system never shares more than monitoring only. */
export function resolvePolicy(p: SharingPolicy, agencyId: string): { profile: Profile; tlp: Tlp; name?: string } {
  const a = p.agencies?.[agencyId] ?? {};
  let profile = a.profile ?? p.defaultProfile;
  if (a.securityLevel === 5 && profile === 'full') profile = 'monitoring_only';
  const tlp = a.tlp ?? p.defaultTlp;
  if (TLP_RANK[tlp] > TLP_RANK[p.maxTlp]) profile = 'none';
  return { profile, tlp, ...(a.name ? { name: a.name } : {}) };
}

/** A STIX id derived from a stable key (UUID version 5 layout over SHA-1, namespaced by canhgac). */
export function stixId(type: string, key: string): string {
  const h = createHash('sha1').update(`canhgac:${type}:${key}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${type}--${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** Is an address one that may leave (public unicast)? */
export function isPublicAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return !(
      a === 10 ||
      a === 127 ||
      a === 0 ||
      a >= 224 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (v === 6) return !/^(::1?$|f[cd]|fe[89ab]|ff)/i.test(ip);
  return false;
}

/** A STIX object (plain JSON). */
export type StixObject = Record<string, unknown> & { type: string; id: string };

const ts = (ms: number) => new Date(ms).toISOString().replace(/(\.\d{3})Z$/, '$1Z');

/** The STIX objects of one incident under the policy (empty when the agency shares nothing). */
export function incidentObjects(
  inc: Incident,
  alerts: Alert[],
  policy: SharingPolicy,
  agencyName?: string,
): StixObject[] {
  const { profile, tlp, name } = resolvePolicy(policy, inc.agencyId);
  if (profile === 'none') return [];
  const producer = stixId('identity', `producer:${policy.producer}`);
  const marking = [TLP_MARKING[tlp]];
  const common = { spec_version: '2.1', created_by_ref: producer, object_marking_refs: marking };
  const agency: StixObject = {
    type: 'identity',
    id: stixId('identity', `agency:${inc.agencyId}`),
    spec_version: '2.1',
    created: ts(inc.createdAt),
    modified: ts(inc.createdAt),
    name: agencyName ?? name ?? inc.agencyId,
    identity_class: 'organization',
    sectors: ['government'],
    object_marking_refs: marking,
  };
  const techniques = [
    ...new Set(inc.attack.map((t) => techniqueId(t.replace(/^attack\./i, ''))).filter((t) => t !== undefined)),
  ].sort();
  const phases = [...new Set(techniques.flatMap((t) => technique(t)?.tactics ?? []))].map((phase_name) => ({
    kill_chain_name: 'mitre-attack',
    phase_name,
  }));
  const out: StixObject[] = [agency];
  const title = ruleTitle(inc.ruleId, inc.title, 'vi');
  out.push({
    type: 'incident',
    id: stixId('incident', inc.id),
    ...common,
    created: ts(inc.createdAt),
    modified: ts(Math.max(inc.updatedAt, inc.createdAt)),
    name: title,
    ...(profile === 'full'
      ? {
          description: `${title}${inc.host ? ` trên máy ${inc.host}` : ''}: ${inc.alertCount} cảnh báo từ ${ts(inc.firstSeen)} đến ${ts(inc.lastSeen)}; trạng thái ${inc.state}.`,
        }
      : {}),
    labels: [`severity:${inc.severity}`],
    ...(phases.length ? { kill_chain_phases: phases } : {}),
    ...(techniques.length
      ? {
          external_references: techniques.map((t) => ({
            source_name: 'mitre-attack',
            external_id: t,
            url: `https://attack.mitre.org/techniques/${t.replace('.', '/')}/`,
          })),
        }
      : {}),
  });
  const sighting = (of: string, key: string, count: number): StixObject => ({
    type: 'sighting',
    id: stixId('sighting', `${inc.id}:${key}`),
    ...common,
    created: ts(inc.createdAt),
    modified: ts(Math.max(inc.updatedAt, inc.createdAt)),
    sighting_of_ref: of,
    where_sighted_refs: [agency.id],
    count: Math.max(1, Math.min(999_999_999, count)),
    first_seen: ts(inc.firstSeen),
    last_seen: ts(Math.max(inc.lastSeen, inc.firstSeen)),
  });
  for (const t of techniques) {
    const info = technique(t)!;
    const ap: StixObject = {
      type: 'attack-pattern',
      id: stixId('attack-pattern', t),
      spec_version: '2.1',
      created_by_ref: producer,
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-01-01T00:00:00.000Z',
      name: info.en,
      external_references: [
        {
          source_name: 'mitre-attack',
          external_id: t,
          url: `https://attack.mitre.org/techniques/${t.replace('.', '/')}/`,
        },
      ],
      object_marking_refs: [TLP_MARKING.clear],
    };
    out.push(ap, sighting(ap.id, t, inc.alertCount));
  }
  if (profile === 'full') {
    // Public source addresses of the incident's alerts: an indicator and its sighting each.
    const addrs = new Map<string, number>();
    for (const a of alerts)
      for (const k of ['source.ip', 'client.ip', 'src_ip']) {
        const v = a.fields?.[k];
        if (typeof v === 'string' && isPublicAddress(v)) addrs.set(v, (addrs.get(v) ?? 0) + 1);
      }
    for (const [ip, n] of [...addrs].sort()) {
      const kind = isIP(ip) === 6 ? 'ipv6-addr' : 'ipv4-addr';
      const ind: StixObject = {
        type: 'indicator',
        id: stixId('indicator', `${kind}:${ip}`),
        ...common,
        created: ts(inc.createdAt),
        modified: ts(Math.max(inc.updatedAt, inc.createdAt)),
        name: `${title}: ${ip}`,
        indicator_types: ['malicious-activity'],
        pattern: `[${kind}:value = '${ip}']`,
        pattern_type: 'stix',
        valid_from: ts(inc.firstSeen),
      };
      out.push(ind, sighting(ind.id, `ip:${ip}`, n));
    }
  }
  return out;
}

/** A STIX 2.1 bundle of objects, each id once (the latest `modified` wins), with the producer's identity. */
export function bundle(objects: StixObject[], policy: SharingPolicy, now: number): StixObject {
  const byId = new Map<string, StixObject>();
  const producer: StixObject = {
    type: 'identity',
    id: stixId('identity', `producer:${policy.producer}`),
    spec_version: '2.1',
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    name: policy.producer,
    identity_class: 'organization',
    sectors: ['government'],
  };
  for (const o of [producer, ...objects]) {
    const prev = byId.get(o.id);
    if (!prev || String(o.modified ?? '') > String(prev.modified ?? '')) byId.set(o.id, o);
  }
  const objs = [...byId.values()];
  return {
    type: 'bundle',
    id: stixId('bundle', `${now}:${objs.map((o) => `${o.id}@${o.modified ?? ''}`).join(',')}`),
    objects: objs,
  };
}
