/**
 * Settings changed through PUT /api/v1/settings act without a restart: session lifetime, SLA targets, the
 * silent-host threshold and the notifications' default language. The body is checked against the document.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { IncidentService } from '../incidents/service.js';
import { SilentHostWatcher } from '../incidents/silent-hosts.js';
import type { Alert } from '../incidents/types.js';
import { render } from '../notify/templates.js';
import { SCOPE_ALL } from '../store/types.js';
import { AGENCY_A, type Fixture, startFixture, TEST_SCRYPT } from '../tests/kit/api.js';

let f: Fixture;
let clock = Date.parse('2026-11-22T01:00:00Z');

beforeEach(async () => {
  clock = Date.parse('2026-11-22T01:00:00Z');
  f = await startFixture({ authOptions: { scrypt: TEST_SCRYPT, now: () => clock } });
});
afterEach(async () => {
  // Back to defaults: the default language is process-wide.
  await put({ defaultLanguage: null, sessionHours: null, sla: null, silentHostMinutes: null });
  await f.close();
});

const put = (values: Record<string, unknown>) =>
  f.call('PUT', '/api/v1/settings', { key: f.keys.admin, body: { values } });
const codeOf = (r: { body: unknown }) => (r.body as { error?: { code?: string } }).error?.code;

function alert(host: string, n: number): Alert {
  return {
    id: `alert-sla-${host}-${n}`,
    kind: 'rule',
    ruleId: 'rule-sla',
    ruleTitle: 'Critical thing',
    level: 'critical',
    tags: [],
    agencyId: AGENCY_A,
    host,
    eventIds: [`ev-${host}-${n}`],
    ts: clock,
  };
}

describe('settings that take effect', () => {
  it('rejects unknown keys and wrong types with a validation error, and null resets a key', async () => {
    for (const values of [
      '{"sessionHourz":3}',
      '{"sessionHours":"3"}',
      '{"sessionHours":0}',
      '{"defaultLanguage":"fr"}',
      '{"sla":{"critical":{"ackMinutes":0}}}',
      '{"sla":{"urgent":{"ackMinutes":5}}}',
      '{"sla":{"critical":{"ackMinutes":5,"snoozeMinutes":1}}}',
      '{"__proto__":{"sessionHours":1},"sessionHours":2}',
    ]) {
      const r = await f.call('PUT', '/api/v1/settings', { key: f.keys.admin, body: `{"values":${values}}` });
      expect([values, r.status, codeOf(r)]).toEqual([values, 400, 'CANHGAC_ERR_API_VALIDATION']);
    }
    expect((await put({ sessionHours: 3 })).status).toBe(200);
    expect(
      ((await f.call('GET', '/api/v1/settings', { key: f.keys.analyst })).body as { values: object }).values,
    ).toMatchObject({
      sessionHours: 3,
      defaultLanguage: 'vi',
    });
    const reset = await put({ sessionHours: null });
    expect((reset.body as { values: Record<string, unknown> }).values.sessionHours).toBe(12);
    // Analysts may read but not change them.
    const denied = await f.call('PUT', '/api/v1/settings', {
      key: f.keys.analyst,
      body: { values: { sessionHours: 1 } },
    });
    expect(denied.status).toBe(403);
  });

  it('sessionHours shortens open sessions and sets the lifetime of new ones', async () => {
    await f.svc.auth.createUser('test', { username: 'lan.tran', password: 'a long passphrase', role: 'analyst' });
    const login = async () => {
      const r = await f.call('POST', '/api/v1/auth/login', {
        body: { username: 'lan.tran', password: 'a long passphrase' },
      });
      expect(r.status).toBe(200);
      return r.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
    };
    const me = async (cookie: string) => (await f.call('GET', '/api/v1/auth/me', { headers: { cookie } })).status;
    const first = await login();
    clock += 2 * 3_600_000;
    expect(await me(first)).toBe(200); // default 12 h
    expect((await put({ sessionHours: 1 })).status).toBe(200);
    expect(await me(first)).toBe(401); // two hours old, lifetime now one hour

    const second = await login();
    clock += 50 * 60_000;
    expect(await me(second)).toBe(200);
    clock += 11 * 60_000;
    expect(await me(second)).toBe(401);

    expect((await put({ sessionHours: 24 })).status).toBe(200);
    const third = await login();
    clock += 20 * 3_600_000;
    expect(await me(third)).toBe(200);
  });

  it('SLA targets per severity apply to incidents opened after the change', async () => {
    const incidents = new IncidentService(f.stores.state, { now: () => clock });
    const before = (await incidents.ingestAlert(alert('web01', 1))).incident!;
    expect(before.sla.ackDueAt).toBe(clock + 15 * 60_000); // default: critical acknowledged within 15 min

    expect((await put({ sla: { critical: { ackMinutes: 2 } } })).status).toBe(200);
    const after = (await incidents.ingestAlert(alert('web02', 1))).incident!;
    expect(after.sla.ackDueAt).toBe(clock + 2 * 60_000);
    expect(after.sla.resolveDueAt).toBe(clock + 4 * 60 * 60_000); // unset field keeps the policy

    clock += 3 * 60_000;
    const breaches = await incidents.checkSla();
    expect(breaches.map((b) => [b.incidentId, b.clock])).toEqual([[after.id, 'acknowledge']]);

    // Reset: the default policy again for new incidents.
    await put({ sla: null });
    const later = (await incidents.ingestAlert(alert('web03', 1))).incident!;
    expect(later.sla.ackDueAt).toBe(clock + 15 * 60_000);
  });

  it('silentHostMinutes is the default silence threshold (per-agency thresholds still win)', async () => {
    const incidents = new IncidentService(f.stores.state, { now: () => clock });
    const watcher = new SilentHostWatcher(f.stores.state, incidents, {
      now: () => clock,
      defaultThresholdMinutes: 60,
      agencyThresholdMinutes: { 'agency-slow': 240 },
    });
    await watcher.check(); // the fixture's hosts, silent since long ago
    watcher.observe(AGENCY_A, 'db01', clock);
    watcher.observe('agency-slow', 'db02', clock);
    await watcher.flush();
    clock += 10 * 60_000;
    expect(await watcher.check()).toEqual([]);
    expect((await put({ silentHostMinutes: 5 })).status).toBe(200);
    expect((await watcher.check()).map((h) => h.host)).toEqual(['db01']);
    const host = (await watcher.hosts.list(SCOPE_ALL, { filter: { host: 'db01' } })).docs[0]!;
    expect(host.silentSince).toBe(clock);
  });

  it('defaultLanguage is the language of notifications whose route names none', async () => {
    const notice = {
      id: 'n1',
      kind: 'incident.created' as const,
      agencyId: AGENCY_A,
      severity: 'high' as const,
      title: 'Dò mật khẩu SSH',
      at: clock,
    };
    expect(render(notice).subject).toContain('Sự cố mới');
    expect((await put({ defaultLanguage: 'en' })).status).toBe(200);
    expect(render(notice).subject).toContain('New incident');
    expect(render(notice, 'vi').subject).toContain('Sự cố mới'); // a route's own language wins
    await put({ defaultLanguage: null });
    expect(render(notice).subject).toContain('Sự cố mới');
  });
});
