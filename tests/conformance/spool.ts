import { afterEach, describe, expect, it } from '@jest/globals';
import { encodeRecord } from '../../ingest/spool/codec.js';
import { type RawRecord, type Spool, SpoolFullError } from '../../ingest/spool/types.js';

/** Makes a fresh, empty spool bounded to `maxBytes` (undefined: effectively unbounded). */
export type SpoolFactory = (maxBytes?: number) => Promise<Spool>;

function rec(i: number): RawRecord {
  return { id: `c-${i}`, receivedAt: 1_700_000_000_000 + i, transport: 'tcp', source: '10.0.0.1', data: `<13>m ${i}` };
}

async function drain(s: Spool): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for (;;) {
    const b = await s.read(7);
    if (!b) return out;
    out.push(...b.records);
    await s.commit(b.cursor);
  }
}

/**
 * The Spool contract every implementation passes (FileSpool, MemorySpool): order, cursors, stats, the bound
 * with SpoolFullError and onceRoom, waiting reads. Durability is FileSpool's own test.
 */
export function runSpoolConformance(name: string, make: SpoolFactory): void {
  describe(`Spool conformance: ${name}`, () => {
    const open: Spool[] = [];
    const fresh = async (max?: number) => {
      const s = await make(max);
      open.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    it('reads back in append order, across concurrent appends, each record once', async () => {
      const s = await fresh();
      await Promise.all(Array.from({ length: 50 }, (_, i) => s.append([rec(2 * i), rec(2 * i + 1)])));
      expect(s.stats().records).toBe(100);
      const got = await drain(s);
      expect(got.map((r) => r.id)).toEqual(Array.from({ length: 100 }, (_, i) => `c-${i}`));
      expect(got[3]).toEqual(rec(3));
      expect(s.stats().records).toBe(0);
      expect(s.stats().bytes).toBe(0);
    });

    it('does not re-read what was read but not committed (the position is the reader’s)', async () => {
      const s = await fresh();
      await s.append([rec(1), rec(2)]);
      const a = await s.read(1);
      const b = await s.read(1);
      expect([a?.records[0]?.id, b?.records[0]?.id]).toEqual(['c-1', 'c-2']);
      await s.commit(a!.cursor);
      expect(s.stats().records).toBe(1);
      await s.commit(b!.cursor);
      expect(s.stats().records).toBe(0);
    });

    it('refuses an append that does not fit with SpoolFullError, nothing appended, and calls onceRoom after a commit', async () => {
      const one = encodeRecord(rec(1)).length;
      const s = await fresh(one * 5);
      for (let i = 0; i < 5; i++) await s.append([rec(i)]);
      expect(s.hasRoom(one)).toBe(false);
      const e = await s.append([rec(5)]).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(SpoolFullError);
      expect((e as SpoolFullError).retryAfterMs).toBeGreaterThan(0);
      expect(s.stats().records).toBe(5);
      let woke = 0;
      s.onceRoom(() => woke++);
      await new Promise((r) => setTimeout(r, 10));
      expect(woke).toBe(0);
      const b = await s.read(3);
      await s.commit(b!.cursor);
      await new Promise((r) => setTimeout(r, 10));
      expect(woke).toBe(1);
      expect(s.hasRoom(one)).toBe(true);
    });

    it('readNdjson gives the same records as read, one JSON per line, and shares its position', async () => {
      const s = await fresh();
      if (!s.readNdjson) return;
      const recs = [
        rec(1),
        { ...rec(2), data: 'line\nbreak "quoted" \u0000 ứng dụng', agency: '000.00.00.H40' },
        rec(3),
      ];
      await s.append(recs);
      const a = await s.readNdjson(2);
      expect(a?.count).toBe(2);
      const lines = a!.ndjson.toString('utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.map((l) => JSON.parse(l))).toEqual(recs.slice(0, 2));
      const b = await s.read(10);
      expect(b?.records).toEqual([rec(3)]);
      await s.commit(a!.cursor);
      expect(s.stats().records).toBe(1);
      await s.commit(b!.cursor);
      expect(s.stats().records).toBe(0);
      expect(await s.readNdjson(5, 10)).toBeUndefined();
    });

    it('read(max, waitMs) waits for an append and times out to undefined', async () => {
      const s = await fresh();
      const t0 = Date.now();
      expect(await s.read(5, 30)).toBeUndefined();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
      const p = s.read(5, 2000);
      setTimeout(() => void s.append([rec(9)]), 10);
      expect((await p)?.records.map((r) => r.id)).toEqual(['c-9']);
    });
  });
}
