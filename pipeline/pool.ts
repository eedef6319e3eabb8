import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { logger } from '../core/log.js';
import { counter, gauge, recordWorkerMetrics, retireWorkerMetrics } from '../core/metrics.js';
import { projectRoot } from '../core/shared-data.js';
import type { BatchMessage, WorkerInit, WorkerReply } from './protocol.js';

const log = logger('worker_pool');
const crashes = counter('canhgac_pool_worker_crashes_total', 'Worker threads that died and were replaced');
const retries = counter('canhgac_pool_batch_retries_total', 'Batches retried on a new worker after a failure');
const poisonedTotal = counter(
  'canhgac_pool_poisoned_items_total',
  'Items set aside because processing them failed every time',
);
const queued = gauge('canhgac_pool_queued_batches', 'Batches waiting for a worker');
const failures = counter(
  'canhgac_pool_batch_failures_total',
  'Batch attempts that failed, by kind: exception (the processor threw), transfer (its result could not be read on the main thread), exit (the worker died), deadline (it ran past pipeline.batchTimeoutSeconds)',
  ['kind'],
);

/** Parts a failing batch is split into to find its bad records (8: a 5,000-record batch in 5 rounds). */
const SPLIT = 8;

/** Pool options. */
export interface PoolOptions {
  /** Number of worker threads (default: 1). */
  size?: number;
  /** ES module exporting `createProcessor(options)` (see protocol.ts). */
  processorModule: string;
  /** Options handed to createProcessor (structured-cloneable). */
  options?: unknown;
  /** Tries of a batch before it is split to find the item that fails (default 2). */
  maxAttempts?: number;
  /** Heap limit of each worker, MB: a runaway batch kills its worker, not the service (default 1024). */
  maxHeapMb?: number;
  /** The compiled worker entry (default dist/pipeline/worker.js). */
  workerFile?: string;
  /** A batch still running after this long (ms) is failed and its worker replaced (default 30,000). */
  batchTimeoutMs?: number;
}

/** A batch's outcome: the processors' output in item order, and items no attempt could process. */
export interface PoolResult {
  output: unknown[];
  poisoned: { item: unknown; reason: string }[];
}

interface Job {
  id: number;
  items: unknown[];
  resolve: (out: unknown[]) => void;
  reject: (reason: Error) => void;
  /** New processor options for this worker (an in-place update, see update()) instead of a batch. */
  update?: unknown;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
  /** The deadline of the batch in flight. */
  timer?: NodeJS.Timeout | undefined;
  /** Why this worker is being terminated by the pool (its batch failed with this). */
  killed?: BatchFailure | undefined;
  /** The batch this worker had when it died. */
  lost?: Job | undefined;
  /** An in-place update this worker has still to apply (sent before its next batch). */
  pendingUpdate?: Job | undefined;
}

type FailureKind = 'exception' | 'transfer' | 'exit' | 'deadline';

/** Raised for a batch whose worker died, ran past its deadline, threw, or sent a result that cannot be read. */
class BatchFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
    failures.labels(kind).inc();
  }
}

