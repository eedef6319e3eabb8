import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { logger } from '../../core/log.js';
import { counter, gauge } from '../../core/metrics.js';
import { projectRoot } from '../../core/shared-data.js';
import type { BatchMessage, WorkerInit, WorkerReply } from './protocol.js';

const log = logger('worker_pool');
const crashes = counter('canhgac_pool_worker_crashes_total', 'Worker threads that died and were replaced');
const retries = counter('canhgac_pool_batch_retries_total', 'Batches retried on a new worker after a failure');
const poisonedTotal = counter(
  'canhgac_pool_poisoned_items_total',
  'Items set aside because processing them failed every time',
);
const queued = gauge('canhgac_pool_queued_batches', 'Batches waiting for a worker');

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
  /** The compiled worker entry (default dist/detection/pool/worker.js). */
  workerFile?: string;
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
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
  /** The batch this worker had when it died. */
  lost?: Job | undefined;
}

/** Raised for a batch whose worker died or whose processor threw. */
class BatchFailure extends Error {}

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
      workerFile: opts.workerFile ?? join(projectRoot, 'dist', 'detection', 'pool', 'worker.js'),
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

  /** Processes a batch; never rejects for a failing item (it comes back in `poisoned`). */
  async run(items: unknown[]): Promise<PoolResult> {
    return this.attempt(items, 1);
  }

  private async attempt(items: unknown[], attempt: number): Promise<PoolResult> {
    try {
      return { output: await this.dispatch(items), poisoned: [] };
    } catch (err) {
      if (this.closing) throw err;
      const reason = (err as Error).message;
      if (attempt < this.opts.maxAttempts) {
        retries.inc();
        log.warn({ items: items.length, attempt, reason }, 'Batch failed, retrying on a new worker');
        return this.attempt(items, attempt + 1);
      }
      if (items.length === 1) {
        poisonedTotal.inc();
        log.error({ reason }, 'Item failed every attempt and is set aside');
        return { output: [], poisoned: [{ item: items[0], reason }] };
      }
      const mid = items.length >> 1;
      const [a, b] = await Promise.all([this.attempt(items.slice(0, mid), 1), this.attempt(items.slice(mid), 1)]);
      return { output: a.output.concat(b.output), poisoned: a.poisoned.concat(b.poisoned) };
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

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job) continue;
      const job = this.waiting.shift();
      if (!job) break;
      slot.job = job;
      const msg: BatchMessage = { type: 'batch', id: job.id, items: job.items };
      slot.worker.postMessage(msg);
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
    this.slots.push(slot);
    return new Promise((resolve, reject) => {
      worker.on('message', (m: WorkerReply) => {
        if (m.type === 'ready') {
          slot.ready = true;
          resolve();
          this.pump();
        } else if (m.type === 'fatal') {
          reject(new Error(`Worker could not start: ${m.message}`));
        } else if (slot.job && m.id === slot.job.id) {
          const job = slot.job;
          slot.job = undefined;
          if (m.type === 'result') job.resolve(m.output);
          else job.reject(new BatchFailure(m.message));
          this.pump();
        }
      });
      worker.on('error', (err) => log.error({ err }, 'Worker thread error'));
      worker.on('exit', (code) => {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots.splice(i, 1);
        if (!slot.ready) {
          reject(new Error(`Worker exited with code ${code} before it was ready`));
          return;
        }
        if (this.closing) {
          slot.job?.reject(new Error('The worker pool closed'));
          return;
        }
        crashes.inc();
        log.error({ code, busy: slot.job !== undefined }, 'Worker thread died; replacing it');
        slot.job?.reject(new BatchFailure(`worker exited with code ${code}`));
        slot.lost = slot.job;
        slot.job = undefined;
        this.spawn().catch((err: unknown) => log.error({ err }, 'Cannot replace a worker'));
      });
    });
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
