/**
 * Acceptance of "unknown shapes are loud" on the running service (SQLite store, and the OpenSearch store when
 * CANHGAC_TEST_OPENSEARCH_URL is set): a shipper document canhgac cannot read
 * (rsyslog's default omelasticsearch template, which has no program name) posted to the real HTTP intake is
 * stored, appears in /metrics by shape and, in Debian's chromium, on the console's Intake health page with its
 * sample, agency and sender, within a minute; the known shapes sent beside it do not appear there.
 * Screenshots: ${CANHGAC_TEST_TMP:-.tmp}/screenshots/intake-health-<store>.png. Needs the build (`npm run build`).
 */

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium } from 'playwright-core';
import { type Service, startService } from '../../cli/service.js';
import { projectRoot } from '../../core/shared-data.js';
import { hashApiKey } from '../../ingest/sources/http/index.js';
import { AGENCY, api, metricValue, serviceConfig, waitFor } from '../service/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const KEY = 'intake-health-agent-key-0123456789abcdef';
const SHOTS = join(process.env.CANHGAC_TEST_TMP ?? join(projectRoot, '.tmp'), 'screenshots');
const USER = { username: 'soc.intake', password: 'mat-khau-rat-dai-02' };
const built =
  existsSync(join(projectRoot, 'dist', 'pipeline', 'processor.js')) &&
  existsSync(join(projectRoot, 'dist', 'console', 'index.html'));
if (!built) process.stderr.write('SKIPPED: the intake health acceptance needs `npm run build`.\n');

/** rsyslog's StdJSONFmt (omelasticsearch's default template): message, fromhost, facility, priority, times. */
const UNKNOWN = {
  message: ' Failed password for root from 203.0.113.10 port 40000 ssh2',
  fromhost: 'web01',
  facility: 'authpriv',
  priority: 'info',
  timereported: new Date().toISOString(),
  timegenerated: new Date().toISOString(),
};
/** The same line from syslog-ng's elasticsearch-http(): a known shape. */
const KNOWN = {
  PROGRAM: 'sshd',
  PRIORITY: 'info',
  PID: '3000',
  MESSAGE: 'Failed password for root from 203.0.113.11 port 40001 ssh2',
  ISODATE: new Date().toISOString(),
  HOST: 'web01',
  FACILITY: 'authpriv',
};

const osUrl = process.env.CANHGAC_TEST_OPENSEARCH_URL;
const STORES: Array<[string, Record<string, unknown>]> = [['sqlite', {}]];
const prefix = `test-shippers-${Date.now()}`;
if (osUrl)
  STORES.push([
    'opensearch',
    { 'store.kind': 'opensearch', 'store.opensearch.url': osUrl, 'store.opensearch.indexPrefix': prefix },
  ]);
else process.stderr.write('NOTE: intake health on OpenSearch skipped: CANHGAC_TEST_OPENSEARCH_URL is not set.\n');

/** Deletes this test's OpenSearch indices and index templates. */
async function dropPrefix(url: string): Promise<void> {
  const idx = (await (await fetch(`${url}/_cat/indices/${prefix}-*?h=index`)).text()).split('\n').filter(Boolean);
  for (const i of idx) await fetch(`${url}/${i}`, { method: 'DELETE' });
  const t = (await (await fetch(`${url}/_index_template/${prefix}-*`)).json()) as {
    index_templates?: { name: string }[];
  };
  for (const x of t.index_templates ?? []) await fetch(`${url}/_index_template/${x.name}`, { method: 'DELETE' });
}

afterAll(async () => {
  if (osUrl) await dropPrefix(osUrl);
});

(built ? describe.each(STORES) : describe.skip.each(STORES))('intake health (%s store)', (store, overrides) => {
  let svc: Service | undefined;
  beforeAll(async () => {
    svc = await startService(
      serviceConfig({ ...overrides, 'intake.apiKeys': [{ sha256: hashApiKey(KEY), agency: AGENCY, name: 'rsyslog' }] }),
    );
    const u = await api(svc.apiUrl, '/api/v1/users', { ...USER, role: 'analyst' });
    if (u.status !== 201) throw new Error(`user: ${u.status} ${JSON.stringify(u.body)}`);
  }, 60_000);
  afterAll(async () => {
    await svc?.stop();
  });

  it('shows a document of an unknown shape in /metrics and on the console within a minute', async () => {
    // The counter lives in this process's registry, shared by both stores' services: count from here on.
    const before = await metricValue(svc!.apiUrl, 'canhgac_intake_unknown_shape_total');
    const started = Date.now();
    const res = await fetch(`http://127.0.0.1:${svc!.ports.http}/ingest/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-ndjson' },
      body: `${JSON.stringify(UNKNOWN)}\n${JSON.stringify(KNOWN)}\n`,
    });
    expect(res.status).toBe(200);
    const counted = await waitFor(
      async () =>
        (await metricValue(svc!.apiUrl, 'canhgac_intake_unknown_shape_total')) === before + 1 ? true : undefined,
      60_000,
    );
    expect(counted).toBe(true);
    const metrics = String((await api(svc!.apiUrl, '/metrics')).body);
    expect(metrics).toMatch(/canhgac_intake_unknown_shape_total\{shape="[0-9a-f]{8}"\} \d+/);

    mkdirSync(SHOTS, { recursive: true });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'vi-VN' });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${svc!.apiUrl}/`);
      await page.fill('input[name=username]', USER.username);
      await page.fill('input[name=password]', USER.password);
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-testid=whoami]');
      await page.click('nav a[href="/intake"]');
      await page.waitForSelector('[data-testid=intake-sample]', { timeout: 60_000 - (Date.now() - started) });
      const samples = await page.locator('[data-testid=intake-sample]').allTextContents();
      expect(samples).toHaveLength(1);
      expect(samples[0]).toContain('"fromhost":"web01"');
      const body = (await page.locator('main').textContent()) ?? '';
      expect(body).toContain(AGENCY);
      expect(body).toContain('127.0.0.1');
      expect(body).toContain('facility,fromhost,message,priority,timegenerated,timereported');
      expect(body).toContain('Tình trạng tiếp nhận log');
      expect(Date.now() - started).toBeLessThan(60_000);
      await page.screenshot({ path: join(SHOTS, `intake-health-${store}.png`), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
