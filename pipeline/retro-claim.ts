/**
 * Distributed workers each load the same feeds and see the same new indicators; the retro-match of one set of new
 * indicators runs in the worker that claims its key first (SET NX, kept a day), so stored events are searched once.
 */
import type { Redis } from 'ioredis';

/** The claim function for openContext's `retroClaim`. */
export function redisRetroClaim(redis: Redis, prefix: string): (key: string) => Promise<boolean> {
  return async (key) => (await redis.set(`${prefix}retro:${key}`, '', 'PX', 86_400_000, 'NX')) === 'OK';
}
