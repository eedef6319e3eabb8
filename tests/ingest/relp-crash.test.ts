/**
 * Crash safety, the acceptance criterion of durable intake: a child process runs a RELP source on a FileSpool
 * (fsync always); the test sends N messages, SIGKILLs the child at random moments, restarts it, resends what
 * was not acknowledged, and finally reads the spool. Asserted precisely:
 *  1. every acknowledged message is in the spool (durability of acks);
 *  2. every record in the spool is intact: its data is exactly one of the messages sent (torn tails are
 *     truncated, never replayed as garbage);
 *  3. event ids are unique in the spool and stable across replays: replaying the spool twice into a sink
 *     keyed by event.id gives the same set, of the size of the spool (replays are idempotent);
 *  4. a message appears more than once only if it was resent after a kill (its ack was lost in the crash:
 *     RELP is at-least-once, and the sender's resend gets a new event.id); deduplicated by message, each of
 *     the N messages is there exactly once.
 */
import { describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../core/shared-data.js';
import { FileSpool } from '../../ingest/spool/file-spool.js';
import type { RawRecord } from '../../ingest/spool/types.js';
import { RelpClient } from './relp-client.js';

const N = 1000;
const KILLS = 4;

function startChild(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      join(projectRoot, 'tests/ingest/ts-register.mjs'),
      join(projectRoot, 'tests/ingest/relp-crash-child.ts'),
      dir,
    ],
    { cwd: projectRoot, env: { ...process.env, CANHGAC_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`child exited early (${code}): ${out}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) =>
    child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r()),
  );
}

async function readAll(dir: string): Promise<RawRecord[]> {
  const spool = await FileSpool.open({ dir, name: 'crash-verify' });
  const out: RawRecord[] = [];
  for (;;) {
    const b = await spool.read(1000);
    if (!b) break;
    out.push(...b.records);
  }
  await spool.close();
  return out;
}

describe('RELP + FileSpool crash safety', () => {
  it('keeps every acknowledged message through SIGKILLs at random moments', async () => {
    const seed = Number(process.env.CANHGAC_CRASH_SEED ?? Date.now() % 1_000_000);
    let rnd = seed;
    const random = () => {
      rnd = (rnd * 1103515245 + 12345) % 2 ** 31;
      return rnd / 2 ** 31;
    };
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-crash-'));
    const msg = (i: number) => `<13>Nov 22 10:00:00 host1 app[1]: crash-test seq=${i} ${'p'.repeat(i % 200)}`;
    const acked = new Set<number>();
    const sentTimes = new Map<number, number>();
    let kills = 0;
    let midStream = 0;
    try {
      while (acked.size < N || kills < KILLS) {
        const { child, port } = await startChild(dir);
        const client = await RelpClient.connect(port);
        const todo = Array.from({ length: N }, (_, i) => i).filter((i) => !acked.has(i));
        // Kill after a random number of this round's acks plus a random sub-3 ms delay: mid-stream, anywhere
        // in the write / fsync / ack cycle.
        const killAt = kills < KILLS ? Math.floor(random() * todo.length * 0.8) : -1;
        let roundAcks = 0;
        let killed: Promise<void> | undefined;
        const kill = () => {
          killed = new Promise((r) =>
            setTimeout(() => {
              kills++;
              if (acked.size < N) midStream++;
              child.kill('SIGKILL');
              r();
            }, random() * 3),
          );
        };
        const onAck = (i: number) => {
          acked.add(i);
          if (roundAcks++ === killAt) kill();
        };
        for (let k = 0; k < todo.length && !client.closed; k += 64) {
          const chunk = todo.slice(k, k + 64);
          for (const i of chunk) sentTimes.set(i, (sentTimes.get(i) ?? 0) + 1);
          await Promise.allSettled(chunk.map((i) => client.send(msg(i)).then(() => onAck(i))));
        }
        // A round that finished before its kill fired still ends with that kill (of an idle server), and
        // rounds with nothing left to send only restart (recover) and kill.
        if (!killed && kills < KILLS) kill();
        await killed;
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        client.destroy();
        await exited(child);
      }
      expect(kills).toBe(KILLS);
      expect(midStream).toBeGreaterThanOrEqual(1);

      const recs = await readAll(dir);
      const bySeq = new Map<number, number>();
      for (const r of recs) {
        const m = /crash-test seq=(\d+) /.exec(r.data);
        expect(m).not.toBeNull();
        const i = Number(m![1]);
        expect(r.data).toBe(msg(i)); // (2) intact
        bySeq.set(i, (bySeq.get(i) ?? 0) + 1);
      }
      for (let i = 0; i < N; i++) expect(bySeq.get(i) ?? 0).toBeGreaterThanOrEqual(1); // (1)
      // (3) an idempotent sink keyed by event.id, fed by two replays.
      const sink = new Map<string, RawRecord>();
      for (const r of recs) sink.set(r.id, r);
      expect(sink.size).toBe(recs.length);
      for (const r of await readAll(dir)) sink.set(r.id, r);
      expect(sink.size).toBe(recs.length);
      // (4) duplicates only for messages sent more than once; once each after dedupe by message.
      for (const [i, n] of bySeq) if (n > 1) expect(sentTimes.get(i)!).toBeGreaterThan(1);
      expect(bySeq.size).toBe(N);
      process.stderr.write(
        `crash test: seed=${seed} kills=${kills} (mid-stream ${midStream}) records=${recs.length} resent-duplicates=${recs.length - N}\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
