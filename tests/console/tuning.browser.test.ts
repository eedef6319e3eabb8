/**
 * The tuning loop in the console: an analyst gives an incident a verdict (a false positive cannot be saved without
 * a category), the incident shows it to a viewer, and the noise page (one click from the navigation) counts it.
 * Screenshots in Vietnamese and English under .tmp/screenshots/tuning-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { SCOPE_ALL } from '../../store/types.js';
import { AGENCY_A, type Fixture, startFixture } from '../kit/api.js';
import { buildConsoleOnce, CHROMIUM, launch, login, SHOTS, shot, until } from './browser-kit.js';

const ANALYST = { username: 'thu.le', password: 'mat-khau-rat-dai-11' };
const suite = existsSync(CHROMIUM) ? describe : describe.skip;

let f: Fixture;
let browser: Browser;
const errors: string[] = [];

suite('dispositions and the noise report in the console', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    buildConsoleOnce();
    f = await startFixture();
    await f.svc.auth.createUser('seed', { ...ANALYST, role: 'analyst' });
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('an analyst records a false positive with its category and minutes; the noise page counts it', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await login(page, f, ANALYST);
    await page.goto(`${f.url}/incidents/${encodeURIComponent(f.a.incident)}`);
    await page.waitForSelector('[data-testid=disposition-form]');
    expect(await page.textContent('[data-testid=disposition-current]')).toContain('Chưa đánh giá');
    await page.check('[data-testid=verdict-false_positive]');
    // No category yet: the save button stays off and says why.
    expect(await page.isDisabled('[data-testid=disposition-save]')).toBe(true);
    expect(await page.textContent('[data-testid=disposition-form]')).toContain('Cảnh báo nhầm cần chọn phân loại');
    await page.selectOption('[data-testid=disposition-category]', 'known_scanner');
    await page.fill('[data-testid=disposition-minutes]', '7');
    await page.click('[data-testid=disposition-save]');
    await until(async () => (await f.svc.incidents.incidents.get(SCOPE_ALL, f.a.incident))?.disposition !== undefined);
    const inc = await f.svc.incidents.incidents.get(SCOPE_ALL, f.a.incident);
    expect(inc?.disposition).toMatchObject({ verdict: 'false_positive', category: 'known_scanner', minutes: 7 });
    await until(async () =>
      ((await page.textContent('[data-testid=disposition-current]')) ?? '').includes('Máy quét đã biết'),
    );
    await shot(page, 'tuning-incident-vi');

    // The timeline and the audit say what happened in words, not as an action code.
    expect(await page.textContent('[data-testid=audit]')).toContain('đánh giá: Cảnh báo nhầm');
    await page.click('nav a[href="/noise"]');
    // The fixture's incident is from 1/11/2026: the last 90 days hold it.
    await page.click('button:has-text("90 ngày")');
    await page.waitForSelector('[data-testid=noise-table]');
    const row = await page.textContent('[data-testid=noise-table] tbody tr:first-child');
    expect(row).toContain('Máy quét đã biết (1)');
    expect(row).toContain('100');
    await shot(page, 'tuning-noise-vi');
    expect(await page.textContent('[data-testid=noise-table]')).not.toContain(AGENCY_A);
    await page.close();
  }, 90_000);

  it('the same pages in English', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript("localStorage.setItem('canhgac.lang', 'en')");
    await login(page, f, ANALYST);
    await page.goto(`${f.url}/incidents/${encodeURIComponent(f.a.incident)}`);
    await page.waitForSelector('[data-testid=disposition-form]');
    expect(await page.textContent('[data-testid=disposition-current]')).toContain('Known scanner');
    await shot(page, 'tuning-incident-en');
    await page.goto(`${f.url}/noise`);
    await page.click('button:has-text("90 days")');
    await page.waitForSelector('[data-testid=noise-table]');
    expect(await page.textContent('h1')).toBe('Alert noise');
    await shot(page, 'tuning-noise-en');
    await page.close();
    expect(errors).toEqual([]);
  }, 90_000);
});
