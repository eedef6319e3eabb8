/** Password hashing with scrypt (node:crypto): per-user salt, parameters stored with the hash so they can rise. */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** A stored password hash and the parameters that made it. */
export interface PasswordHash {
  algo: 'scrypt';
  N: number;
  r: number;
  p: number;
  keylen: number;
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
}

/** scrypt cost parameters. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  keylen: number;
}

/** Defaults: N=2^15, r=8, p=1 (OWASP's scrypt floor is 2^17 with p=1 or 2^15 with more memory; ~64 MiB here). */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1, keylen: 64 };

function derive(password: string, salt: Buffer, prm: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // The libuv thread pool runs scrypt, so a login never blocks the event loop.
    scrypt(
      password.normalize('NFC'),
      salt,
      prm.keylen,
      { N: prm.N, r: prm.r, p: prm.p, maxmem: 256 * prm.N * prm.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** Hashes a password with a fresh 16-byte salt. */
export async function hashPassword(password: string, prm: ScryptParams = DEFAULT_SCRYPT): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, prm);
  return { algo: 'scrypt', ...prm, salt: salt.toString('base64'), hash: key.toString('base64') };
}

/** Whether the password matches the stored hash (constant-time comparison). */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  if (stored.algo !== 'scrypt') return false;
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), {
    N: stored.N,
    r: stored.r,
    p: stored.p,
    keylen: expected.length,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
