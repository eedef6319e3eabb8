/**
 * The `defaultLanguage` setting and notification routes: a route created without a language stores none and its
 * notices go out in whatever the setting says when they are sent; an explicit language wins; null goes back to
 * following the setting. Through the real API (fixture) and the Notifier posting to a local Slack-style receiver.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { channelSenders, type Notice, Notifier } from '../../notify/index.js';
import { SCOPE_ALL } from '../../store/types.js';
import { AGENCY_A, type Fixture, startFixture } from '../../tests/kit/api.js';

let f: Fixture;
let hook: Server;
let hookUrl = '';
const got: string[] = [];
let n = 0;

beforeAll(async () => {
  f = await startFixture();
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      got.push(body);
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await new Promise<void>((r) => hook.close(() => r()));
  await f.close();
});
beforeEach(async () => {
  got.length = 0;
  // Only this test's routes: the fixture's own routes point at other channels.
  const routes = f.svc.stores.state.collection<{ id: string }>('routes');
  for (const r of (await routes.list(SCOPE_ALL, { size: 1000 })).docs) await routes.delete(SCOPE_ALL, r.id);
  await f.svc.stores.state
    .collection<Record<string, unknown>>('channels')
    .put(SCOPE_ALL, { id: 'hook-lang', name: 'hook', type: 'slack', enabled: true, settings: { url: hookUrl } });
});

function notice(): Notice {
  return {
    id: `n-lang-${++n}`,
    kind: 'incident.created',
    agencyId: AGENCY_A,
    agencyName: 'Sở Thông tin và Truyền thông',
    severity: 'high',
    incidentId: `inc-lang-${n}`,
    title: 'SSH brute force',
    host: 'web01',
    at: Date.parse('2026-11-01T08:00:00Z'),
  };
}

/** Sends one notice through the routes and returns the body the webhook received. */
async function send(): Promise<string> {
  const notifier = new Notifier(f.svc.stores.state, channelSenders(undefined, { allowPrivate: ['127.0.0.1/32'] }));
  got.length = 0;
  expect(await notifier.notify(notice())).toBe(1);
  expect(await notifier.deliverDue()).toMatchObject({ sent: 1 });
  expect(got).toHaveLength(1);
  return got[0]!;
}

async function setLanguage(lang: 'vi' | 'en' | null): Promise<void> {
  const r = await f.call('PUT', '/api/v1/settings', {
    key: f.keys.admin,
    body: { values: { defaultLanguage: lang } },
  });
  expect(r.status).toBe(200);
}

describe('defaultLanguage and notification routes', () => {
  it('a route without a language stores none and follows the setting at send time', async () => {
    await setLanguage(null);
    const made = await f.call('POST', '/api/v1/routes', {
      key: f.keys.admin,
      body: { minSeverity: 'medium', channelIds: ['hook-lang'] },
    });
    expect(made.status).toBe(201);
    const route = made.body as { id: string; language?: string };
    expect(route.language).toBeUndefined();
    const stored = await f.svc.stores.state.collection<{ language?: string }>('routes').get(SCOPE_ALL, route.id);
    expect(stored).toBeDefined();
    expect(stored!.language).toBeUndefined();

    expect(await send()).toContain('Sự cố mới');
    await setLanguage('en');
    const en = await send();
    expect(en).toContain('New incident');
    expect(en).not.toContain('Sự cố mới');
    await setLanguage('vi');
    expect(await send()).toContain('Sự cố mới');
  });

  it('an explicit language wins over the setting; null follows the setting again', async () => {
    await setLanguage('en');
    const made = await f.call('POST', '/api/v1/routes', {
      key: f.keys.admin,
      body: { minSeverity: 'medium', channelIds: ['hook-lang'], language: 'vi' },
    });
    expect(made.status).toBe(201);
    const id = (made.body as { id: string }).id;
    expect(await send()).toContain('Sự cố mới');

    const reset = await f.call('PATCH', `/api/v1/routes/${id}`, { key: f.keys.admin, body: { language: null } });
    expect(reset.status).toBe(200);
    expect((reset.body as { language?: string }).language).toBeUndefined();
    expect(await send()).toContain('New incident');

    const bad = await f.call('PATCH', `/api/v1/routes/${id}`, { key: f.keys.admin, body: { language: 'fr' } });
    expect(bad.status).toBe(400);
    await setLanguage(null);
  });
});
