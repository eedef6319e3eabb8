/**
 * A seeded fortnight for the report tests: ISO weeks 2026-W46 and 2026-W47 (and a little of W45/W48 around
 * them) across three agencies, written into the real SQLite stores. The arrays are exported so the tests can
 * compute every expected figure from them, without the report code.
 */
import { type HostRecord, hostId } from '../../incidents/silent-hosts.js';
import type { Alert, Incident, IncidentState, Severity } from '../../incidents/types.js';
import { SCOPE_ALL, type StoredEvent, type Stores } from '../../store/types.js';

export const A = '000.00.31.H40';
export const B = '000.00.32.H40';
/** Known to the store, sends nothing. */
export const C = '000.00.33.H40';
export const NAMES: Record<string, string> = { [A]: 'Sở Tài chính', [B]: 'Sở Nội vụ', [C]: 'Sở Y tế' };
/** Planted in agency B's host names, titles and messages: must never appear in A's report. */
export const B_MARK = 'bmark';
export const SCRIPT_TITLE = '<script>alert(1)</script> Dò mật khẩu SSH';

const H = 3_600_000;
const MIN = 60_000;
/** Local (UTC+7) time to epoch ms, written out independently of reports/period.ts. */
export const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s, ms) - 7 * H;

/** 2026-W47: Monday 16/11/2026 00:00 to Sunday 22/11/2026 23:59:59.999 (UTC+7). */
export const W47 = { from: Date.parse('2026-11-15T17:00:00Z'), to: Date.parse('2026-11-22T17:00:00Z') };
export const W46 = { from: Date.parse('2026-11-08T17:00:00Z'), to: Date.parse('2026-11-15T17:00:00Z') };

export const events: StoredEvent[] = [];
let seq = 0;
function ev(agency: string, host: string, t: number, message = 'sshd: Failed password') {
  events.push({
    'event.id': `ev-${++seq}`,
    '@timestamp': new Date(t).toISOString(),
    'agency.id': agency,
    'host.name': host,
    message: agency === B ? `${message} ${B_MARK}` : message,
  });
}
for (let d = 0; d < 7; d++) {
  const day = W47.from + d * 24 * H;
  for (let i = 0; i <= d; i++) ev(A, 'web-a1', day + 9 * H + i * MIN);
  ev(A, 'web-a2', day + 10 * H);
  ev(A, 'web-a2', day + 15 * H);
  for (let i = 0; i < 5; i++) ev(B, `web-${B_MARK}`, day + 8 * H + i * MIN);
  const prev = W46.from + d * 24 * H;
  for (let i = 0; i < 3; i++) ev(A, 'web-a1', prev + 9 * H + i * MIN);
  ev(A, 'db-a3', prev + 12 * H);
}
// The week's edges, local midnight: the last instant of W46, the first and last of W47, the first of W48.
ev(A, 'web-a1', Date.parse('2026-11-15T16:59:59.999Z'));
ev(A, 'web-a1', Date.parse('2026-11-15T17:00:00.000Z'));
ev(A, 'web-a1', Date.parse('2026-11-22T16:59:59.999Z'));
ev(A, 'web-a1', Date.parse('2026-11-22T17:00:00.000Z'));

interface IncSpec {
  id: string;
  agencyId: string;
  severity: Severity;
  state: IncidentState;
  title: string;
  ruleId: string;
  host: string;
  created: number;
  ackAfter?: number;
  resolveAfter?: number;
  ackBreachedAt?: number;
  resolveBreachedAt?: number;
  alertCount: number;
}

