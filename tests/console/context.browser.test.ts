/**
 * Issue 14 in the browser: an incident with its context (the asset with its criticality and the severity it moved,
 * the threat indicator with its feed, the attacker's country, city and network); the threat-intel page (a working
 * feed with its matches per day, a failing feed standing out with its error, the search, an indicator added to the
 * local list through the form); the asset page (edit, CSV import with a problem by line, learned hosts to complete)
 * and an agency admin seeing only its own agency. Screenshots under .tmp/screenshots/context/.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { AssetService, validateAsset } from '../../context/assets/assets.js';
import { type OpenedContext, openContext } from '../../context/index.js';
import type { Alert } from '../../incidents/types.js';
import { SCOPE_ALL, type StoredEvent } from '../../store/types.js';
import { AGENCY_A, AGENCY_B, type Fixture, startFixture } from '../kit/api.js';
import { buildConsoleOnce, CHROMIUM, launch, login, SHOTS, until } from './browser-kit.js';

const ANALYST = { username: 'lan.tran', password: 'mat-khau-rat-dai-14' };
const AGENCY_ADMIN = { username: 'admin-ta', password: 'password-of-ta' };
const suite = existsSync(CHROMIUM) ? describe : describe.skip;
const DIR = join(SHOTS, 'context');

let f: Fixture;
let ctx: OpenedContext | undefined;
let browser: Browser;
let incidentId = '';
const problems: string[] = [];

async function seed(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'canhgac-ti-shot-'));
  const list = join(dir, 'vncert.txt');
  writeFileSync(list, '45.134.26.10 # Máy chủ điều khiển mã độc, chiến dịch dò mật khẩu SSH\nevil-apt.example\n');
  const assets = new AssetService(f.svc.stores.state);
  for (const body of [
    {
      host: 'cong-dvc',
      addresses: ['10.0.0.5'],
      owner: 'Trung tâm CNTT - Sở TT&TT',
      role: 'Cổng dịch vụ công',
      criticality: 5,
      securityLevel: 3,
    },
    { host: 'mail01', addresses: ['10.0.0.8'], owner: 'Văn phòng Sở', role: 'Máy chủ thư', criticality: 4 },
    { host: 'lab-test', role: 'Máy thử nghiệm', criticality: 1 },
  ]) {
    const r = validateAsset(body, AGENCY_A);
    if ('problems' in r) throw new Error(JSON.stringify(r.problems));
    await assets.put(SCOPE_ALL, r.asset, 'user:seed');
  }
  ctx = await openContext(
    {
      threatIntel: {
        feeds: [
          { name: 'vncert', type: 'list', file: list, confidence: 90, tlp: 'amber' },
          { name: 'misp-circl', type: 'misp', url: 'http://127.0.0.1:9/feeds/circl/', timeoutSeconds: 2 },
        ],
      },
    },
    { events: f.svc.stores.events, state: f.svc.stores.state, raise: async () => {}, localPollMs: 3_600_000 },
  );
  const now = Date.now();
  const events: StoredEvent[] = Array.from({ length: 3 }, (_, n) => ({
    'event.id': `ev-ctx-${n}`,
    '@timestamp': new Date(now - n * 60_000).toISOString(),
    'agency.id': AGENCY_A,
    'host.name': 'cong-dvc',
    'logsource.product': 'linux',
    'source.ip': '45.134.26.10',
    'destination.ip': '10.0.0.5',
    message: `sshd[811]: Failed password for root from 45.134.26.10 port 4${n}122 ssh2`,
  }));
  const alerts = ctx.stage.process(events) as Alert[];
  ctx.stage.weigh(alerts);
  await f.svc.stores.events.write(SCOPE_ALL, events);
  for (const a of alerts) {
    const out = await f.svc.incidents.ingestAlert(a);
    incidentId = out.incident!.id;
  }
}

suite('threat intelligence, GeoIP and assets in the console', () => {
  beforeAll(async () => {
    mkdirSync(DIR, { recursive: true });
    buildConsoleOnce();
    f = await startFixture({
      threatIntel: {
        status: () => ctx?.ti?.status() ?? [],
        search: (v) => ctx!.ti!.search(v),
        localChanged: () => ctx!.syncLocal(),
      },
    });
    await f.svc.auth.createUser('seed', { ...ANALYST, role: 'analyst' });
    await seed();
    browser = await launch();
  }, 90_000);

  afterAll(async () => {
    ctx?.close();
    await browser?.close();
    await f?.close();
  });

  const open = async (lang: 'vi' | 'en', user = ANALYST): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) problems.push(m.text());
    });
    if (lang === 'en') await page.addInitScript("localStorage.setItem('canhgac.lang', 'en')");
    await login(page, f, user);
    return page;
  };

  it('the incident shows its asset, the raised severity, the indicator and where the attacker is', async () => {
    const page = await open('vi');
    await page.goto(`${f.url}/incidents/${encodeURIComponent(incidentId)}`);
    await page.waitForSelector('[data-testid=incident-indicators]');
    await page.waitForSelector('[data-testid=incident-geo]');
    const asset = (await page.textContent('[data-testid=incident-asset]')) ?? '';
    expect(asset).toContain('Cổng dịch vụ công');
    expect(asset).toContain('Trung tâm CNTT - Sở TT&TT');
    expect(asset).toMatch(/5\s*\/ 5/);
    expect(await page.textContent('[data-testid=severity-original]')).toContain('Cao');
    const ind = (await page.textContent('[data-testid=incident-indicators]')) ?? '';
    expect(ind).toContain('vncert');
    expect(ind).toContain('45.134.26.10');
    expect(ind).toContain('Máy chủ điều khiển mã độc');
    const geo = (await page.textContent('[data-testid=incident-geo]')) ?? '';
    expect(geo).toMatch(/AS\d+/);
    expect(geo).toContain('mạng nội bộ');
    await page.locator('.incident-context').screenshot({ path: join(DIR, 'incident-context-vi.png') });
    // Its title in Vietnamese only (the stored title carries both languages).
    expect(await page.textContent('[data-testid=incident-title]')).toMatch(/^Chỉ báo mối đe dọa: 45\.134\.26\.10/);
    expect(await page.textContent('[data-testid=timeline]')).not.toContain('Threat indicator');
    // The built-in threat-intel rule has no YAML and no ATT&CK tag: both panels say so (one showed its id as YAML,
    // the other an empty heading).
    expect(await page.textContent('[data-testid=rule-no-yaml]')).toContain('không có tệp YAML');
    expect(await page.textContent('[data-testid=rule-no-yaml] code')).toBe('canhgac-threat-intel');
    await page.screenshot({ path: join(DIR, 'incident-vi.png'), fullPage: true });
    await page.close();
  }, 60_000);

  it('the threat-intel page: feeds with status and matches, a failing feed, search, the local list', async () => {
    const page = await open('vi');
    await page.goto(`${f.url}/threat-intel`);
    await page.waitForSelector('[data-testid=ti-feeds]');
    expect(await page.getAttribute('tr[data-feed=misp-circl]', 'data-stale')).toBe('true');
    expect(await page.textContent('[data-testid=ti-stale-banner]')).toContain('misp-circl');
    expect(await page.getAttribute('tr[data-feed=vncert]', 'data-stale')).toBe('false');
    // The fetch failure in Vietnamese by its class; Node's English only behind "Chi tiết kỹ thuật".
    expect(await page.textContent('tr[data-feed=misp-circl] [data-testid=delivery-error]')).toMatch(
      /^Máy chủ nguồn tin từ chối hoặc ngắt kết nối/,
    );
    expect(await page.locator('tr[data-feed=misp-circl] [data-testid=raw-error]').isVisible()).toBe(false);
    expect(await page.textContent('tr[data-feed=vncert]')).toContain('3');
    await page.fill('[data-testid=ti-search]', 'a.b.evil-apt.example');
    await page.click('form:has([data-testid=ti-search]) button[type=submit]');
    await page.waitForSelector('[data-testid=ti-search-hits]');
    expect(await page.textContent('[data-testid=ti-search-hits]')).toContain('evil-apt.example');
    await page.fill('[data-testid=ti-local-form] input[name=value]', '185.220.101.0/24');
    await page.fill('[data-testid=ti-local-form] input[name=reason]', 'Nút thoát Tor quét cổng dịch vụ công');
    await page.click('[data-testid=ti-local-form] button[type=submit]');
    await page.waitForSelector('[data-testid=ti-local] tr[data-value="185.220.101.0/24"]');
    expect(await page.textContent('[data-testid=ti-local]')).toContain('lan.tran');
    await until(async () => ((await page.textContent('[data-testid=ti-feeds]')) ?? '').includes('nội bộ'));
    await page.screenshot({ path: join(DIR, 'threat-intel-vi.png'), fullPage: true });
    const audit = (await f.call('GET', '/api/v1/audit', { key: f.keys.admin! })).body as {
      items: { action: string; actor: string }[];
    };
    expect(audit.items.find((a) => a.action === 'indicator.create')?.actor).toContain('lan.tran');
    await page.close();
  }, 60_000);

  it('the asset page: edit, import with a problem by line, learned hosts; in English too', async () => {
    const page = await open('vi');
    await page.goto(`${f.url}/assets?agency=${encodeURIComponent(AGENCY_A)}`);
    await page.waitForSelector('[data-testid=assets] tr[data-host=cong-dvc]');
    await page.click('tr[data-host=mail01] button:text("Sửa")');
    expect(await page.inputValue('[data-testid=asset-form] input[name=owner]')).toBe('Văn phòng Sở');
    await page.selectOption('[data-testid=asset-form] select[name=criticality]', '5');
    await page.click('[data-testid=asset-form] button[type=submit]');
    await until(async () => (await page.textContent('tr[data-host=mail01] .crit')) === '5');
    await page.fill(
      '[data-testid=asset-csv]',
      'Tên máy,Địa chỉ IP,Vai trò,Mức quan trọng\nweb02,10.0.0.9,Web nội bộ,3\ndb01,,,9\n',
    );
    await page.click('.assets button:text("Nhập")');
    await page.waitForSelector('[data-testid=asset-import-result]');
    expect(await page.textContent('[data-testid=asset-import-result]')).toContain(
      'Dòng 3: Mức quan trọng: phải là số nguyên từ 1 đến 5, đang là 9',
    );
    await page.waitForSelector('[data-testid=assets] tr[data-host=web02]');
    await page.waitForSelector('[data-testid=assets-learned]');
    // The CSV picker speaks Vietnamese (the browser's own button would say "Choose File").
    expect(await page.textContent('.file-pick')).toContain('Chọn tệp CSV…');
    expect(await page.evaluate("getComputedStyle(document.querySelector('.file-pick input[type=file]')).opacity")).toBe(
      '0',
    );
    await page.screenshot({ path: join(DIR, 'assets-vi.png'), fullPage: true });
    await page.close();
    const en = await open('en');
    await en.goto(`${f.url}/assets?agency=${encodeURIComponent(AGENCY_A)}`);
    await en.waitForSelector('[data-testid=assets]');
    await en.screenshot({ path: join(DIR, 'assets-en.png'), fullPage: true });
    await en.goto(`${f.url}/threat-intel`);
    await en.waitForSelector('[data-testid=ti-feeds]');
    await en.screenshot({ path: join(DIR, 'threat-intel-en.png'), fullPage: true });
    await en.close();
  }, 60_000);

  it('an agency admin sees only its own agency, no picker, and no threat-intel page in the menu', async () => {
    const page = await open('vi', AGENCY_ADMIN);
    expect(await page.locator('nav >> text=Tình báo mối đe dọa').count()).toBe(0);
    await page.goto(`${f.url}/assets?agency=${encodeURIComponent(AGENCY_B)}`);
    await page.waitForSelector('[data-testid=assets]');
    expect(await page.locator('[data-testid=asset-agency]').count()).toBe(0);
    expect(await page.textContent('[data-testid=assets]')).toContain('cong-dvc');
    await page.screenshot({ path: join(DIR, 'assets-agency-admin-vi.png'), fullPage: true });
    await page.close();
  }, 60_000);

  it('no script error and no CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
