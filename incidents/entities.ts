/**
 * The entities of an alert (issue 15 point 1): who attacked (an address), what was attacked (a host), which
 * account, which URL, which process. They are read from the normalised event (ECS names first, then the names
 * the decoders keep for Sigma rules: sshd `client.ip`, web `c-ip`, iptables `SRC`, Windows `IpAddress`), so an
 * alert of any rule names the same entity the same way. Accounts, URLs and processes are local to their host
 * (a `root` on one server is not the `root` of another), so their value carries the host.
 */
import { isIP } from 'node:net';
import { ATTACKER_FIELDS, PROCESS_FIELDS, URL_FIELDS, USER_FIELDS } from '../core/event/entity-fields.js';

/** The kinds of entity an incident groups on. */
export const ENTITY_KINDS = ['ip', 'host', 'user', 'url', 'process'] as const;

/** One kind of entity. */
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** An entity of an alert: kind and value (lower-cased where case means nothing). */
export interface Entity {
  kind: EntityKind;
  value: string;
}

const NO_VALUE = new Set(['', '-', 'unknown', 'null', 'n/a', '(null)']);

function text(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const s = v.trim();
    return s.length === 0 || s.length > 512 || NO_VALUE.has(s.toLowerCase()) ? undefined : s;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function first(src: Readonly<Record<string, unknown>>, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = text(src[n]);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** An IP literal without brackets, zone or port; undefined when not one. */
export function ipOf(v: string): string | undefined {
  let s = v;
  if (s.startsWith('[')) s = s.slice(1, s.indexOf(']') > 0 ? s.indexOf(']') : undefined);
  if (isIP(s)) return s.toLowerCase();
  const c = s.lastIndexOf(':');
  if (c > 0 && s.indexOf(':') === c && isIP(s.slice(0, c)) === 4) return s.slice(0, c);
  return undefined;
}

/**
 * The entities of an event (and of a rule's fields, which win). The address the line came from (the syslog relay,
 * `log.source.address`) is never the attacker. `stored`: the event may predate the entity fields (source.ip was
 * the relay then), so source.ip counts only beside log.source.address.
 */
export function entitiesOf(
  event: Readonly<Record<string, unknown>>,
  fields?: Readonly<Record<string, unknown>>,
  stored = true,
): Entity[] {
  const src = fields ? { ...event, ...fields } : event;
  const out: Entity[] = [];
  const host = first(src, ['host.name', 'Computer', 'hostname'])?.toLowerCase();
  const relay = text(src['log.source.address']);
  for (const n of ATTACKER_FIELDS) {
    const v = text(src[n]);
    const ip = v === undefined ? undefined : ipOf(v);
    // Before the relay moved to log.source.address, source.ip held the relay's address: not the attacker then.
    if (ip === undefined || ip === relay || (stored && n === 'source.ip' && relay === undefined)) continue;
    out.push({ kind: 'ip', value: ip });
    break;
  }
  if (host) out.push({ kind: 'host', value: host });
  const local = (v: string) => (host ? `${v}@${host}` : v);
  const user = first(src, USER_FIELDS);
  if (user) out.push({ kind: 'user', value: local(user.toLowerCase()) });
  const url = first(src, URL_FIELDS);
  if (url) out.push({ kind: 'url', value: local(url.split('?')[0]!) });
  const proc = first(src, PROCESS_FIELDS);
  if (proc) out.push({ kind: 'process', value: local(proc.toLowerCase()) });
  const ti = text(src['threat.indicator.matched.observed']);
  const tiIp = ti === undefined ? undefined : ipOf(ti);
  if (tiIp && !out.some((e) => e.kind === 'ip' && e.value === tiIp)) out.push({ kind: 'ip', value: tiIp });
  return out;
}

/**
 * The entities of a correlation alert: its group-by values only. The event that crossed its count is one of many
 * (ten failed logins from ten addresses): its attacker, host or account is not the correlation's, and which event
 * crosses follows the order events arrive in, so reading them would make grouping depend on that order.
 */
export function groupEntities(
  group: Readonly<Record<string, unknown>> | undefined,
  event: Readonly<Record<string, unknown>>,
): Entity[] {
  if (!group) return [];
  return entitiesOf({ 'log.source.address': event['log.source.address'] }, group, false);
}

/** The stable text of an entity (`ip:203.0.113.5`). */
export function entityKey(e: Entity): string {
  return `${e.kind}:${e.value}`;
}

/** The entity of an entityKey. */
export function parseEntityKey(k: string): Entity {
  const i = k.indexOf(':');
  return { kind: k.slice(0, i) as EntityKind, value: k.slice(i + 1) };
}
