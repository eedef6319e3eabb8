/**
 * Saved searches in Debian's chromium: saved private or shared from the search page and opened again; a private
 * one is its owner's only, a shared one its tenancy's; an agency's searches never reach another agency, and
 * province-wide searches no agency user (the store's Scope decides, not the route).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { AGENCY_A, AGENCY_B, type Fixture, startFixture } from '../kit/api.js';
import { agencyScope, SCOPE_ALL } from '../../store/types.js';
import { buildConsoleOnce, CHROMIUM, launch, login, SHOTS, shot } from './browser-kit.js';

const A1 = { username: 'thu.ngo', password: 'mat-khau-rat-dai-11' };
const A2 = { username: 'khoa.bui', password: 'mat-khau-rat-dai-12' };
const suite = existsSync(CHROMIUM) ? describe : describe.skip;

let f: Fixture;
let browser: Browser;

suite('saved searches', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    buildConsoleOnce();
    f = await startFixture();
    await f.svc.auth.createUser('seed', { ...A1, role: 'analyst' });
    await f.svc.auth.createUser('seed', { ...A2, role: 'analyst' });
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('saves private and shared searches and opens them; tenancy holds', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await login(page, f, A1);
    await page.goto(`${f.url}/search?q=${encodeURIComponent('"Failed password"')}&range=365d`);
    await page.waitForSelector('[data-testid=hit-count] >> text=2 sự kiện');
    await page.fill('[data-testid=saved-name]', 'Mật khẩu sai (riêng)');
    await page.click('[data-testid=saved-save]');
    await page.waitForSelector('[data-testid=saved-open] option >> text=Mật khẩu sai (riêng)', { state: 'attached' });
    await page.fill('[data-testid=saved-name]', 'Mật khẩu sai (chung)');
    await page.check('[data-testid=saved-shared]');
    await page.click('[data-testid=saved-save]');
    await page.waitForSelector('[data-testid=saved-open] option >> text=Mật khẩu sai (chung) · chia sẻ', {
      state: 'attached',
    });
    await shot(page, 'search-saved');
    await page.goto(`${f.url}/search?q=*`);
    const id = (await page.locator('[data-testid=saved-open] option', { hasText: 'riêng' }).getAttribute('value'))!;
    await page.selectOption('[data-testid=saved-open]', id);
    await page.waitForURL((u) => u.searchParams.get('q') === '"Failed password"');
    await page.close();

    // Another analyst: the shared one only.
    const other = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await login(other, f, A2);
    await other.goto(`${f.url}/search`);
    await other.waitForSelector('[data-testid=saved-open] option >> text=Mật khẩu sai (chung) · chia sẻ', {
      state: 'attached',
    });
    expect(await other.locator('[data-testid=saved-open] option', { hasText: 'riêng' }).count()).toBe(0);
    await other.close();

    // Agency A's admin shares one: agency B never sees it; the store holds it under A.
    const made = await f.call('POST', '/api/v1/saved-searches', {
      key: f.keys.agency_admin_a,
      body: { name: 'Của đơn vị A', q: 'sshd', shared: true },
    });
    expect(made.status).toBe(201);
    const names = async (key: string) =>
      ((await f.call('GET', '/api/v1/saved-searches', { key })).body as { items: { name: string }[] }).items.map(
        (s) => s.name,
      );
    // (The fixture gives each agency one shared search: "Saved amark-91c2", "Saved bmark-7f3a".)
    expect(await names(f.keys.agency_admin_a)).toEqual(['Của đơn vị A', 'Saved amark-91c2']);
    expect(await names(f.keys.viewer_a)).toEqual(['Của đơn vị A', 'Saved amark-91c2']);
    // Province-wide users read every agency (their Scope is the whole store): they see shared searches of all.
    expect(await names(f.keys.analyst)).toEqual([
      'Của đơn vị A',
      'Mật khẩu sai (chung)',
      'Saved amark-91c2',
      'Saved bmark-7f3a',
    ]);
    const stored = f.stores.state.collection<{ name: string }>('saved_searches');
    const inB = (await stored.list(agencyScope(AGENCY_B), { size: 100 })).docs.map((d) => d.name);
    expect(inB).toEqual(['Saved bmark-7f3a']);
    expect((await stored.list(agencyScope(AGENCY_A), { size: 100 })).docs).toHaveLength(2);
    expect((await stored.list(SCOPE_ALL, { size: 100 })).docs).toHaveLength(5);
    const id2 = (made.body as { id: string }).id;
    // Shared with the analyst, but not theirs to delete.
    expect((await f.call('DELETE', `/api/v1/saved-searches/${id2}`, { key: f.keys.analyst })).status).toBe(403);
  }, 90_000);
});
