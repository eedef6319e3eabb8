/**
 * GET /api/v1/reports/weekly|semiannual over the API fixture (two agencies, data of 1/11/2026 = 2026-W44): an
 * agency-bound caller gets its own agency's report whatever it names, province-wide callers any agency's or the
 * province's, PDF on request, and a clear 400 for a week the year does not have.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { A_MARK, AGENCY_A, AGENCY_B, B_MARK, type Fixture, startFixture } from '../kit/api.js';
import { settingsFor } from '../../core/settings.js';
import { SCOPE_ALL } from '../../store/types.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

const W44 = '/api/v1/reports/weekly?week=2026-W44';

describe('reports API', () => {
  it("an agency viewer gets its own agency's report, also when naming another agency or all", async () => {
    for (const q of ['', `&agencyId=${AGENCY_B}`, '&agencyId=all']) {
      const r = await f.call('GET', `${W44}${q}`, { key: f.keys.viewer_a });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(r.text).not.toContain(B_MARK);
      expect(r.text).toContain('Báo cáo tuần 44/2026 (từ ngày 26/10/2026 đến ngày 1/11/2026)');
      expect(r.text).toContain(`srv-${A_MARK}`);
      expect(r.text).toContain(`Agency ${A_MARK} (${AGENCY_A})`);
    }
  });

  it('a province-wide viewer gets any agency, or the whole province', async () => {
    const b = await f.call('GET', `${W44}&agencyId=${AGENCY_B}&lang=en`, { key: f.keys.viewer_all });
    expect(b.status).toBe(200);
    expect(b.text).toContain(`srv-${B_MARK}`);
    expect(b.text).not.toContain(A_MARK);
    expect(b.text).toContain('Weekly report: Week 44/2026');
    const all = await f.call('GET', W44, { key: f.keys.analyst });
    expect(all.text).toContain('Toàn tỉnh');
    expect(all.text).toContain(`srv-${A_MARK}`);
    expect(all.text).toContain(`srv-${B_MARK}`);
  });

  it('without lang the defaultLanguage setting decides', async () => {
    const settings = f.stores.state.collection<Record<string, unknown>>('settings');
    await settings.put(SCOPE_ALL, { id: 'global', values: { defaultLanguage: 'en' } });
    settingsFor(f.stores.state).invalidate();
    try {
      expect((await f.call('GET', W44, { key: f.keys.viewer_a })).text).toContain('Weekly report: Week 44/2026');
      expect((await f.call('GET', `${W44}&lang=vi`, { key: f.keys.viewer_a })).text).toContain('Báo cáo tuần');
    } finally {
      await settings.put(SCOPE_ALL, { id: 'global', values: {} });
      settingsFor(f.stores.state).invalidate();
    }
  });

  it('PDF as an attachment; the semiannual summary; a bad week is a 400; intake keys are refused', async () => {
    const res = await fetch(`${f.url}${W44}&format=pdf`, {
      headers: { authorization: `Bearer ${f.keys.agency_admin_a}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="canhgac-2026-W44-${AGENCY_A}.pdf"`);
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const h = await f.call('GET', '/api/v1/reports/semiannual?half=2026-H2', { key: f.keys.viewer_a });
    expect(h.status).toBe(200);
    expect(h.text).toContain('Báo cáo 6 tháng cuối năm 2026');
    const bad = await f.call('GET', '/api/v1/reports/weekly?week=2027-W53', { key: f.keys.viewer_a });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'CANHGAC_ERR_API_VALIDATION',
      message: expect.stringContaining('2027 has 52 weeks'),
    });
    expect((await f.call('GET', W44, { key: f.keys.intake_a })).status).toBe(403);
  }, 60_000);
});
