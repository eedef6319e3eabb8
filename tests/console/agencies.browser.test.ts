/**
 * Agencies of the configuration file and of the API as one model, in Debian's chromium: a file agency is listed
 * by name (Agencies page, queue filter, incident), gets an intake key from the console, its admin sees its data
 * and nothing of another agency; senders matched to no agency read "Chưa xác định đơn vị", never "unassigned".
 */
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { syncConfigAgencies } from '../../api/config-agencies.js';
import { B_MARK, type Fixture, startFixture } from '../kit/api.js';
import { SilentHostWatcher } from '../../incidents/silent-hosts.js';
import { SCOPE_ALL } from '../../store/types.js';
import { buildConsoleOnce, CHROMIUM, launch, login, SHOTS, shot } from './browser-kit.js';

const FILE_AGENCY = '000.00.40.H40';
const ADMIN = { username: 'quan.tri', password: 'mat-khau-rat-dai-06' };
const FILE_ADMIN = { username: 'admin-tuphap', password: 'mat-khau-rat-dai-07' };
const suite = existsSync(CHROMIUM) ? describe : describe.skip;

let f: Fixture;
let browser: Browser;
let fileIncident: string;
let orphanIncident: string;
const problems: string[] = [];

async function open(user: { username: string; password: string }): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('pageerror', (e) => problems.push(e.message));
  await login(page, f, user);
  return page;
}

suite('agencies in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    buildConsoleOnce();
    f = await startFixture();
    // What startApi does with the configuration's `agencies:` (api/config-agencies.test.ts covers that path).
    await syncConfigAgencies(
      f.stores.state,
      [{ id: FILE_AGENCY, name: 'Sở Tư pháp', networks: ['10.40.0.0/16'] }],
      async () => {},
    );
    await f.svc.auth.createUser('seed', { ...ADMIN, role: 'admin' });
    await f.svc.auth.createUser('seed', { ...FILE_ADMIN, role: 'agency_admin', agencyId: FILE_AGENCY });
    const now = Date.now();
    const alert = (id: string, agencyId: string, host: string) => ({
      id,
      kind: 'rule' as const,
      ruleId: 'rule-file',
      ruleTitle: 'Đăng nhập SSH thất bại nhiều lần',
      level: 'medium' as const,
      tags: [],
      agencyId,
      host,
      eventIds: [],
      ts: now - 120_000,
    });
    fileIncident = (await f.svc.incidents.ingestAlert(alert('al-file', FILE_AGENCY, 'tuphap-web01'))).incident!.id;
    orphanIncident = (await f.svc.incidents.ingestAlert(alert('al-orphan', 'unassigned', 'may-la-01'))).incident!.id;
    const watcher = new SilentHostWatcher(f.stores.state, f.svc.incidents);
    watcher.observe(FILE_AGENCY, 'tuphap-web01', now - 60_000);
    watcher.observe('unassigned', 'may-la-01', now - 60_000);
    await watcher.flush();
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('lists the file agency by name, gives it an intake key, and names unmatched senders in Vietnamese', async () => {
    const page = await open(ADMIN);
    await page.click('nav a[href="/agencies"]');
    await page.waitForSelector(`[data-agency="${FILE_AGENCY}"]`);
    const panel = page.locator('section.agency', { has: page.locator(`[data-agency="${FILE_AGENCY}"]`) });
    expect(await panel.locator('h2').textContent()).toBe(`Sở Tư pháp (${FILE_AGENCY})`);
    expect(await panel.textContent()).toContain('Khai báo trong tệp cấu hình');
    expect(await page.textContent('[data-testid=unassigned-hosts]')).toContain('Chưa xác định đơn vị');
    expect(await page.textContent('body')).not.toContain('unassigned');
    await shot(page, 'agencies-file-and-unassigned');
    await panel.locator('.agent-keys input').fill('tuphap-web01');
    await panel.locator('.agent-keys button').click();
    const key = (await panel.locator('[data-testid=new-key] code').textContent()) ?? '';
    expect(await f.svc.auth.authenticateKey(key)).toMatchObject({ role: 'intake', agencyId: FILE_AGENCY });

    await page.click('nav a[href="/incidents"]');
    await page.waitForSelector(`tr[data-id="${orphanIncident}"]`);
    expect(await page.textContent(`tr[data-id="${orphanIncident}"]`)).toContain('Chưa xác định đơn vị');
    expect(await page.textContent(`tr[data-id="${fileIncident}"]`)).toContain('Sở Tư pháp');
    expect(await page.locator('[data-testid=f-agency] option').allTextContents()).toContain('Sở Tư pháp');
    await page.selectOption('[data-testid=f-agency]', FILE_AGENCY);
    await page.waitForSelector(`tr[data-id="${orphanIncident}"]`, { state: 'detached' });
    await page.waitForSelector(`tr[data-id="${fileIncident}"]`);
    await page.goto(`${f.url}/incidents/${encodeURIComponent(orphanIncident)}`);
    await page.waitForSelector('[data-testid=incident] >> text=Chưa xác định đơn vị');
    await page.close();
  }, 90_000);

  it("the file agency's admin sees its own data and no other agency's", async () => {
    const page = await open(FILE_ADMIN);
    await page.click('nav a[href="/agencies"]');
    await page.waitForSelector(`[data-agency="${FILE_AGENCY}"]`);
    expect(await page.textContent('[data-testid=hosts]')).toContain('tuphap-web01');
    await page.click('nav a[href="/incidents"]');
    await page.waitForSelector(`tr[data-id="${fileIncident}"]`);
    for (const path of ['/', '/incidents', '/agencies', `/incidents/${encodeURIComponent(orphanIncident)}`]) {
      await page.goto(f.url + path);
      await page.waitForSelector('main.content h1, main.content .error');
      const body = (await page.textContent('body')) ?? '';
      expect(body).not.toContain(B_MARK);
      expect(body).not.toContain('may-la-01');
    }
    expect((await f.svc.incidents.incidents.get(SCOPE_ALL, fileIncident))!.agencyId).toBe(FILE_AGENCY);
    await page.close();
  }, 60_000);

  it('no script error in any page', () => {
    expect(problems).toEqual([]);
  });
});
