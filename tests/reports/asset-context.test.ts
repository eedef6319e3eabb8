/**
 * The report's asset context (issue 14): the most targeted hosts and the notable incidents carry their inventory
 * entry (role, criticality, security level), rendered in words; an agency's report reads only its agency's
 * inventory (the store scope).
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { AssetService, validateAsset } from '../../context/assets/assets.js';
import { buildReport } from '../../reports/model.js';
import { parseWeek } from '../../reports/period.js';
import { renderHtml } from '../../reports/render.js';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { agencyScope, SCOPE_ALL } from '../../store/types.js';
import { A, B, seed } from './seed.js';

let stores: SqliteStores;
beforeAll(async () => {
  stores = openSqliteStores({ path: ':memory:' });
  await seed(stores);
});
afterAll(async () => {
  await stores.close();
});

it('top hosts and notable incidents show their asset; another agency’s inventory stays out', async () => {
  const req = { kind: 'weekly' as const, period: parseWeek('2026-W47'), scope: agencyScope(A), agencyId: A };
  const before = await buildReport(stores, req);
  const host = before.topHosts[0]!.host;
  // No host of the table in the inventory: no empty asset column.
  expect(before.topHosts.some((h) => h.asset)).toBe(false);
  expect(renderHtml(before, 'vi')).not.toContain('Tài sản (vai trò, mức quan trọng)');
  const svc = new AssetService(stores.state);
  for (const [agencyId, role] of [
    [A, 'Cổng dịch vụ công'],
    [B, 'SECRET-B-ROLE'],
  ] as const) {
    const r = validateAsset({ host, role, criticality: 5, securityLevel: 3 }, agencyId);
    if ('problems' in r) throw new Error(JSON.stringify(r.problems));
    await svc.put(SCOPE_ALL, r.asset, 'user:seed');
  }
  const m = await buildReport(stores, req);
  expect(m.topHosts[0]).toMatchObject({ host, asset: { role: 'Cổng dịch vụ công', criticality: 5, securityLevel: 3 } });
  const notable = m.notable.filter((i) => i.host?.toLowerCase() === host.toLowerCase());
  for (const i of notable) expect(i.asset?.criticality).toBe(5);
  const html = renderHtml(m, 'vi');
  expect(html).toContain('Cổng dịch vụ công, mức quan trọng 5/5, cấp độ 3');
  expect(html).toContain('Tài sản (vai trò, mức quan trọng)');
  // The other hosts of the table are said to be missing from the inventory, not left blank.
  if (m.topHosts.length > 1) expect(html).toContain('chưa có trong danh mục tài sản');
  expect(renderHtml(m, 'en')).toContain('criticality 5/5, security level 3');
  expect(JSON.stringify(m)).not.toContain('SECRET-B-ROLE');
});
