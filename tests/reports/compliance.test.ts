/**
 * The compliance view (reports/compliance): systems from the asset inventory with their levels, the log types of
 * each level checked against events normalised from real log lines (sshd, kernel errors, useradd, nginx, iptables),
 * partial and missing types, tenancy through the API (an agency admin sees and flags only its own systems), and
 * retention enforced: a Decree 53 flag raises the store's minimum to 366 days, PUT /api/v1/settings cannot go
 * under it, the retention timer never runs below it.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiApp, servicesOf } from '../../api/app.js';
import { AssetService, validateAsset } from '../../context/assets/assets.js';
import { createNormaliseContext, normaliseRecord } from '../../ingest/normalise/normalise.js';
import { buildCompliance, type ComplianceModel, loadRequirements } from '../../reports/compliance/compliance.js';
import { generateReport } from '../../reports/generate.js';
import { RetentionTimer } from '../../store/retention.js';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { SCOPE_ALL, type StoredEvent } from '../../store/types.js';
import { TEST_SCRYPT } from '../kit/api.js';

const A = '000.00.31.H40';
const B = '000.00.32.H40';
const FROM = Date.parse('2026-07-01T00:00:00+07:00');
const TO = Date.parse('2026-12-07T00:00:00+07:00');
const T = Date.parse('2026-11-20T09:00:00+07:00');
let stores: SqliteStores;
let server: Server;
let url = '';
const keys: Record<string, string> = {};

// Raw lines as hosts send them: each classified by the shipped requirements' queries after real normalisation.
const LINES: [string, string, string][] = [
  // System "Cổng dịch vụ công" (level 3): web01 sends everything, web02 only web access logs.
  [A, 'web01', '<38>Nov 20 09:00:01 web01 sshd[811]: Accepted password for quantri from 10.1.2.3 port 51022 ssh2'],
  [A, 'web01', '<11>Nov 20 09:00:02 web01 kernel: EXT4-fs error (device sda1): ext4_find_entry:1455: inode #2'],
  [A, 'web01', '<86>Nov 20 09:00:03 web01 useradd[900]: new user: name=backup2, UID=1002, GID=1002'],
  [A, 'web01', '<190>Nov 20 09:00:04 web01 nginx: 1.2.3.4 - - [20/Nov/2026:09:00:04 +0700] "GET / HTTP/1.1" 200 1'],
  [
    A,
    'web01',
    '<4>Nov 20 09:00:05 web01 kernel: [  203.842973] IPTABLES-DROP: IN=eth0 OUT= SRC=1.2.3.4 DST=10.0.0.1 LEN=76 PROTO=TCP SPT=4000 DPT=22 SYN',
  ],
  [A, 'web02', '<190>Nov 20 09:00:06 web02 nginx: 1.2.3.4 - - [20/Nov/2026:09:00:06 +0700] "GET /a HTTP/1.1" 200 1'],
  // System "Thư điện tử" (level 1): logins only, no errors.
  [A, 'mail01', '<38>Nov 20 09:00:07 mail01 sshd[12]: Failed password for root from 203.0.113.7 port 4711 ssh2'],
  // Agency B: one system of level 2 that sends logins.
  [B, 'hr01', '<38>Nov 20 09:00:08 hr01 sshd[7]: Accepted publickey for admin from 10.9.9.9 port 2222 ssh2'],
];

function events(): StoredEvent[] {
  const ctx = createNormaliseContext({});
  return LINES.map(([agency, , data], i) => {
    const e = normaliseRecord(
      { id: `c-${i}`, receivedAt: T + i * 1000, transport: 'udp', source: '10.0.0.1', agency, data },
      ctx,
    ) as StoredEvent;
    return { ...e, '@timestamp': new Date(T + i * 1000).toISOString() };
  });
}

async function asset(agencyId: string, body: Record<string, unknown>) {
  const r = validateAsset(body, agencyId);
  if ('problems' in r) throw new Error(JSON.stringify(r.problems));
  await new AssetService(stores.state).put(SCOPE_ALL, r.asset, 'test');
}

/** The answers this test reads (compliance, a system's flags, an error). */
type Answer = ComplianceModel & { period: string; agencyId: string; error: { message: string } };

