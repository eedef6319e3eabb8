/**
 * Full-page screenshots of every console page, in Vietnamese and in English, for an analyst and for an agency
 * administrator (saved under ${CANHGAC_TEST_TMP:-.tmp}/screenshots/pages/). Each page must show its heading, no
 * raw role or state value, no "unassigned", and no script error.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { SCOPE_ALL } from '../../store/types.js';
import { AGENCY_A, type Fixture, startFixture } from '../kit/api.js';
import { buildConsoleOnce, CHROMIUM, launch, login, SHOTS } from './browser-kit.js';

const ANALYST = { username: 'mai.ho', password: 'mat-khau-rat-dai-10' };
const AGENCY_ADMIN = { username: 'admin-ta', password: 'password-of-ta' };
const suite = existsSync(CHROMIUM) ? describe : describe.skip;
const DIR = join(SHOTS, 'pages');

let f: Fixture;
let browser: Browser;
const problems: string[] = [];

async function pages(): Promise<Record<string, string>> {
  return {
    overview: '/',
    queue: '/incidents',
    incident: `/incidents/${encodeURIComponent(f.a.incident)}`,
    search: '/search?q=*&range=365d',
    rules: '/rules',
    agencies: '/agencies',
    attack: '/attack',
    'entity-host': '/entities/host/web01',
    'entity-agency': `/entities/agency/${AGENCY_A}`,
  };
}

async function visitAll(page: Page, who: string, lang: 'vi' | 'en') {
  for (const [name, path] of Object.entries(await pages())) {
    if (who === 'agency-admin' && name === 'rules') continue;
    await page.goto(f.url + path);
    await page.waitForSelector('main.content h1, [data-testid=incident]');
    if (name.startsWith('entity')) await page.waitForSelector('[data-testid=entity-count]');
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(DIR, `${who}-${name}-${lang}.png`), fullPage: true });
    const body = (await page.textContent('body')) ?? '';
    for (const raw of ['agency_admin', 'in_progress', 'false_positive', 'unassigned'])
      expect({ page: name, lang, raw: body.includes(raw) }).toEqual({ page: name, lang, raw: false });
  }
}

suite('every page in Vietnamese and English', () => {
  beforeAll(async () => {
    mkdirSync(DIR, { recursive: true });
    buildConsoleOnce();
    f = await startFixture();
    await f.svc.auth.createUser('seed', { ...ANALYST, role: 'analyst' });
    const now = Date.now();
    await f.stores.events.write(
      SCOPE_ALL,
      Array.from({ length: 20 }, (_, n) => ({
        'event.id': `ev-shot-${n}`,
        '@timestamp': new Date(now - n * 300_000).toISOString(),
        'agency.id': AGENCY_A,
        'host.name': `web0${n % 3}`,
        'logsource.product': 'linux',
        'source.ip': `203.0.113.${n % 4}`,
        message: `sshd[77]: Failed password for invalid user admin${n} from 203.0.113.${n % 4} port 5${n}22 ssh2`,
      })),
    );
    await f.svc.incidents.transition(SCOPE_ALL, f.b.incident, 'in_progress', 'user:seed');
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  for (const lang of ['vi', 'en'] as const)
    it(`an analyst's pages in ${lang}`, async () => {
      const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      page.on('pageerror', (e) => problems.push(e.message));
      if (lang === 'en') await page.addInitScript("localStorage.setItem('canhgac.lang', 'en')");
      await login(page, f, ANALYST);
      await visitAll(page, 'analyst', lang);
      await page.close();
    }, 120_000);

  for (const lang of ['vi', 'en'] as const)
    it(`an agency admin's pages in ${lang}`, async () => {
      const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      page.on('pageerror', (e) => problems.push(e.message));
      if (lang === 'en') await page.addInitScript("localStorage.setItem('canhgac.lang', 'en')");
      await login(page, f, AGENCY_ADMIN);
      await visitAll(page, 'agency-admin', lang);
      await page.close();
    }, 120_000);

  it('no script error in any page', () => {
    expect(problems).toEqual([]);
  });
});
