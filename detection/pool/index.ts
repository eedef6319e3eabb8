/** Worker-thread pool: batches in, processed output out, crashes retried and counted. */
export { WorkerPool, type PoolOptions, type PoolResult } from './pool.js';
export type { BatchProcessor, ProcessorFactory } from './protocol.js';
