/**
 * The Rules page in Debian's chromium: every rule the engine runs is listed and searchable (title, id, technique,
 * log source, level), a shipped rule is switched off (audited), an exception per agency and host keeps its alerts
 * from raising incidents, and an incident shows its rule's meaning, response guide and matched fields to an agency
 * viewer who cannot read rules.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { SCOPE_ALL } from '../../store/types.js';
import { AGENCY_A, type Fixture, startFixture } from '../kit/api.js';
import { buildConsoleOnce, CHROMIUM, launch, login, SHOTS, shot, until } from './browser-kit.js';

const ANALYST = { username: 'hoa.pham', password: 'mat-khau-rat-dai-03' };
const VIEWER_A = { username: 'xem.donvi', password: 'mat-khau-rat-dai-04' };
const TRAVERSAL = 'fc4940cd-3be7-479e-98a6-512a065d37b0';
const FAILED_PASSWORD = '6c1e2f4a-8a0b-4d7e-9c1a-2b3c4d5e6f01';
const suite = existsSync(CHROMIUM) ? describe : describe.skip;

let f: Fixture;
let browser: Browser;
let incident: string;
const problems: string[] = [];

async function open(user: { username: string; password: string }): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('pageerror', (e) => problems.push(e.message));
  await login(page, f, user);
  return page;
}

async function rows(page: Page): Promise<string[]> {
  return page.locator('[data-testid=rules] tbody tr').evaluateAll((t) => t.map((r) => r.getAttribute('data-rule')!));
}

suite('rules in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    buildConsoleOnce();
    f = await startFixture();
    await f.svc.auth.createUser('seed', { ...ANALYST, role: 'analyst' });
    await f.svc.auth.createUser('seed', { ...VIEWER_A, role: 'viewer', agencyId: AGENCY_A });
    const now = Date.now();
    await f.stores.events.write(SCOPE_ALL, [
      {
        'event.id': 'ev-trav-1',
        '@timestamp': new Date(now - 60_000).toISOString(),
        'agency.id': AGENCY_A,
        'host.name': 'cong-thong-tin',
        'logsource.category': 'webserver',
        'source.ip': '203.0.113.7',
        'cs-uri': '/index.php?page=../../../../etc/passwd',
        message: 'GET /index.php?page=../../../../etc/passwd HTTP/1.1 200',
      },
    ]);
    const out = await f.svc.incidents.ingestAlert({
      id: 'alert-trav-1',
      kind: 'rule',
      ruleId: TRAVERSAL,
      ruleTitle: 'Path Traversal Or Local File Read In A Web Request',
      level: 'high',
      tags: ['attack.initial-access', 'attack.t1190'],
      agencyId: AGENCY_A,
      host: 'cong-thong-tin',
      eventIds: ['ev-trav-1'],
      ts: now - 60_000,
    });
    incident = out.incident!.id;
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('lists and searches every rule; switches a shipped one off; adds and removes an exception', async () => {
    const page = await open(ANALYST);
    await page.click('nav a[href="/rules"]');
    await page.waitForSelector(`tr[data-rule="${TRAVERSAL}"]`);
    const all = await rows(page);
    // The shipped rules (26 files, correlations included) and the fixture's two uploaded ones.
    expect(all.length).toBeGreaterThanOrEqual(26);
    expect(all).toContain('rule-ta');
    await shot(page, 'rules-list');
    const search = async (q: string) => {
      // The answer to this very query, then the table showing exactly its rules.
      const answer = page.waitForResponse(
        (r) => r.url().includes('/api/v1/rules?') && new URL(r.url()).searchParams.get('q') === q,
      );
      await page.fill('[data-testid=rule-q]', q);
      const ids = ((await (await answer).json()) as { items: { id: string }[] }).items.map((i) => i.id).sort();
      await until(async () => JSON.stringify((await rows(page)).sort()) === JSON.stringify(ids));
      return rows(page);
    };
    expect(await search('T1190')).toContain(TRAVERSAL);
    expect(await search('t1190')).not.toContain(FAILED_PASSWORD);
    expect(await search(FAILED_PASSWORD)).toEqual([FAILED_PASSWORD]);
    expect(await search('sshd')).toContain(FAILED_PASSWORD);
    expect(await search('credential-access sshd')).toContain(FAILED_PASSWORD);
    await page.fill('[data-testid=rule-q]', '');
    await page.selectOption('[data-testid=rule-level]', 'critical');
    await until(async () => (await page.locator('[data-testid=rules] tbody tr').count()) < all.length);
    for (const id of await rows(page)) expect((await f.svc.rules.get(id))?.level).toBe('critical');
    await page.selectOption('[data-testid=rule-level]', '');

    // Switch the shipped "SSH Failed Password" off: the override is stored and audited.
    await page.fill('[data-testid=rule-q]', FAILED_PASSWORD);
    await page.waitForSelector(`tr[data-rule="${FAILED_PASSWORD}"] [data-testid=rule-toggle].on`);
    await page.click(`tr[data-rule="${FAILED_PASSWORD}"] [data-testid=rule-toggle]`);
    await page.waitForSelector(`tr[data-rule="${FAILED_PASSWORD}"] [data-testid=rule-toggle].off`);
    expect(await f.svc.rules.get(FAILED_PASSWORD)).toMatchObject({ enabled: false, disabledBy: 'console' });
    const audit = await f.stores.state.collection('audit').list(SCOPE_ALL, { filter: { targetId: FAILED_PASSWORD } });
    expect(audit.docs.map((d) => (d as unknown as { action: string }).action)).toContain('rule.disable');

    // Details: meaning, response guide, exceptions.
    await page.fill('[data-testid=rule-q]', TRAVERSAL);
    await page.click(`tr[data-rule="${TRAVERSAL}"] [data-testid=rule-open]`);
    // The shipped rule's own words in Vietnamese (rules/vi.yml) in the Vietnamese console.
    await page.waitForSelector('[data-testid=rule-about] >> text=leo ra khỏi thư mục gốc');
    expect(await page.textContent('[data-testid=rule-fps]')).toContain('Đợt quét lỗ hổng');
    expect(await page.locator('[data-testid=response-guide] li').count()).toBeGreaterThan(0);
    await page.selectOption('[data-testid=exc-agency]', AGENCY_A);
    await page.fill('[data-testid=exc-host]', 'may-quet-01');
    await page.fill('[data-testid=exc-reason]', 'Máy quét lỗ hổng của đơn vị');
    await page.click('[data-testid=exc-add]');
    await page.waitForSelector('[data-testid=exceptions] >> text=may-quet-01');
    await shot(page, 'rule-detail');
    // An alert of the rule from that host raises no incident; from another host it does.
    const scan = await f.svc.incidents.ingestAlert({
      id: 'alert-trav-scan',
      kind: 'rule',
      ruleId: TRAVERSAL,
      ruleTitle: 'Path Traversal',
      level: 'high',
      tags: [],
      agencyId: AGENCY_A,
      host: 'may-quet-01',
      eventIds: [],
      ts: Date.now(),
    });
    expect(scan.suppressed).toBe(true);
    await page.click('[data-testid=exceptions] button');
    await page.waitForSelector('[data-testid=exceptions] >> text=may-quet-01', { state: 'detached' });
    const again = await f.svc.incidents.ingestAlert({
      id: 'alert-trav-scan-2',
      kind: 'rule',
      ruleId: TRAVERSAL,
      ruleTitle: 'Path Traversal',
      level: 'high',
      tags: [],
      agencyId: AGENCY_A,
      host: 'may-quet-01',
      eventIds: [],
      ts: Date.now(),
    });
    expect(again.suppressed).toBe(false);
    await page.close();
  }, 120_000);

  it("an agency viewer sees the rule's meaning, response guide and matched fields on its incident", async () => {
    const page = await open(VIEWER_A);
    expect(await page.locator('nav a[href="/rules"]').count()).toBe(0);
    await page.goto(`${f.url}/incidents/${encodeURIComponent(incident)}`);
    await page.waitForSelector('[data-testid=rule-about]');
    expect(await page.textContent('[data-testid=rule-description]')).toContain('thư mục gốc của trang');
    expect(await page.locator('[data-testid=response-guide] li').count()).toBeGreaterThan(0);
    await page.waitForSelector('[data-testid=event] tr.matched mark', { state: 'attached' });
    const marks = await page.locator('[data-testid=event] tr.matched mark').allTextContents();
    expect(marks).toContain('../');
    expect(await page.locator('[data-testid=event] tr.matched th').allTextContents()).toContain('cs-uri');
    await shot(page, 'incident-rule-viewer');
    // The rule's YAML stays for rule readers; the viewer's rule section says so instead of failing.
    await page.waitForSelector('text=Vai trò của bạn không xem được luật');
    await page.close();
  }, 60_000);

  it('no script error in any page', () => {
    expect(problems).toEqual([]);
  });
});
