/** Messages between the pool (main thread) and its workers. */
import type { MetricsSnapshot } from '../core/metrics.js';

/** Main -> worker: process one batch. */
export interface BatchMessage {
  type: 'batch';
  id: number;
  items: unknown[];
  /** Present: not a batch but new processor options to apply in place (BatchProcessor.update). */
  update?: unknown;
}

/** Worker -> main. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; output: unknown[] }
  | { type: 'failed'; id: number; message: string }
  | { type: 'fatal'; message: string }
  /** The worker's counter totals (core/metrics workerSnapshot), every second, merged into the main /metrics. */
  | { type: 'metrics'; snapshot: MetricsSnapshot };

/** What the worker is started with: the processor module to load and its options. */
export interface WorkerInit {
  /** Absolute path or file URL of an ES module exporting `createProcessor(options)`. */
  processorModule: string;
  options: unknown;
}

/**
 * A processor turns a batch of items into output records (any number per item). It runs inside a worker:
 * decode + normalise + match in canhgac's pipeline, so the main thread only moves bytes.
 */
export interface BatchProcessor {
  process(items: unknown[]): unknown[] | Promise<unknown[]>;
  /** Applies new options in place (all or nothing: on failure the previous ones stay). */
  update?(options: unknown): Promise<void>;
}

/** What a processor module exports. */
export type ProcessorFactory = (options: unknown) => BatchProcessor | Promise<BatchProcessor>;
