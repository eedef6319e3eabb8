/** Dispositions and the noise report through the API: validation, tenancy, audit, the figures. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Alert, Incident } from '../incidents/types.js';
import { SCOPE_ALL } from '../store/types.js';
import { AGENCY_A, AGENCY_B, type Fixture, startFixture } from '../tests/kit/api.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

type Json = Record<string, unknown>;

const errorOf = (b: unknown) => (b as { error: { code: string; message: string } }).error;

async function openIncident(ruleId: string, host: string, agencyId = AGENCY_A): Promise<string> {
  const alert: Alert = {
    id: `t-${ruleId}-${host}`,
    kind: 'rule',
    ruleId,
    ruleTitle: `Rule ${ruleId}`,
    level: 'medium',
    tags: [],
    agencyId,
    host,
    eventIds: [`e-${ruleId}-${host}`],
    ts: Date.now(),
  };
  const out = await f.svc.incidents.ingestAlert(alert);
  return out.incident!.id;
}

describe('dispositions', () => {
  it('records a verdict with category, note and minutes; audited; the state is unchanged', async () => {
    const id = await openIncident('tune-r1', 'web-01');
    const r = await f.call('PUT', `/api/v1/incidents/${id}/disposition`, {
      key: f.keys.analyst,
      body: { verdict: 'false_positive', category: 'known_scanner', note: 'Quét định kỳ', minutes: 6 },
    });
    expect(r.status).toBe(200);
    const inc = r.body as Incident;
    expect(inc.state).toBe('new');
    expect(inc.disposition).toMatchObject({
      verdict: 'false_positive',
      category: 'known_scanner',
      note: 'Quét định kỳ',
      minutes: 6,
    });
    const audit = await f.svc.incidents.audit.list(SCOPE_ALL, {
      filter: { targetId: id, action: 'incident.disposition' },
    });
    expect(audit.docs).toHaveLength(1);
    expect(audit.docs[0]!.after).toMatchObject({ verdict: 'false_positive' });
  });

  it('refuses a false positive without a category, and a category of another verdict, naming the problem', async () => {
    const id = await openIncident('tune-r1', 'web-02');
    const none = await f.call('PUT', `/api/v1/incidents/${id}/disposition`, {
      key: f.keys.analyst,
      body: { verdict: 'false_positive' },
    });
    expect(none.status).toBe(400);
    expect(errorOf(none.body).code).toBe('CANHGAC_ERR_INCIDENT_DISPOSITION');
    expect(errorOf(none.body).message).toContain('a category is needed');
    const wrong = await f.call('PUT', `/api/v1/incidents/${id}/disposition`, {
      key: f.keys.analyst,
      body: { verdict: 'true_positive', category: 'rule_too_broad' },
    });
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong.body).message).toContain('rule_too_broad is not one of');
    const unknown = await f.call('PUT', `/api/v1/incidents/${id}/disposition`, {
      key: f.keys.analyst,
      body: { verdict: 'maybe' },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('verdict');
  });

  it('an agency user cannot judge another agency’s incident; a viewer cannot judge at all', async () => {
    const idB = await openIncident('tune-r1', 'web-b', AGENCY_B);
    const other = await f.call('PUT', `/api/v1/incidents/${idB}/disposition`, {
      key: f.keys.agency_admin_a,
      body: { verdict: 'benign' },
    });
    expect(other.status).toBe(404);
    expect((await f.svc.incidents.incidents.get(SCOPE_ALL, idB))?.disposition).toBeUndefined();
    const idA = await openIncident('tune-r1', 'web-03');
    const viewer = await f.call('PUT', `/api/v1/incidents/${idA}/disposition`, {
      key: f.keys.viewer_a,
      body: { verdict: 'benign' },
    });
    expect(viewer.status).toBe(403);
  });

  it('a stale version answers 409', async () => {
    const id = await openIncident('tune-r1', 'web-04');
    const inc = (await f.svc.incidents.incidents.get(SCOPE_ALL, id))!;
    await f.svc.incidents.assign(SCOPE_ALL, id, 'lan', 'user:x');
    const r = await f.call('PUT', `/api/v1/incidents/${id}/disposition`, {
      key: f.keys.analyst,
      body: { verdict: 'benign', version: inc.version },
    });
    expect(r.status).toBe(409);
  });
});

describe('noise report', () => {
  it('per rule and agency: incidents, verdicts, false-positive ratio over judged, minutes, noisiest first', async () => {
    const ids = await Promise.all(['n1', 'n2', 'n3', 'n4'].map((h) => openIncident('tune-noisy', h)));
    const tp = await openIncident('tune-real', 'n5');
    const judge = (id: string, body: Json) =>
      f.call('PUT', `/api/v1/incidents/${id}/disposition`, { key: f.keys.analyst, body });
    await judge(ids[0]!, { verdict: 'false_positive', category: 'rule_too_broad', minutes: 10 });
    await judge(ids[1]!, { verdict: 'false_positive', category: 'rule_too_broad' });
    await judge(ids[2]!, { verdict: 'benign', category: 'admin_activity', minutes: 5 });
    await judge(tp, { verdict: 'true_positive', category: 'attack_blocked', minutes: 30 });
    // Closed as false positive without a disposition: counted as one (the older way of saying it).
    await f.svc.incidents.transition(SCOPE_ALL, ids[3]!, 'false_positive', 'user:x', undefined, {
      category: 'benign_known',
    });
    const r = await f.call('GET', '/api/v1/noise?from=2020-01-01T00:00:00Z', { key: f.keys.viewer_a });
    expect(r.status).toBe(200);
    const rows = (r.body as { rows: Json[] }).rows;
    const noisy = rows.find((x) => x.ruleId === 'tune-noisy')!;
    expect(noisy).toMatchObject({
      agencyId: AGENCY_A,
      incidents: 4,
      judged: 4,
      falsePositives: 3,
      benign: 1,
      truePositives: 0,
      falsePositiveRatio: 0.75,
      minutes: 10 + 3 + 5 + 3,
      wastedMinutes: 21,
    });
    expect(noisy.categories).toEqual([
      { category: 'rule_too_broad', count: 2 },
      { category: 'admin_activity', count: 1 },
      { category: 'benign_known', count: 1 },
    ]);
    const real = rows.find((x) => x.ruleId === 'tune-real')!;
    expect(real).toMatchObject({ truePositives: 1, falsePositiveRatio: 0, minutes: 30, wastedMinutes: 0 });
    expect(rows.indexOf(noisy)).toBeLessThan(rows.indexOf(real));
    // viewer_a is agency A's: agency B's incidents never count.
    expect(rows.every((x) => x.agencyId === AGENCY_A)).toBe(true);
  });
});
