import { describe, expect, it } from '@jest/globals';
import { KeyedLock } from './keyed-lock.js';

describe('KeyedLock', () => {
  it('serialises work per key and forgets idle keys', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const job = (k: string, i: number) =>
      lock.run(k, async () => {
        log.push(`${k}${i}+`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`${k}${i}-`);
        if (i === 1) throw new Error('boom');
        return i;
      });
    const results = await Promise.allSettled([job('a', 1), job('a', 2), job('b', 3)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(log.indexOf('a1-')).toBeLessThan(log.indexOf('a2+'));
    expect(log.indexOf('b3+')).toBeLessThan(log.indexOf('a1-'));
    await new Promise((r) => setTimeout(r, 1));
    expect(lock.size).toBe(0);
  });
});
