/**
 * Threat-intel feeds added through the API: admin only (analysts and agency admins read), validated by field,
 * secrets never returned nor audited, and a list feed served over a local HTTP server is fetched and matches an
 * event without a restart; paused and removed feeds stop matching.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type OpenedContext, openContext } from '../../context/index.js';
import type { StoredEvent } from '../../store/types.js';
import { type Fixture, startFixture } from '../../tests/kit/api.js';

const LIST = readFileSync(new URL('../../context/ti/feeds/fixtures/console-feed.txt', import.meta.url), 'utf8');
const SECRET = 's3cret-token-never-shown';

let f: Fixture;
let ctx: OpenedContext | undefined;
let http: Server;
let url = '';
const seenAuth: string[] = [];
beforeAll(async () => {
  http = createServer((req, res) => {
    seenAuth.push(String(req.headers.authorization ?? ''));
    res.writeHead(200, { 'content-type': 'text/plain' }).end(LIST);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/blocklist.txt`;
  f = await startFixture({
    threatIntel: { status: () => ctx?.ti?.status() ?? [], localChanged: () => ctx!.syncLocal() },
  });
  ctx = await openContext(
    { geoip: { enabled: false } },
    { events: f.svc.stores.events, state: f.svc.stores.state, raise: async () => {}, localPollMs: 3_600_000 },
  );
});
afterAll(async () => {
  ctx?.close();
  await f.close();
  await new Promise((r) => http.close(r));
});

const event = (ip: string): StoredEvent =>
  ({ 'event.id': `e-${ip}`, '@timestamp': new Date().toISOString(), 'agency.id': 'a', 'source.ip': ip }) as StoredEvent;

type Item = { name: string; origin: string; indicators?: number; config?: Record<string, unknown> };

describe('threat-intel feeds API', () => {
  it('refuses a bad body naming each field, in the usual error format', async () => {
    const r = await f.call('POST', '/api/v1/threat-intel/feeds', {
      key: f.keys.admin!,
      body: { name: 'bad name', type: 'csv', url: 'ftp://x', confidence: 101, refreshMinutes: 0, tlp: 'pink' },
    });
    expect(r.status).toBe(400);
    const text = JSON.stringify(r.body);
    expect(text).toContain('CANHGAC_ERR_API_VALIDATION');
    for (const field of ['name', 'type', 'url', 'confidence', 'refreshMinutes', 'tlp'])
      expect(text).toContain(`"field":"${field}"`);
  });

  it('only an administrator writes; analysts and agency admins read, viewers do not', async () => {
    const body = { name: 'x', type: 'list', url };
    expect((await f.call('POST', '/api/v1/threat-intel/feeds', { key: f.keys.analyst!, body })).status).toBe(403);
    expect((await f.call('POST', '/api/v1/threat-intel/feeds', { key: f.keys.agency_admin_a!, body })).status).toBe(
      403,
    );
    expect((await f.call('DELETE', '/api/v1/threat-intel/feeds/x', { key: f.keys.analyst! })).status).toBe(403);
    for (const k of ['analyst', 'agency_admin_a'])
      expect((await f.call('GET', '/api/v1/threat-intel/feeds', { key: f.keys[k]! })).status).toBe(200);
    expect((await f.call('GET', '/api/v1/threat-intel/feeds', { key: f.keys.viewer_a! })).status).toBe(403);
  });

  it('a list feed added by an admin is fetched and matches at once; the secret is never returned nor audited', async () => {
    expect(ctx!.stage.process([event('198.51.100.77')])).toHaveLength(0);
    const r = await f.call('POST', '/api/v1/threat-intel/feeds', {
      key: f.keys.admin!,
      body: {
        name: 'so-tt-blocklist',
        type: 'list',
        url,
        refreshMinutes: 30,
        confidence: 80,
        tlp: 'green',
        token: SECRET,
      },
    });
    expect(r.status).toBe(201);
    expect(JSON.stringify(r.body)).not.toContain(SECRET);
    expect(r.body).toMatchObject({ name: 'so-tt-blocklist', tokenSet: true, passwordSet: false, enabled: true });
    expect(seenAuth).toContain(`Bearer ${SECRET}`);

    const alerts = ctx!.stage.process([event('198.51.100.77'), event('8.8.8.8')]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.fields).toMatchObject({
      'threat.indicator.feed': 'so-tt-blocklist',
      'threat.indicator.value': '198.51.100.77',
    });

    const list = await f.call('GET', '/api/v1/threat-intel/feeds', { key: f.keys.analyst! });
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
    const item = (list.body as { items: Item[] }).items.find((i) => i.name === 'so-tt-blocklist')!;
    expect(item).toMatchObject({ origin: 'console', indicators: 3, config: { tokenSet: true, confidence: 80 } });

    // Edit without the token: it stays set; the name cannot be taken twice.
    const e = await f.call('PUT', '/api/v1/threat-intel/feeds/so-tt-blocklist', {
      key: f.keys.admin!,
      body: { confidence: 60 },
    });
    expect(e.status).toBe(200);
    expect(e.body).toMatchObject({ confidence: 60, tokenSet: true });
    const dup = await f.call('POST', '/api/v1/threat-intel/feeds', {
      key: f.keys.admin!,
      body: { name: 'so-tt-blocklist', type: 'list', url },
    });
    expect(dup.status).toBe(400);

    const audit = await f.call('GET', '/api/v1/audit', { key: f.keys.admin! });
    const text = JSON.stringify(audit.body);
    expect(text).not.toContain(SECRET);
    const items = (audit.body as { items: { action: string; targetId: string; actor: string }[] }).items;
    expect(items.filter((a) => a.targetId === 'so-tt-blocklist').map((a) => a.action)).toEqual(
      expect.arrayContaining(['feed.create', 'feed.update']),
    );
  });

  it('a paused feed stops matching and resumes; a removed one is gone', async () => {
    const pause = await f.call('PUT', '/api/v1/threat-intel/feeds/so-tt-blocklist', {
      key: f.keys.admin!,
      body: { enabled: false },
    });
    expect(pause.status).toBe(200);
    expect(ctx!.stage.process([event('198.51.100.77')])).toHaveLength(0);
    await f.call('PUT', '/api/v1/threat-intel/feeds/so-tt-blocklist', { key: f.keys.admin!, body: { enabled: true } });
    expect(ctx!.stage.process([event('198.51.100.77')])).toHaveLength(1);
    const del = await f.call('DELETE', '/api/v1/threat-intel/feeds/so-tt-blocklist', { key: f.keys.admin! });
    expect(del.status).toBe(204);
    expect(ctx!.stage.process([event('198.51.100.77')])).toHaveLength(0);
    const items = (
      (await f.call('GET', '/api/v1/threat-intel/feeds', { key: f.keys.admin! })).body as { items: Item[] }
    ).items;
    expect(items.some((i) => i.name === 'so-tt-blocklist')).toBe(false);
    const audit = (await f.call('GET', '/api/v1/audit', { key: f.keys.admin! })).body as {
      items: { action: string }[];
    };
    expect(audit.items.map((a) => a.action)).toEqual(
      expect.arrayContaining(['feed.pause', 'feed.resume', 'feed.delete']),
    );
  });
});