export const incidentSpecs: IncSpec[] = [
  // A, this week
  {
    id: 'i1',
    agencyId: A,
    severity: 'critical',
    state: 'resolved',
    title: SCRIPT_TITLE,
    ruleId: 'r-ssh',
    host: 'web-a1',
    created: local(2026, 11, 16, 9),
    ackAfter: 10 * MIN,
    resolveAfter: 2 * H,
    alertCount: 5,
  },
  {
    id: 'i2',
    agencyId: A,
    severity: 'high',
    state: 'acknowledged',
    title: 'Quét thư mục web',
    ruleId: 'r-web',
    host: 'web-a2',
    created: local(2026, 11, 17, 10),
    ackAfter: 30 * MIN,
    resolveBreachedAt: local(2026, 11, 19, 10),
    alertCount: 3,
  },
  {
    id: 'i3',
    agencyId: A,
    severity: 'medium',
    state: 'new',
    title: 'SQL injection',
    ruleId: 'r-web',
    host: 'web-a1',
    created: local(2026, 11, 18, 8),
    ackBreachedAt: local(2026, 11, 18, 9),
    alertCount: 2,
  },
  {
    id: 'i4',
    agencyId: A,
    severity: 'low',
    state: 'false_positive',
    title: 'Đăng nhập lạ',
    ruleId: 'r-login',
    host: 'web-a2',
    created: local(2026, 11, 21, 14),
    ackAfter: 5 * MIN,
    resolveAfter: 20 * MIN,
    alertCount: 1,
  },
  {
    id: 'i5',
    agencyId: A,
    severity: 'high',
    state: 'new',
    title: 'Cuối tuần',
    ruleId: 'r-ssh',
    host: 'web-a1',
    created: local(2026, 11, 22, 23, 30),
    alertCount: 1,
  },
  // A, last week (i6's resolve deadline ran out this week)
  {
    id: 'i6',
    agencyId: A,
    severity: 'critical',
    state: 'resolved',
    title: 'Mã độc',
    ruleId: 'r-mal',
    host: 'db-a3',
    created: local(2026, 11, 13, 9),
    ackAfter: H,
    resolveAfter: 3 * 24 * H + 5 * H,
    resolveBreachedAt: local(2026, 11, 16, 1),
    alertCount: 4,
  },
  {
    id: 'i7',
    agencyId: A,
    severity: 'high',
    state: 'new',
    title: 'Nửa đêm',
    ruleId: 'r-ssh',
    host: 'db-a3',
    created: local(2026, 11, 15, 23, 59, 59, 999),
    alertCount: 1,
  },
  // A, two weeks ago: out of both periods
  {
    id: 'i8',
    agencyId: A,
    severity: 'medium',
    state: 'resolved',
    title: 'Cũ',
    ruleId: 'r-old',
    host: 'db-a3',
    created: local(2026, 11, 3, 9),
    ackAfter: H,
    resolveAfter: 2 * H,
    alertCount: 1,
  },
  // B
  {
    id: 'i9',
    agencyId: B,
    severity: 'critical',
    state: 'new',
    title: `Ransomware ${B_MARK}`,
    ruleId: `r-${B_MARK}`,
    host: `web-${B_MARK}`,
    created: local(2026, 11, 17, 11),
    ackBreachedAt: local(2026, 11, 17, 12),
    alertCount: 4,
  },
  {
    id: 'i10',
    agencyId: B,
    severity: 'low',
    state: 'resolved',
    title: `Cũ ${B_MARK}`,
    ruleId: `r-${B_MARK}`,
    host: `web-${B_MARK}`,
    created: local(2026, 11, 10, 11),
    ackAfter: MIN,
    resolveAfter: 2 * MIN,
    alertCount: 1,
  },
];

export function incidentDoc(s: IncSpec): Incident & { agencyId: string } {
  const acknowledgedAt = s.ackAfter !== undefined ? s.created + s.ackAfter : undefined;
  const resolvedAt = s.resolveAfter !== undefined ? s.created + s.resolveAfter : undefined;
  const updatedAt = Math.max(
    s.created,
    acknowledgedAt ?? 0,
    resolvedAt ?? 0,
    s.ackBreachedAt ?? 0,
    s.resolveBreachedAt ?? 0,
  );
  return {
    id: s.id,
    key: `${s.ruleId}|${s.agencyId}|${s.host}`,
    title: s.title,
    ruleId: s.ruleId,
    agencyId: s.agencyId,
    host: s.host,
    severity: s.severity,
    state: s.state,
    alertCount: s.alertCount,
    firstSeen: s.created,
    lastSeen: s.created + 5 * MIN,
    attack: [],
    alertIds: [],
    eventIds: [],
    createdAt: s.created,
    updatedAt,
    ...(acknowledgedAt !== undefined ? { acknowledgedAt } : {}),
    ...(resolvedAt !== undefined ? { resolvedAt } : {}),
    reopenCount: 0,
    sla: {
      ...(s.ackBreachedAt !== undefined ? { ackBreachedAt: s.ackBreachedAt } : {}),
      ...(s.resolveBreachedAt !== undefined ? { resolveBreachedAt: s.resolveBreachedAt } : {}),
    },
  };
}

