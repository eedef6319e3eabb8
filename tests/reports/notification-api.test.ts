/**
 * Incident notification reports through the API (api/routes/notification.ts) over the seeded province: the list of
 * incidents to report with their 5-day clock, the form filled from the asset inventory (system and level) and the
 * caller's fields as DOCX and HTML, the record of what was sent to whom (audited, content kept), the follow-up
 * naming the initial report, and tenancy (another agency's incident is not found, nor listed).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { AssetService, validateAsset } from '../../context/assets/assets.js';
import { SCOPE_ALL } from '../../store/types.js';
import { type Fixture, startFixture } from '../kit/api.js';
import { AG, seedLeader } from './leader-seed.js';

let f: Fixture;
let dir: string;
const keys: Record<string, string> = {};

beforeAll(async () => {
  f = await startFixture();
  await seedLeader(f.stores);
  const r = validateAsset(
    { host: 'egov-vp', criticality: 5, securityLevel: 4, role: 'Cổng thông tin điện tử tỉnh' },
    AG.vp,
  );
  if ('problems' in r) throw new Error('asset');
  await new AssetService(f.stores.state).put(SCOPE_ALL, r.asset, 'seed');
  keys.vp = (await f.svc.auth.createKey('t', SCOPE_ALL, { name: 'vp', role: 'agency_admin', agencyId: AG.vp })).key;
  keys.tc = (await f.svc.auth.createKey('t', SCOPE_ALL, { name: 'tc', role: 'agency_admin', agencyId: AG.tc })).key;
  dir = mkdtempSync(join(tmpdir(), 'canhgac-notif-api-'));
});
afterAll(async () => {
  await f.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, key: string, body: unknown) =>
  fetch(`${f.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

it('forms from the inventory and the caller, records of what was sent, the clock, and tenancy', async () => {
  // L2: critical, agency vp, detected 2/12/2026 14:00 (within the last 30 days of the real clock or not: the
  // incident routes read it by id either way).
  const html = await (
    await post('/api/v1/incidents/L2/notifications/form', keys.vp!, {
      kind: 'initial',
      format: 'html',
      reporter: 'Lan',
    })
  ).text();
  expect(html).toContain('Cổng thông tin điện tử tỉnh (egov-vp)');
  expect(html).toMatch(/☒<\/span> Cấp độ 4/); // the inventory's level ticks its box
  expect(html).toMatch(/☐<\/span> Cấp độ 3/);
  expect(html).toContain('Văn phòng UBND tỉnh');
  const docx = await post('/api/v1/incidents/L2/notifications/form', keys.vp!, { kind: 'initial', format: 'docx' });
  expect(docx.status).toBe(200);
  expect(docx.headers.get('content-disposition')).toContain('bao-cao-ban-dau-L2.docx');
  const file = join(dir, 'l2.docx');
  writeFileSync(file, Buffer.from(await docx.arrayBuffer()));
  expect(execFileSync('unzip', ['-p', file, 'word/document.xml'], { encoding: 'utf8' })).toContain(
    'Cổng thông tin điện tử tỉnh',
  );

  // Another agency's incident: not found, and not listed.
  expect((await post('/api/v1/incidents/L2/notifications/form', keys.tc!, { format: 'html' })).status).toBe(404);
  expect((await f.call('GET', '/api/v1/incidents/L2/notifications', { key: keys.tc })).status).toBe(404);
  const tcList = (await f.call('GET', '/api/v1/notification-reports', { key: keys.tc })).body as {
    items: { agencyId: string }[];
  };
  expect(tcList.items.every((i) => i.agencyId === AG.tc)).toBe(true);

  // No recipient: refused naming the field; then recorded, audited, with the content kept.
  const none = await post('/api/v1/incidents/L2/notifications', keys.vp!, { kind: 'initial' });
  expect(none.status).toBe(400);
  expect(((await none.json()) as { error: { message: string } }).error.message).toContain('to:');
  const rec = await post('/api/v1/incidents/L2/notifications', keys.vp!, {
    kind: 'initial',
    to: ['ir@vncert.vn', 'Sở TT&TT'],
    reporter: 'Lan',
  });
  expect(rec.status).toBe(201);
  const body = (await rec.json()) as {
    record: { to: string[]; sentBy: string; content: Record<string, string>; deadline: string };
    clock: { state: string };
  };
  expect(body.record.to).toEqual(['ir@vncert.vn', 'Sở TT&TT']);
  expect(body.record.sentBy).toMatch(/^key:[0-9a-f]+$/);
  expect(body.record.content.systemName).toBe('Cổng thông tin điện tử tỉnh (egov-vp)');
  // Detected 2/12/2026 14:00: sent now (7/12 or later by the real clock) is after the 5 days.
  expect(['met', 'late']).toContain(body.record.deadline);
  expect(body.clock.state).toBe(body.record.deadline);
  const status = (await f.call('GET', '/api/v1/incidents/L2/notifications', { key: keys.vp })).body as {
    records: unknown[];
  };
  expect(status.records).toHaveLength(1);
  const audit = await f.stores.state
    .collection<{ action: string; targetId: string }>('audit')
    .list(SCOPE_ALL, { size: 500 });
  expect(audit.docs.some((d) => d.action === 'notification.sent')).toBe(true);

  // The closing report (Mẫu số 04) names the initial report.
  const up = await (
    await post('/api/v1/incidents/L2/notifications/form', keys.vp!, {
      kind: 'followup',
      format: 'html',
      progress: 'Đã gỡ web shell',
    })
  ).text();
  expect(up).toContain('BÁO CÁO KẾT THÚC ỨNG PHÓ SỰ CỐ');
  // The initial report's date as the form asks for it (the day it was sent), not the sending record's sentence.
  expect(up).toMatch(/Ngày báo cáo<\/td><td[^>]*>\d+\/12\/2026</);
  expect(up).toContain('Đã gỡ web shell');
});
