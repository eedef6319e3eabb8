/**
 * Per-agency switches of installed SigmaHQ rules through the API (issue 15 point 6): an agency admin switches a
 * rule off for its own agency only, audited, signalled to the pipeline; another agency looks absent; a province
 * analyst sees which agencies switched each rule off; only installed package rules can be switched.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCOPE_ALL } from '../store/types.js';
import { AGENCY_A, AGENCY_B, type Fixture, startFixture } from '../tests/kit/api.js';

const NOISY = 'a1b2c3d4-0000-4000-8000-00000000aa01';
const OTHER = 'a1b2c3d4-0000-4000-8000-00000000aa02';
const SHIPPED = '6c1e2f4a-8a0b-4d7e-9c1a-2b3c4d5e6f02';

function rule(id: string, title: string): string {
  return `title: ${title}\nid: ${id}\nstatus: stable\nlogsource: { product: linux, service: sshd }\ndetection:\n  keywords: ['${title}']\n  condition: keywords\nlevel: medium\n`;
}

let f: Fixture;
let signals = 0;

beforeAll(async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'canhgac-agency-rules-')), 'rules-sigmahq');
  mkdirSync(join(dir, 'linux'), { recursive: true });
  writeFileSync(join(dir, 'linux', 'noisy.yml'), rule(NOISY, 'Noisy Package Rule'));
  writeFileSync(join(dir, 'linux', 'other.yml'), rule(OTHER, 'Other Package Rule'));
  f = await startFixture({ ruleSources: { dirs: [dir], disabled: [] }, rulesChanged: () => signals++ });
});
afterAll(async () => {
  await f.close();
});

type Page = {
  agencyId?: string;
  disabled: number;
  total: number;
  items: { id: string; agencyEnabled: boolean; enabled: boolean; disabledFor?: string[] }[];
};

describe('per-agency switches of installed rules', () => {
  it('an agency admin switches a rule off for its own agency, audited and signalled', async () => {
    const k = f.keys.agency_admin_a!;
    const before = (await f.call('GET', '/api/v1/agency-rules', { key: k })).body as Page;
    expect(before.agencyId).toBe(AGENCY_A);
    // Only the installed package's rules, not the shipped pack.
    expect(before.items.map((r) => r.id).sort()).toEqual([NOISY, OTHER]);
    expect(before.items.every((r) => r.agencyEnabled && r.enabled)).toBe(true);
    const s0 = signals;
    const off = await f.call('PATCH', `/api/v1/agency-rules/${AGENCY_A}`, {
      key: k,
      body: { enabled: false, ids: [NOISY] },
    });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ agencyId: AGENCY_A, enabled: false, changed: [NOISY] });
    expect(signals).toBe(s0 + 1);
    const after = (await f.call('GET', '/api/v1/agency-rules?enabled=false', { key: k })).body as Page;
    expect(after.items.map((r) => [r.id, r.agencyEnabled, r.enabled])).toEqual([[NOISY, false, false]]);
    expect(after.disabled).toBe(1);
    const audit = (await f.svc.auth.audit.list(SCOPE_ALL, { size: 500 })).docs.filter(
      (e) => e.action === 'rule.agency_disable',
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ targetId: AGENCY_A, agencyId: AGENCY_A, after: { rules: [NOISY], disabled: 1 } });
    // The same switch again changes nothing and writes no second audit line.
    const again = await f.call('PATCH', `/api/v1/agency-rules/${AGENCY_A}`, {
      key: k,
      body: { enabled: false, ids: [NOISY] },
    });
    expect(again.body).toMatchObject({ changed: [] });
  });

  it('another agency looks absent to an agency admin; a province analyst sees who switched what', async () => {
    const k = f.keys.agency_admin_a!;
    expect((await f.call('GET', `/api/v1/agency-rules?agency=${AGENCY_B}`, { key: k })).status).toBe(404);
    const other = await f.call('PATCH', `/api/v1/agency-rules/${AGENCY_B}`, { key: k, body: { enabled: false } });
    expect(other.status).toBe(404);
    const analyst = f.keys.analyst!;
    const b = (await f.call('GET', `/api/v1/agency-rules?agency=${AGENCY_B}`, { key: analyst })).body as Page;
    expect(b.items.every((r) => r.agencyEnabled)).toBe(true);
    const all = (await f.call('GET', '/api/v1/agency-rules', { key: analyst })).body as Page;
    expect(all.agencyId).toBeUndefined();
    expect(all.items.find((r) => r.id === NOISY)!.disabledFor).toEqual([AGENCY_A]);
    expect(all.items.find((r) => r.id === OTHER)!.disabledFor).toEqual([]);
    // A viewer may not switch rules.
    const viewer = await f.call('PATCH', `/api/v1/agency-rules/${AGENCY_A}`, {
      key: f.keys.viewer_a!,
      body: { enabled: true },
    });
    expect(viewer.status).toBe(403);
  });

  it('refuses a rule that is not from an installed package, naming the field', async () => {
    const r = await f.call('PATCH', `/api/v1/agency-rules/${AGENCY_A}`, {
      key: f.keys.analyst!,
      body: { enabled: false, ids: [OTHER, SHIPPED] },
    });
    expect(r.status).toBe(400);
    expect(r.text).toContain('body/ids/1');
  });

  it('switches the whole package back on for the agency', async () => {
    const on = await f.call('PATCH', `/api/v1/agency-rules/${AGENCY_A}`, {
      key: f.keys.agency_admin_a!,
      body: { enabled: true },
    });
    expect(on.body).toEqual({ agencyId: AGENCY_A, enabled: true, changed: [NOISY] });
    const page = (await f.call('GET', '/api/v1/agency-rules', { key: f.keys.agency_admin_a! })).body as Page;
    expect(page.disabled).toBe(0);
  });
});
