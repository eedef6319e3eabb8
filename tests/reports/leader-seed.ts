/**
 * A province as a leader's report sees it: five agencies with their names, the shipped rules (Vietnamese titles,
 * ATT&CK tags), week 49/2026 complete and week 50/2026 current (now = Wednesday 9/12/2026 10:30), hosts first seen
 * during and after the weeks, one that fell silent. The arrays are exported so tests compute the expected figures
 * without the report code.
 */
import { type HostRecord, hostId } from '../../incidents/silent-hosts.js';
import type { Alert, Incident, IncidentState, Severity } from '../../incidents/types.js';
import { SCOPE_ALL, type StoredEvent, type Stores } from '../../store/types.js';

const H = 3_600_000;
const MIN = 60_000;
const DAY = 24 * H;
/** Local (UTC+7) time to epoch ms, independent of reports/period.ts. */
export const local = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi) - 7 * H;

export const AG = {
  tc: '000.00.31.H40',
  nv: '000.00.32.H40',
  yt: '000.00.33.H40',
  vp: '000.00.34.H40',
  kh: '000.00.35.H40',
};
export const AGENCY_NAMES: Record<string, string> = {
  [AG.tc]: 'Sở Tài chính',
  [AG.nv]: 'Sở Nội vụ',
  [AG.yt]: 'Sở Y tế',
  [AG.vp]: 'Văn phòng UBND tỉnh',
  [AG.kh]: 'Sở Khoa học và Công nghệ',
};
/** Shipped rules (rules/sigma) with their tags. */
export const RULES = {
  sshBrute: {
    id: 'bd960e61-c24a-41a7-9c16-6df2867910a4',
    title: 'SSH Brute Force From One Address Against One Account',
    tags: ['attack.credential-access', 'attack.t1110.001'],
  },
  sqli: {
    id: 'b3a0242d-91eb-4a78-b469-f2403149ab0a',
    title: 'SQL Injection Attempt In A Web Request',
    tags: ['attack.initial-access', 'attack.t1190'],
  },
  webshell: {
    id: '15f1d3b0-bace-485f-af49-760caf2b0e93',
    title: 'Web Shell Request',
    tags: ['attack.persistence', 'attack.t1505.003'],
  },
  portScan: {
    id: '62c834c1-bb6e-433f-ba91-0bfe3f2d1e87',
    title: 'Port Scan From One Address (Firewall)',
    tags: ['attack.discovery', 'attack.reconnaissance', 'attack.t1046', 'attack.t1595.001'],
  },
};

/** Week 49/2026: Monday 30/11 to Sunday 6/12; week 50: 7/12 to 13/12. */
export const W49 = { from: local(2026, 11, 30), to: local(2026, 12, 7) };
export const W50 = { from: local(2026, 12, 7), to: local(2026, 12, 14) };
/** "Now" for the current week: Wednesday 9/12/2026 10:30. */
export const NOW = local(2026, 12, 9, 10, 30);

export const events: StoredEvent[] = [];
let seq = 0;
function ev(agency: string, host: string, t: number) {
  events.push({
    'event.id': `lev-${++seq}`,
    '@timestamp': new Date(t).toISOString(),
    'agency.id': agency,
    'host.name': host,
    message: 'sshd[1]: Failed password for root from 203.0.113.7 port 4711 ssh2',
  });
}
/** Which hosts send on which days: [agency, host, first day (ms), last day (ms, exclusive), events per day]. */
const senders: [string, string, number, number, number][] = [
  [AG.tc, 'cong-dich-vu-tc', W49.from - 30 * DAY, NOW, 12],
  [AG.tc, 'csdl-tc', W49.from - 30 * DAY, NOW, 5],
  [AG.nv, 'web-nv', W49.from - 30 * DAY, NOW, 9],
  // Fell silent on Friday 4/12 at 13:00.
  [AG.nv, 'mail-nv', W49.from - 30 * DAY, local(2026, 12, 4, 13), 4],
  [AG.yt, 'his-yt', W49.from - 30 * DAY, NOW, 7],
  // First seen on Thursday 3/12: judged only from then.
  [AG.yt, 'pacs-yt', local(2026, 12, 3, 8), NOW, 3],
  [AG.vp, 'egov-vp', W49.from - 30 * DAY, NOW, 15],
];
for (const [agency, host, from, to, perDay] of senders)
  for (let day = Math.max(from, W49.from - 7 * DAY); day < to; day += DAY)
    for (let i = 0; i < perDay; i++) {
      const t = day - ((day - from) % DAY) + 8 * H + i * 20 * MIN;
      if (t >= from && t < to) ev(agency, host, t);
    }

