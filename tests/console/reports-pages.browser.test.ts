/**
 * The Reports section in Debian's chromium over the API fixture with the seeded province (tests/reports/
 * leader-seed.ts), an asset inventory and real normalised log lines:
 * - Reports: the weekly and six-monthly reports listed with their periods; an agency admin's links name only its
 *   own agency, and the six-monthly PDF downloaded from the page is rendered to PNG page by page (pdftoppm) with
 *   its compliance section read back (pdftotext);
 * - Compliance: the systems, levels and log types, Decree 53 switched on from the page (the retention minimum
 *   follows); an agency admin sees only its own agency;
 * - Incident notifications: the 5-day clock, a form filled and downloaded (PDF and DOCX), recorded as sent to two
 *   recipients, the record listed;
 * - Export: policy with monitoring-only and none, the delivery log (delivered, failed with retries), a given-up
 *   bundle put back by Retry, the dry run's bundle; hidden from and refused to an agency admin.
 * Screenshots in Vietnamese and English: .tmp/screenshots/reports-*.png.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { exportRouteOptions } from '../../api/routes/export.js';
import { AssetService, validateAsset } from '../../context/assets/assets.js';
import { createNormaliseContext, normaliseRecord } from '../../ingest/normalise/normalise.js';
import type { DeliveryLogEntry, OutboxEntry } from '../../reports/export/exporter.js';
import { SCOPE_ALL, type StoredEvent } from '../../store/types.js';
import { type Fixture, startFixture } from '../kit/api.js';
import { AG, seedLeader } from '../reports/leader-seed.js';
import { buildConsoleOnce, CHROMIUM, launch, login, SHOTS, shot, until } from './browser-kit.js';

const have = existsSync(CHROMIUM);
if (!have) process.stdout.write(`Skipping the reports pages browser test: ${CHROMIUM} is absent.\n`);
const ADMIN = { username: 'quan.tri', password: 'mat-khau-quan-tri-01' };
const AGENCY = { username: 'tc.admin', password: 'mat-khau-so-tai-chinh' };
const H = 3_600_000;
let f: Fixture;
let browser: Browser;

async function seed(): Promise<void> {
  await seedLeader(f.stores);
  const assets = new AssetService(f.stores.state);
  const inv: [string, Record<string, unknown>][] = [
    [AG.tc, { host: 'cong-dich-vu-tc', criticality: 5, securityLevel: 3, role: 'Cổng dịch vụ công' }],
    [AG.tc, { host: 'csdl-tc', criticality: 5, securityLevel: 4, role: 'Cơ sở dữ liệu tài chính' }],
    [AG.nv, { host: 'web-nv', criticality: 3, securityLevel: 2, role: 'Cổng thông tin Sở Nội vụ' }],
    [AG.nv, { host: 'mail-nv', criticality: 2, securityLevel: 1, role: 'Thư điện tử' }],
    [AG.yt, { host: 'his-yt', criticality: 4, securityLevel: 3, role: 'Hệ thống thông tin bệnh viện' }],
    [AG.yt, { host: 'pacs-yt', criticality: 4, role: 'Hệ thống thông tin bệnh viện' }],
  ];
  for (const [agencyId, body] of inv) {
    const r = validateAsset(body, agencyId);
    if ('problems' in r) throw new Error(JSON.stringify(r.problems));
    await assets.put(SCOPE_ALL, r.asset, 'seed');
  }
  // Real lines of each log type from some of those hosts, received an hour ago.
  const lines: [string, string][] = [
    [
      AG.tc,
      '<38>Dec  7 09:00:01 cong-dich-vu-tc sshd[811]: Accepted password for quantri from 10.1.2.3 port 51022 ssh2',
    ],
    [AG.tc, '<11>Dec  7 09:00:02 cong-dich-vu-tc kernel: EXT4-fs error (device sda1): ext4_find_entry:1455'],
    [AG.tc, '<86>Dec  7 09:00:03 cong-dich-vu-tc useradd[900]: new user: name=backup2, UID=1002, GID=1002'],
    [
      AG.tc,
      '<190>Dec  7 09:00:04 cong-dich-vu-tc nginx: 1.2.3.4 - - [07/Dec/2026:09:00:04 +0700] "GET / HTTP/1.1" 200 1',
    ],
    [
      AG.tc,
      '<4>Dec  7 09:00:05 cong-dich-vu-tc kernel: IPTABLES-DROP: IN=eth0 OUT= SRC=1.2.3.4 DST=10.0.0.1 LEN=76 PROTO=TCP SPT=4000 DPT=22 SYN',
    ],
    [AG.tc, '<38>Dec  7 09:00:06 csdl-tc sshd[12]: Failed password for root from 203.0.113.7 port 4711 ssh2'],
    [AG.nv, '<38>Dec  7 09:00:07 web-nv sshd[7]: Accepted publickey for admin from 10.9.9.9 port 2222 ssh2'],
    [AG.nv, '<190>Dec  7 09:00:08 web-nv nginx: 1.2.3.4 - - [07/Dec/2026:09:00:08 +0700] "GET /a HTTP/1.1" 500 1'],
  ];
  const ctx = createNormaliseContext({});
  const at = Date.now() - H;
  const evs = lines.map(([agency, data], i) => {
    const e = normaliseRecord(
      { id: `rp-${i}`, receivedAt: at, transport: 'udp', source: '10.0.0.1', agency, data },
      ctx,
    );
    return { ...(e as StoredEvent), '@timestamp': new Date(at + i * 1000).toISOString() };
  });
  expect((await f.stores.events.write(SCOPE_ALL, evs)).written).toBe(lines.length);
  await f.stores.events.refresh();

  // Export: a target, a policy with monitoring-only (level 5) and nothing (TLP:RED), a log with retries.
  exportRouteOptions.config = {
    enabled: true,
    intervalSeconds: 300,
    maxAttempts: 3,
    producer: 'Sở Khoa học và Công nghệ tỉnh Mẫu',
    target: {
      kind: 'https',
      name: 'ncsc',
      url: 'https://giamsat.example.gov.vn/stix',
      certFile: '/etc/canhgac/client.crt',
      keyFile: '/etc/canhgac/client.key',
    },
    defaultProfile: 'full',
    defaultTlp: 'amber',
    maxTlp: 'amber',
    agencies: { [AG.vp]: { securityLevel: 5 }, [AG.kh]: { tlp: 'red' } },
  };
  const now = Date.now();
  const box = f.stores.state.collection<OutboxEntry>('export_outbox');
  const log = f.stores.state.collection<DeliveryLogEntry>('export_deliveries');
  const entry = (
    id: string,
    state: OutboxEntry['state'],
    attempts: number,
    t: number,
    lastError?: string,
  ): OutboxEntry => ({
    id,
    target: 'ncsc',
    bundleId: `bundle--${id.padEnd(8, '0')}-1111-4111-8111-111111111111`,
    bundle: { type: 'bundle', id: `bundle--${id}`, objects: [] },
    objects: 12,
    state,
    attempts,
    nextAt: t + 10 * 60_000,
    createdAt: t,
    ...(lastError ? { lastError } : {}),
  });
  await box.put(SCOPE_ALL, entry('a1b2c3d4', 'sent', 1, now - 5 * H));
  await box.put(SCOPE_ALL, entry('e5f6a7b8', 'failed', 3, now - 3 * H, 'HTTP 503'));
  await log.put(SCOPE_ALL, {
    id: 'a1-1',
    at: now - 5 * H,
    target: 'ncsc',
    outboxId: 'a1b2c3d4',
    bundleId: entry('a1b2c3d4', 'sent', 1, 0).bundleId,
    objects: 12,
    attempt: 1,
    ok: true,
    status: 200,
  });
  for (let i = 1; i <= 3; i++)
    await log.put(SCOPE_ALL, {
      id: `e5-${i}`,
      at: now - 3 * H + i * 60_000,
      target: 'ncsc',
      outboxId: 'e5f6a7b8',
      bundleId: entry('e5f6a7b8', 'failed', 3, 0).bundleId,
      objects: 12,
      attempt: i,
      ok: false,
      status: 503,
      error: 'Service Unavailable',
    });

  await f.svc.auth.createUser('seed', { ...ADMIN, role: 'admin' });
  await f.svc.auth.createUser('seed', { ...AGENCY, role: 'agency_admin', agencyId: AG.tc });
}

async function open(page: Page, path: string, ready: string): Promise<void> {
  await page.goto(`${f.url}${path}`);
  await page.waitForSelector(ready);
}

(have ? describe : describe.skip)('the Reports section', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    buildConsoleOnce();
    f = await startFixture();
    await seed();
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await f?.close();
    delete exportRouteOptions.config;
  });

  for (const lang of ['vi', 'en'] as const)
    it(`an administrator's pages (${lang})`, async () => {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.addInitScript(`localStorage.setItem('canhgac.lang', '${lang}')`);
      await login(page, f, ADMIN);

      await open(page, '/reports', '[data-testid=report-list] tr[data-period]');
      expect(await page.locator('[data-testid=report-list] tr[data-period]').count()).toBe(12);
      await shot(page, `reports-periodic-${lang}`);

      await open(page, '/compliance', '.compliance-agency');
      const agencies = await page
        .locator('table.compliance')
        .evaluateAll((ts) => ts.map((t) => t.getAttribute('data-agency')));
      expect(agencies).toEqual([AG.tc, AG.nv, AG.yt]);
      const portal = page.locator(`table[data-agency="${AG.tc}"] tr[data-system="Cổng dịch vụ công"]`);
      expect(
        await portal.locator('td[data-log]').evaluateAll((c) => c.map((x) => x.getAttribute('data-status'))),
      ).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      if (lang === 'vi') {
        // Decree 53 from the page: the minimum becomes 366 days.
        await portal.locator('[data-testid=decree53]').check();
        await until(async () =>
          (await f.call('GET', '/api/v1/compliance', { key: f.keys.admin })).text.includes(
            '"retentionMinimumDays":366',
          ),
        );
        await page.waitForSelector('text=366');
      }
      await shot(page, `reports-compliance-${lang}`);

      await open(page, '/notifications', '[data-testid=notif-list]');
      await page.locator('[data-testid=notif-choose]').first().click();
      await page.waitForSelector('[data-testid=notif-form]');
      // The first run recorded an initial report, so the form offers a follow-up next: ask for the initial one.
      await page.selectOption('select[name=kind]', 'initial');
      await page.fill('input[name=reporter]', 'Trần Thị Lan, Chuyên viên SOC');
      await page.fill('input[name=contact]', '0912 345 678, soc@tinh.example.vn');
      await page.fill('input[name=securityLevel]', '3');
      await page.fill('textarea[name=actions]', 'Cô lập máy chủ, đổi mật khẩu quản trị, thu thập nhật ký');
      await page.fill('input[name=to]', 'Cục An toàn thông tin, ir@vncert.vn');
      for (const [label, ext] of [
        [lang === 'vi' ? 'Tải PDF' : 'Download PDF', 'pdf'],
        [lang === 'vi' ? 'Tải DOCX' : 'Download DOCX', 'docx'],
      ] as const) {
        const [dl] = await Promise.all([
          page.waitForEvent('download', { timeout: 60_000 }),
          page.getByRole('button', { name: label }).click(),
        ]);
        const file = join(SHOTS, `reports-notification-${lang}.${ext}`);
        await dl.saveAs(file);
        expect(readFileSync(file).subarray(0, 4).toString('latin1')).toBe(ext === 'pdf' ? '%PDF' : 'PK\u0003\u0004');
        if (ext === 'pdf') {
          const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
          expect(text).toContain('BÁO CÁO BAN ĐẦU SỰ CỐ');
          expect(text).toContain('Trần Thị Lan');
          execFileSync('pdftoppm', ['-png', '-r', '70', file, join(SHOTS, `reports-notification-form-${lang}`)]);
        }
      }
      await page.click('[data-testid=notif-record]');
      await page.waitForSelector('[data-testid=notif-history] tbody tr');
      expect(await page.locator('[data-testid=notif-history]').textContent()).toContain('ir@vncert.vn');
      await shot(page, `reports-notifications-${lang}`);

      await open(page, '/export', '[data-testid=export-policy]');
      const profiles = await page
        .locator('[data-testid=export-policy] tr[data-profile]')
        .evaluateAll((r) => r.map((x) => x.getAttribute('data-profile')));
      expect(profiles).toContain('monitoring_only');
      expect(profiles).toContain('none');
      expect(await page.locator('[data-testid=export-deliveries] tbody tr').count()).toBe(4);
      // A failed delivery is worded by its class in the page's language; the receiver's text only on demand.
      const failed = page.locator('[data-testid=export-deliveries] .delivery-error').first();
      expect(await failed.locator('[data-testid=delivery-error]').textContent()).toContain(
        lang === 'vi' ? 'Máy nhận gặp lỗi, trả mã HTTP 503' : 'The receiver failed with HTTP 503',
      );
      expect(await failed.locator('[data-testid=raw-error]').isVisible()).toBe(false);
      await failed.locator('summary').click();
      expect(await failed.locator('[data-testid=raw-error]').textContent()).toBe('Service Unavailable');
      await page.click('[data-testid=export-dry]');
      await page.waitForSelector('[data-testid=export-dry-result]');
      if (lang === 'vi') {
        await page.click('[data-testid=export-retry]');
        await page.waitForSelector('tr[data-state=pending]');
      }
      await shot(page, `reports-export-${lang}`);
      expect(problems).toEqual([]);
      await page.close();
    }, 180_000);

  it("an agency admin: only its own agency's reports and compliance, no export", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(`localStorage.setItem('canhgac.lang', 'vi')`);
    await login(page, f, AGENCY);
    await open(page, '/reports', '[data-testid=report-list] tr[data-period]');
    expect(await page.locator('a[href="/export"]').count()).toBe(0);
    const hrefs = await page
      .locator('[data-testid=report-list] a')
      .evaluateAll((a) => a.map((x) => x.getAttribute('href')!));
    expect(hrefs.every((h) => h.includes(`agencyId=${AG.tc}`))).toBe(true);
    await page.selectOption('[data-testid=report-kind]', 'semiannual');
    await page.waitForSelector('tr[data-period="2026-H2"]');
    await shot(page, 'reports-periodic-agency-vi');
    // The six-monthly PDF from the page, page by page to PNG, with its compliance section.
    const [dl] = await Promise.all([
      page.waitForEvent('download', { timeout: 120_000 }),
      page.locator('tr[data-period="2026-H2"] [data-testid=report-pdf]').click(),
    ]);
    const file = join(SHOTS, 'reports-semiannual-agency-vi.pdf');
    await dl.saveAs(file);
    // Without -layout: a table cell's wrapped words stay in reading order.
    const text = execFileSync('pdftotext', [file, '-']).toString().replace(/\s+/g, ' ');
    expect(text).toContain('Sở Tài chính');
    expect(text).toContain('Tuân thủ giám sát nhật ký theo cấp độ');
    expect(text).toContain('Cổng dịch vụ công');
    expect(text).not.toContain('Sở Nội vụ');
    execFileSync('pdftoppm', ['-png', '-r', '70', file, join(SHOTS, 'reports-semiannual-agency-vi')]);

    await open(page, '/compliance', '.compliance-agency');
    expect(
      await page.locator('table.compliance').evaluateAll((ts) => ts.map((t) => t.getAttribute('data-agency'))),
    ).toEqual([AG.tc]);
    await shot(page, 'reports-compliance-agency-vi');
    const r = await page.evaluate(async () => (await fetch('/api/v1/export')).status);
    expect(r).toBe(403);
    writeFileSync(join(SHOTS, 'reports-agency-ok.txt'), 'ok\n');
    await page.close();
  }, 180_000);
});
