import { describe, expect, it } from '@jest/globals';
import { openSqliteStores } from '../store/sqlite/index.js';
import type { Stores } from '../store/types.js';
import { AuthService } from '../api/auth/service.js';
import { run, type UsersIo } from './users.js';

function io(stores: Stores, env: Record<string, string> = {}, stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const x: UsersIo = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    readStdin: async () => stdin,
    env,
    // The command closes the stores it opened; keep the test's store open across runs.
    openStores: async () => ({ ...stores, close: async () => undefined }),
  };
  return { x, out, err };
}

describe('canhgac users', () => {
  it('creates a user, resets the password, makes a key, lists', async () => {
    const stores = openSqliteStores({ path: ':memory:' });
    try {
      const a = io(stores, {}, 'first long passphrase\n');
      expect(await run(['create', 'mai.pham', '--role', 'agency_admin', '--agency', '000.00.31.H40'], a.x)).toBe(0);
      const b = io(stores, { CANHGAC_USER_PASSWORD: 'second long passphrase' });
      expect(await run(['reset-password', 'mai.pham'], b.x)).toBe(0);
      const auth = new AuthService(stores.state);
      expect((await auth.login('mai.pham', 'second long passphrase')).principal.agencyId).toBe('000.00.31.H40');
      const c = io(stores);
      expect(await run(['create-key', '--name', 'prom', '--role', 'viewer'], c.x)).toBe(0);
      const key = c.out.join('').trim();
      expect((await auth.authenticateKey(key))?.role).toBe('viewer');
      const d = io(stores);
      expect(await run(['list'], d.x)).toBe(0);
      expect(d.out.join('')).toContain('mai.pham\tagency_admin\t000.00.31.H40\tactive');
      const e = io(stores, {}, 'short\n');
      expect(await run(['create', 'x.y', '--role', 'viewer'], e.x)).toBe(1);
      expect(e.err.join('')).toContain('at least 12');
      expect(await run(['create', 'x.y', '--bogus', '1'], io(stores).x)).toBe(2);
    } finally {
      await stores.close();
    }
  }, 20_000);
});
