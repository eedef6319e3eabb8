/**
 * Live and light, in Debian's chromium: a stored incident reaches the open queue through server-sent events in
 * under a second; static files and JSON answers are brotli/gzip compressed; no source map is public.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { AGENCY_A, type Fixture, startFixture } from '../kit/api.js';
import { buildConsoleOnce, CHROMIUM, launch, login, SHOTS, shot } from './browser-kit.js';

const ANALYST = { username: 'linh.do', password: 'mat-khau-rat-dai-09' };
const suite = existsSync(CHROMIUM) ? describe : describe.skip;

let f: Fixture;
let browser: Browser;
const problems: string[] = [];

suite('live and light', () => {
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

  it('pushes a stored incident to the open queue in under a second', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (e) => problems.push(e.message));
    await login(page, f, ANALYST);
    await page.click('nav a[href="/incidents"]');
    await page.waitForSelector('[data-testid=queue] tbody tr');
    await page.waitForSelector('text=Cập nhật tức thì');
    const figures: number[] = [];
    for (let n = 0; n < 3; n++) {
      await f.svc.incidents.ingestAlert({
        id: `alert-live-${n}`,
        kind: 'rule',
        ruleId: `rule-live-${n}`,
        ruleTitle: `Tấn công mới ${n}`,
        level: 'critical',
        tags: [],
        agencyId: AGENCY_A,
        host: `live-${n}`,
        eventIds: [],
        ts: Date.now(),
      });
      const stored = Date.now();
      await page.waitForSelector(`[data-testid=fresh] >> text=${n + 1} sự cố mới`, { timeout: 10_000 });
      figures.push(Date.now() - stored);
    }
    process.stdout.write(`Queue update pushed after the incident was stored: ${figures.join(', ')} ms\n`);
    for (const ms of figures) expect(ms).toBeLessThan(1000);
    await shot(page, 'queue-live');
    await page.close();
  }, 60_000);

  it('compresses static files and JSON, and serves no source map', async () => {
    const html = await (await fetch(`${f.url}/`)).text();
    const js = /src="(\/assets\/main-[A-Z0-9]+\.js)"/.exec(html)![1]!;
    for (const enc of ['br', 'gzip']) {
      const r = await fetch(f.url + js, { headers: { 'accept-encoding': enc } });
      expect(r.headers.get('content-encoding')).toBe(enc);
      expect(r.headers.get('vary')).toContain('Accept-Encoding');
      const body = await r.text();
      expect(body).not.toContain('sourceMappingURL');
      expect(Number(r.headers.get('content-length'))).toBeLessThan(body.length / 2);
    }
    expect((await fetch(`${f.url}${js}.map`)).status).toBe(404);
    const plain = await fetch(f.url + js, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const api = await fetch(`${f.url}/api/v1/rules?limit=100`, {
      headers: { authorization: `Bearer ${f.keys.analyst}`, 'accept-encoding': 'gzip' },
    });
    expect(api.headers.get('content-encoding')).toBe('gzip');
    expect(((await api.json()) as { items: unknown[] }).items.length).toBeGreaterThan(20);
  });

  it('no script error in any page', () => {
    expect(problems).toEqual([]);
  });
});
