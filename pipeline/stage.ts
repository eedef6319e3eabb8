/**
 * The one interface of the pipeline's stages (the ordered lists are in ./stages.ts). Two kinds:
 * - a WorkerStage runs in every worker thread of the pool on each batch of raw records (decode + normalise,
 *   match: the CPU work, off the main thread); it is opened once per worker (rules compiled, contexts built);
 * - a Stage runs on the main thread on each batch the pool returned (correlate, store, alert, incident, notify);
 *   a batch finished again after a failure skips the stages it completed (event ids and alert ids make the
 *   writes idempotent; correlation windows observe each event once).
 */
import type { NormalisedEvent } from '../core/event/event.js';
import type { Severity } from '../incidents/types.js';
import type { NormaliseOptions } from '../ingest/normalise/normalise.js';
import type { RawRecord } from '../ingest/spool/types.js';
import type { Detected, PipelineDeps } from './types.js';

/** Options of the worker stages (structured-cloneable: they cross into each worker thread). */
export interface PipelineOptions {
  ruleDirs: string[];
  /** Where the compiled-rule cache file lives (detection/sigma/cache.ts): the main thread fills it first. */
  ruleCacheDir?: string;
  placeholders?: Record<string, string[]>;
  disabled?: string[];
  normalise?: NormaliseOptions;
}

/** A rule match as it crosses back to the main thread (no rule object: ids and what alerts need). */
export interface MatchOut {
  id: string;
  name?: string;
  title: string;
  level?: string;
  tags: readonly string[];
}

/** One processed record, as the worker returns it. */
export interface PipelineOutput {
  event: NormalisedEvent;
  matches?: MatchOut[];
}

/** A batch inside a worker thread: each worker stage reads what the one before it left. */
export interface WorkerBatch {
  readonly records: readonly RawRecord[];
  /** Normalised events (decode + normalise fill it). */
  events: NormalisedEvent[];
  /** What goes back to the main thread, one per event (match fills it). */
  outputs: PipelineOutput[];
}

/** A stage of the worker threads: opened once per worker, then called once per batch. */
export interface WorkerStage {
  readonly name: string;
  open(options: PipelineOptions): Promise<(batch: WorkerBatch) => void> | ((batch: WorkerBatch) => void);
}

/** A stage of the main thread: called once per batch until it succeeds. */
export interface Stage {
  readonly name: string;
  run(batch: Detected, deps: PipelineDeps): Promise<void>;
}

/** The incident severity of a rule level. */
export function levelOf(l: string | undefined): Severity {
  return l === 'low' || l === 'medium' || l === 'high' || l === 'critical' ? l : 'informational';
}

/** The event's time in epoch ms (now when it has none that parses). */
export function eventTime(e: NormalisedEvent): number {
  const t = Date.parse(String(e['@timestamp']));
  return Number.isFinite(t) ? t : Date.now();
}

/** The batch's processed records (the pool's output). */
export function outputsOf(batch: Detected): PipelineOutput[] {
  return batch.result.output as PipelineOutput[];
}
