/** Worker-thread pool: batches in, processed output out, crashes retried and counted. */
export { type PoolOptions, type PoolResult, WorkerPool } from './pool.js';
export type { BatchProcessor, ProcessorFactory } from './protocol.js';
