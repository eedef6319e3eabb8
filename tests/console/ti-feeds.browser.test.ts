/**
 * Issue 14.1 in the browser: an administrator adds a threat-intel feed from the threat-intel page (a list served
 * over a local HTTP server, with a token); it is fetched and matches an event without a restart; the file's feed
 * stays marked as from the configuration file; the token is shown only as set. Screenshots in Vietnamese and
 * English under .tmp/screenshots/ti-feeds/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { type OpenedContext, openContext } from '../../context/index.js';
import type { StoredEvent } from '../../store/types.js';
import { type Fixture, startFixture } from '../kit/api.js';
import { buildConsoleOnce, CHROMIUM, launch, login, SHOTS, until } from './browser-kit.js';

const ADMIN = { username: 'quan.tri', password: 'mat-khau-quan-tri-14' };
const TOKEN = 'bi-mat-khong-hien-ra';
const LIST = readFileSync(new URL('../../context/ti/feeds/fixtures/console-feed.txt', import.meta.url), 'utf8');
const suite = existsSync(CHROMIUM) ? describe : describe.skip;
const DIR = join(SHOTS, 'ti-feeds');

let f: Fixture;
let ctx: OpenedContext | undefined;
let browser: Browser;
let http: Server;
let url = '';
const auth: string[] = [];
const problems: string[] = [];

const event = (ip: string): StoredEvent =>
  ({ 'event.id': `e-${ip}`, '@timestamp': new Date().toISOString(), 'agency.id': 'a', 'source.ip': ip }) as StoredEvent;

suite('threat-intel feeds managed in the console', () => {
  beforeAll(async () => {
    mkdirSync(DIR, { recursive: true });
    buildConsoleOnce();
    http = createServer((req, res) => {
      auth.push(String(req.headers.authorization ?? ''));
      res.writeHead(200, { 'content-type': 'text/plain' }).end(LIST);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/so-tttt/blocklist.txt`;
    f = await startFixture({
      threatIntel: { status: () => ctx?.ti?.status() ?? [], localChanged: () => ctx!.syncLocal() },
    });
    await f.svc.auth.createUser('seed', { ...ADMIN, role: 'admin' });
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-ti-feeds-'));
    writeFileSync(join(dir, 'vncert.txt'), 'evil-apt.example\n');
    ctx = await openContext(
      {
        geoip: { enabled: false },
        threatIntel: { feeds: [{ name: 'vncert', type: 'list', file: join(dir, 'vncert.txt') }] },
      },
      { events: f.svc.stores.events, state: f.svc.stores.state, raise: async () => {}, localPollMs: 3_600_000 },
    );
    browser = await launch();
  }, 90_000);

  afterAll(async () => {
    ctx?.close();
    await browser?.close();
    await f?.close();
    await new Promise((r) => http?.close(r));
  });

  const open = async (lang: 'vi' | 'en'): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (e) => problems.push(e.message));
    if (lang === 'en') await page.addInitScript("localStorage.setItem('canhgac.lang', 'en')");
    await login(page, f, ADMIN);
    return page;
  };

  it('an administrator adds a feed from the page; it is fetched and matches without a restart', async () => {
    expect(ctx!.stage.process([event('198.51.100.77')])).toHaveLength(0);
    const page = await open('vi');
    await page.goto(`${f.url}/threat-intel`);
    await page.waitForSelector('[data-testid=ti-feed-form]');
    expect(await page.textContent('tr[data-feed=vncert]')).toContain('từ tệp cấu hình');
    // A bad URL first: the error names the field.
    await page.fill('[data-testid=ti-feed-form] input[name=name]', 'so-tttt');
    await page.fill('[data-testid=ti-feed-form] input[name=url]', 'ftp://so-tttt/blocklist.txt');
    await page.click('[data-testid=ti-feed-form] button[type=submit]');
    await page.waitForSelector('.error[role=alert]');
    expect(await page.textContent('.error[role=alert]')).toContain('url');
    await page.fill('[data-testid=ti-feed-form] input[name=url]', url);
    await page.fill('[data-testid=ti-feed-form] input[name=refreshMinutes]', '30');
    await page.fill('[data-testid=ti-feed-form] input[name=token]', TOKEN);
    await page.click('[data-testid=ti-feed-form] button[type=submit]');
    await page.waitForSelector('[data-testid=ti-console-feeds] tr[data-feed=so-tttt]');
    await until(async () =>
      /từ giao diện|thêm trên giao diện/.test((await page.textContent('tr[data-feed=so-tttt]')) ?? ''),
    );
    expect(await page.textContent('[data-testid=ti-console-feeds]')).toContain('đã đặt');
    expect(await page.content()).not.toContain(TOKEN);
    expect(auth).toContain(`Bearer ${TOKEN}`);
    expect(await page.textContent('[data-testid=ti-feeds] tr[data-feed=so-tttt]')).toContain('3');
    const alerts = ctx!.stage.process([event('198.51.100.77')]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.fields['threat.indicator.feed']).toBe('so-tttt');
    await page.screenshot({ path: join(DIR, 'threat-intel-feeds-vi.png'), fullPage: true });
    // Edit: the token field says it is set, and stays set when left empty.
    await page.click('tr[data-feed=so-tttt] button:text("Sửa")');
    expect(await page.getAttribute('[data-testid=ti-feed-form] input[name=token]', 'placeholder')).toContain('đã đặt');
    await page.screenshot({ path: join(DIR, 'threat-intel-feed-edit-vi.png'), fullPage: true });
    await page.click('[data-testid=ti-feed-form] button:text("Hủy")');
    await page.click('tr[data-feed=so-tttt] button:text("Tạm dừng")');
    await until(async () => ((await page.textContent('[data-testid=ti-console-feeds]')) ?? '').includes('Tiếp tục'));
    expect(ctx!.stage.process([event('198.51.100.77')])).toHaveLength(0);
    await page.close();
    const audit = (await f.call('GET', '/api/v1/audit', { key: f.keys.admin! })).body as {
      items: { action: string; actor: string }[];
    };
    expect(audit.items.find((a) => a.action === 'feed.create')?.actor).toContain('quan.tri');
    expect(JSON.stringify(audit)).not.toContain(TOKEN);
  }, 90_000);

  it('in English too', async () => {
    const page = await open('en');
    await page.goto(`${f.url}/threat-intel`);
    await page.waitForSelector('[data-testid=ti-console-feeds]');
    expect(await page.textContent('tr[data-feed=vncert]')).toContain('from the configuration file');
    await page.screenshot({ path: join(DIR, 'threat-intel-feeds-en.png'), fullPage: true });
    await page.close();
  }, 60_000);

  it('no script error', () => {
    expect(problems).toEqual([]);
  });
});
