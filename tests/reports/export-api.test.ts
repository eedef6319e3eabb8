/**
 * The export's console API (api/routes/export.ts) over the seeded province: the target without its secrets, the
 * sharing policy resolved per agency (level 5 forced to monitoring only, TLP above the target's maximum shares
 * nothing), the dry run returning exactly the bundle the exporter would put in its outbox (and writing nothing),
 * the delivery log, a given-up bundle put back by retry (audited), and the routes refused to an agency admin.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { exportRouteOptions } from '../../api/routes/export.js';
import { AssetService, validateAsset } from '../../context/assets/assets.js';
import { MonitoringExport, type OutboxEntry } from '../../reports/export/exporter.js';
import { exportSetup } from '../../reports/export/start.js';
import type { StixObject } from '../../reports/export/stix.js';
import { SCOPE_ALL } from '../../store/types.js';
import { type Fixture, startFixture } from '../kit/api.js';
import { AG, seedLeader } from './leader-seed.js';

let f: Fixture;
/** The answers read here. */
interface StatusBody {
  policy: { agencies: { id: string; profile: string }[] };
  outbox: (Omit<OutboxEntry, 'bundle'> & { bundle?: unknown })[];
}
interface DryBody {
  objects: number;
  bundle: StixObject;
}
const config = {
  enabled: true,
  intervalSeconds: 300,
  maxAttempts: 3,
  producer: 'Sở KH&CN tỉnh Mẫu',
  target: {
    kind: 'taxii' as const,
    name: 'ncsc',
    apiRoot: 'https://giamsat.example.gov.vn/api1/',
    collectionId: 'c-1',
    username: 'tinh',
    password: 'bi-mat-khong-duoc-lo',
  },
  defaultProfile: 'full' as const,
  defaultTlp: 'amber' as const,
  maxTlp: 'amber' as const,
  agencies: { [AG.vp]: { securityLevel: 5 as const }, [AG.kh]: { tlp: 'red' as const } },
};

beforeAll(async () => {
  f = await startFixture();
  await seedLeader(f.stores);
  exportRouteOptions.config = config;
});
afterAll(async () => {
  delete exportRouteOptions.config;
  await f.close();
});

it('status, dry run equal to what the exporter collects, retry, and no access for an agency admin', async () => {
  const st = (await f.call('GET', '/api/v1/export', { key: f.keys.admin })) as {
    status: number;
    body: StatusBody;
    text: string;
  };
  expect(st.status).toBe(200);
  expect(st.text).not.toContain('bi-mat-khong-duoc-lo');
  const profiles = Object.fromEntries(st.body.policy.agencies.map((a) => [a.id, a.profile]));
  expect(profiles[AG.vp]).toBe('monitoring_only');
  expect(profiles[AG.kh]).toBe('none');
  expect(profiles[AG.tc]).toBe('full');

  const dry = (await f.call('GET', '/api/v1/export/dry-run', { key: f.keys.analyst })) as {
    status: number;
    body: DryBody;
  };
  expect(dry.status).toBe(200);
  expect(dry.body.objects).toBeGreaterThan(0);
  expect(await f.stores.state.collection('export_outbox').list(SCOPE_ALL, {})).toMatchObject({ docs: [] });
  // Exactly what the exporter puts in its outbox (ids, types and contents; only the bundle's own id differs).
  const x = new MonitoringExport(f.stores, exportSetup(config));
  const entry = (await x.collect())!;
  const strip = (b: StixObject) => (b.objects as StixObject[]).map((o) => JSON.stringify(o)).sort();
  expect(strip(dry.body.bundle)).toEqual(strip(entry.bundle));

  // A given-up bundle and its log; retry puts it back.
  const box = f.stores.state.collection<OutboxEntry>('export_outbox');
  const { version, ...e } = (await box.get(SCOPE_ALL, entry.id))!;
  await box.put(SCOPE_ALL, { ...e, state: 'failed', attempts: 3, lastError: 'HTTP 503' });
  const again = (await f.call('GET', '/api/v1/export', { key: f.keys.admin })) as { body: StatusBody };
  expect(again.body.outbox[0]).toMatchObject({ id: entry.id, state: 'failed', attempts: 3 });
  expect(again.body.outbox[0].bundle).toBeUndefined();
  expect(
    (await f.call('POST', `/api/v1/export/outbox/${entry.id}/retry`, { key: f.keys.analyst, body: {} })).status,
  ).toBe(403);
  const r = (await f.call('POST', `/api/v1/export/outbox/${entry.id}/retry`, { key: f.keys.admin, body: {} })) as {
    status: number;
    body: Partial<OutboxEntry>;
  };
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ state: 'pending', attempts: 0 });
  const audit = await f.stores.state.collection<{ action: string }>('audit').list(SCOPE_ALL, { size: 500 });
  expect(audit.docs.some((d) => d.action === 'export.retry')).toBe(true);

  // A level 5 system in the inventory: its incidents share monitoring only, whatever the agency's profile.
  const lvl = validateAsset({ host: 'cong-dich-vu-tc', criticality: 5, securityLevel: 5 }, AG.tc);
  if ('problems' in lvl) throw new Error('asset');
  await new AssetService(f.stores.state).put(SCOPE_ALL, lvl.asset, 'test');
  await f.stores.state.collection('export_state').delete(SCOPE_ALL, 'export-cursor-ncsc');
  const again5 = (await f.call('GET', '/api/v1/export/dry-run', { key: f.keys.admin })) as { body: DryBody };
  const text = JSON.stringify(again5.body.bundle);
  expect(text).not.toContain('cong-dich-vu-tc');
  expect(text).toContain('csdl-tc');

  for (const path of ['/api/v1/export', '/api/v1/export/dry-run'])
    expect((await f.call('GET', path, { key: f.keys.agency_admin_a })).status).toBe(403);
});
