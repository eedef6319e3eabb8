/**
 * Issue 15 in the console: an installed SigmaHQ rule switched off for one agency from the rule's page (the row
 * says so, the API agrees, the other agency keeps it), and an incident merged into another by a bridging alert
 * (its page says where it went, the link leads there, the survivor's timeline names the merge). Screenshots in
 * Vietnamese and English.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { AlertIntake } from '../../incidents/intake.js';
import type { Alert } from '../../incidents/types.js';
import { AGENCY_A, AGENCY_B, type Fixture, startFixture } from '../kit/api.js';
import { buildConsoleOnce, CHROMIUM, launch, openAs, SHOTS, shot, until } from './browser-kit.js';

const ANALYST = { username: 'hoa.tran', password: 'mat-khau-rat-dai-16' };
const suite = existsSync(CHROMIUM) ? describe : describe.skip;
const T0 = Date.parse('2026-12-03T02:00:00Z');
const RULE = 'b2c3d4e5-0000-4000-8000-00000000bb01';

let f: Fixture;
let browser: Browser;
let survivor: string;
let merged: string;
const problems: string[] = [];

function alert(id: string, ruleId: string, title: string, entities: string[], over: Partial<Alert> = {}): Alert {
  return {
    id,
    kind: 'rule',
    ruleId,
    ruleTitle: title,
    level: 'high',
    tags: [],
    agencyId: AGENCY_A,
    host: entities.find((e) => e.startsWith('host:'))?.slice(5) ?? 'web01',
    eventIds: [`ev-${id}`],
    ts: T0,
    entities,
    ...over,
  };
}

const open = (lang: 'vi' | 'en'): Promise<Page> => openAs(browser, f, ANALYST, lang, problems);

suite('grouping and per-agency rules in the console', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    buildConsoleOnce();
    const dir = join(mkdtempSync(join(tmpdir(), 'canhgac-grouping-ui-')), 'rules-sigmahq');
    mkdirSync(join(dir, 'proxy'), { recursive: true });
    writeFileSync(
      join(dir, 'proxy', 'ua.yml'),
      `title: Suspicious User Agent\nid: ${RULE}\nstatus: stable\nlogsource: { category: proxy }\ndetection:\n  sel: { c-useragent|contains: 'sqlmap' }\n  condition: sel\nlevel: medium\ntags: [attack.initial-access, attack.t1190]\n`,
    );
    f = await startFixture({ ruleSources: { dirs: [dir], disabled: [] } });
    await f.svc.auth.createUser('seed', { ...ANALYST, role: 'analyst' });
    const intake = new AlertIntake(f.svc.incidents, f.stores.state, { risk: { enabled: false } });
    // A scan on the portal opens first; the attacker's brute force on the mail server opens apart; then the
    // attacker logs in on the portal: one attack, the second incident merged into the first.
    const first = await intake.ingest(
      alert('g1', 'web-scan', 'Quét lỗ hổng web', ['host:cong-dvc01'], { ts: T0 + 60_000, level: 'medium' }),
    );
    const second = await intake.ingest(
      alert('g2', 'ssh-brute', 'Dò mật khẩu SSH', ['ip:203.0.113.8', 'host:mail01'], { host: 'mail01' }),
    );
    await intake.ingest(
      alert('g3', 'ssh-success', 'Đăng nhập sau dò mật khẩu', ['ip:203.0.113.8', 'host:cong-dvc01'], {
        ts: T0 + 120_000,
        level: 'critical',
      }),
    );
    survivor = first.incident!.id;
    merged = second.incident!.id;
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('switches an installed rule off for one agency from its page (Vietnamese)', async () => {
    const page = await open('vi');
    await page.goto(`${f.url}/rules?q=${RULE}`);
    await page.click(`[data-rule="${RULE}"] [data-testid=rule-open]`);
    await page.waitForSelector('[data-testid=agency-switches] tr');
    expect(await page.textContent(`[data-rule="${RULE}"]`)).toContain('Gói SigmaHQ đã cài');
    const rowA = page.locator(`[data-testid=agency-switches] [data-agency="${AGENCY_A}"]`);
    expect(await rowA.textContent()).toContain('Đang bật');
    await rowA.locator('[data-testid=agency-switch]').click();
    await until(async () => ((await rowA.textContent()) ?? '').includes('Đã tắt cho đơn vị'));
    const rowB = page.locator(`[data-testid=agency-switches] [data-agency="${AGENCY_B}"]`);
    expect(await rowB.textContent()).toContain('Đang bật');
    const api = await f.call('GET', `/api/v1/agency-rules?agency=${AGENCY_A}`, { key: f.keys.analyst! });
    expect((api.body as { items: { id: string; agencyEnabled: boolean }[] }).items).toEqual([
      expect.objectContaining({ id: RULE, agencyEnabled: false }),
    ]);
    await shot(page, 'rule-agency-switches-vi');
    await page.close();
  }, 120_000);

  it('shows a merged incident leading to the one it joined, and the merge on the timeline', async () => {
    for (const lang of ['vi', 'en'] as const) {
      const page = await open(lang);
      await page.goto(`${f.url}/incidents/${encodeURIComponent(merged)}`);
      await page.waitForSelector('[data-testid=merged-into]');
      expect(await page.textContent('[data-testid=merged-into]')).toContain(
        lang === 'vi' ? 'đã được gộp vào' : 'was merged into',
      );
      // Closed by the merge, its clocks are stopped (no acknowledge countdown, later "breached", on a closed
      // incident), and its timeline says where its alert went, not that it is an older one.
      expect(await page.textContent('[data-testid=sla-ack]')).toContain(lang === 'vi' ? 'Đạt' : 'Met');
      expect(await page.textContent('[data-testid=timeline]')).toContain(
        lang === 'vi'
          ? '1 cảnh báo đã chuyển sang sự cố mà sự cố này được gộp vào'
          : '1 alert moved to the incident this one was merged into',
      );
      await shot(page, `incident-merged-${lang}`);
      // A draft begun on the merged incident stays there: the survivor is another page, not the last one's data.
      await page.fill('[data-testid=comment-input]', 'bản nháp của sự cố đã gộp');
      const mergedChain = await page.locator('[data-testid=attack-chain] tbody tr').count();
      expect(mergedChain).toBe(1);
      await page.click('[data-testid=merged-into] a');
      await page.waitForURL(new RegExp(encodeURIComponent(survivor)));
      // Whatever shows under the survivor's address is the survivor's: the chain of its three rules at once,
      // never the merged incident's one step while the survivor loads.
      await page.waitForSelector('[data-testid=attack-chain]');
      expect(await page.locator('[data-testid=attack-chain] tbody tr').count()).toBe(3);
      expect(await page.inputValue('[data-testid=comment-input]')).toBe('');
      await until(async () =>
        ((await page.textContent('body')) ?? '').includes(
          lang === 'vi' ? 'gộp sự cố khác vào đây' : 'merged another incident into this one',
        ),
      );
      await shot(page, `incident-survivor-${lang}`);
      if (lang === 'en') {
        await page.goto(`${f.url}/rules?q=${RULE}`);
        await page.click(`[data-rule="${RULE}"] [data-testid=rule-open]`);
        await page.waitForSelector('[data-testid=agency-switches] tr');
        await shot(page, 'rule-agency-switches-en');
      }
      await page.close();
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
