/**
 * The distributed replay guard (./types.ts ReplayGuard) on Redis: a batch redone after its worker died must not
 * observe an event in the correlation windows twice. A batch's keys are claimed in one round trip (SET NX with a
 * day's expiry, then GET for the note the first claimant left, pipelined) and its notes written in one: the
 * round trips per batch stay constant however many of its events match, which is what an alert storm needs.
 */
import type { Redis } from 'ioredis';
import type { ReplayGuard } from './types.js';

// A day is far longer than any batch stays in the queue or is retried.
const KEEP_MS = 86_400_000;

type Reply = [Error | null, unknown][] | null;

function checked(res: Reply, n: number): unknown[] {
  if (!res || res.length !== n) throw new Error('Redis answered a replay-guard pipeline short');
  return res.map(([err, v]) => {
    if (err) throw err;
    return v;
  });
}

/** A replay guard whose keys live under `<prefix>seen:`. */
export function redisReplayGuard(redis: Redis, prefix: string): ReplayGuard {
  return {
    async claim(keys) {
      if (keys.length === 0) return [];
      const p = redis.pipeline();
      for (const key of keys) {
        const k = `${prefix}seen:${key}`;
        p.set(k, '', 'PX', KEEP_MS, 'NX');
        p.get(k);
      }
      const v = checked(await p.exec(), 2 * keys.length);
      return keys.map((_, i) => {
        if (v[2 * i] === 'OK') return { first: true as const };
        const note = v[2 * i + 1];
        return typeof note === 'string' && note !== '' ? { first: false as const, note } : { first: false as const };
      });
    },
    async note(entries) {
      if (entries.length === 0) return;
      const p = redis.pipeline();
      for (const [key, value] of entries) p.set(`${prefix}seen:${key}`, value, 'PX', KEEP_MS);
      checked(await p.exec(), entries.length);
    },
  };
}
