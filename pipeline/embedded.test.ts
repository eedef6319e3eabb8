/**
 * The embedded service's overlapped batch loop (pipeline/embedded.ts runLoop) on a real MemorySpool and a scripted
 * pipeline: batches are finished and committed strictly in read order, the next batches are already detecting
 * while one is finished, in-flight batches stay bounded, and a failing batch is retried without anything behind
 * it being committed.
 */
import { describe, expect, it } from '@jest/globals';
import { MemorySpool } from '../ingest/spool/memory-spool.js';
import type { RawRecord } from '../ingest/spool/types.js';
import { BATCH_MAX, FINISH_TRIES, IN_FLIGHT, runLoop } from './embedded.js';
import type { Detected } from './pipeline.js';

const rec = (i: number): RawRecord => ({
  id: `r${i}`,
  receivedAt: 0,
  transport: 'tcp',
  source: '127.0.0.1',
  data: `line ${i}`,
});

/** A pipeline whose detect/finish take `ms` each and log what happens, in order. */
function scripted(opts: { detectMs: number; finishMs: number; failFinishOf?: string; failTimes?: number }) {
  const events: string[] = [];
  let detecting = 0;
  let maxDetecting = 0;
  let failures = 0;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const first = (d: { records: RawRecord[] }) => d.records[0]!.id;
  const pipeline = {
    async detect(records: RawRecord[]): Promise<Detected> {
      detecting++;
      maxDetecting = Math.max(maxDetecting, detecting);
      events.push(`detect+ ${records[0]!.id}`);
      await sleep(opts.detectMs);
      detecting--;
      events.push(`detect- ${records[0]!.id}`);
      return { records, result: { output: [], poisoned: [] } } as unknown as Detected;
    },
    async finish(d: Detected): Promise<void> {
      events.push(`finish+ ${first(d)}`);
      await sleep(opts.finishMs);
      if (first(d) === opts.failFinishOf && failures < (opts.failTimes ?? 0)) {
        failures++;
        events.push(`finish! ${first(d)}`);
        throw new Error('store down');
      }
      d.done = true;
      events.push(`finish- ${first(d)}`);
    },
    async abandon(d: Detected): Promise<void> {
      events.push(`abandon ${first(d)}`);
    },
  };
  return { pipeline, events, maxDetecting: () => maxDetecting };
}

/** A MemorySpool whose commits are logged into `events`. */
function spoolWith(events: string[]) {
  const spool = new MemorySpool();
  const commit = spool.commit.bind(spool);
  spool.commit = async (c) => {
    events.push(`commit ${c.offset}`);
    return commit(c);
  };
  return spool;
}

async function runUntil(
  spool: MemorySpool,
  pipeline: ReturnType<typeof scripted>['pipeline'],
  done: () => boolean,
): Promise<void> {
  let running = true;
  const loop = runLoop(spool, pipeline, () => running);
  const t0 = Date.now();
  while (!done() && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 10));
  running = false;
  await loop;
}

