/** Sigma correlation rules: the engine, the store seam and its in-memory implementation. */

export {
  type BaselineSpec,
  type BaselineState,
  type BaselineStore,
  baselineSpec,
  MemoryBaselineStore,
} from './baseline.js';
export { RedisBaselineStore } from './baseline-redis.js';
export { loadBaselines, saveBaselines } from './baseline-snapshot.js';
export { type CompiledCorrelation, type CompileOptions, compileCorrelations, neededEntries } from './compile.js';
export {
  type BaseMatch,
  type CorrelationAlert,
  type CorrelationDropReason,
  CorrelationEngine,
  type CorrelationEngineOptions,
  eventTime,
} from './engine.js';
export { CORRELATION_ERRORS, correlationError } from './errors.js';
export { MemoryCorrelationStore, type MemoryStoreOptions } from './memory-store.js';
export { RedisCorrelationStore, type RedisStoreOptions } from './redis-store.js';
export type {
  CorrelationStore,
  CorrelationStoreStats,
  MaybePromise,
  ObserveResult,
  ObserveStatus,
  SyncCorrelationStore,
  WindowEntry,
  WindowSpec,
} from './types.js';
export { conditionHolds, GroupWindow } from './window.js';
