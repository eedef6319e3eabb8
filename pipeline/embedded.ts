/**
 * The embedded loop: spool -> pipeline -> commit, in one process (`canhgac start`). Batches are read from the spool,
 * detected in the worker pool while earlier ones are finished on the main thread, finished strictly in read order
 * and committed after each; a batch that keeps failing is retried or isolated, never skipped.
 */
import { logger } from '../core/log.js';
import { counter } from '../core/metrics.js';
import type { RawRecord, Spool, SpoolCursor } from '../ingest/spool/types.js';
import type { Detected, Pipeline } from './pipeline.js';

const log = logger('service');

const batchFailures = counter(
  'canhgac_pipeline_batch_failures_total',
  'Batch attempts that failed and are retried (the spool is not committed past them): stage detect or finish; commit: a spool commit that failed (the next one covers it)',
  ['stage'],
);

/** Records read from the spool at most per batch: large batches under load (fewer, larger store transactions). */
export const BATCH_MAX = 5000;
/**
 * Batches in flight at most: one being finished (store write, alerts, incidents) on the main thread while the
 * next ones are already in the worker pool. Back-pressure is unchanged: what is not read stays in the spool.
 */
export const IN_FLIGHT = 3;

interface InFlight {
  records: RawRecord[];
  cursor: SpoolCursor;
  detected: Promise<Detected>;
  /** Failed finishes of this batch. */
  failures: number;
}

/** Finishes of one batch that may fail before its records are isolated (LoopHooks.isolate). */
export const FINISH_TRIES = 3;

/** What the loop tells its surroundings and may ask of them. */
export interface LoopHooks {
  /** A batch was committed, or nothing waits (the health check's heartbeat). */
  progress?: () => void;
  /**
   * A batch whose finish failed FINISH_TRIES times: run it again in parts until the records that fail alone are
   * found and quarantined. Resolves when every record is stored or quarantined; rejects when that is impossible
   * now (the store is down): the loop then keeps retrying the batch.
   */
  isolate?: (records: RawRecord[]) => Promise<void>;
}

/**
 * The embedded service's batch loop, overlapped: while batch N is stored and its alerts raised (main thread),
 * batches N+1 and N+2 are already read and in the worker pool. Batches are finished strictly in read order and
 * the spool is committed after each one's store write and alert stage; a failed batch is retried (after 1 s) until
 * it succeeds or the service stops, so nothing behind it is committed first. What is not committed at a stop or a
 * crash is replayed at the next start (event ids and alert ids make the replay idempotent).
 */
export async function runLoop(
  spool: Pick<Spool, 'read' | 'commit'>,
  pipeline: Pick<Pipeline, 'detect' | 'finish' | 'abandon'>,
  running: () => boolean,
  hooks: LoopHooks = {},
): Promise<void> {
  const queue: InFlight[] = [];
  const start = (records: RawRecord[]) => {
    const p = pipeline.detect(records);
    p.catch(() => undefined); // handled when the batch reaches the head
    return p;
  };
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let committing: Promise<void> = Promise.resolve();
  while (running()) {
    try {
      // Top up the in-flight batches; wait for records (200 ms) only when nothing is in flight.
      while (queue.length < IN_FLIGHT && running()) {
        const batch = await spool.read(BATCH_MAX, queue.length === 0 ? 200 : 0);
        if (!batch || batch.records.length === 0) break;
        queue.push({ records: batch.records, cursor: batch.cursor, detected: start(batch.records), failures: 0 });
      }
      const head = queue[0];
      if (!head) {
        hooks.progress?.();
        // Let timers and I/O run even if a read ever returns at once (never spin on microtasks).
        await new Promise((r) => setImmediate(r));
        continue;
      }
      let d: Detected;
      try {
        d = await head.detected;
      } catch (err) {
        batchFailures.labels('detect').inc();
        log.error({ err, records: head.records.length }, 'Detecting a batch failed; retrying it');
        await pause(1000);
        head.detected = start(head.records);
        continue;
      }
      if (!d.done) {
        try {
          if (head.failures >= FINISH_TRIES && hooks.isolate) {
            // A record that fails on the main thread every time must not hold everything behind it.
            await pipeline.abandon(d);
            try {
              await hooks.isolate(head.records);
            } catch (err) {
              // Not isolated now (the store is down): detect the batch afresh for the next try.
              head.detected = start(head.records);
              throw err;
            }
          } else await pipeline.finish(d);
        } catch (err) {
          head.failures++;
          batchFailures.labels('finish').inc();
          log.error(
            { err, records: head.records.length, failures: head.failures },
            'Processing a batch failed; retrying it',
          );
          await pause(1000);
          continue;
        }
      }
      // The commit (two fsyncs) runs while the next batch is finished: at most one commit pending, and the spool
      // persists commits in order. A failed commit is covered by the next one; if none follows, the records stay
      // uncommitted and are replayed at the next start (idempotent).
      await committing;
      committing = spool.commit(head.cursor).then(
        () => hooks.progress?.(),
        (err: unknown) => {
          batchFailures.labels('commit').inc();
          log.error({ err }, 'Committing the spool failed; the next commit covers it');
        },
      );
      queue.shift();
    } catch (err) {
      // A spool read failed: nothing past the head is committed; try again.
      log.error({ err }, 'Reading the spool failed');
      await pause(1000);
    }
  }
  await committing;
  // Stopping: batches read but not finished stay uncommitted and are replayed at the next start.
  for (const it of queue) {
    const d = await it.detected.catch(() => undefined);
    if (d) await pipeline.abandon(d);
  }
}
