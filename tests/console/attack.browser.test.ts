/**
 * The incident page shows the attack (issue 15): a web attack's scan (low: risk only), SQL injection and web
 * shell, joined by the attacker's address through the pipeline's alert intake, is one incident whose page lists
 * its entities (each a search pivot), the kill chain of rules with their ATT&CK tactics and counts, and why it
 * opened. Screenshots in Vietnamese and English.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { AlertIntake } from '../../incidents/intake.js';
import type { Alert } from '../../incidents/types.js';
import { AGENCY_A, type Fixture, startFixture } from '../kit/api.js';
import { buildConsoleOnce, CHROMIUM, launch, openAs, SHOTS, shot } from './browser-kit.js';

const ANALYST = { username: 'lan.nguyen', password: 'mat-khau-rat-dai-15' };
const suite = existsSync(CHROMIUM) ? describe : describe.skip;
// 3/12/2026 02:00 UTC = 09:00 in Hà Nội.
const T0 = Date.parse('2026-12-03T02:00:00Z');
const ATTACKER = '203.0.113.77';

let f: Fixture;
let browser: Browser;
let incidentId: string;
const problems: string[] = [];

function alert(n: number, over: Partial<Alert>): Alert {
  return {
    id: `atk-${n}`,
    kind: 'rule',
    ruleId: 'r',
    ruleTitle: 'r',
    level: 'high',
    tags: [],
    agencyId: AGENCY_A,
    host: 'cong-dvc01',
    eventIds: [`ev-atk-${n}`],
    ts: T0 + n * 20_000,
    entities: [`ip:${ATTACKER}`, 'host:cong-dvc01'],
    ...over,
  };
}

const open = (lang: 'vi' | 'en'): Promise<Page> => openAs(browser, f, ANALYST, lang, problems);

suite('the attack on the incident page', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    buildConsoleOnce();
    f = await startFixture();
    await f.svc.auth.createUser('seed', { ...ANALYST, role: 'analyst' });
    const intake = new AlertIntake(f.svc.incidents, f.stores.state);
    const scan = { ruleId: 'web-scan', ruleTitle: 'Quét lỗ hổng web / Web vulnerability scan', level: 'low' as const };
    for (let n = 0; n < 5; n++)
      await intake.ingest(alert(n, { ...scan, tags: ['attack.reconnaissance', 'attack.t1595'] }));
    for (let n = 5; n < 17; n++)
      await intake.ingest(
        alert(n, {
          ruleId: 'web-sqli',
          ruleTitle: 'Tấn công SQL injection / SQL injection',
          tags: ['attack.initial_access', 'attack.t1190'],
          entities: [`ip:${ATTACKER}`, 'host:cong-dvc01', 'url:/tra-cuu.php@cong-dvc01'],
        }),
      );
    const out = await intake.ingest(
      alert(20, {
        ruleId: 'web-shell',
        ruleTitle: 'Web shell được gọi / Web shell invoked',
        level: 'critical',
        tags: ['attack.persistence', 'attack.t1505.003'],
        entities: [
          `ip:${ATTACKER}`,
          'host:cong-dvc01',
          'url:/uploads/thumb.php@cong-dvc01',
          'process:/bin/sh@cong-dvc01',
        ],
      }),
    );
    incidentId = out.incident!.id;
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('shows entities, the kill chain and why, in Vietnamese', async () => {
    const page = await open('vi');
    await page.goto(`${f.url}/incidents/${encodeURIComponent(incidentId)}`);
    await page.waitForSelector('[data-testid=attack-chain]');
    const rows = await page.locator('[data-testid=attack-chain] tbody tr').allTextContents();
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('Quét lỗ hổng web');
    expect(rows[0]).toContain('Trinh sát');
    expect(rows[1]).toContain('Xâm nhập ban đầu');
    expect(rows[1]).toContain('12');
    expect(rows[2]).toContain('Duy trì hiện diện');
    expect(await page.textContent('[data-testid=attack-entities] [data-kind=ip]')).toBe(ATTACKER);
    expect(await page.textContent('[data-testid=attack-entities] [data-kind=url]')).toContain('/tra-cuu.php');
    expect(await page.textContent('[data-testid=attack-why]')).toContain('Mức độ của quy tắc đủ để mở sự cố');
    await shot(page, 'incident-attack-vi');
    // The address is a pivot to search.
    await page.click(`[data-testid=attack-entities] [data-kind=ip] a`);
    await page.waitForURL(/\/search\?/);
    expect(decodeURIComponent(page.url())).toContain(`"${ATTACKER}"`);
    await page.close();
  }, 120_000);

  it('and in English', async () => {
    const page = await open('en');
    await page.goto(`${f.url}/incidents/${encodeURIComponent(incidentId)}`);
    await page.waitForSelector('[data-testid=attack-chain]');
    expect(await page.textContent('.attack-story')).toContain('Kill chain');
    await shot(page, 'incident-attack-en');
    await page.close();
    expect(problems).toEqual([]);
  }, 120_000);
});
