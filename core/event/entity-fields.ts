/**
 * One field per entity (issue 15 point 5): the names each source gives the remote peer, the account, the URL and
 * the process, best first. The normaliser copies the attacker's address into `source.ip` (ECS) from the first of
 * ATTACKER_FIELDS a line carries, while keeping those fields for the Sigma rules that name them; the sender of the
 * line (a syslog relay) is `log.source.address`. Incident grouping reads entities from the same lists.
 */

/** Fields naming the remote peer (the attacker), best first: ECS, sshd, web (W3C/combined), netfilter, Windows. */
export const ATTACKER_FIELDS = [
  'source.ip',
  'client.ip',
  'c-ip',
  'src_ip',
  'SRC',
  'IpAddress',
  'src',
  'clientip',
  'remote_addr',
] as const;

/** Fields naming the account. */
export const USER_FIELDS = ['user.name', 'TargetUserName', 'user', 'cs-username', 'SubjectUserName'] as const;

/** Fields naming the URL (path and query). */
export const URL_FIELDS = ['url.original', 'cs-uri', 'cs-uri-stem', 'request'] as const;

/** Fields naming the process. */
export const PROCESS_FIELDS = ['process.executable', 'process.name', 'NewProcessName', 'Image'] as const;

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const V6 = /^[0-9a-fA-F:.]{2,45}$/;

/**
 * The IP address in a value (brackets, an IPv4 port or an IPv6 zone removed), lower-case; undefined when the
 * value is not one (`-`, a host name, garbage).
 */
export function ipIn(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length < 2 || v.length > 64) return undefined;
  let s = v.trim();
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    s = s.slice(1, end > 0 ? end : undefined);
  }
  const pct = s.indexOf('%');
  if (pct > 0) s = s.slice(0, pct);
  if (V4.test(s)) return s;
  const c = s.indexOf(':');
  if (c > 0 && c === s.lastIndexOf(':') && V4.test(s.slice(0, c))) return s.slice(0, c);
  if (c >= 0 && V6.test(s) && s.split('::').length <= 2) {
    if (s.startsWith('::ffff:') && V4.test(s.slice(7))) return s.slice(7);
    return s.toLowerCase();
  }
  return undefined;
}

/** The attacker's address of an event's fields: the first of ATTACKER_FIELDS holding an IP address. */
export function attackerIn(f: Readonly<Record<string, unknown>>): string | undefined {
  for (const n of ATTACKER_FIELDS) {
    const ip = ipIn(f[n]);
    if (ip !== undefined) return ip;
  }
  return undefined;
}
