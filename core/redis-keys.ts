/** Removes the keys under `<prefix>:` from a Redis (tests and benchmarks sharing one Redis leave nothing behind). */
import { Redis } from 'ioredis';

/** Unlinks every key matching `<prefix>:*` for each prefix; a Redis that is already gone has nothing to clean. */
export async function removeRedisKeys(url: string, prefixes: readonly string[]): Promise<void> {
  if (prefixes.length === 0) return;
  const r = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await r.connect();
    for (const p of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${p}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await r.unlink(...keys);
      } while (cursor !== '0');
    }
  } catch {
    // A test Redis that is already gone (the restart test's own) has nothing to clean.
  } finally {
    r.disconnect();
  }
}
