import { describe, expect, it } from '@jest/globals';
import { openSqliteStores } from '../store/sqlite/index.js';
import { TEST_SCRYPT } from '../tests/kit/api.js';
import { startApi } from './server.js';

describe('startApi', () => {
  it('listens on api.host:api.port, bootstraps the admin key, and closes', async () => {
    const stores = openSqliteStores({ path: ':memory:' });
    const key = 'bootstrap-key-0123456789abcdefghijklmnop';
    const api = await startApi(
      { api: { host: '127.0.0.1', port: 0 } },
      { stores, authOptions: { scrypt: TEST_SCRYPT } },
      { CANHGAC_BOOTSTRAP_API_KEY: key },
    );
    try {
      const me = await fetch(`${api.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ role: 'admin', kind: 'key' });
      const doc = await fetch(`${api.url}/api/v1/openapi.json`);
      expect(((await doc.json()) as { openapi: string }).openapi).toBe('3.1.0');
    } finally {
      await api.close();
      await stores.close();
    }
  });
});

describe('startApi behind the TLS proxy of the deployment guide (api.secureCookies, api.trustProxy)', () => {
  it('sets Secure cookies and HSTS, and limits sign-in per real client (X-Forwarded-For from the proxy)', async () => {
    const { loadConfig } = await import('../core/config/load.js');
    const config = loadConfig({
      env: {},
      overrides: { 'api.host': '127.0.0.1', 'api.port': 0, 'api.secureCookies': true, 'api.trustProxy': 'loopback' },
    });
    const stores = openSqliteStores({ path: ':memory:' });
    const api = await startApi(
      config as Parameters<typeof startApi>[0],
      {
        stores,
        authOptions: { scrypt: TEST_SCRYPT },
      },
      { CANHGAC_ADMIN_PASSWORD: 'a long admin passphrase' },
    );
    try {
      const login = (client: string, password: string) =>
        fetch(`${api.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
          body: JSON.stringify({ username: 'nobody', password }),
        });
      const ok = await fetch(`${api.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7' },
        body: JSON.stringify({ username: 'admin', password: 'a long admin passphrase' }),
      });
      expect(ok.status).toBe(200);
      const cookies = ok.headers.getSetCookie();
      expect(cookies.length).toBeGreaterThan(0);
      for (const c of cookies) expect(c).toMatch(/;\s*Secure/i);
      expect(ok.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      // One client uses up its sign-in bucket (20 attempts); another client behind the same proxy still gets in.
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await login('203.0.113.9', `guess-${i}`)).status);
      expect(statuses).toContain(429);
      expect((await login('203.0.113.10', 'x')).status).not.toBe(429);
    } finally {
      await api.close();
      await stores.close();
    }
  }, 60_000);
});