async function call(method: string, path: string, who: string, body?: unknown) {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${keys[who]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json().catch(() => undefined)) as Answer };
}

beforeAll(async () => {
  stores = openSqliteStores({ path: ':memory:' });
  await stores.state
    .collection<{ id: string; name: string }>('agencies')
    .put(SCOPE_ALL, { id: A, name: 'Sở Tài chính' });
  await stores.state.collection<{ id: string; name: string }>('agencies').put(SCOPE_ALL, { id: B, name: 'Sở Nội vụ' });
  await asset(A, { host: 'web01', criticality: 4, securityLevel: 3, role: 'Cổng dịch vụ công' });
  await asset(A, { host: 'web02', criticality: 4, securityLevel: 3, role: 'Cổng dịch vụ công' });
  await asset(A, { host: 'mail01', criticality: 2, securityLevel: 1, role: 'Thư điện tử' });
  await asset(A, { host: 'kiosk01', criticality: 1 });
  await asset(B, { host: 'hr01', criticality: 3, securityLevel: 2, role: 'Quản lý cán bộ' });
  const w = await stores.events.write(SCOPE_ALL, events());
  expect(w.written).toBe(LINES.length);
  const app = createApiApp({ stores, authOptions: { scrypt: TEST_SCRYPT }, rateLimit: false, consoleDir: false });
  const auth = servicesOf(app).auth;
  keys.admin = (await auth.createKey('t', SCOPE_ALL, { name: 'admin', role: 'admin' })).key;
  keys.a = (await auth.createKey('t', SCOPE_ALL, { name: 'a', role: 'agency_admin', agencyId: A })).key;
  server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
  await stores.close();
});

describe('the compliance model', () => {
  it('the shipped requirements parse and every level names known log types', () => {
    const r = loadRequirements();
    expect(r.logTypes.map((t) => t.id)).toEqual(['logins', 'errors', 'config', 'data_access', 'network']);
    expect(r.levels['3']!.central).toBe(true);
  });

  it('checks each system against the log types of its level', async () => {
    const m = await buildCompliance(stores, { scope: SCOPE_ALL, from: FROM, to: TO });
    const a = m.agencies.find((x) => x.id === A)!;
    expect(a.name).toBe('Sở Tài chính');
    expect(a.systems.map((s) => [s.name, s.level ?? null, s.hosts.length])).toEqual([
      ['Cổng dịch vụ công', 3, 2],
      ['Thư điện tử', 1, 1],
      ['kiosk01', null, 1],
    ]);
    const portal = a.systems[0]!;
    const st = Object.fromEntries(portal.logs.map((l) => [l.id, [l.status, l.events, l.hostsWith]]));
    // web02 sent only web access logs: every other type is partial (1 of 2 hosts), data access ok on both.
    expect(st).toEqual({
      logins: ['partial', 1, 1],
      errors: ['partial', 1, 1],
      config: ['partial', 1, 1],
      data_access: ['ok', 2, 2],
      network: ['partial', 1, 1],
    });
    expect(portal.central).toBe(true);
    expect(portal.ok).toBe(false);
    const mail = a.systems[1]!;
    expect(Object.fromEntries(mail.logs.map((l) => [l.id, l.status]))).toEqual({
      logins: 'ok',
      errors: 'missing',
      config: 'not_required',
      data_access: 'not_required',
      network: 'not_required',
    });
    expect(a.systems[2]!.ok).toBe(false);
    expect(m.summary).toEqual({ systems: 4, compliant: 0, withoutLevel: 1, missingLogTypes: 1 + 3 });
  });

  it('an agency scope sees only its own systems', async () => {
    const m = await buildCompliance(stores, { scope: { kind: 'agency', agencyId: B }, from: FROM, to: TO });
    expect(m.agencies.map((x) => x.id)).toEqual([B]);
    expect(m.agencies[0]!.systems[0]!.logs.find((l) => l.id === 'logins')!.status).toBe('ok');
  });
});

