/**
 * Investigation and search in Debian's chromium: a 1,500-alert incident reads on fewer than 3 screens (summary of
 * who/what/where, identical alerts collapsed with a count, one-line events with the record on demand, "25 / 1.500"
 * linking to exactly those events in search), times in Hà Nội; search shows the total, chosen columns, grouped
 * fields with counts, readable rows without a message, CSV (formulas neutralised) and JSON exports, and clears
 * its results on an error.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { csvCell, toCsv } from '../../dashboards/console/src/export.js';
import { SCOPE_ALL } from '../../store/types.js';
import { AGENCY_A, type Fixture, startFixture } from '../kit/api.js';
import { buildConsoleOnce, CHROMIUM, launch, login, SHOTS, shot } from './browser-kit.js';

const ANALYST = { username: 'tuan.vo', password: 'mat-khau-rat-dai-08' };
const N = 1500;
const suite = existsSync(CHROMIUM) ? describe : describe.skip;

let f: Fixture;
let browser: Browser;
let big: string;
const problems: string[] = [];
// 2/12/2026 03:00 UTC = 2/12/2026 10:00 in Hà Nội.
const T0 = Date.parse('2026-12-02T03:00:00Z');

async function open(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
  page.on('pageerror', (e) => problems.push(e.message));
  await login(page, f, ANALYST);
  return page;
}

suite('investigation in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    buildConsoleOnce();
    f = await startFixture();
    await f.svc.auth.createUser('seed', { ...ANALYST, role: 'analyst' });
    const events = Array.from({ length: N }, (_, n) => ({
      'event.id': `ev-big-${n}`,
      '@timestamp': new Date(T0 + n * 1000).toISOString(),
      'agency.id': AGENCY_A,
      'host.name': 'mail01',
      'logsource.product': 'linux',
      'source.ip': n % 10 === 0 ? '198.51.100.23' : '203.0.113.9',
      'user.name': n % 2 ? 'root' : 'admin',
      message: `sshd[4242]: Failed password for ${n % 2 ? 'root' : 'admin'} from 203.0.113.9 port ${40000 + n} ssh2`,
    }));
    // A vendor record without a message, and one whose value would run as a spreadsheet formula.
    events.push({
      'event.id': 'ev-nomsg',
      '@timestamp': new Date(T0 + 2 * N * 1000).toISOString(),
      'agency.id': AGENCY_A,
      'host.name': 'fw01',
      'logsource.product': 'fortigate',
      'source.ip': '192.0.2.50',
      'user.name': '=HYPERLINK("http://x.invalid","bấm")',
    } as unknown as (typeof events)[number]);
    await f.stores.events.write(SCOPE_ALL, events);
    for (let n = 0; n < N; n++) {
      const out = await f.svc.incidents.ingestAlert({
        id: `alert-big-${n}`,
        kind: 'rule',
        ruleId: 'rule-big',
        ruleTitle: 'SSH Brute Force Against One Host',
        level: 'high',
        tags: ['attack.credential-access', 'attack.t1110.001'],
        agencyId: AGENCY_A,
        host: 'mail01',
        eventIds: [`ev-big-${n}`],
        ts: T0 + n * 1000,
      });
      big = out.incident!.id;
    }
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('a 1,500-alert incident fits in under 3 screens and links to exactly its events', async () => {
    const page = await open();
    await page.goto(`${f.url}/incidents/${encodeURIComponent(big)}`);
    await page.waitForSelector('[data-testid=summary] [data-field="source.ip"]');
    await page.waitForSelector('[data-testid=events-shown] >> text=25 / 1.500 sự kiện');
    const height = await page.evaluate('document.documentElement.scrollHeight');
    expect(height).toBeLessThan(3 * 900);
    expect(await page.textContent('[data-testid=summary] [data-field="source.ip"]')).toBe(
      '203.0.113.9 (1.350), 198.51.100.23 (150)',
    );
    expect(await page.textContent('[data-testid=summary] [data-field="user.name"]')).toContain('root (750)');
    // The 200 loaded alerts are one timeline line with a count; times are Hà Nội's (10:00 for 03:00 UTC).
    expect(await page.locator('[data-testid=timeline] li.tl-alert').count()).toBe(1);
    expect(await page.textContent('[data-testid=tl-count]')).toBe(' ×200');
    expect(await page.textContent('[data-testid=timeline] li.tl-first time')).toBe('2/12/2026 10:00');
    // One line per event; the full record opens on demand.
    expect(await page.locator('[data-testid=event-line]').count()).toBe(25);
    expect(await page.locator('[data-testid=event]:visible').count()).toBe(0);
    await page.locator('[data-testid=event-line] summary').first().click();
    expect(await page.locator('[data-testid=event]:visible').count()).toBe(1);
    // The record's time in Hà Nội time with seconds, the stored UTC text on hover.
    const recordTime = page.locator('[data-testid=event]:visible [data-testid=record-time]');
    expect(await recordTime.textContent()).toMatch(/^2\/12\/2026 10:\d\d:\d\d$/);
    expect(await recordTime.getAttribute('title')).toMatch(/^2026-12-02T03:/);
    await shot(page, 'incident-1500');
    await page.click('[data-testid=events-all]');
    await page.waitForSelector('[data-testid=hit-count] >> text=1.500 sự kiện');
    expect(await page.textContent('[data-testid=incident-filter]')).toContain(big);
    await page.close();
  }, 120_000);

  it('search: total, columns, grouped fields, readable rows, exports, results cleared on error', async () => {
    const page = await open();
    await page.goto(`${f.url}/search?q=${encodeURIComponent('host.name:mail01 OR host.name:fw01')}&range=365d`);
    await page.waitForSelector('[data-testid=hit-count] >> text=1.501 sự kiện');
    // Entity fields first, with how many of the shown results have them.
    await page.waitForSelector('[data-testid=fields-entityFields] [data-field="source.ip"]');
    const firstGroup = await page.locator('[data-testid=fields-entityFields] [data-field]').allTextContents();
    expect(firstGroup.slice(0, 2)).toEqual(['source.ip', 'user.name']);
    // The record without a message reads as its entity fields, not as JSON.
    const row = page.locator('[data-testid=results] > tbody > tr').first();
    expect(await row.locator('td.msg').textContent()).toContain('source.ip=192.0.2.50');
    expect(await row.locator('td.msg').textContent()).not.toContain('{"');
    // Columns: add 'logsource.product', remove 'source.ip'.
    await page.click('[data-column="logsource.product"]');
    await page.click('[data-column="source.ip"]');
    expect(await page.locator('[data-testid=results] thead th').allTextContents()).toEqual([
      'Thời gian',
      'host.name',
      'user.name',
      'logsource.product',
      'Sự kiện',
    ]);
    await shot(page, 'search-columns');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFFtimestamp,host.name,user.name,logsource.product,message,event.id');
    // The record whose user.name is a formula comes out as text.
    expect(text).toContain('"\'=HYPERLINK(""http://x.invalid"",""bấm"")"');
    const [json] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')]);
    expect((JSON.parse(readFileSync((await json.path())!, 'utf8')) as unknown[]).length).toBe(50);
    // A broken query: an error, and the previous results are gone.
    await page.fill('[data-testid=query]', 'host.name:(');
    await page.click('[data-testid=run]');
    await page.waitForSelector('.error');
    expect(await page.locator('[data-testid=results] > tbody > tr').count()).toBe(0);
    expect(await page.textContent('[data-testid=hit-count]')).toContain('—');
    await page.close();
  }, 90_000);

  it('CSV cells never run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://x.invalid","bấm")')).toBe('"\'=HYPERLINK(""http://x.invalid"",""bấm"")"');
    for (const s of ['+1', '-1+2', '@SUM(A1)', '\t=1', '\r=1']) expect(csvCell(s).replace(/^"/, '')[0]).toBe("'");
    expect(toCsv([{ a: 'x,y', b: 'Sở "A"' }], ['a', 'b'])).toBe('\uFEFFa,b\r\n"x,y","Sở ""A"""\r\n');
  });

  it('no script error in any page', () => {
    expect(problems).toEqual([]);
  });
});
