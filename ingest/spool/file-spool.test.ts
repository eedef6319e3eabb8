import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { appendFile, mkdtemp, readdir, rm, stat, truncate } from 'node:fs/promises';
import fc from 'fast-check';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registry } from '../../core/metrics.js';
import { encodeRecord } from './codec.js';
import { FileSpool } from './file-spool.js';
import { segmentPath } from './segment-io.js';
import { type RawRecord, type Spool, SpoolFullError } from './types.js';

let dir: string;
let n = 0;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canhgac-spool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function rec(i: number, data = `<13>msg ${i}`): RawRecord {
  return { id: `id-${i}`, receivedAt: 1_700_000_000_000 + i, transport: 'tcp', source: '127.0.0.1', data };
}

async function drain(s: Spool, commit = true): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for (;;) {
    const b = await s.read(100);
    if (!b) return out;
    out.push(...b.records);
    if (commit) await s.commit(b.cursor);
  }
}

async function metric(name: string, spool: string): Promise<number> {
  const m = (await registry.getSingleMetric(name)?.get())?.values.find((v) => v.labels.spool === spool);
  return m?.value ?? 0;
}

describe('FileSpool', () => {
  it('appends, reads in order and commits', async () => {
    const s = await FileSpool.open({ dir });
    await s.append([rec(1), rec(2)]);
    await s.append([rec(3)]);
    expect(s.stats().records).toBe(3);
    const b = await s.read(2);
    expect(b?.records.map((r) => r.id)).toEqual(['id-1', 'id-2']);
    await s.commit(b!.cursor);
    expect(s.stats().records).toBe(1);
    expect((await drain(s)).map((r) => r.id)).toEqual(['id-3']);
    expect(s.stats()).toEqual({ bytes: 0, records: 0, segments: 1 });
    await s.close();
  });

  it('replays uncommitted records after a restart and never the committed ones', async () => {
    let s = await FileSpool.open({ dir });
    await s.append([rec(1), rec(2), rec(3), rec(4)]);
    const b = await s.read(2);
    await s.commit(b!.cursor);
    await s.read(2); // read but not committed: must come back
    await s.close();
    s = await FileSpool.open({ dir });
    expect(s.stats().records).toBe(2);
    expect((await drain(s)).map((r) => r.id)).toEqual(['id-3', 'id-4']);
    await s.close();
    s = await FileSpool.open({ dir });
    expect(await drain(s)).toEqual([]);
    await s.close();
  });

  it('truncates a torn tail left by a crash instead of replaying garbage', async () => {
    const name = `torn${n++}`;
    let s = await FileSpool.open({ dir, name });
    await s.append([rec(1), rec(2)]);
    await s.close();
    const seg = segmentPath(dir, 1);
    const good = (await stat(seg)).size;
    // A crash mid-write: a header promising more bytes than made it to disk.
    const torn = encodeRecord(rec(3)).subarray(0, 20);
    await appendFile(seg, torn);
    s = await FileSpool.open({ dir, name });
    expect((await stat(seg)).size).toBe(good);
    expect(await metric('canhgac_spool_torn_bytes_total', name)).toBe(20);
    await s.append([rec(4)]);
    expect((await drain(s)).map((r) => r.id)).toEqual(['id-1', 'id-2', 'id-4']);
    await s.close();
  });

  it('detects a flipped byte and a zero-filled tail by CRC and length', async () => {
    let s = await FileSpool.open({ dir });
    await s.append([rec(1), rec(2)]);
    await s.close();
    const seg = segmentPath(dir, 1);
    const one = encodeRecord(rec(1)).length;
    const bad = encodeRecord(rec(3));
    bad[bad.length - 2] ^= 0xff;
    await appendFile(seg, Buffer.concat([bad, Buffer.alloc(64)]));
    s = await FileSpool.open({ dir });
    expect((await drain(s)).map((r) => r.id)).toEqual(['id-1', 'id-2']);
    await s.close();
    // Truncate inside record 2: only record 1 survives.
    await truncate(seg, one + 5);
    s = await FileSpool.open({ dir });
    expect((await drain(s, false)).map((r) => r.id)).toEqual([]);
    await s.close();
  });

  it('rejects with SpoolFullError when full and wakes onceRoom after a commit', async () => {
    const name = `full${n++}`;
    const one = encodeRecord(rec(1)).length;
    const s = await FileSpool.open({ dir, name, maxBytes: one * 10, segmentBytes: 4096 });
    for (let i = 0; i < 10; i++) await s.append([rec(i)]);
    expect(s.hasRoom(one)).toBe(false);
    await expect(s.append([rec(99)])).rejects.toBeInstanceOf(SpoolFullError);
    expect(await metric('canhgac_spool_full_rejections_total', name)).toBe(1);
    let woke = false;
    s.onceRoom(() => {
      woke = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(woke).toBe(false);
    const b = await s.read(5);
    await s.commit(b!.cursor);
    expect(woke).toBe(true);
    await s.append([rec(10)]);
    await s.close();
  });

  it('group-commits concurrent appends into far fewer fsyncs', async () => {
    const name = `group${n++}`;
    const s = await FileSpool.open({ dir, name, fsync: 'always' });
    // 3000 appends in one round also exceed IOV_MAX (1024) buffers for one writev: the short write is finished.
    await Promise.all(Array.from({ length: 3000 }, (_, i) => s.append([rec(i)])));
    const fsyncs = await metric('canhgac_spool_fsyncs_total', name);
    expect(fsyncs).toBeGreaterThan(0);
    expect(fsyncs).toBeLessThan(50);
    expect((await drain(s)).map((r) => r.id)).toEqual(Array.from({ length: 3000 }, (_, i) => `id-${i}`));
    await s.close();
  });

  it('rotates segments and deletes the fully committed ones', async () => {
    const s = await FileSpool.open({ dir, segmentBytes: 4096, maxBytes: 1 << 20 });
    const big = 'x'.repeat(500);
    for (let i = 0; i < 40; i++) await s.append([rec(i, big)]);
    expect(s.stats().segments).toBeGreaterThan(3);
    const got = await drain(s);
    expect(got.map((r) => r.id)).toEqual(Array.from({ length: 40 }, (_, i) => `id-${i}`));
    const files = (await readdir(dir)).filter((f) => f.endsWith('.seg'));
    expect(files.length).toBe(1);
    expect(s.stats().segments).toBe(1);
    await s.close();
    // Reopen after deletions: nothing to replay, appends continue in a fresh segment order.
    const s2 = await FileSpool.open({ dir, segmentBytes: 4096 });
    expect(await drain(s2)).toEqual([]);
    await s2.append([rec(100)]);
    expect((await drain(s2)).map((r) => r.id)).toEqual(['id-100']);
    await s2.close();
  });

  it('works under the interval and never policies', async () => {
    for (const fsync of ['interval', 'never'] as const) {
      const d = join(dir, fsync);
      const s = await FileSpool.open({ dir: d, fsync, fsyncIntervalMs: 10 });
      await s.append([rec(1)]);
      await new Promise((r) => setTimeout(r, 30));
      await s.close();
      const s2 = await FileSpool.open({ dir: d, fsync });
      expect((await drain(s2)).map((r) => r.id)).toEqual(['id-1']);
      await s2.close();
    }
  });

  it('waits for data on read(max, waitMs)', async () => {
    const s = await FileSpool.open({ dir });
    const p = s.read(10, 2000);
    setTimeout(() => void s.append([rec(7)]), 20);
    expect((await p)?.records[0]?.id).toBe('id-7');
    expect(await s.read(10, 10)).toBeUndefined();
    await s.close();
  });

  it('refuses a commit beyond what was read and rejects appends after close', async () => {
    const s = await FileSpool.open({ dir });
    await s.append([rec(1)]);
    await expect(s.commit({ segment: 1, offset: 10_000 })).rejects.toThrow(/beyond what was read/);
    await s.close();
    await expect(s.append([rec(2)])).rejects.toThrow(/closed/);
  });

  it('never deletes new segments because of a stale commit file (segment ids keep growing)', async () => {
    let s = await FileSpool.open({ dir });
    await s.append([rec(1)]);
    await drain(s);
    await s.close();
    // Segments gone (an operator cleaned up), the commit file left behind.
    for (const f of await readdir(dir)) if (f.endsWith('.seg')) await rm(join(dir, f));
    s = await FileSpool.open({ dir });
    await s.append([rec(2)]);
    await s.close();
    s = await FileSpool.open({ dir });
    expect((await drain(s)).map((r) => r.id)).toEqual(['id-2']);
    await s.close();
  });

  it('refuses a second open of the same directory while the first is open', async () => {
    const s = await FileSpool.open({ dir });
    await expect(FileSpool.open({ dir })).rejects.toThrow(/in use by process/);
    await s.close();
    const again = await FileSpool.open({ dir });
    await again.close();
  });

  it('ignores a corrupt commit file by replaying (at-least-once)', async () => {
    let s = await FileSpool.open({ dir });
    await s.append([rec(1)]);
    await drain(s);
    await s.close();
    await appendFile(join(dir, 'commit'), 'garbage');
    s = await FileSpool.open({ dir });
    expect((await drain(s)).map((r) => r.id)).toEqual(['id-1']);
    await s.close();
  });

  it('after a crash at any byte (truncation, garbage tail) replays exactly a prefix of what was appended', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ maxLength: 300 }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.uint8Array({ maxLength: 64 }),
        async (datas, cutAt, garbage) => {
          const d = join(dir, `p${run++}`);
          let s = await FileSpool.open({ dir: d, fsync: 'never' });
          const recs = datas.map((x, i) => rec(i, x));
          for (let i = 0; i < recs.length; i += 5) await s.append(recs.slice(i, i + 5));
          await s.close();
          const seg = segmentPath(d, 1);
          const size = (await stat(seg)).size;
          await truncate(seg, Math.floor(size * cutAt));
          await appendFile(seg, garbage);
          s = await FileSpool.open({ dir: d, fsync: 'never' });
          const got = await drain(s);
          expect(got).toEqual(recs.slice(0, got.length));
          // Appends after recovery land after the valid prefix, not after the garbage.
          await s.append([rec(999)]);
          expect((await drain(s)).map((r) => r.id)).toEqual(['id-999']);
          await s.close();
        },
      ),
      { numRuns: 40 },
    );
  });
});