interface IncSpec {
  id: string;
  agencyId: string;
  severity: Severity;
  state: IncidentState;
  rule: { id: string; title: string; tags: string[] };
  host: string;
  created: number;
  ackAfter?: number;
  resolveAfter?: number;
  ackBreachedAt?: number;
  resolveBreachedAt?: number;
  alerts: number;
}
export const incidentSpecs: IncSpec[] = [
  // Week 49
  {
    id: 'L1',
    agencyId: AG.tc,
    severity: 'high',
    state: 'resolved',
    rule: RULES.sshBrute,
    host: 'cong-dich-vu-tc',
    created: local(2026, 11, 30, 9),
    ackAfter: 12 * MIN,
    resolveAfter: 3 * H,
    alerts: 18,
  },
  {
    id: 'L2',
    agencyId: AG.vp,
    severity: 'critical',
    state: 'in_progress',
    rule: RULES.webshell,
    host: 'egov-vp',
    created: local(2026, 12, 2, 14),
    ackAfter: 25 * MIN,
    resolveBreachedAt: local(2026, 12, 3, 14),
    alerts: 3,
  },
  {
    id: 'L3',
    agencyId: AG.yt,
    severity: 'high',
    state: 'new',
    rule: RULES.sqli,
    host: 'his-yt',
    created: local(2026, 12, 3, 10),
    ackBreachedAt: local(2026, 12, 3, 11),
    alerts: 9,
  },
  {
    id: 'L4',
    agencyId: AG.tc,
    severity: 'medium',
    state: 'false_positive',
    rule: RULES.portScan,
    host: 'csdl-tc',
    created: local(2026, 12, 4, 16),
    ackAfter: 40 * MIN,
    resolveAfter: 2 * H,
    alerts: 2,
  },
  {
    id: 'L5',
    agencyId: AG.tc,
    severity: 'high',
    state: 'resolved',
    rule: RULES.sshBrute,
    host: 'csdl-tc',
    created: local(2026, 12, 5, 2),
    ackAfter: 6 * H,
    resolveAfter: 9 * H,
    ackBreachedAt: local(2026, 12, 5, 3),
    alerts: 25,
  },
  // Week 50 until Wednesday morning
  {
    id: 'L6',
    agencyId: AG.nv,
    severity: 'high',
    state: 'acknowledged',
    rule: RULES.sshBrute,
    host: 'web-nv',
    created: local(2026, 12, 8, 9),
    ackAfter: 15 * MIN,
    alerts: 11,
  },
  {
    id: 'L7',
    agencyId: AG.vp,
    severity: 'medium',
    state: 'new',
    rule: RULES.sqli,
    host: 'egov-vp',
    created: local(2026, 12, 9, 8),
    alerts: 4,
  },
];

export function incidentDoc(s: IncSpec): Incident {
  const acknowledgedAt = s.ackAfter !== undefined ? s.created + s.ackAfter : undefined;
  const resolvedAt = s.resolveAfter !== undefined ? s.created + s.resolveAfter : undefined;
  return {
    id: s.id,
    key: `${s.rule.id}|${s.agencyId}|${s.host}`,
    title: s.rule.title,
    ruleId: s.rule.id,
    agencyId: s.agencyId,
    host: s.host,
    severity: s.severity,
    state: s.state,
    alertCount: s.alerts,
    firstSeen: s.created,
    lastSeen: s.created + 20 * MIN,
    attack: s.rule.tags,
    alertIds: [],
    eventIds: [],
    createdAt: s.created,
    updatedAt: Math.max(
      s.created,
      acknowledgedAt ?? 0,
      resolvedAt ?? 0,
      s.ackBreachedAt ?? 0,
      s.resolveBreachedAt ?? 0,
    ),
    ...(acknowledgedAt !== undefined ? { acknowledgedAt } : {}),
    ...(resolvedAt !== undefined ? { resolvedAt } : {}),
    reopenCount: 0,
    sla: {
      ...(s.ackBreachedAt !== undefined ? { ackBreachedAt: s.ackBreachedAt } : {}),
      ...(s.resolveBreachedAt !== undefined ? { resolveBreachedAt: s.resolveBreachedAt } : {}),
    },
  };
}

/** One alert per counted alert of an incident, a minute apart. */
export const alerts: Alert[] = incidentSpecs.flatMap((s) =>
  Array.from(
    { length: s.alerts },
    (_, i): Alert => ({
      id: `lal-${s.id}-${i}`,
      kind: 'rule',
      ruleId: s.rule.id,
      ruleTitle: s.rule.title,
      level: s.severity,
      tags: s.rule.tags,
      agencyId: s.agencyId,
      host: s.host,
      eventIds: [],
      ts: s.created + i * MIN,
      incidentId: s.id,
    }),
  ),
);

const host = (agencyId: string, name: string, firstSeen: number, lastSeen: number, extra: Partial<HostRecord> = {}) =>
  ({
    id: hostId(agencyId, name),
    agencyId,
    host: name,
    firstSeen,
    lastSeen,
    events: 100,
    expected: true,
    ...extra,
  }) satisfies HostRecord;

export const hosts: HostRecord[] = [
  ...senders.map(([a, h, from, to]) =>
    host(a, h, from, to - 1, h === 'mail-nv' ? { silentSince: local(2026, 12, 4, 14) } : {}),
  ),
  // First seen after now: expected in no period of these reports.
  host(AG.kh, 'portal-kh', local(2026, 12, 10, 9), local(2026, 12, 10, 9)),
];

/** Writes everything into the stores. */
export async function seedLeader(stores: Stores): Promise<void> {
  const agencies = stores.state.collection<Record<string, unknown>>('agencies');
  for (const [id, name] of Object.entries(AGENCY_NAMES))
    await agencies.put(SCOPE_ALL, { id, agencyId: id, name, networks: [], certificateNames: [] });
  const w = await stores.events.write(SCOPE_ALL, events);
  if (w.written !== events.length) throw new Error(`seed: ${w.written}/${events.length} events written`);
  for (const s of incidentSpecs) await stores.state.collection<Incident>('incidents').put(SCOPE_ALL, incidentDoc(s));
  for (const a of alerts) await stores.state.collection<Alert>('alerts').put(SCOPE_ALL, a);
  for (const h of hosts) await stores.state.collection<HostRecord>('hosts').put(SCOPE_ALL, h);
  await stores.events.refresh();
}