describe('runLoop (overlapped batches)', () => {
  it('finishes and commits in read order, detecting the next batches while one is finished', async () => {
    const s = scripted({ detectMs: 40, finishMs: 40 });
    const spool = spoolWith(s.events);
    const total = BATCH_MAX * 4 + 10;
    await spool.append(Array.from({ length: total }, (_, i) => rec(i)));
    await runUntil(spool, s.pipeline, () => s.events.includes(`commit ${total}`));
    const commits = s.events.filter((e) => e.startsWith('commit ')).map((e) => Number(e.slice(7)));
    expect(commits).toEqual([BATCH_MAX, 2 * BATCH_MAX, 3 * BATCH_MAX, 4 * BATCH_MAX, total]);
    const finishes = s.events.filter((e) => e.startsWith('finish+ '));
    expect(finishes).toEqual([
      'finish+ r0',
      `finish+ r${BATCH_MAX}`,
      `finish+ r${2 * BATCH_MAX}`,
      `finish+ r${3 * BATCH_MAX}`,
      `finish+ r${4 * BATCH_MAX}`,
    ]);
    // Overlap: batch 2 was already detecting before batch 1's finish ended.
    expect(s.events.indexOf(`detect+ r${BATCH_MAX}`)).toBeLessThan(s.events.indexOf('finish- r0'));
    // Each batch is committed only after its own finish ended.
    expect(s.events.indexOf('finish- r0')).toBeLessThan(s.events.indexOf(`commit ${BATCH_MAX}`));
    expect(s.maxDetecting()).toBeLessThanOrEqual(IN_FLIGHT);
    expect(s.maxDetecting()).toBeGreaterThan(1);
  });

  it('retries a failing batch and commits nothing behind it until it succeeds', async () => {
    const s = scripted({ detectMs: 5, finishMs: 5, failFinishOf: `r${BATCH_MAX}`, failTimes: 2 });
    const spool = spoolWith(s.events);
    const total = BATCH_MAX * 3;
    await spool.append(Array.from({ length: total }, (_, i) => rec(i)));
    await runUntil(spool, s.pipeline, () => s.events.includes(`commit ${total}`));
    const commits = s.events.filter((e) => e.startsWith('commit ')).map((e) => Number(e.slice(7)));
    expect(commits).toEqual([BATCH_MAX, 2 * BATCH_MAX, 3 * BATCH_MAX]);
    expect(s.events.filter((e) => e === `finish! r${BATCH_MAX}`)).toHaveLength(2);
    // The batch behind the failing one was not finished before the failing one succeeded.
    expect(s.events.indexOf(`finish+ r${2 * BATCH_MAX}`)).toBeGreaterThan(s.events.indexOf(`finish- r${BATCH_MAX}`));
  });

  // issue 11: a batch whose finish fails every time on the main thread held everything behind it forever.
  it('isolates a batch whose finish keeps failing, retrying isolation while it cannot be done, then goes on', async () => {
    const s = scripted({ detectMs: 5, finishMs: 5, failFinishOf: `r${BATCH_MAX}`, failTimes: 1000 });
    // The real abandon marks the batch done: the loop must not then commit it unprocessed.
    s.pipeline.abandon = async (d: Detected) => {
      d.done = true;
      s.events.push(`abandon ${d.records[0]!.id}`);
    };
    const spool = spoolWith(s.events);
    const total = BATCH_MAX * 3;
    await spool.append(Array.from({ length: total }, (_, i) => rec(i)));
    let isolations = 0;
    let running = true;
    const loop = runLoop(spool, s.pipeline, () => running, {
      isolate: async (records) => {
        isolations++;
        s.events.push(`isolate ${records[0]!.id}`);
        if (isolations === 1) throw new Error('store down'); // not possible now: retried, nothing committed
        s.events.push(`isolated ${records[0]!.id}`);
      },
    });
    const t0 = Date.now();
    while (!s.events.includes(`commit ${total}`) && Date.now() - t0 < 20_000)
      await new Promise((r) => setTimeout(r, 10));
    running = false;
    await loop;
    const commits = s.events.filter((e) => e.startsWith('commit ')).map((e) => Number(e.slice(7)));
    expect(commits).toEqual([BATCH_MAX, 2 * BATCH_MAX, 3 * BATCH_MAX]);
    expect(s.events.filter((e) => e === `finish! r${BATCH_MAX}`)).toHaveLength(FINISH_TRIES);
    expect(isolations).toBe(2);
    expect(s.events.indexOf(`isolated r${BATCH_MAX}`)).toBeLessThan(s.events.indexOf(`commit ${2 * BATCH_MAX}`));
  }, 30_000);

  it('goes on after a failed spool commit, which the next commit covers', async () => {
    const s = scripted({ detectMs: 5, finishMs: 5 });
    const spool = spoolWith(s.events);
    const commit = spool.commit.bind(spool);
    let failed = 0;
    spool.commit = async (c) => {
      if (c.offset === BATCH_MAX && failed++ === 0) {
        s.events.push(`commit! ${c.offset}`);
        throw new Error('disk full');
      }
      return commit(c);
    };
    await spool.append(Array.from({ length: BATCH_MAX * 2 }, (_, i) => rec(i)));
    await runUntil(spool, s.pipeline, () => s.events.includes(`commit ${2 * BATCH_MAX}`));
    expect(s.events.filter((e) => e.startsWith('commit'))).toEqual([`commit! ${BATCH_MAX}`, `commit ${2 * BATCH_MAX}`]);
    expect(spool.stats().records).toBe(0);
  });

  it('at a stop, finishes the batch at the head and leaves those behind it uncommitted (replayed at the next start)', async () => {
    const s = scripted({ detectMs: 300, finishMs: 5 });
    const spool = spoolWith(s.events);
    await spool.append(Array.from({ length: BATCH_MAX * 2 }, (_, i) => rec(i)));
    await runUntil(spool, s.pipeline, () => s.events.includes(`detect+ r${BATCH_MAX}`));
    expect(s.events.filter((e) => e.startsWith('commit '))).toEqual([`commit ${BATCH_MAX}`]);
    expect(s.events.filter((e) => e.startsWith('abandon '))).toEqual([`abandon r${BATCH_MAX}`]);
    expect(s.events).not.toContain(`finish+ r${BATCH_MAX}`);
    expect(spool.stats().records).toBe(BATCH_MAX);
  });

  it('at a low rate, hands over small batches at once', async () => {
    const s = scripted({ detectMs: 1, finishMs: 1 });
    const spool = spoolWith(s.events);
    let running = true;
    const loop = runLoop(spool, s.pipeline, () => running);
    const t0 = Date.now();
    await spool.append([rec(0), rec(1), rec(2)]);
    while (!s.events.includes('commit 3') && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 5));
    const took = Date.now() - t0;
    running = false;
    await loop;
    expect(s.events).toContain('commit 3');
    expect(took).toBeLessThan(1000);
  });
});
