/**
 * Browser acceptance of the web console: Debian's chromium through playwright-core against the API (seeded
 * in-memory SQLite store, two agencies) serving the built console. Logs in, triages an incident end to end (ack,
 * assign, comment, resolve) and one from the keyboard, searches and pivots, uploads a rule with an error and sees
 * the problem next to its line, checks an agency admin sees only its agency, and that hostile log content shows as
 * text and runs nothing. No CSP violation may reach the console. Screenshots: ${CANHGAC_TEST_TMP:-.tmp}/screenshots.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, chromium, type Page } from 'playwright-core';
import { A_MARK, AGENCY_A, AGENCY_B, B_MARK, type Fixture, startFixture } from '../kit/api.js';
import { SCOPE_ALL } from '../../store/types.js';

const CHROMIUM = '/usr/bin/chromium';
// Each browser test takes 1-5 s alone; the limit leaves room for a loaded machine (npm test runs suites in parallel).
const ROOT = join(import.meta.dirname, '../..');
const SHOTS = join(process.env.CANHGAC_TEST_TMP ?? join(ROOT, '.tmp'), 'screenshots');
const XSS = `Failed password for root ${A_MARK} <script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2">`;
const ANALYST = { username: 'lan.tran', password: 'mat-khau-rat-dai-01' };

const have = existsSync(CHROMIUM);
if (!have)
  process.stdout.write(`Skipping the console browser tests: ${CHROMIUM} is absent (apt-get install chromium).\n`);
const suite = have ? describe : describe.skip;

let f: Fixture;
let browser: Browser;
let xssIncident: string;
const problems: string[] = [];

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'vi-VN' });
  // (Browser-side code as strings: this file is typechecked without the DOM library.)
  await page.addInitScript(
    "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
  );
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return page;
}

async function login(page: Page, user: { username: string; password: string }) {
  await page.goto(`${f.url}/`);
  await page.fill('input[name=username]', user.username);
  await page.fill('input[name=password]', user.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=whoami]');
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function pwned(page: Page): Promise<unknown> {
  return page.evaluate('window.__pwned');
}

suite('web console in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    if (!existsSync(join(ROOT, 'dist/console/index.html')))
      execFileSync(process.execPath, [join(ROOT, 'tools/build-console.mjs')], { stdio: 'inherit' });
    f = await startFixture();
    await f.svc.auth.createUser('seed', { ...ANALYST, role: 'analyst' });
    const now = Date.now();
    const events = Array.from({ length: 12 }, (_, n) => ({
      'event.id': `ev-recent-${n}`,
      '@timestamp': new Date(now - n * 7 * 60_000).toISOString(),
      'agency.id': n % 3 === 0 ? AGENCY_B : AGENCY_A,
      'host.name': n % 3 === 0 ? `web-${B_MARK}` : `web0${n % 2}`,
      'logsource.product': 'linux',
      message: n % 3 === 0 ? `sshd: session ${B_MARK}` : `sshd: Accepted password for user${n}`,
    }));
    events.push({
      'event.id': 'ev-xss',
      '@timestamp': new Date(now - 60_000).toISOString(),
      'agency.id': AGENCY_A,
      'host.name': 'web-xss',
      'logsource.product': 'linux',
      message: XSS,
    });
    await f.stores.events.write(SCOPE_ALL, events);
    const out = await f.svc.incidents.ingestAlert({
      id: 'alert-xss',
      kind: 'rule',
      ruleId: 'rule-ta',
      ruleTitle: 'Brute force <b>tiêu đề</b>',
      level: 'critical',
      tags: ['attack.t1110.001', 'attack.credential_access'],
      agencyId: AGENCY_A,
      host: 'web-xss',
      eventIds: ['ev-xss'],
      ts: now - 60_000,
    });
    xssIncident = out.incident!.id;
    await f.svc.incidents.transition(SCOPE_ALL, f.b.incident, 'false_positive', 'user:seed');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('serves the console with a strict CSP and cacheable hashed assets', async () => {
    const r = await fetch(`${f.url}/incidents/whatever`);
    expect(r.status).toBe(200);
    const csp = r.headers.get('content-security-policy') ?? '';
    for (const d of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
    ])
      expect(csp).toContain(d);
    expect(csp).not.toContain('unsafe-inline');
    const html = await r.text();
    expect(html).not.toMatch(/<script>|<style|style=/);
    const js = /src="(\/assets\/main-[A-Z0-9]+\.js)"/.exec(html)![1]!;
    const a = await fetch(f.url + js);
    expect(a.status).toBe(200);
    expect(a.headers.get('cache-control')).toContain('immutable');
    expect(a.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${f.url}/api/v1/nope`)).headers.get('content-type')).toContain('json');
  }, 90_000);

  it('an analyst logs in, triages one incident end to end and another from the keyboard', async () => {
    const page = await newPage();
    await login(page, ANALYST);
    await page.waitForSelector('[data-testid=eps]');
    await page.selectOption('[data-testid=group-by]', 'agency');
    await page.waitForSelector('.legend >> text=Agency amark-91c2');
    await shot(page, 'overview');

    await page.click('nav a[href="/incidents"]');
    await page.waitForSelector(`tr[data-id="${xssIncident}"]`);
    await shot(page, 'queue');
    // Keyboard: the cursor starts on the first row (most recent: the XSS incident); j moves down, a acknowledges.
    await page.keyboard.press('j');
    const second = await page.getAttribute('tr.cursor', 'data-id');
    expect(second).not.toBe(xssIncident);
    await page.keyboard.press('a');
    await page.waitForSelector(`tr[data-id="${second}"] .state-acknowledged`);
    expect((await f.svc.incidents.incidents.get(SCOPE_ALL, second!))!.state).toBe('acknowledged');
    await page.keyboard.press('m');
    await page.waitForSelector(`tr[data-id="${second}"] >> text=lan.tran`);

    await page.click(`tr[data-id="${xssIncident}"] a`);
    await page.waitForSelector('[data-testid=incident]');
    await page.click('[data-testid=act-ack]');
    await page.waitForSelector('[data-testid=inc-state].state-acknowledged');
    await page.selectOption('[data-testid=assignee-input]', 'lan.tran');
    await page.click('[data-testid=act-assign]');
    await page.waitForSelector('[data-testid=inc-assignee] >> text="lan.tran"');
    await page.fill('[data-testid=comment-input]', 'Đã chặn IP nguồn <b>không phải HTML</b>');
    await page.click('[data-testid=comment-send]');
    await page.waitForSelector('[data-testid=comments] >> text=Đã chặn IP nguồn <b>không phải HTML</b>');
    // Closing a critical incident asks why, then waits out its undo time before it reaches the API.
    await page.click('[data-testid=act-resolve]');
    await page.selectOption('[data-testid=reason-cat]', 'remediated');
    await page.fill('[data-testid=reason-text]', 'Đã chặn IP nguồn trên tường lửa');
    await page.click('[data-testid=reason-ok]');
    await page.waitForSelector('[data-testid=undo-bar]');
    await page.waitForSelector('[data-testid=inc-state].state-resolved', { timeout: 20_000 });
    await page.waitForSelector('[data-testid=closure] >> text=Đã chặn IP nguồn trên tường lửa');
    const stored = (await f.svc.incidents.incidents.get(SCOPE_ALL, xssIncident))!;
    expect(stored.state).toBe('resolved');
    expect(stored.assignee).toBe('lan.tran');
    // The detail shows the rule, an ATT&CK link, the audit trail, and the hostile event as literal text.
    await page.waitForSelector('[data-testid=rule-yaml]');
    expect(await page.getAttribute('a[href="https://attack.mitre.org/techniques/T1110/001/"]', 'target')).toBe(
      '_blank',
    );
    await page.waitForSelector('[data-testid=audit] >> text=lan.tran');
    const eventText = (await page.textContent('[data-testid=event]')) ?? '';
    expect(eventText).toContain('<script>window.__pwned=1</script>');
    expect(eventText).toContain('<img src=x onerror="window.__pwned=2">');
    expect(await page.locator('[data-testid=event] tr.matched mark').first().textContent()).toBe(A_MARK);
    expect(await page.locator('[data-testid=incident] script, [data-testid=incident] img').count()).toBe(0);
    expect(await pwned(page)).toBeUndefined();
    await shot(page, 'incident');
    await page.close();
  }, 90_000);

  it('searches events, draws the histogram, and pivots from a top value', async () => {
    const page = await newPage();
    await login(page, ANALYST);
    await page.click('nav a[href="/search"]');
    await page.fill('[data-testid=query]', 'sshd OR "Failed password"');
    await page.click('[data-testid=run]');
    await page.waitForSelector('[data-testid=results] tr');
    expect(await page.locator('[data-testid=results] > tbody > tr').count()).toBe(13);
    expect(await page.locator('svg.timebars rect.bar').count()).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=results]')).toContain('<script>window.__pwned=1</script>');
    await page.click('button[data-field="host.name"]');
    await page.waitForSelector('[data-testid=top-values] button >> text=web01');
    await page.click('[data-testid=top-values] button >> text=web01');
    await page.waitForURL((u) => (u.searchParams.get('q') ?? '').includes('host.name:"web01"'));
    await page.waitForFunction("document.querySelectorAll('[data-testid=results] > tbody > tr').length === 4");
    expect(await page.inputValue('[data-testid=query]')).toBe('(sshd OR "Failed password") AND host.name:"web01"');
    expect(await pwned(page)).toBeUndefined();
    await shot(page, 'search');
    await page.close();
  }, 90_000);

  it('uploading a rule with an error shows the problem next to its line; rules show hits and FP rate', async () => {
    const page = await newPage();
    await login(page, ANALYST);
    await page.click('nav a[href="/rules"]');
    await page.waitForSelector(`tr[data-rule="rule-ta"]`);
    // rule-ta: the seeded incident (2 alerts) and the XSS one (1 alert), none a false positive; rule-tb: its one
    // incident closed as a false positive (100 %).
    const cells = async (rule: string) =>
      page.locator(`tr[data-rule="${rule}"] td.num`).evaluateAll((tds) => tds.map((td) => td.textContent));
    expect(await cells('rule-ta')).toEqual(['3', '2', '0 %']);
    expect(await cells('rule-tb')).toEqual(['2', '1', '100 %']);
    await page.click('[data-testid=upload-open]');
    await page.fill(
      '[data-testid=rule-text]',
      'title: Bad rule\nlogsource:\n  product: linux\ndetection:\n  sel:\n    message|contanis: x\n  condition: sel\n',
    );
    await page.click('[data-testid=rule-save]');
    const problem = page.locator('li[data-line="6"] [data-testid=problem]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('upload.yml:6:5');
    expect(await page.textContent('li[data-line="6"] code')).toBe('    message|contanis: x');
    await shot(page, 'rules');
    // Test on pasted events, then retro-hunt from a typed Hà Nội date (the seeded event of 1/11 and the XSS one).
    await page.click('tr[data-rule="rule-ta"] button.link');
    await page.fill('[data-testid=test-events]', `{"message": "x ${A_MARK} y"}\n{"message": "nothing"}`);
    await page.click('[data-testid=test-run]');
    await page.waitForSelector('[data-testid=test-results] li');
    expect(await page.locator('[data-testid=test-results] li').allTextContents()).toEqual([
      '#1: Khớp',
      '#2: Không khớp',
    ]);
    await page.fill('[data-testid=hunt-from]', '31/2/2026');
    await page.click('[data-testid=hunt]');
    await page.waitForSelector('.rule-tools .error >> text=d/M/yyyy HH:mm');
    await page.fill('[data-testid=hunt-from]', '1/11/2026 00:00');
    await page.click('[data-testid=hunt]');
    await page.waitForSelector('[data-testid=hunt-found]');
    expect(await page.textContent('[data-testid=hunt-found]')).toBe('Tìm thấy: 2');
    await page.close();
  }, 90_000);

  it('the agencies page shows health; English is switchable and remembered', async () => {
    const page = await newPage();
    await login(page, ANALYST);
    await page.click('nav a[href="/agencies"]');
    await page.waitForSelector(`[data-agency="${AGENCY_B}"]`);
    await shot(page, 'agencies');
    await page.click('[data-testid=lang]');
    await page.waitForSelector('nav >> text=Incidents');
    await page.reload();
    await page.waitForSelector('nav >> text=Incidents');
    await page.click('[data-testid=lang]');
    await page.waitForSelector('nav >> text=Sự cố');
    await page.close();
  }, 90_000);

  it('an agency admin sees only its own agency', async () => {
    const page = await newPage();
    await login(page, { username: 'admin-ta', password: 'password-of-ta' });
    expect(await page.locator('nav a[href="/rules"]').count()).toBe(0);
    await page.click('nav a[href="/agencies"]');
    await page.waitForSelector(`[data-agency="${AGENCY_A}"]`);
    expect(await page.locator(`[data-agency="${AGENCY_B}"]`).count()).toBe(0);
    await shot(page, 'agency-admin'); // (before a key is shown: no secret in a screenshot)
    // The portal: an intake key for its own agency's agents, shown once.
    await page.fill('.agent-keys input', 'web02');
    await page.click('.agent-keys button');
    const key = (await page.locator('[data-testid=new-key] code').textContent()) ?? '';
    expect(await f.svc.auth.authenticateKey(key)).toMatchObject({ role: 'intake', agencyId: AGENCY_A });
    await page.waitForSelector('.agent-keys li >> text=web02');
    await page.click('nav a[href="/incidents"]');
    await page.selectOption('[data-testid=f-state]', '');
    await page.waitForSelector('[data-testid=queue] tbody tr');
    await page.click('nav a[href="/search"]');
    await page.fill('[data-testid=query]', '*');
    await page.click('[data-testid=run]');
    await page.waitForSelector('[data-testid=results] tr');
    for (const path of ['/', '/incidents', '/search?q=*&range=365d', '/agencies']) {
      await page.goto(f.url + path);
      await page.waitForSelector('main.content h1');
      await page.waitForTimeout(300);
      const body = (await page.textContent('body')) ?? '';
      expect(body).not.toContain(B_MARK);
      expect(body).not.toContain(AGENCY_B);
    }
    await page.close();
  }, 90_000);

  it('no CSP violation, script error or injected script in any page', () => {
    expect(problems).toEqual([]);
  });
});
