/**
 * Entity pages, the ATT&CK matrix, Vietnamese incident titles and the queue export in Debian's chromium, with
 * full-page screenshots in Vietnamese and English (${CANHGAC_TEST_TMP:-.tmp}/screenshots/entities/). An address
 * both agencies saw: the analyst sees both sides, agency A's admin only A's, and agency B's page is not found.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { SCOPE_ALL } from '../../store/types.js';
import { AGENCY_A, AGENCY_B, B_MARK, type Fixture, startFixture } from '../kit/api.js';
import { CHROMIUM, launch, login, SHOTS } from './browser-kit.js';

const ANALYST = { username: 'lan.nguyen', password: 'mat-khau-rat-dai-13' };
const AGENCY_ADMIN = { username: 'admin-ta', password: 'password-of-ta' };
const ATTACKER = '203.0.113.77';
/** The shipped "SSH Brute Force Against One Host" (rules/vi.yml: "Dò mật khẩu SSH vào một máy chủ"). */
const BRUTE = '6c1e2f4a-8a0b-4d7e-9c1a-2b3c4d5e6f02';
const suite = existsSync(CHROMIUM) ? describe : describe.skip;
const DIR = join(SHOTS, 'entities');

let f: Fixture;
let browser: Browser;
let incA = '';
const problems: string[] = [];

async function open(who: { username: string; password: string }, lang: 'vi' | 'en'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
  page.on('pageerror', (e) => problems.push(e.message));
  if (lang === 'en') await page.addInitScript("localStorage.setItem('canhgac.lang', 'en')");
  await login(page, f, who);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(DIR, `${name}.png`), fullPage: true });
}

async function entity(page: Page, kind: string, value: string): Promise<void> {
  await page.goto(`${f.url}/entities/${kind}/${encodeURIComponent(value)}`);
  await page.waitForSelector('[data-testid=entity-count], .error');
}

