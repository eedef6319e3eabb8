/**
 * The IOC KPI feed over the seeded province (tests/reports/leader-seed.ts): its period figures equal the weekly
 * report's for the same period and instant, the open backlog equals the seed's open incidents, it validates against
 * docs/kpi.schema.json (the same schema as the OpenAPI document's), carries nothing personal, and the Prometheus
 * gauges say the same; over the API an agency-bound caller gets its own agency's feed.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { AGENCY_A, AGENCY_B, type Fixture, startFixture } from '../kit/api.js';
import { registry } from '../../core/metrics.js';
import { projectRoot } from '../../core/shared-data.js';
import { buildKpi, registerKpiGauges } from '../../reports/kpi.js';
import { buildReport } from '../../reports/model.js';
import { parseWeek } from '../../reports/period.js';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { SCOPE_ALL } from '../../store/types.js';
import { AG, incidentSpecs, NOW, seedLeader } from './leader-seed.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
let stores: SqliteStores;
const schema = JSON.parse(readFileSync(`${projectRoot}/docs/kpi.schema.json`, 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  stores = openSqliteStores({ path: ':memory:' });
  await seedLeader(stores);
});
afterAll(async () => {
  await stores.close();
});

describe('KPI feed', () => {
  it("equals the weekly report's figures for the same period and instant", async () => {
    const { kpi } = await buildKpi(stores, { scope: SCOPE_ALL, now: NOW });
    const m = await buildReport(stores, { kind: 'weekly', period: parseWeek('2026-W50'), scope: SCOPE_ALL, now: NOW });
    expect(kpi.period).toMatchObject({ kind: 'week', label: '2026-W50', partial: true });
    expect(kpi.period.title.vi).toBe('Tuần 50/2026 (từ ngày 7/12/2026, tính đến ngày 9/12/2026)');
    expect(kpi.incidents).toEqual({
      total: m.headline.incidents.current,
      criticalHigh: m.headline.criticalHigh.current,
      previous: m.headline.incidents.previous,
    });
    expect(kpi.events).toEqual({ total: m.headline.events.current, previous: m.headline.events.previous });
    expect(kpi.mttaSeconds).toBe(Math.round(m.mtta! / 1000));
    expect(kpi.mttrSeconds).toBe(m.mttr === undefined ? null : Math.round(m.mttr / 1000));
    expect(kpi.slaBreaches).toEqual(m.slaBreaches);
    expect(kpi.systems).toEqual({ reporting: m.coverage.hostsSending, expected: m.coverage.hostsExpected });
    expect(kpi.silentHosts.total).toBe(m.silentHosts.length);
    expect(kpi.topThreats.map((t) => [t.ruleId, t.alerts])).toEqual(m.topRules.map((r) => [r.ruleId, r.alerts]));
    expect(kpi.trend.map((t) => t.events)).toEqual(m.trend.map((t) => (t.future ? null : t.events)));
    // Figures checked against the seed itself, too.
    expect(kpi.incidents.total).toBe(2);
    expect(kpi.systems).toEqual({ reporting: 6, expected: 7 });
    expect(kpi.topThreats[0]!.title.vi).toBe('Dò mật khẩu SSH từ một địa chỉ vào một tài khoản');
    expect(kpi.topThreats[0]!.techniques).toEqual(['T1110.001']);
  });

  it('the open backlog is every open incident now, by severity and agency', async () => {
    const { kpi } = await buildKpi(stores, { scope: SCOPE_ALL, now: NOW });
    const open = incidentSpecs.filter((s) => ['new', 'acknowledged', 'in_progress'].includes(s.state));
    expect(kpi.open.total).toBe(open.length);
    for (const a of kpi.open.byAgency)
      expect([a.agencyId, a.total]).toEqual([a.agencyId, open.filter((s) => s.agencyId === a.agencyId).length]);
    expect(kpi.open.byAgency.find((a) => a.agencyId === AG.vp)).toMatchObject({
      name: 'Văn phòng UBND tỉnh',
      total: 2,
      bySeverity: { critical: 1, medium: 1 },
    });
    const { kpi: yt } = await buildKpi(stores, { scope: SCOPE_ALL, agencyId: AG.yt, now: NOW });
    expect(yt.open.byAgency.map((a) => a.agencyId)).toEqual([AG.yt]);
    expect(yt.scope).toEqual({ agencyId: AG.yt, name: 'Sở Y tế' });
  });

  it('validates against docs/kpi.schema.json, the same schema as the OpenAPI document, and holds nothing personal', async () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const { kpi } = await buildKpi(stores, { scope: SCOPE_ALL, now: NOW });
    expect([validate(kpi), validate.errors]).toEqual([true, null]);
    const half = (await buildKpi(stores, { scope: SCOPE_ALL, now: NOW, period: 'half' })).kpi;
    expect(validate(half)).toBe(true);
    const doc = parse(readFileSync(`${projectRoot}/api/openapi.yaml`, 'utf8')) as {
      components: { schemas: Record<string, unknown> };
    };
    const { $schema: _s, $id: _i, ...body } = schema;
    expect(doc.components.schemas.Kpi).toEqual(body);
    const text = JSON.stringify(kpi);
    expect(text).not.toMatch(/\b\d{1,3}(\.\d{1,3}){3}\b/); // no address
    for (const s of incidentSpecs) expect(text).not.toContain(s.host); // no host names of incidents
    expect(text).not.toMatch(/assignee|user\.name|"title":"[^{]/);
  });

  it('Prometheus gauges carry the same figures', async () => {
    registerKpiGauges(stores, { now: () => NOW, cacheMs: 0 });
    const text = await registry.metrics();
    expect(text).toContain(`canhgac_kpi_open_incidents{severity="critical",agency="${AG.vp}"} 1`);
    expect(text).toContain(`canhgac_kpi_open_incidents{severity="high",agency="${AG.yt}"} 1`);
    expect(text).toMatch(/canhgac_kpi_incidents_period 2\n/);
    expect(text).toContain('canhgac_kpi_systems{status="reporting"} 6');
    expect(text).toContain('canhgac_kpi_systems{status="expected"} 7');
    expect(text).toContain('canhgac_kpi_sla_breaches{clock="acknowledge"} 0');
    expect(text).toContain(`canhgac_kpi_silent_hosts{agency="${AG.nv}"} 1`);
  });
});

describe('KPI feed over the API', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => {
    await f.close();
  });

  it("an agency-bound caller gets its own agency's feed, whatever it names; a province-wide one any", async () => {
    const own = await f.call('GET', `/api/v1/kpi?agencyId=${AGENCY_B}`, { key: f.keys.viewer_a });
    expect(own.status).toBe(200);
    expect((own.body as { scope: { agencyId: string } }).scope.agencyId).toBe(AGENCY_A);
    const all = await f.call('GET', '/api/v1/kpi', { key: f.keys.viewer_all });
    expect((all.body as { scope: { agencyId: string | null } }).scope.agencyId).toBeNull();
    const b = await f.call('GET', `/api/v1/kpi?agencyId=${AGENCY_B}&period=half`, { key: f.keys.viewer_all });
    expect((b.body as { scope: { agencyId: string }; period: { kind: string } }).scope.agencyId).toBe(AGENCY_B);
    expect((b.body as { period: { kind: string } }).period.kind).toBe('half');
    expect((await f.call('GET', '/api/v1/kpi', {})).status).toBe(401);
  });
});
