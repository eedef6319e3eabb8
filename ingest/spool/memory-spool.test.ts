import { describe, expect, it } from '@jest/globals';
import { MemorySpool } from './memory-spool.js';
import { type RawRecord, SpoolFullError } from './types.js';

const rec = (i: number): RawRecord => ({ id: `m${i}`, receivedAt: i, transport: 'udp', source: '::1', data: 'x' });

describe('MemorySpool', () => {
  it('keeps the Spool contract: order, cursors, bound and onceRoom', async () => {
    const s = new MemorySpool({ maxBytes: 250 });
    await s.append([rec(1), rec(2), rec(3)]);
    await expect(s.append([rec(4)])).rejects.toBeInstanceOf(SpoolFullError);
    await new Promise((r) => setImmediate(r));
    let woke = false;
    s.onceRoom(() => {
      woke = true;
    });
    const b = await s.read(1);
    expect(b?.records.map((r) => r.id)).toEqual(['m1']);
    await s.commit(b!.cursor);
    expect(woke).toBe(true);
    expect(s.stats().records).toBe(2);
    expect((await s.read(10))?.records.map((r) => r.id)).toEqual(['m2', 'm3']);
    expect(await s.read(10, 5)).toBeUndefined();
    await s.close();
  });
});
