/** Agencies of the configuration file are stored at start as the API's own, rewritten from the file until edited. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { openSqliteStores } from '../store/sqlite/index.js';
import { TEST_SCRYPT } from '../tests/kit/api.js';
import { startApi } from './server.js';

const KEY = 'config-agencies-test-key-0123456789abcdef';
const stores = openSqliteStores({ path: ':memory:' });
afterAll(async () => {
  await stores.close();
});

async function start(name: string) {
  const api = await startApi(
    { api: { host: '127.0.0.1', port: 0 }, agencies: [{ id: '000.00.40.H40', name, networks: ['10.40.0.0/16'] }] },
    { stores, authOptions: { scrypt: TEST_SCRYPT }, rateLimit: false, consoleDir: false },
    { CANHGAC_BOOTSTRAP_API_KEY: KEY },
  );
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(api.url + path, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await r.json()) as Record<string, unknown>;
  };
  return { api, call };
}

describe('agencies of the configuration file', () => {
  it('are listed like API agencies, follow the file, and stop following it once edited through the API', async () => {
    let s = await start('Sở Tư pháp');
    expect(await s.call('GET', '/api/v1/agencies/000.00.40.H40')).toMatchObject({
      name: 'Sở Tư pháp',
      networks: ['10.40.0.0/16'],
      origin: 'config',
    });
    // An intake key for it, like any agency.
    expect(await s.call('POST', '/api/v1/agencies/000.00.40.H40/keys', { name: 'web01' })).toHaveProperty('key');
    await s.api.close();
    s = await start('Sở Tư pháp tỉnh');
    expect((await s.call('GET', '/api/v1/agencies/000.00.40.H40')).name).toBe('Sở Tư pháp tỉnh');
    const audit = (await s.call('GET', '/api/v1/audit?targetId=000.00.40.H40')).items as { action: string }[];
    expect(audit.map((a) => a.action).sort()).toEqual(['agency.create', 'agency.update']);
    await s.call('PATCH', '/api/v1/agencies/000.00.40.H40', { name: 'Sở Tư pháp (sửa trên bảng điều khiển)' });
    await s.api.close();
    s = await start('Tên trong tệp');
    expect(await s.call('GET', '/api/v1/agencies/000.00.40.H40')).toMatchObject({
      name: 'Sở Tư pháp (sửa trên bảng điều khiển)',
      origin: 'api',
    });
    await s.api.close();
  }, 30_000);
});
