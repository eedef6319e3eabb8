/**
 * The operations-centre wall (/kiosk) in Debian's chromium: full screen at 1920x1080 over the API fixture with the
 * seeded province (tests/reports/leader-seed.ts), showing the KPI feed, refreshing itself (a second request to
 * /api/v1/kpi arrives without any interaction), and no personal data on screen: no user name, no address, no host
 * name, no incident title. Screenshot: .tmp/screenshots/kiosk-vi.png and kiosk-en.png.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, chromium } from 'playwright-core';
import { type Fixture, startFixture } from '../kit/api.js';
import type { Alert } from '../../incidents/types.js';
import { SCOPE_ALL } from '../../store/types.js';
import { AG, hosts, RULES, seedLeader } from '../reports/leader-seed.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '../..');
const SHOTS = join(process.env.CANHGAC_TEST_TMP ?? join(ROOT, '.tmp'), 'screenshots');
const VIEWER = { username: 'tuong.vi', password: 'mat-khau-man-hinh-01' };
const have = existsSync(CHROMIUM);
if (!have) process.stdout.write(`Skipping the kiosk browser test: ${CHROMIUM} is absent.\n`);

let f: Fixture;
let browser: Browser;

(have ? describe : describe.skip)('operations-centre wall', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    if (!existsSync(join(ROOT, 'dist/console/index.html')))
      execFileSync(process.execPath, [join(ROOT, 'tools/build-console.mjs')], { stdio: 'inherit' });
    f = await startFixture();
    await seedLeader(f.stores);
    // The wall shows the current week by the real clock: a few alerts of the shipped rules from the last hour.
    const now = Date.now();
    for (const [rule, n, agencyId] of [
      [RULES.sshBrute, 11, AG.nv],
      [RULES.sqli, 4, AG.vp],
    ] as const)
      for (let i = 0; i < n; i++)
        await f.stores.state.collection<Alert>('alerts').put(SCOPE_ALL, {
          id: `kiosk-${rule.id}-${i}`,
          kind: 'rule',
          ruleId: rule.id,
          ruleTitle: rule.title,
          level: 'high',
          tags: rule.tags,
          agencyId,
          host: 'web-nv',
          eventIds: [],
          ts: now - (i + 1) * 60_000,
        });
    await f.svc.auth.createUser('seed', { ...VIEWER, role: 'viewer' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  for (const lang of ['vi', 'en'] as const)
    it(`shows the KPIs full screen, refreshes itself, and nothing personal (${lang})`, async () => {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.addInitScript(`localStorage.setItem('canhgac.lang', '${lang}')`);
      await page.goto(`${f.url}/`);
      await page.fill('input[name=username]', VIEWER.username);
      await page.fill('input[name=password]', VIEWER.password);
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-testid=whoami]');
      let kpiCalls = 0;
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/kpi')) kpiCalls++;
      });
      await page.goto(`${f.url}/kiosk?refresh=5`);
      await page.waitForSelector('[data-testid=kiosk-open]');
      // It reloads by itself: a second request comes without any interaction (waited for, not slept).
      const calls = kpiCalls;
      await page.waitForRequest((r) => r.url().includes('/api/v1/kpi'), { timeout: 20_000 });
      expect(kpiCalls).toBeGreaterThan(calls);
      const text = (await page.textContent('body')) ?? '';
      expect(await page.$('header.top')).toBeNull(); // no navigation, no "who am I"
      expect(text).not.toContain(VIEWER.username);
      expect(text).not.toMatch(/\b\d{1,3}(\.\d{1,3}){3}\b/);
      for (const h of hosts) expect(text).not.toContain(h.host);
      expect(text).toContain(lang === 'vi' ? 'Văn phòng UBND tỉnh' : 'Văn phòng UBND tỉnh');
      expect(text).toContain(lang === 'vi' ? 'Dò mật khẩu SSH từ một địa chỉ vào một tài khoản' : RULES.sshBrute.title);
      expect(text).toContain(lang === 'vi' ? 'Sự cố đang mở' : 'Open incidents');
      // The whole wall fits the screen: nothing to scroll.
      const overflow = await page.evaluate(
        "(() => { const k = document.querySelector('.kiosk'); return k.scrollHeight - k.clientHeight; })()",
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(SHOTS, `kiosk-${lang}.png`) });
      expect(problems).toEqual([]);
      await page.close();
    }, 60_000);
});