suite('entity pages, ATT&CK matrix and queue export in chromium', () => {
  beforeAll(async () => {
    mkdirSync(DIR, { recursive: true });
    f = await startFixture();
    await f.svc.auth.createUser('seed', { ...ANALYST, role: 'analyst' });
    const agencies = f.stores.state.collection<Record<string, unknown>>('agencies');
    await agencies.put(SCOPE_ALL, {
      id: AGENCY_A,
      agencyId: AGENCY_A,
      name: 'Sở Tài chính',
      networks: ['10.31.0.0/16'],
      certificateNames: [],
    });
    const now = Date.now();
    const events = [];
    for (const [agency, host, n0] of [
      [AGENCY_A, 'cong-dvc', 0],
      [AGENCY_B, `mail-${B_MARK}`, 100],
    ] as const)
      for (let n = 0; n < 12; n++)
        events.push({
          'event.id': `ev-ent-${n0 + n}`,
          '@timestamp': new Date(now - (n + 1) * 240_000).toISOString(),
          'agency.id': agency,
          'host.name': host,
          'logsource.product': 'linux',
          'source.ip': ATTACKER,
          'source.geo.country_iso_code': 'NL',
          'source.geo.country_name': 'Netherlands',
          'source.geo.city_name': 'Amsterdam',
          'source.as.number': 64500,
          'source.as.organization.name': 'Example Hosting B.V.',
          'threat.indicator.value': ATTACKER,
          'threat.indicator.type': 'ipv4-addr',
          'threat.indicator.feed': 'Feodo Tracker',
          'threat.indicator.confidence': 90,
          'threat.indicator.description': 'Botnet C2 (Emotet)',
          'user.name': n % 3 ? 'admin' : 'root',
          message: `sshd[4242]: Failed password for ${n % 3 ? 'admin' : 'root'} from ${ATTACKER} port ${41000 + n} ssh2`,
        });
    await f.stores.events.write(SCOPE_ALL, events);
    for (const [agency, host, n0] of [
      [AGENCY_A, 'cong-dvc', 0],
      [AGENCY_B, `mail-${B_MARK}`, 100],
    ] as const) {
      const out = await f.svc.incidents.ingestAlert({
        id: `al-ent-${n0}`,
        kind: 'rule',
        ruleId: BRUTE,
        ruleTitle: 'SSH Brute Force Against One Host',
        level: 'high',
        tags: ['attack.credential-access', 'attack.t1110.001'],
        agencyId: agency,
        host,
        eventIds: Array.from({ length: 12 }, (_, n) => `ev-ent-${n0 + n}`),
        ts: now - 240_000,
      });
      if (agency === AGENCY_A) incA = out.incident!.id;
    }
    // A host name that would run as a spreadsheet formula.
    await f.svc.incidents.ingestAlert({
      id: 'al-formula',
      kind: 'rule',
      ruleId: 'rule-formula',
      ruleTitle: 'Odd host',
      level: 'low',
      tags: [],
      agencyId: AGENCY_A,
      host: '=HYPERLINK("http://x.invalid","bấm")',
      eventIds: [],
      ts: now - 60_000,
    });
    await f.stores.state.collection<Record<string, unknown>>('assets').put(SCOPE_ALL, {
      id: 'asset-cong-dvc',
      agencyId: AGENCY_A,
      host: 'cong-dvc',
      addresses: ['10.31.0.10'],
      owner: 'Phòng CNTT',
      role: 'Cổng dịch vụ công',
      criticality: 5,
      securityLevel: 3,
    });
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('the analyst walks from the queue to a host, an incident to its attacker, and pivots to search (vi)', async () => {
    const page = await open(ANALYST, 'vi');
    await page.goto(`${f.url}/incidents`);
    const row = page.locator(`[data-testid=queue] tr[data-id="${incA}"]`);
    await row.waitFor();
    expect(await row.locator('[data-testid=incident-title]').textContent()).toBe('Dò mật khẩu SSH vào một máy chủ');
    await row.locator('a[data-entity=host]').click();
    await page.waitForSelector('[data-testid=entity-count]');
    expect(await page.textContent('[data-testid=entity-title]')).toBe('cong-dvc');
    expect(await page.textContent('[data-testid=entity-count]')).toBe('Sự kiện: 12');
    expect(await page.textContent('[data-testid=entity-asset]')).toContain('Cổng dịch vụ công');
    expect(await page.textContent('[data-testid=entity-asset]')).toContain('Mức quan trọng 5/5');
    await shot(page, 'host-vi');
    // The incident's summary links its attacker to the address page.
    await page.goto(`${f.url}/incidents/${encodeURIComponent(incA)}`);
    await page.waitForSelector('[data-testid=summary] [data-field="source.ip"] a[data-entity=ip]');
    expect(await page.textContent('h1 [data-testid=incident-title]')).toBe('Dò mật khẩu SSH vào một máy chủ');
    await page.click('[data-testid=original-title]');
    expect(await page.textContent('h1 [data-testid=incident-title]')).toBe('SSH Brute Force Against One Host');
    await page.click('[data-testid=summary] [data-field="source.ip"] a[data-entity=ip]');
    await page.waitForSelector('[data-testid=entity-count]');
    expect(await page.textContent('[data-testid=entity-count]')).toBe('Sự kiện: 24');
    expect(await page.textContent('[data-testid=entity-incident-count]')).toContain('2');
    expect(await page.textContent('[data-testid=entity-geo]')).toBe('Amsterdam, Netherlands (NL)');
    expect(await page.textContent('[data-testid=entity-ti]')).toContain('Feodo Tracker');
    await shot(page, 'ip-vi');
    await page.click('[data-testid=entity-pivot]');
    await page.waitForSelector('[data-testid=hit-count] >> text=24 sự kiện');
    await page.close();
  }, 120_000);

  it("agency A's admin sees A's side of the address, not agency B, and its agency's name in the header", async () => {
    const page = await open(AGENCY_ADMIN, 'vi');
    expect(await page.textContent('[data-testid=whoami-agency]')).toBe(' · Sở Tài chính');
    await entity(page, 'ip', ATTACKER);
    expect(await page.textContent('[data-testid=entity-count]')).toBe('Sự kiện: 12');
    expect(await page.textContent('[data-testid=entity-incident-count]')).toContain('1');
    await shot(page, 'ip-agency-admin-vi');
    expect(await page.textContent('body')).not.toContain(B_MARK);
    await entity(page, 'agency', AGENCY_B);
    expect(await page.textContent('.error')).toBe('Không tìm thấy thực thể này trong phạm vi bạn được xem.');
    await entity(page, 'host', `mail-${B_MARK}`);
    expect(await page.textContent('[data-testid=entity-count]')).toBe('Sự kiện: 0');
    await entity(page, 'agency', AGENCY_A);
    expect(await page.textContent('[data-testid=entity-title]')).toContain('Sở Tài chính');
    await shot(page, 'agency-agency-admin-vi');
    // The ATT&CK matrix counts A's incidents only.
    await page.goto(`${f.url}/attack`);
    await page.waitForSelector('[data-technique="T1110.001"]');
    expect(await page.textContent('[data-technique="T1110.001"] .tcount')).toBe('1 sự cố');
    await shot(page, 'attack-agency-admin-vi');
    await page.close();
  }, 120_000);

  it('the ATT&CK matrix: techniques of enabled rules per tactic, hits per technique, in Vietnamese', async () => {
    const page = await open(ANALYST, 'vi');
    await page.goto(`${f.url}/attack`);
    await page.waitForSelector('[data-technique="T1110.001"]');
    const cell = page.locator('[data-tactic="credential-access"] [data-technique="T1110.001"]');
    expect(await cell.locator('.tname').textContent()).toBe('Dò mật khẩu (brute force): Đoán mật khẩu');
    expect(await cell.locator('.tcount').textContent()).toBe('2 sự cố');
    expect(await page.textContent('[data-tactic="credential-access"] h3')).toContain('Đánh cắp thông tin xác thực');
    await cell.click();
    expect(await page.textContent('[data-testid=technique-detail]')).toContain('Dò mật khẩu SSH vào một máy chủ');
    await shot(page, 'attack-vi');
    await page.selectOption('[data-testid=attack-agency]', AGENCY_A);
    await page.waitForSelector('[data-technique="T1110.001"] .tcount >> text=1 sự cố');
    await page.close();
  }, 120_000);

  it('pages in English: titles as the rule names them, words in English', async () => {
    const page = await open(ANALYST, 'en');
    await entity(page, 'ip', ATTACKER);
    expect(await page.textContent('[data-testid=entity-count]')).toBe('Events: 24');
    expect(await page.textContent('[data-testid=entity-incidents] [data-testid=incident-title]')).toBe(
      'SSH Brute Force Against One Host',
    );
    await shot(page, 'ip-en');
    await entity(page, 'host', 'cong-dvc');
    await shot(page, 'host-en');
    await entity(page, 'user', 'admin');
    expect(await page.textContent('[data-testid=entity-count]')).toBe('Events: 16');
    await shot(page, 'user-en');
    await entity(page, 'agency', AGENCY_A);
    await shot(page, 'agency-en');
    await page.goto(`${f.url}/attack`);
    await page.waitForSelector('[data-technique="T1110.001"]');
    expect(await page.textContent('[data-tactic="credential-access"] [data-technique="T1110.001"] .tname')).toBe(
      'Brute Force: Password Guessing',
    );
    await shot(page, 'attack-en');
    await page.close();
  }, 120_000);

  it('the queue exports every matching incident as CSV (formulas neutralised) and JSON', async () => {
    const page = await open(ANALYST, 'vi');
    await page.goto(`${f.url}/incidents`);
    await page.waitForSelector('[data-testid=queue]');
    await entity(page, 'user', 'root');
    await shot(page, 'user-vi');
    await entity(page, 'agency', AGENCY_A);
    await shot(page, 'agency-vi');
    await page.goto(`${f.url}/incidents`);
    await page.waitForSelector('[data-testid=queue]');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=queue-export-csv]')]);
    const text = readFileSync((await csv.path())!, 'utf8');
    const lines = text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toContain('ID,Mức độ,Tiêu đề,Tiêu đề gốc (tiếng Anh),Luật,Đơn vị,Mã đơn vị,Máy');
    const a = lines.find((l) => l.startsWith(incA))!;
    expect(a).toContain('Dò mật khẩu SSH vào một máy chủ,SSH Brute Force Against One Host');
    expect(a).toContain('Sở Tài chính');
    expect(text).toContain('"\'=HYPERLINK(""http://x.invalid"",""bấm"")"');
    const [json] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=queue-export-json]')]);
    const items = JSON.parse(readFileSync((await json.path())!, 'utf8')) as Record<string, unknown>[];
    expect(items.length).toBe(lines.length - 1);
    expect(items.some((i) => 'outbox' in i)).toBe(false);
    expect(await page.textContent('[data-testid=queue-message]')).toBe(`${items.length} sự cố đã xuất`);
    await page.close();
  }, 120_000);

  it('no script error on any page', () => {
    expect(problems).toEqual([]);
  });
});