export const alerts: Alert[] = [];
function alert(
  agencyId: string,
  ruleId: string,
  ruleTitle: string,
  host: string,
  ts: number,
  extra: Partial<Alert> = {},
) {
  alerts.push({
    id: `al-${alerts.length + 1}`,
    kind: 'rule',
    ruleId,
    ruleTitle,
    level: 'high',
    tags: [],
    agencyId,
    host,
    eventIds: [],
    ts,
    ...extra,
  });
}
for (let i = 0; i < 5; i++) alert(A, 'r-ssh', SCRIPT_TITLE, 'web-a1', local(2026, 11, 16, 9, i));
for (let i = 0; i < 3; i++) alert(A, 'r-web', 'Quét thư mục web', 'web-a2', local(2026, 11, 17, 10, i));
for (let i = 0; i < 2; i++) alert(A, 'r-web', 'Quét thư mục web', 'web-a1', local(2026, 11, 18, 8, i));
alert(A, 'r-login', 'Đăng nhập lạ', 'web-a2', local(2026, 11, 21, 14));
alert(A, 'r-ssh', SCRIPT_TITLE, 'web-a1', local(2026, 11, 22, 23, 30));
alert(A, 'r-ssh', SCRIPT_TITLE, 'web-a1', local(2026, 11, 19, 3), { suppressedBy: 'sup-1' });
alert(A, 'canhgac.silent_host', 'Máy chủ ngừng gửi log', 'db-a3', local(2026, 11, 17, 0), { kind: 'silent_host' });
alert(A, 'r-mal', 'Mã độc', 'db-a3', local(2026, 11, 13, 9));
alert(A, 'r-ssh', SCRIPT_TITLE, 'db-a3', local(2026, 11, 15, 23, 59, 59, 999));
alert(A, 'r-ssh', SCRIPT_TITLE, 'web-a1', local(2026, 11, 23, 0)); // next week
for (let i = 0; i < 4; i++)
  alert(B, `r-${B_MARK}`, `Ransomware ${B_MARK}`, `web-${B_MARK}`, local(2026, 11, 17, 11, i));

export const hosts: HostRecord[] = [
  {
    id: hostId(A, 'web-a1'),
    agencyId: A,
    host: 'web-a1',
    firstSeen: W46.from,
    lastSeen: W47.to - 1,
    events: 50,
    expected: true,
  },
  {
    id: hostId(A, 'web-a2'),
    agencyId: A,
    host: 'web-a2',
    firstSeen: W46.from,
    lastSeen: W47.to - 3600_000,
    events: 14,
    expected: true,
  },
  {
    id: hostId(A, 'db-a3'),
    agencyId: A,
    host: 'db-a3',
    firstSeen: W46.from,
    lastSeen: local(2026, 11, 15, 12),
    events: 7,
    expected: true,
    silentSince: local(2026, 11, 16, 13),
  },
  {
    id: hostId(A, 'old-a4'),
    agencyId: A,
    host: 'old-a4',
    firstSeen: W46.from,
    lastSeen: W46.from,
    events: 1,
    expected: false,
  },
  {
    id: hostId(B, `web-${B_MARK}`),
    agencyId: B,
    host: `web-${B_MARK}`,
    firstSeen: W46.from,
    lastSeen: W47.to - 1,
    events: 35,
    expected: true,
  },
  {
    id: hostId(B, `mail-${B_MARK}`),
    agencyId: B,
    host: `mail-${B_MARK}`,
    firstSeen: W46.from,
    lastSeen: W46.from,
    events: 2,
    expected: true,
  },
];

/** Writes everything into the stores. */
export async function seed(stores: Stores): Promise<void> {
  const agencies = stores.state.collection<Record<string, unknown>>('agencies');
  for (const id of [A, B, C])
    await agencies.put(SCOPE_ALL, { id, agencyId: id, name: NAMES[id], networks: [], certificateNames: [] });
  const w = await stores.events.write(SCOPE_ALL, events);
  if (w.written !== events.length) throw new Error(`seed: ${w.written}/${events.length} events written`);
  for (const s of incidentSpecs) await stores.state.collection<Incident>('incidents').put(SCOPE_ALL, incidentDoc(s));
  for (const a of alerts) await stores.state.collection<Alert>('alerts').put(SCOPE_ALL, a);
  for (const h of hosts) await stores.state.collection<HostRecord>('hosts').put(SCOPE_ALL, h);
  await stores.events.refresh();
}
