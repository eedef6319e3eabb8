/**
 * Administration in Debian's chromium (issue 13 points 5 and 7): a fresh install says nobody is notified (banner
 * on every page, link to the channels page); channels made in the console, "send a test" showing the real
 * outcome from a real SMTP server and a failing loopback webhook, the failing channel visible; users (create,
 * reset, lock, unlock), an API key shown once; SLA and retention; suppressions; server errors in the user's
 * language with the field named; an agency admin sees and manages only its own agency. Full-page screenshots of
 * each page in Vietnamese and English.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { channelSenders } from '../../notify/index.js';
import { Notifier } from '../../notify/notifier.js';
import { SCOPE_ALL } from '../../store/types.js';
import { AGENCY_A, AGENCY_B, B_MARK, type Fixture, startFixture } from '../kit/api.js';
import { startSmtp, type TestSmtp } from '../smtp.js';
import { buildConsoleOnce, CHROMIUM, launch, login, SHOTS, shot, until } from './browser-kit.js';

const ADMIN = { username: 'quan.tri', password: 'mat-khau-rat-dai-01' };
const AGENCY_ADMIN = { username: 'admin-ta', password: 'password-of-ta' };
const suite = existsSync(CHROMIUM) ? describe : describe.skip;

let f: Fixture;
let browser: Browser;
let smtp: TestSmtp;
let hook: Server;
let hookUrl = '';
const problems: string[] = [];

async function open(user: { username: string; password: string }, lang: 'vi' | 'en' = 'vi'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('dialog', (d) => void d.accept());
  await page.addInitScript(`localStorage.setItem('canhgac.lang', '${lang}')`);
  await login(page, f, user);
  return page;
}

async function tab(page: Page, path: string, ready: string): Promise<void> {
  await page.goto(f.url + path);
  await page.waitForSelector(ready);
}

suite('administration in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    buildConsoleOnce();
    smtp = await startSmtp();
    hook = createServer((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/T0KEN-path-secret`;
    f = await startFixture();
    f.svc.notifier = new Notifier(
      f.stores.state,
      channelSenders(
        { host: '127.0.0.1', port: smtp.port, from: 'soc@canhgac.test' },
        { allowPrivate: ['127.0.0.0/8'] },
      ),
    );
    const state = f.stores.state;
    // A fresh install: no channel and no route.
    for (const c of ['channels', 'routes'])
      for (const d of (await state.collection(c).list(SCOPE_ALL, { size: 100 })).docs)
        await state.collection(c).delete(SCOPE_ALL, d.id);
    const agencies = state.collection<Record<string, unknown>>('agencies');
    for (const [id, name] of [
      [AGENCY_A, 'Sở Y tế'],
      [AGENCY_B, 'Sở Giáo dục và Đào tạo'],
    ] as const) {
      const { version: _v, ...cur } = (await agencies.get(SCOPE_ALL, id))!;
      await agencies.put(SCOPE_ALL, { ...cur, name });
    }
    await f.svc.auth.createUser('seed', { ...ADMIN, role: 'admin' });
    browser = await launch();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
    await smtp?.close();
    await new Promise<void>((r) => hook.close(() => r()));
  });

  it('a fresh install says nobody is notified, on every page, with a link to the channels page', async () => {
    const page = await open(ADMIN);
    for (const path of ['/', '/incidents', '/agencies']) {
      await page.goto(f.url + path);
      await page.waitForSelector('[data-testid=notify-banner]');
      expect(await page.textContent('[data-testid=notify-banner]')).toContain('Chưa cấu hình kênh thông báo');
    }
    await shot(page, 'admin-banner-no-channel-vi');
    await page.click('[data-testid=notify-banner] a');
    await page.waitForSelector('[data-testid=new-channel]');
    expect(page.url()).toBe(`${f.url}/admin/channels`);
    await page.close();
  }, 60_000);

  it('channels: a real e-mail test succeeds, a failing webhook shows its error, the banner follows', async () => {
    const page = await open(ADMIN);
    await tab(page, '/admin/channels', '[data-testid=new-channel]');
    const form = page.locator('[data-testid=new-channel]');
    await form.locator('input[name=channel-name]').fill('Thư trực SOC');
    await form.locator('input[name=setting-to]').fill('truc-soc@soyte.gov.vn');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('[data-testid=channels] tr:has-text("Thư trực SOC")');
    await form.locator('[data-testid=channel-type]').selectOption('webhook');
    await form.locator('input[name=channel-name]').fill('Webhook SIEM tỉnh');
    await form.locator('input[name=setting-url]').fill(hookUrl);
    await form.locator('input[name=setting-secret]').fill('hmac-bi-mat-123');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('[data-testid=channels] tr:has-text("Webhook SIEM tỉnh")');
    expect(await page.content()).not.toContain('T0KEN-path-secret');
    expect(await page.content()).not.toContain('hmac-bi-mat-123');

    const mailRow = page.locator('[data-testid=channels] tr', { hasText: 'Thư trực SOC' });
    await mailRow.locator('[data-testid=send-test]').click();
    await mailRow.locator('[data-testid=test-result]').waitFor();
    expect(await mailRow.locator('[data-testid=test-result]').textContent()).toContain('Đã gửi thử thành công');
    await until(() => smtp.mails.some((m) => m.includes('truc-soc@soyte.gov.vn')));

    const hookRow = page.locator('[data-testid=channels] tr', { hasText: 'Webhook SIEM tỉnh' });
    await hookRow.locator('[data-testid=send-test]').click();
    await hookRow.locator('[data-testid=test-result]').waitFor();
    // The failure in Vietnamese by its class; the sender's English only behind "Chi tiết kỹ thuật".
    const result = hookRow.locator('[data-testid=test-result]');
    expect(await result.textContent()).toContain('Gửi thử thất bại');
    expect(await result.locator('[data-testid=delivery-error]').textContent()).toBe(
      'Máy nhận gặp lỗi, trả mã HTTP 500 (lỗi phía máy nhận)',
    );
    expect(await result.locator('[data-testid=raw-error]').isVisible()).toBe(false);
    await until(async () =>
      ((await hookRow.locator('[data-testid=last-delivery]').textContent()) ?? '').includes('Thất bại'),
    );
    const last = hookRow.locator('[data-testid=last-delivery] .failure');
    expect(await last.locator('[data-testid=delivery-error]').textContent()).toContain(
      'Máy nhận gặp lỗi, trả mã HTTP 500',
    );
    expect(await last.locator('[data-testid=raw-error]').isVisible()).toBe(false);
    await last.locator('summary').click();
    expect(await last.locator('[data-testid=raw-error]').isVisible()).toBe(true);
    expect(await last.locator('[data-testid=raw-error]').textContent()).toBe(
      'The channel refused the delivery: HTTP 500 from the channel',
    );
    expect(await page.content()).not.toContain('T0KEN-path-secret');

    // A route: now notices reach someone, and the banner names the failing channel instead.
    const route = page.locator('[data-testid=new-route]');
    await route
      .locator('[data-testid=route-channels]')
      .selectOption([
        (await page
          .locator('[data-testid=route-channels] option', { hasText: 'Thư trực SOC' })
          .getAttribute('value')) ?? '',
        (await page
          .locator('[data-testid=route-channels] option', { hasText: 'Webhook SIEM tỉnh' })
          .getAttribute('value')) ?? '',
      ]);
    await route.locator('button[type=submit]').click();
    await page.waitForSelector('[data-testid=routes] tbody tr');
    await page.goto(`${f.url}/`);
    await page.waitForSelector('[data-testid=notify-banner] .note');
    expect(await page.textContent('[data-testid=notify-banner]')).toContain('Webhook SIEM tỉnh');
    expect(await page.textContent('[data-testid=notify-banner] [data-testid=delivery-error]')).toContain(
      'Máy nhận gặp lỗi, trả mã HTTP 500',
    );
    await tab(page, '/admin/channels', '[data-testid=routes] tbody tr');
    await page.waitForSelector('[data-testid=audit] tr');
    expect(await page.textContent('[data-testid=audit]')).toContain('gửi thử kênh');
    // Targets by name (a route by its severity and channels), never a document id.
    const targets = await page.locator('[data-testid=audit-target]').allTextContents();
    expect(targets).toContain('Webhook SIEM tỉnh');
    expect(targets).toContain('≥ Cao → Thư trực SOC, Webhook SIEM tỉnh');
    for (const x of targets) expect([x, /[0-9a-f]{16}|[0-9a-f-]{32}/i.test(x)]).toEqual([x, false]);
    await shot(page, 'admin-channels-vi');
    await page.close();
  }, 90_000);

  it('users: create, reset the password, lock and unlock; an API key is shown once', async () => {
    const page = await open(ADMIN);
    await tab(page, '/admin/users', '[data-testid=users] tbody tr');
    const form = page.locator('[data-testid=new-user]');
    await form.locator('input[name=new-username]').fill('nguyen.lan');
    await form.locator('input[name=new-password]').fill('mat-khau-ban-dau-1');
    await form.locator('[data-testid=role]').selectOption('agency_admin');
    await form.locator('[data-testid=agency]').selectOption(AGENCY_A);
    await form.locator('button[type=submit]').click();
    const row = page.locator('tr[data-user="nguyen.lan"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Quản trị đơn vị');
    expect(await row.textContent()).toContain('Sở Y tế');
    await row.locator('[data-testid=reset]').click();
    await row.locator('input[type=password]').fill('mat-khau-moi-dai-22');
    await row.locator('button[type=submit]').click();
    await page.waitForSelector('p.note:has-text("Đã đặt mật khẩu mới cho nguyen.lan")');
    await f.svc.auth.checkPassword('nguyen.lan', 'mat-khau-moi-dai-22');
    await row.locator('[data-testid=lock]').click();
    await row.locator('.state-bad').waitFor();
    expect((await f.svc.auth.users.get(SCOPE_ALL, 'nguyen.lan'))?.disabled).toBe(true);
    await row.locator('[data-testid=unlock]').click();
    await row.locator('.state-ok').waitFor();

    const keyForm = page.locator('[data-testid=new-key-form]');
    await keyForm.locator('input[name=key-name]').fill('Báo cáo tự động');
    await keyForm.locator('button[type=submit]').click();
    const key = (await page.locator('[data-testid=new-api-key] code').textContent()) ?? '';
    expect(key).toMatch(/^cgk_/);
    expect(await f.svc.auth.authenticateKey(key)).toMatchObject({ role: 'viewer' });
    await page.waitForSelector('[data-testid=audit] tr:has-text("đặt lại mật khẩu")');
    expect(await page.textContent('[data-testid=users]')).not.toContain('agency_admin');
    // The key by its name and role in words, the user by name: no key id in the recent changes.
    await page.waitForSelector('[data-testid=audit] tr:has-text("Báo cáo tự động")');
    const audit = await page.textContent('[data-testid=audit]');
    expect(audit).toContain('Báo cáo tự động · Người xem');
    expect(audit).toContain('nguyen.lan');
    // Locking and unlocking are said as such (both are user.update in the audit).
    expect(audit).toContain('khóa tài khoản');
    expect(audit).toContain('mở lại tài khoản');
    expect(audit).not.toMatch(/\b(viewer|analyst|agency_admin)\b/);
    await shot(page, 'admin-users-vi');
    await page.reload();
    await page.waitForSelector('[data-testid=api-keys] tbody tr');
    expect(await page.content()).not.toContain(key);
    await page.close();
  }, 60_000);

  it('SLA and retention are saved; a bad value is refused naming the field in Vietnamese', async () => {
    const page = await open(ADMIN);
    await tab(page, '/admin/sla', '[data-testid=sla]');
    // Laid out as a table: each severity's row under the headings (the incident page's .sla grid once split it).
    expect(await page.evaluate("getComputedStyle(document.querySelector('[data-testid=sla]')).display")).toBe('table');
    const headX = await page.locator('[data-testid=sla] thead th').first().boundingBox();
    const rowX = await page.locator('[data-testid=sla] tbody td').first().boundingBox();
    expect(Math.abs((headX?.x ?? 0) - (rowX?.x ?? 99))).toBeLessThan(2);
    await page.fill('input[name=sla-critical-ack]', '0');
    await page.click('[data-testid=save-settings]');
    await page.waitForSelector('.error[role=alert]');
    const err = (await page.textContent('.error[role=alert]')) ?? '';
    expect(err).toContain('Hạn tiếp nhận (phút): phải từ 1 trở lên');
    expect(err).not.toContain('body/');
    await page.fill('input[name=sla-critical-ack]', '10');
    await page.fill('input[name=retention-days]', '180');
    await page.click('[data-testid=save-settings]');
    await page.waitForSelector('p.note:has-text("Đã lưu")');
    const doc = await f.stores.state
      .collection<{ values: Record<string, unknown> }>('settings')
      .get(SCOPE_ALL, 'global');
    expect(doc?.values).toMatchObject({ retentionDays: 180, sla: { critical: { ackMinutes: 10 } } });
    await page.waitForSelector('[data-testid=audit] tr:has-text("sửa cài đặt")');
    await shot(page, 'admin-sla-vi');
    await page.close();
  }, 60_000);

  it('suppressions: made with a reason and an end, listed, removed', async () => {
    const page = await open(ADMIN);
    await tab(page, '/admin/suppressions', '[data-testid=new-suppression]');
    const form = page.locator('[data-testid=new-suppression]');
    await form.locator('[data-testid=supp-agency]').selectOption(AGENCY_A);
    await form.locator('input[name=supp-host]').fill('may-quet-01');
    await form.locator('input[name=supp-reason]').fill('Máy quét lỗ hổng định kỳ của Sở');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('[data-testid=suppressions] tr:has-text("may-quet-01")');
    await page.waitForSelector('[data-testid=audit] tr:has-text("tạm ẩn cảnh báo")');
    await shot(page, 'admin-suppressions-vi');
    const row = page.locator('[data-testid=suppressions] tr', { hasText: 'may-quet-01' });
    await row.locator('[data-testid=remove-suppression]').click();
    await row.waitFor({ state: 'detached' });
    await page.close();
  }, 60_000);

  it('the same pages in English', async () => {
    const page = await open(ADMIN, 'en');
    await tab(page, '/admin/users', '[data-testid=users] tbody tr');
    expect(await page.textContent('h1')).toContain('Administration');
    expect(await page.textContent('[data-testid=users]')).toContain('Agency administrator');
    await shot(page, 'admin-users-en');
    await tab(page, '/admin/channels', '[data-testid=channels] tbody tr');
    await page.waitForSelector('[data-testid=notify-banner]');
    expect(await page.textContent('[data-testid=notify-banner]')).toContain('Notification channels failing');
    expect(await page.textContent('[data-testid=notify-banner] [data-testid=delivery-error]')).toContain(
      'The receiver failed with HTTP 500',
    );
    expect(await page.textContent('[data-testid=channels] .failure [data-testid=delivery-error]')).toContain(
      'The receiver failed with HTTP 500',
    );
    await shot(page, 'admin-channels-en');
    await tab(page, '/admin/sla', '[data-testid=sla]');
    await page.fill('input[name=retention-days]', '0');
    await page.click('[data-testid=save-settings]');
    await page.waitForSelector('.error[role=alert]');
    expect(await page.textContent('.error[role=alert]')).toContain('Days events are kept: must be at least 1');
    await page.fill('input[name=retention-days]', '180');
    await shot(page, 'admin-sla-en');
    await tab(page, '/admin/suppressions', '[data-testid=new-suppression]');
    await shot(page, 'admin-suppressions-en');
    await page.close();
  }, 60_000);

  it("an agency admin manages only its own agency's users, channels and suppressions", async () => {
    await f.svc.incidents.suppress(SCOPE_ALL, {
      agencyId: AGENCY_B,
      host: 'may-b',
      reason: `bảo trì ${B_MARK}`,
      expiresAt: Date.now() + 86_400_000,
      createdBy: 'user:quan.tri',
    });
    const page = await open(AGENCY_ADMIN);
    await page.click('nav a[href="/admin"]');
    await page.waitForSelector('[data-testid=users] tbody tr');
    const tabs = await page.locator('.admin-tabs a').allTextContents();
    expect(tabs).not.toContain('SLA và lưu trữ');
    for (const [path, ready] of [
      ['/admin/users', '[data-testid=users] tbody tr'],
      ['/admin/channels', '[data-testid=new-channel]'],
      ['/admin/suppressions', '[data-testid=new-suppression]'],
    ] as const) {
      await tab(page, path, ready);
      await page.waitForSelector('.recent-changes h2');
      const body = (await page.textContent('body')) ?? '';
      expect(body).not.toContain(B_MARK);
      expect(body).not.toContain('admin-tb');
      expect(body).not.toContain('Sở Giáo dục');
    }
    await tab(page, '/admin/users', '[data-testid=users] tbody tr');
    expect(await page.locator('[data-testid=new-user] [data-testid=role] option').allTextContents()).toEqual([
      'Quản trị đơn vị',
      'Người xem',
    ]);
    await shot(page, 'admin-agency-admin-users-vi');
    await tab(page, '/admin/sla', '[data-testid=users], .admin');
    expect(await page.locator('[data-testid=sla]').count()).toBe(0);
    await page.close();
  }, 60_000);

  it('no script error in any page', () => {
    expect(problems).toEqual([]);
  });
});
