/**
 * Triage that cannot misfire, in Debian's chromium: the keyboard cursor stays on its incident while new incidents
 * arrive (announced, not inserted), closing a high incident asks a reason and a category and can be undone, actions
 * are offered only when the state allows them, and assignees are real users of the incident's agency.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { AGENCY_A, AGENCY_B, type Fixture, startFixture } from '../kit/api.js';
import type { Alert } from '../../incidents/types.js';
import { SCOPE_ALL } from '../../store/types.js';
import { buildConsoleOnce, CHROMIUM, launch, login, SHOTS, shot, until } from './browser-kit.js';

const ANALYST = { username: 'minh.le', password: 'mat-khau-rat-dai-02' };
const have = existsSync(CHROMIUM);
const suite = have ? describe : describe.skip;

let f: Fixture;
let browser: Browser;
const problems: string[] = [];

function alert(n: number, level: Alert['level'], agencyId = AGENCY_A): Alert {
  return {
    id: `alert-tri-${n}`,
    kind: 'rule',
    ruleId: `rule-tri-${n}`,
    ruleTitle: `Quét cổng ${n}`,
    level,
    tags: [],
    agencyId,
    host: `tri-${n}`,
    eventIds: [],
    ts: Date.now() - (100 - n) * 60_000,
  };
}

async function queueIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid=queue] tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')!));
}

suite('triage in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    buildConsoleOnce();
    f = await startFixture();
    await f.svc.auth.createUser('seed', { ...ANALYST, role: 'analyst' });
    for (let n = 1; n <= 4; n++) await f.svc.incidents.ingestAlert(alert(n, n === 2 ? 'low' : 'high'));
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('keeps the cursor on its incident while new ones arrive, and announces them', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (e) => problems.push(e.message));
    await login(page, f, ANALYST);
    await page.click('nav a[href="/incidents"]');
    await page.waitForSelector('[data-testid=queue] tbody tr');
    const before = await queueIds(page);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    const target = await page.getAttribute('tr.cursor', 'data-id');
    expect(target).toBe(before[2]);
    // Three incidents arrive with newer times: with the old row-index cursor, `c` would now close another one.
    for (let n = 10; n < 13; n++) await f.svc.incidents.ingestAlert({ ...alert(n, 'critical'), ts: Date.now() });
    await page.waitForSelector('[data-testid=fresh] >> text=3 sự cố mới', { timeout: 15_000 });
    expect(await queueIds(page)).toEqual(before);
    expect(await page.getAttribute('tr.cursor', 'data-id')).toBe(target);
    await shot(page, 'queue-new-announced');
    // `n` shows them on top; the cursor stays on the same incident (now further down).
    await page.keyboard.press('n');
    await until(async () => (await queueIds(page)).length === before.length + 3);
    expect(await page.getAttribute('tr.cursor', 'data-id')).toBe(target);
    expect((await queueIds(page)).indexOf(target!)).toBe(5);
    await page.close();
  }, 90_000);

  it('closing high incidents asks why and can be undone; actions follow the state; assignees are real', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (e) => problems.push(e.message));
    await login(page, f, ANALYST);
    await page.click('nav a[href="/incidents"]');
    await page.waitForSelector('[data-testid=queue] tbody tr');
    const rows = await f.svc.incidents.incidents.list(SCOPE_ALL, { filter: { agencyId: AGENCY_A } });
    const high = rows.docs.find((i) => i.ruleId === 'rule-tri-1')!;
    const low = rows.docs.find((i) => i.ruleId === 'rule-tri-2')!;
    // A high incident: `c` opens the reason dialog; cancelling leaves it open.
    await page.click(`tr[data-id="${high.id}"] td:nth-child(2)`);
    await page.keyboard.press('c');
    await page.waitForSelector('[data-testid=reason-dialog]');
    expect(await page.isDisabled('[data-testid=reason-ok]')).toBe(true);
    await page.selectOption('[data-testid=reason-cat]', 'accepted_risk');
    await page.fill('[data-testid=reason-text]', 'Máy thử nghiệm, sẽ tắt ngày 3/12');
    await shot(page, 'queue-reason-dialog');
    await page.click('[data-testid=reason-ok]');
    await page.waitForSelector('[data-testid=undo-bar]');
    await page.waitForSelector(`tr.held[data-id="${high.id}"]`);
    await shot(page, 'queue-undo');
    await page.keyboard.press('u');
    await page.waitForSelector('[data-testid=undo-bar]', { state: 'detached' });
    // A low incident closes without a question, after its undo time; the undone one never reached the API.
    await page.click(`tr[data-id="${low.id}"] td:nth-child(2)`);
    await page.keyboard.press('c');
    expect(await page.locator('[data-testid=reason-dialog]').count()).toBe(0);
    await until(async () => (await f.svc.incidents.incidents.get(SCOPE_ALL, low.id))!.state === 'resolved', 20_000);
    expect((await f.svc.incidents.incidents.get(SCOPE_ALL, high.id))!.state).toBe('new');
    // The same close with a reason, left to run: the reason and category are kept on the incident and audited.
    await page.click(`tr[data-id="${high.id}"] td:nth-child(2)`);
    await page.click('[data-testid=bulk-fp]');
    await page.selectOption('[data-testid=reason-cat]', 'authorised_test');
    await page.fill('[data-testid=reason-text]', 'Kiểm thử xâm nhập được phép');
    await page.click('[data-testid=reason-ok]');
    await until(
      async () => (await f.svc.incidents.incidents.get(SCOPE_ALL, high.id))!.state === 'false_positive',
      20_000,
    );
    const closed = (await f.svc.incidents.incidents.get(SCOPE_ALL, high.id))!;
    expect(closed.closure).toMatchObject({ category: 'authorised_test', reason: 'Kiểm thử xâm nhập được phép' });
    expect(closed.closure!.by).toContain('minh.le');
    const audit = await f.stores.state.collection('audit').list(SCOPE_ALL, { filter: { targetId: high.id } });
    expect(JSON.stringify(audit.docs)).toContain('authorised_test');

    // A closed incident offers only reopening; the assignee list holds the agency's people, not the other's.
    await page.goto(`${f.url}/incidents/${encodeURIComponent(high.id)}`);
    await page.waitForSelector('[data-testid=closure]');
    expect(await page.locator('[data-testid=act-ack], [data-testid=act-resolve], [data-testid=act-fp]').count()).toBe(
      0,
    );
    await page.waitForSelector('[data-testid=act-reopen]');
    await until(async () => (await page.locator('[data-testid=assignee-input] option').count()) > 1);
    const people = await page.locator('[data-testid=assignee-input] option').allTextContents();
    expect(people.join('|')).toContain('minh.le · Chuyên viên phân tích');
    expect(people.join('|')).toContain('admin-ta · Quản trị đơn vị');
    expect(people.join('|')).not.toContain('admin-tb');
    await shot(page, 'incident-closed');
    // The queue of closed incidents: acknowledge and close are not offered.
    await page.goto(`${f.url}/incidents`);
    await page.selectOption('[data-testid=f-state]', 'false_positive');
    await page.waitForSelector(`tr[data-id="${high.id}"]`);
    await page.click(`tr[data-id="${high.id}"] td:nth-child(2)`);
    expect(await page.isDisabled('[data-testid=bulk-ack]')).toBe(true);
    expect(await page.isDisabled('[data-testid=bulk-close]')).toBe(true);
    await page.close();
  }, 120_000);

  it('assignees: an agency admin gets only its own agency people; bad closure categories are refused', async () => {
    const mine = await f.call('GET', `/api/v1/assignees?agencyId=${AGENCY_B}`, { key: f.keys.agency_admin_a });
    expect(mine.status).toBe(200);
    const names = (mine.body as { items: { username: string; agencyId?: string }[] }).items;
    expect(names.map((u) => u.username)).toEqual(['admin-ta']);
    const all = await f.call('GET', `/api/v1/assignees?agencyId=${AGENCY_B}`, { key: f.keys.analyst });
    expect((all.body as { items: { username: string }[] }).items.map((u) => u.username)).toEqual([
      'admin-tb',
      'minh.le',
    ]);
    expect((await f.call('GET', '/api/v1/assignees', { key: f.keys.viewer_all })).status).toBe(403);
    const bad = await f.call('PATCH', `/api/v1/incidents/${f.a.incident}`, {
      key: f.keys.analyst,
      body: { state: 'resolved', category: 'because' },
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('category');
  });

  it('no script error in any page', () => {
    expect(problems).toEqual([]);
  });
});