/**
 * A pool of worker threads that process batches. A worker that dies mid-batch is replaced and the batch retried
 * on a new one (counted); a batch that keeps failing is split in halves until the failing item is isolated and
 * set aside as poisoned, so one bad record never blocks or loses the others.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 1;
  private closing = false;
  private readonly opts: Required<Omit<PoolOptions, 'options'>> & { options: unknown };

  constructor(opts: PoolOptions) {
    this.opts = {
      size: opts.size ?? 1,
      processorModule: opts.processorModule,
      options: opts.options,
      maxAttempts: opts.maxAttempts ?? 2,
      maxHeapMb: opts.maxHeapMb ?? 1024,
      workerFile: opts.workerFile ?? join(projectRoot, 'dist', 'pipeline', 'worker.js'),
      batchTimeoutMs: opts.batchTimeoutMs ?? 30_000,
    };
    if (!existsSync(this.opts.workerFile)) {
      throw new Error(`Worker entry ${this.opts.workerFile} is missing: run \`npm run build\` first`);
    }
  }

  /** Starts the workers; resolves when all are ready (rejects if the processor cannot load). */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.opts.size }, () => this.spawn()));
  }

  /** Batches waiting for a worker (the caller's back-pressure signal). */
  get backlog(): number {
    return this.waiting.length;
  }

  /** Number of live workers. */
  get size(): number {
    return this.slots.length;
  }

  /**
   * Processes a batch; never rejects for a failing item (it comes back in `poisoned`, having failed
   * `maxAttempts` times: as part of the whole batch, then alone). Rejects only when the pool closes.
   */
  async run(items: unknown[]): Promise<PoolResult> {
    return this.attempt(items, 1, this.opts.maxAttempts);
  }

  private async attempt(items: unknown[], attempt: number, tries: number): Promise<PoolResult> {
    try {
      return { output: await this.dispatch(items), poisoned: [] };
    } catch (err) {
      if (this.closing || !(err instanceof BatchFailure)) throw err;
      const reason = err.message;
      if (attempt < tries) {
        retries.inc();
        log.warn({ items: items.length, attempt, reason }, 'Batch failed, retrying on a new worker');
        return this.attempt(items, attempt + 1, tries);
      }
      if (items.length === 1) {
        poisonedTotal.inc();
        log.error({ reason }, 'Item failed every attempt and is set aside');
        return { output: [], poisoned: [{ item: items[0], reason }] };
      }
      // Split to find the bad items. A part of several items is tried once (a failure there says "look
      // closer"); an item alone gets every try, so a failure unrelated to it (a crash of another cause) is
      // retried before the item is set aside.
      const size = Math.ceil(items.length / SPLIT);
      const parts: unknown[][] = [];
      for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
      const done = await Promise.all(parts.map((p) => this.attempt(p, 1, p.length === 1 ? this.opts.maxAttempts : 1)));
      return {
        output: done.flatMap((r) => r.output),
        poisoned: done.flatMap((r) => r.poisoned),
      };
    }
  }

  private dispatch(items: unknown[]): Promise<unknown[]> {
    if (this.closing) return Promise.reject(new Error('The worker pool is closing'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, items, resolve, reject });
      queued.set(this.waiting.length);
      this.pump();
    });
  }

  /**
   * Applies new processor options in every live worker, between batches, without replacing the threads (rules
   * re-read through the compiled-rule cache, engine rebuilt). Resolves when every worker has them; workers spawned
   * later start with them. Rejects if a worker could not apply them (it keeps its previous ones).
   */
  update(options: unknown): Promise<void> {
    const previous = this.opts.options;
    this.opts.options = options;
    const all = this.slots.map(
      (slot) =>
        new Promise<unknown[]>((resolve, reject) => {
          slot.pendingUpdate?.resolve([]); // superseded by this one
          slot.pendingUpdate = { id: this.nextId++, items: [], resolve, reject, update: options };
        }),
    );
    this.pump();
    return Promise.all(all).then(
      () => undefined,
      (err: unknown) => {
        // Replacements start with the options that worked (the caller builds a new pool for the new ones).
        if (this.opts.options === options) this.opts.options = previous;
        throw err;
      },
    );
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job) continue;
      const job = slot.pendingUpdate ?? this.waiting.shift();
      if (!job) continue;
      slot.pendingUpdate = undefined;
      slot.job = job;
      const msg: BatchMessage = {
        type: 'batch',
        id: job.id,
        items: job.items,
        ...(job.update !== undefined ? { update: job.update } : {}),
      };
      // A batch that never returns (a processor stuck in a loop) fails at its deadline: the worker is replaced.
      slot.timer = setTimeout(() => {
        if (slot.job !== job) return;
        this.kill(slot, new BatchFailure('deadline', `batch ran past its deadline of ${this.opts.batchTimeoutMs} ms`));
      }, this.opts.batchTimeoutMs);
      slot.timer.unref();
      try {
        slot.worker.postMessage(msg);
      } catch (err) {
        // The batch cannot be sent (not cloneable): it fails like any other, this worker stays.
        clearTimeout(slot.timer);
        slot.job = undefined;
        job.reject(new BatchFailure('transfer', `batch could not be sent to a worker: ${(err as Error).message}`));
      }
    }
    queued.set(this.waiting.length);
  }

  private spawn(): Promise<void> {
    const init: WorkerInit = { processorModule: this.opts.processorModule, options: this.opts.options };
    const worker = new Worker(this.opts.workerFile, {
      workerData: init,
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb },
    });
    const slot: Slot = { worker, ready: false, job: undefined };
    // Taken now: after `exit` the worker no longer reports its id, and its last counter totals are kept by it.
    const threadId = worker.threadId;
    this.slots.push(slot);
    return new Promise((resolve, reject) => {
      worker.on('message', (m: WorkerReply) => {
        if (m.type === 'metrics') recordWorkerMetrics(threadId, m.snapshot);
        else if (m.type === 'ready') {
          slot.ready = true;
          resolve();
          this.pump();
        } else if (m.type === 'fatal') {
          reject(new Error(`Worker could not start: ${m.message}`));
        } else if (slot.job && m.id === slot.job.id) {
          const job = this.release(slot)!;
          if (m.type === 'result') job.resolve(m.output);
          else job.reject(new BatchFailure('exception', m.message));
          this.pump();
        }
      });
      // A result the main thread cannot deserialise (too deep for structured clone, out of memory) arrives as
      // `messageerror`, not `message`: without this the batch would wait forever. Its worker is replaced: what
      // else it sent is unknown.
      worker.on('messageerror', (err) => {
        log.error({ err: err.message, busy: slot.job !== undefined }, 'A worker result could not be read');
        if (slot.job) this.kill(slot, new BatchFailure('transfer', `result could not be read: ${err.message}`));
      });
      worker.on('error', (err) => log.error({ err }, 'Worker thread error'));
      worker.on('exit', (code) => {
        void retireWorkerMetrics(threadId);
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots.splice(i, 1);
        // Its replacement starts with the pool's current options: nothing left to apply.
        slot.pendingUpdate?.resolve([]);
        slot.pendingUpdate = undefined;
        if (!slot.ready) {
          reject(new Error(`Worker exited with code ${code} before it was ready`));
          return;
        }
        if (this.closing) {
          this.release(slot)?.reject(new Error('The worker pool closed'));
          return;
        }
        const killed = slot.killed;
        if (!killed) crashes.inc();
        log.error({ code, busy: slot.job !== undefined, reason: killed?.message }, 'Worker thread died; replacing it');
        slot.lost = slot.job;
        const job = this.release(slot);
        job?.reject(killed ?? new BatchFailure('exit', `worker exited with code ${code}`));
        this.spawn().catch((err: unknown) => log.error({ err }, 'Cannot replace a worker'));
      });
    });
  }

  /** Takes the batch off a slot and clears its deadline. */
  private release(slot: Slot): Job | undefined {
    const job = slot.job;
    slot.job = undefined;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    return job;
  }

  /** Terminates a worker whose batch failed (deadline, unreadable result); `exit` fails the batch with `why`. */
  private kill(slot: Slot, why: BatchFailure): void {
    if (slot.killed) return;
    slot.killed = why;
    log.error({ reason: why.message, items: slot.job?.items.length }, 'Failing a batch and replacing its worker');
    slot.worker.terminate().catch((err: unknown) => log.warn({ err }, 'Terminating a worker failed'));
  }

  /** Positions (0-based, in spawn order of the live workers) of the workers with a batch in flight. */
  busyWorkers(): number[] {
    const out: number[] = [];
    this.slots.forEach((s, i) => {
      if (s.job) out.push(i);
    });
    return out;
  }

  /**
   * Fault injection for tests and drills: terminates the worker at `index` as if it had crashed. It is replaced,
   * its batch (if any) is retried on a live worker, and both are counted like a real crash. Resolves with
   * whether the kill took a batch down with it (a batch finished just before the kill is not retried).
   */
  async terminateWorker(index: number): Promise<boolean> {
    const slot = this.slots[index];
    if (!slot) throw new RangeError(`No worker at position ${index} (the pool has ${this.slots.length})`);
    const job = slot.job;
    await slot.worker.terminate();
    // True only when the kill took a batch down with it: a result posted just before the kill finished the batch.
    return job !== undefined && slot.lost === job;
  }

  /** Stops every worker; batches in flight are refused. */
  async close(): Promise<void> {
    this.closing = true;
    for (const job of this.waiting.splice(0)) job.reject(new Error('The worker pool closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
