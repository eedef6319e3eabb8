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
