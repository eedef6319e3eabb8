/**
 * Brute force: 200 concurrent wrong passwords for one user are all refused, only the first few are ever checked
 * (the count is taken before the check, one attempt at a time per user), the account locks, and then even the
 * right password is refused until an administrator unlocks it or the lock expires.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Fixture, startFixture } from '../tests/kit/api.js';
import { DEFAULT_SCRYPT } from './auth/passwords.js';

let f: Fixture;
let now = Date.parse('2026-11-22T08:00:00Z');

beforeAll(async () => {
  // Production scrypt cost, so the burst meets the real verification time.
  f = await startFixture({
    authOptions: { scrypt: DEFAULT_SCRYPT, maxFailures: 5, lockMs: 15 * 60_000, now: () => now },
  });
  await f.svc.auth.createUser('test', { username: 'lan.tran', password: 'the right passphrase', role: 'analyst' });
}, 30_000);
afterAll(async () => {
  await f.close();
});

const login = (password: string) => f.call('POST', '/api/v1/auth/login', { body: { username: 'lan.tran', password } });

describe('login brute force', () => {
  it('refuses 200 concurrent wrong passwords, locks, then refuses the right one until unlocked', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => login(`guess-${i}`)));
    const codes = results.map((r) => (r.body as { error: { code: string } }).error.code);
    expect(results.every((r) => r.status === 401 || r.status === 423)).toBe(true);
    expect(codes.filter((c) => c === 'CANHGAC_ERR_API_LOGIN_FAILED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'CANHGAC_ERR_API_LOCKED')).toHaveLength(195);
    expect(results.some((r) => r.headers.get('set-cookie'))).toBe(false);
    const user = await f.svc.auth.users.get({ kind: 'all' }, 'lan.tran');
    expect(user?.lockedUntil).toBeGreaterThan(now);

    const right = await login('the right passphrase');
    expect(right.status).toBe(423);

    // An administrator unlocks: the right password works again, and the lock is audited.
    const unlock = await f.call('POST', '/api/v1/users/lan.tran/unlock', { key: f.keys.admin });
    expect(unlock.status).toBe(204);
    const ok = await login('the right passphrase');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toContain('HttpOnly');
    const audit = await f.call('GET', '/api/v1/audit?targetId=lan.tran', { key: f.keys.admin });
    const actions = (audit.body as { items: { action: string }[] }).items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.lock', 'user.unlock']));
  }, 60_000);

  it('a lock expires on its own', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => login(`again-${i}`)));
    expect((await login('the right passphrase')).status).toBe(423);
    now += 15 * 60_000 + 1;
    expect((await login('the right passphrase')).status).toBe(200);
  }, 60_000);

  it('unknown names lock the same way (names cannot be told apart by probing)', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        f.call('POST', '/api/v1/auth/login', { body: { username: 'nobody', password: 'x' } }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 423)).toHaveLength(25);
  }, 60_000);
});