describe('the API and retention', () => {
  it('an agency admin gets its own agency whatever it names, and cannot flag another agency', async () => {
    const r = await call('GET', `/api/v1/compliance?agencyId=${B}&period=2026-H2`, 'a');
    expect(r.status).toBe(200);
    expect(r.body.agencies.map((x: { id: string }) => x.id)).toEqual([A]);
    expect(r.body.period).toBe('2026-H2');
    const bad = await call('GET', '/api/v1/compliance?period=2026-X1', 'admin');
    expect(bad.status).toBe(400);
    // The scope is the agency's: naming B is ignored, the flag lands on A's system.
    const own = await call('PUT', '/api/v1/compliance/systems', 'a', {
      agencyId: B,
      system: 'Thư điện tử',
      decree53: false,
    });
    expect(own.status).toBe(200);
    expect(own.body.agencyId).toBe(A);
  });

  it('a Decree 53 system raises the minimum to 12 months; settings and the retention timer obey it', async () => {
    let r = await call('GET', '/api/v1/compliance', 'admin');
    expect(r.body.retentionMinimumDays).toBe(92);
    const put = await call('PUT', '/api/v1/compliance/systems', 'admin', {
      agencyId: A,
      system: 'Cổng dịch vụ công',
      decree53: true,
    });
    expect(put.status).toBe(200);
    r = await call('GET', '/api/v1/compliance', 'admin');
    expect(r.body.retentionMinimumDays).toBe(366);
    const portal = r.body.agencies[0].systems[0];
    expect(portal.decree53).toBe(true);
    expect(portal.retention.requiredDays).toBe(366);
    // Under the minimum: refused, naming the field.
    const low = await call('PUT', '/api/v1/settings', 'admin', { values: { retentionDays: 100 } });
    expect(low.status).toBe(400);
    expect(low.body.error.message).toMatch(/retentionDays: at least 366 days/);
    expect((await call('PUT', '/api/v1/settings', 'admin', { values: { retentionDays: 400 } })).status).toBe(200);
    // A configured 30 days is still kept 366 by the timer.
    const timer = new RetentionTimer({ configuredDays: 30, state: stores.state, apply: async () => undefined });
    await call('PUT', '/api/v1/settings', 'admin', { values: { retentionDays: null } });
    expect(await timer.effectiveDays()).toBe(366);
    // The audit names who flagged what.
    const audit = await stores.state
      .collection<{ action: string; actor: string }>('audit')
      .list(SCOPE_ALL, { size: 100 });
    expect(audit.docs.some((d) => d.action === 'compliance.system')).toBe(true);
    // Back to 3 months when no system is under the decree any more.
    await call('PUT', '/api/v1/compliance/systems', 'admin', {
      agencyId: A,
      system: 'Cổng dịch vụ công',
      decree53: false,
    });
    expect(await timer.effectiveDays()).toBe(92);
  });
});

describe('the six-monthly report', () => {
  it('includes the compliance view of its period (the weekly report does not); stored names stay text', async () => {
    await asset(A, { host: 'evil01', criticality: 1, securityLevel: 2, role: '<img src=x onerror=alert(1)>' });
    const r = await generateReport(stores, { kind: 'semiannual', period: '2026-H2', scope: SCOPE_ALL, now: TO });
    expect(r.compliance?.summary.systems).toBe(5);
    for (const html of [r.html, r.printHtml]) {
      expect(html).toContain('Tuân thủ giám sát nhật ký theo cấp độ');
      expect(html).toContain('Cổng dịch vụ công');
      expect(html).toContain('Thiếu ở 1/2 máy');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(html).not.toContain('<img src=x');
    }
    const en = await generateReport(stores, {
      kind: 'semiannual',
      period: '2026-H2',
      scope: SCOPE_ALL,
      now: TO,
      lang: 'en',
    });
    expect(en.html).toContain('Log monitoring compliance by security level');
    const weekly = await generateReport(stores, { kind: 'weekly', period: '2026-W47', scope: SCOPE_ALL, now: TO });
    expect(weekly.html).not.toContain('Tuân thủ');
  });
});
