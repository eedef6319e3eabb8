/**
 * PUT /api/v1/settings {retentionDays} acts at run time: through the real API over an embedded store opened with
 * retention (store.retentionDays 90), events older than the new setting are deleted within a check of the
 * retention timer, and resetting the setting (null) goes back to the configured days.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { openSqliteStores, type SqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL } from '../store/types.js';
import { TEST_SCRYPT } from '../tests/kit/api.js';
import { createApiApp, servicesOf } from './app.js';

const DAY = 86_400_000;
let stores: SqliteStores;
let server: Server;
let url = '';
let key = '';

beforeAll(async () => {
  stores = openSqliteStores({ path: ':memory:', retentionDays: 90, retentionCheckMs: 20 });
  const app = createApiApp({ stores, authOptions: { scrypt: TEST_SCRYPT }, rateLimit: false, consoleDir: false });
  key = (await servicesOf(app).auth.createKey('test', SCOPE_ALL, { name: 'admin', role: 'admin' })).key;
  server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
  await stores.close();
});

async function put(values: Record<string, unknown>): Promise<number> {
  const r = await fetch(`${url}/api/v1/settings`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ values }),
  });
  return r.status;
}

async function left(): Promise<string[]> {
  const out: string[] = [];
  for (const id of ['d5', 'd45', 'd120']) if (await stores.events.get(SCOPE_ALL, id)) out.push(id);
  return out;
}

async function until(ok: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 5000;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

it('events older than the retentionDays setting are deleted after PUT /api/v1/settings', async () => {
  await until(async () => stores.retention?.days === 90);
  const now = Date.now();
  await stores.events.write(
    SCOPE_ALL,
    [5, 45, 120].map((d) => ({ '@timestamp': now - d * DAY, 'event.id': `d${d}`, 'agency.id': '000.00.31.H40' })),
  );
  expect(await left()).toEqual(['d5', 'd45', 'd120']);
  expect(await put({ retentionDays: 30 })).toBe(200);
  await until(async () => (await left()).length === 1);
  expect(await left()).toEqual(['d5']);
  expect(stores.retention?.days).toBe(30);
  expect(await put({ retentionDays: null })).toBe(200);
  await until(async () => stores.retention?.days === 90);
  const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).text();
  expect(metrics).toMatch(/^canhgac_retention_days 90$/m);
});
