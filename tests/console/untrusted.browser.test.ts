/**
 * Hostile characters from log content in the console (chromium): a right-to-left override must not turn
 * `invoice\u202egpj.exe` into what reads as `invoiceexe.jpg`, and terminal controls must show, not vanish. Each
 * value sits in its own bidi isolate with the characters as visible `\uXXXX` escapes, in the queue, the incident
 * page and search. Screenshots: ${CANHGAC_TEST_TMP:-.tmp}/screenshots/untrusted-*.png.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, chromium } from 'playwright-core';
import { SCOPE_ALL } from '../../store/types.js';
import { AGENCY_A, type Fixture, startFixture } from '../kit/api.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '../..');
const SHOTS = join(process.env.CANHGAC_TEST_TMP ?? join(ROOT, '.tmp'), 'screenshots');
const ANALYST = { username: 'minh.le', password: 'mat-khau-rat-dai-02' };
const FILE = 'invoice\u202egpj.exe';
const HOST = 'pc\u001b[1m07';
const suite = existsSync(CHROMIUM) ? describe : describe.skip;

let f: Fixture;
let browser: Browser;
let incidentId: string;

suite('untrusted text in the console', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    if (!existsSync(join(ROOT, 'dist/console/index.html')))
      execFileSync(process.execPath, [join(ROOT, 'tools/build-console.mjs')], { stdio: 'inherit' });
    f = await startFixture();
    await f.svc.auth.createUser('seed', { ...ANALYST, role: 'analyst' });
    const now = Date.now();
    await f.stores.events.write(SCOPE_ALL, [
      {
        'event.id': 'ev-bidi',
        '@timestamp': new Date(now - 60_000).toISOString(),
        'agency.id': AGENCY_A,
        'host.name': HOST,
        'logsource.product': 'windows',
        message: `Attachment saved: ${FILE}`,
        TargetFilename: `C:\\Users\\ke.toan\\Downloads\\${FILE}`,
      },
    ]);
    const out = await f.svc.incidents.ingestAlert({
      id: 'alert-bidi',
      kind: 'rule',
      ruleId: 'rule-bidi',
      ruleTitle: `Tệp đính kèm ${FILE}`,
      level: 'high',
      tags: [],
      agencyId: AGENCY_A,
      host: HOST,
      eventIds: ['ev-bidi'],
      ts: now - 60_000,
    });
    incidentId = out.incident!.id;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('shows the override and the escape as visible escapes, isolated, in the queue, the incident and search', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'vi-VN' });
    await page.goto(`${f.url}/`);
    await page.fill('input[name=username]', ANALYST.username);
    await page.fill('input[name=password]', ANALYST.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=whoami]');
    const raw = /[\u001b\u202e]/;

    await page.goto(`${f.url}/incidents`);
    const row = page.locator(`tr[data-id="${incidentId}"]`);
    await row.waitFor();
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).not.toMatch(raw);
    expect(rowText).toContain('invoice\\u202egpj.exe');
    expect(rowText).toContain('pc\\u001b[1m07');
    await page.screenshot({ path: join(SHOTS, 'untrusted-queue.png') });

    await page.goto(`${f.url}/incidents/${encodeURIComponent(incidentId)}`);
    await page.waitForSelector('[data-testid=incident] h1');
    const title = page.locator('[data-testid=incident] h1 bdi.logtext');
    expect(await title.textContent()).toBe('Tệp đính kèm invoice\\u202egpj.exe');
    // The escape is marked (a red box with the code point as its tooltip).
    expect(await page.locator('[data-testid=incident] h1 .ctl').getAttribute('title')).toBe('U+202E');
    // The timeline joins labels and values: the override must not reorder the label after it either.
    expect((await page.locator('[data-testid=timeline]').textContent()) ?? '').not.toMatch(raw);
    // Events are one-line summaries that open to the full record: neither shows the characters raw.
    await page.waitForSelector('[data-testid=event-line]');
    expect((await page.locator('[data-testid=event-line] summary').first().textContent()) ?? '').not.toMatch(raw);
    await page.locator('[data-testid=event-line] summary').first().click();
    await page.waitForSelector('[data-testid=event]');
    expect((await page.locator('[data-testid=event]').first().textContent()) ?? '').not.toMatch(raw);
    await page.screenshot({ path: join(SHOTS, 'untrusted-incident.png'), fullPage: true });

    await page.goto(`${f.url}/search?q=*&range=24h`);
    await page.waitForSelector('[data-testid=results] tr');
    const results = (await page.locator('[data-testid=results]').textContent()) ?? '';
    expect(results).not.toMatch(raw);
    expect(results).toContain('Attachment saved: invoice\\u202egpj.exe');
    // Isolated: the value's direction cannot leak into the cell around it.
    const isolation = await page.evaluate(
      "getComputedStyle(document.querySelector('[data-testid=results] td.msg bdi.logtext')).unicodeBidi",
    );
    expect(isolation).toBe('isolate');
    await page.screenshot({ path: join(SHOTS, 'untrusted-search.png') });
    await page.close();
  }, 90_000);
});
