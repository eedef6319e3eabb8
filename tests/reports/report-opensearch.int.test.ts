/**
 * The same seeded fortnight and the same figure-by-figure checks as report.test.ts, on the OpenSearch store: the
 * report reads only through the store seam, so both backends must give identical models.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { buildReport } from '../../reports/model.js';
import { parseWeek } from '../../reports/period.js';
import { rest } from '../../store/opensearch/client.js';
import { type OpenSearchStores, openOpenSearchStores } from '../../store/opensearch/index.js';
import { describeOpenSearch, testPrefix } from '../kit/opensearch.js';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { agencyScope, SCOPE_ALL } from '../../store/types.js';
import { check } from './expect.js';
import { A, B, B_MARK, seed } from './seed.js';

describeOpenSearch('weekly report on OpenSearch', (url) => {
  let os: OpenSearchStores;
  let lite: SqliteStores;
  beforeAll(async () => {
    os = await openOpenSearchStores({ node: url, prefix: testPrefix() });
    await seed(os);
    lite = openSqliteStores({ path: ':memory:' });
    await seed(lite);
  }, 120_000);
  afterAll(async () => {
    await rest(os.client, 'DELETE', `/${os.layout.prefix}-*`, undefined, { ok: [404] });
    await os.close();
    await lite.close();
  });

  it('agency A, agency B and the province: every figure as seeded, and equal to the SQLite model', async () => {
    const week = parseWeek('2026-W47');
    for (const [scope, agencyId] of [
      [agencyScope(A), A],
      [agencyScope(B), B],
      [SCOPE_ALL, undefined],
    ] as const) {
      // A fixed instant after the week (the report counts the current period only up to now).
      const now = Date.parse('2026-12-01T00:00:00Z');
      const req = { kind: 'weekly' as const, period: week, scope, ...(agencyId ? { agencyId } : {}), now };
      const m = await buildReport(os, req);
      check(m, agencyId);
      expect(m).toEqual(await buildReport(lite, req));
      if (agencyId === A) expect(JSON.stringify(m)).not.toContain(B_MARK);
    }
  }, 60_000);
});
