/** The fixed corpus and queries the store conformance suite runs against every implementation. */
import { ANY, KEYWORDS_FIELD, type QueryNode } from '../../../core/event/query.js';
import type { StoredEvent } from '../../../store/types.js';

/** Two agencies, so every operation can be checked for leaks across them. */
export const AGENCY_A = '000.00.31.H40';
/** The second agency. */
export const AGENCY_B = '000.00.32.H40';

/** Base time of the corpus: 2026-03-01T00:00:00Z. */
export const T0 = Date.UTC(2026, 2, 1);
const MIN = 60_000;

/** Builds the conformance corpus; `tag` makes ids unique per run so shared backends do not collide. */
export function conformanceEvents(tag: string): StoredEvent[] {
  const ev = (n: number, agency: string, minutes: number, fields: Record<string, unknown>): StoredEvent => ({
    '@timestamp': new Date(T0 + minutes * MIN).toISOString(),
    'event.id': `${tag}-${String(n).padStart(3, '0')}`,
    'agency.id': agency,
    ...fields,
  });
  return [
    ev(1, AGENCY_A, 0, {
      'host.name': 'WEB01',
      'logsource.category': 'webserver',
      message: 'GET /portal/login 200',
      'cs-method': 'GET',
      'sc-status': 200,
      'c-ip': '10.1.2.3',
    }),
    ev(2, AGENCY_A, 1, {
      'host.name': 'web01',
      'logsource.category': 'webserver',
      message: 'POST /portal/login 401 đăng nhập thất bại',
      'cs-method': 'POST',
      'sc-status': 401,
      'c-ip': '203.0.113.9',
    }),
    ev(3, AGENCY_A, 2, {
      'host.name': 'dc01',
      'logsource.product': 'windows',
      'logsource.category': 'process_creation',
      message: 'Process created',
      EventID: 4688,
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd.exe /c whoami /all',
      User: 'NGUYỄN VĂN A',
    }),
    ev(4, AGENCY_A, 3, {
      'host.name': 'dc01',
      'logsource.product': 'windows',
      'logsource.category': 'process_creation',
      message: 'Process created',
      EventID: '4688',
      Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      CommandLine: 'powershell -enc SQBFAFgA',
      User: 'nguyễn văn a',
    }),
    ev(5, AGENCY_A, 60, {
      'host.name': 'db01',
      message: 'Failed password for root from 198.51.100.7 port 22 ssh2',
      'logsource.product': 'linux',
      'logsource.service': 'sshd',
      Flag: true,
      Score: 7.5,
    }),
    ev(6, AGENCY_A, 61, { 'host.name': 'db01', message: 'Accepted publickey for admin', Score: null }),
    ev(7, AGENCY_B, 0, {
      'host.name': 'web01',
      'logsource.category': 'webserver',
      message: 'GET /secret-of-b 200',
      'cs-method': 'GET',
      'sc-status': 200,
      'c-ip': '10.9.9.9',
    }),
    ev(8, AGENCY_B, 2, {
      'host.name': 'dc01',
      'logsource.product': 'windows',
      'logsource.category': 'process_creation',
      message: 'Process created',
      EventID: 4688,
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd.exe /c net user',
      User: 'admin',
    }),
    ev(9, AGENCY_B, 120, { 'host.name': 'fw01', message: 'Deny tcp 10.9.9.9:445', Score: 3 }),
    ev(10, AGENCY_A, 1440, { 'host.name': 'web02', message: 'next day', 'sc-status': 500, Score: '12' }),
  ];
}

/** Search-language queries the suite checks against the reference evaluator. */
export const CONFORMANCE_QUERIES: readonly string[] = [
  '',
  'host.name:web01',
  'host.name:WEB*',
  'host.name:d?01',
  'login',
  '"đăng nhập"',
  'ĐĂNG',
  'cs-method:get AND sc-status:200',
  'sc-status:>=400',
  'sc-status:[200 TO 401}',
  'Score:>5',
  'Score:{3 TO *]',
  'EventID:4688',
  'Image:*\\\\cmd.exe',
  'CommandLine:*whoami*',
  'User:"nguyễn văn a"',
  '_exists_:Score',
  'NOT _exists_:Score',
  'Flag:true',
  'NOT host.name:dc01',
  'host.name:(web01 OR db01) AND NOT login',
  '(password OR publickey) db01',
  'logsource.product:windows OR logsource.service:sshd',
  '@timestamp:[2026-03-01T00:01:00Z TO 2026-03-01T01:00:00Z]',
  'c-ip:10.*',
  'message:"Process created"',
  'message:process*',
];

/** Query trees of the node kinds only the Sigma retro-hunt produces (the search language cannot write them). */
export const HUNT_QUERIES: readonly QueryNode[] = [
  { kind: 'regex', field: 'CommandLine', source: '^(cmd|powershell)\\b', i: false, m: false, s: false },
  { kind: 'regex', field: 'Image', source: 'SYSTEM32', i: true, m: false, s: false },
  { kind: 'cidr', field: 'c-ip', cidr: '10.0.0.0/8' },
  { kind: 'cidr', field: 'c-ip', cidr: '203.0.113.0/24' },
  { kind: 'fieldref', field: 'cs-method', other: 'cs-method', mode: 'equals', cased: true },
  { kind: 'timepart', field: '@timestamp', unit: 'hour', value: 1 },
  { kind: 'match', field: KEYWORDS_FIELD, parts: [ANY, 'password', ANY], cased: false },
  { kind: 'match', field: 'User', parts: ['nguyễn văn a'], cased: true },
  { kind: 'match', field: 'EventID', parts: ['4688'], cased: true },
  { kind: 'range', field: 'Score', gt: 3, lte: 12 },
  {
    kind: 'and',
    args: [
      { kind: 'match', field: 'logsource.product', parts: ['WINDOWS'], cased: false },
      { kind: 'not', arg: { kind: 'regex', field: 'CommandLine', source: 'whoami', i: false, m: false, s: false } },
    ],
  },
];
