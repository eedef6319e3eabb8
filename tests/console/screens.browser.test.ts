/**
 * Full-page screenshots of every console page, in Vietnamese and in English, for an analyst and for an agency
 * administrator and for the province administrator (saved under ${CANHGAC_TEST_TMP:-.tmp}/screenshots/pages/).
 * Each page must show its heading, no raw role, state or error code, no ISO date, no English word of the
 * console's own in Vietnamese (log content aside), and no script error.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { SCOPE_ALL } from '../../store/types.js';
import { AGENCY_A, type Fixture, startFixture } from '../kit/api.js';
import { buildConsoleOnce, CHROMIUM, launch, login, SHOTS } from './browser-kit.js';

const ANALYST = { username: 'mai.ho', password: 'mat-khau-rat-dai-10' };
const ADMIN = { username: 'quan.tri', password: 'mat-khau-rat-dai-11' };
const AGENCY_ADMIN = { username: 'admin-ta', password: 'password-of-ta' };
const suite = existsSync(CHROMIUM) ? describe : describe.skip;
const DIR = join(SHOTS, 'pages');

let f: Fixture;
let browser: Browser;
const problems: string[] = [];

/** Every page of the console, and which roles it is for (absent: everyone). */
async function pages(): Promise<Record<string, { path: string; who?: string[] }>> {
  return {
    overview: { path: '/' },
    queue: { path: '/incidents' },
    incident: { path: `/incidents/${encodeURIComponent(f.a.incident)}` },
    search: { path: '/search?q=*&range=365d' },
    rules: { path: '/rules', who: ['analyst'] },
    agencies: { path: '/agencies' },
    attack: { path: '/attack' },
    noise: { path: '/noise', who: ['analyst', 'agency-admin'] },
    assets: { path: '/assets', who: ['analyst', 'agency-admin'] },
    'threat-intel': { path: '/threat-intel', who: ['analyst'] },
    intake: { path: '/intake', who: ['analyst', 'agency-admin'] },
    reports: { path: '/reports', who: ['analyst', 'agency-admin'] },
    compliance: { path: '/compliance', who: ['analyst', 'agency-admin'] },
    notifications: { path: '/notifications', who: ['admin'] },
    export: { path: '/export', who: ['admin'] },
    'entity-host': { path: '/entities/host/web01', who: ['analyst', 'agency-admin'] },
    'entity-ip': { path: '/entities/ip/203.0.113.1', who: ['analyst'] },
    'entity-user': { path: '/entities/user/admin1', who: ['analyst'] },
    'entity-agency': { path: `/entities/agency/${AGENCY_A}`, who: ['analyst', 'agency-admin'] },
    'admin-users': { path: '/admin/users', who: ['admin', 'agency-admin'] },
    'admin-channels': { path: '/admin/channels', who: ['admin', 'agency-admin'] },
    'admin-suppressions': { path: '/admin/suppressions', who: ['admin'] },
    'admin-sla': { path: '/admin/sla', who: ['admin'] },
  };
}

/** What a user must never read: raw codes and values, English words in the Vietnamese console, ISO dates. */
function lint(body: string, lang: 'vi' | 'en'): string[] {
  const out: string[] = [];
  // Whole words: the fixture's API key names (agency_admin_a) are names, not raw roles.
  for (const raw of ['agency_admin', 'in_progress', 'false_positive', 'unassigned', 'CANHGAC_ERR', 'undefined', 'NaN'])
    if (new RegExp(`(?<![\\w.-])${raw}(?![\\w.-])`).test(body)) out.push(raw);
  if (/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(body)) out.push('ISO date');
  if (lang === 'vi')
    for (const w of ['Loading', 'Failed', 'No data', 'Unknown', 'Error', 'None', 'Never', 'Deleted', 'Recent changes'])
      if (body.includes(w)) out.push(w);
  return out;
}

async function visitAll(page: Page, who: string, lang: 'vi' | 'en') {
  for (const [name, { path, who: roles }] of Object.entries(await pages())) {
    if (roles && !roles.includes(who)) continue;
    await page.goto(f.url + path);
    await page.waitForSelector('main.content h1, [data-testid=incident]');
    if (name.startsWith('entity')) await page.waitForSelector('[data-testid=entity-count]');
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(DIR, `${who}-${name}-${lang}.png`), fullPage: true });
    // Visible text only: log lines the fixture stored are English and may say anything.
    const body = await page.locator('main.content').evaluate((el) => {
      const copy = el.cloneNode(true) as typeof el;
      for (const x of copy.querySelectorAll('.logtext, pre, code, details:not([open]) > :not(summary)')) x.remove();
      return copy.textContent ?? '';
    });
    expect({ page: name, lang, found: lint(body, lang) }).toEqual({ page: name, lang, found: [] });
    // The fixture's incidents are from November: the 14-day chart says it is empty, the tile counts its period.
    if (name === 'overview') {
      expect(await page.locator('[data-testid=no-incidents-14d]').count()).toBe(1);
      expect(await page.textContent('[data-testid=new-14d] .big')).toBe('0');
    }
    // The rules table's "Chi tiết" link and last-hit time stay on one line (they wrapped into two).
    if (name === 'rules') {
      const link = await page.locator('[data-testid=rule-open]').first().boundingBox();
      expect(link?.height).toBeLessThan(30);
    }
    // An empty part says so in words (a rule without a guide), never a bare dash.
    const bare = await page.locator('main.content p.muted, main.content dd').allTextContents();
    expect({ page: name, lang, dashes: bare.filter((x) => x.trim() === '—').length }).toEqual({
      page: name,
      lang,
      dashes: 0,
    });
  }
}

suite('every page in Vietnamese and English', () => {
  beforeAll(async () => {
    mkdirSync(DIR, { recursive: true });
    buildConsoleOnce();
    f = await startFixture();
    await f.svc.auth.createUser('seed', { ...ANALYST, role: 'analyst' });
    await f.svc.auth.createUser('seed', { ...ADMIN, role: 'admin' });
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
        'user.name': `admin${n}`,
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
    }, 240_000);

  for (const lang of ['vi', 'en'] as const)
    it(`an agency admin's pages in ${lang}`, async () => {
      const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      page.on('pageerror', (e) => problems.push(e.message));
      if (lang === 'en') await page.addInitScript("localStorage.setItem('canhgac.lang', 'en')");
      await login(page, f, AGENCY_ADMIN);
      await visitAll(page, 'agency-admin', lang);
      await page.close();
    }, 180_000);

  for (const lang of ['vi', 'en'] as const)
    it(`the administrator's pages in ${lang}`, async () => {
      const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      page.on('pageerror', (e) => problems.push(e.message));
      if (lang === 'en') await page.addInitScript("localStorage.setItem('canhgac.lang', 'en')");
      await login(page, f, ADMIN);
      await visitAll(page, 'admin', lang);
      await page.close();
    }, 180_000);

  it('no script error in any page', () => {
    expect(problems).toEqual([]);
  });
});
