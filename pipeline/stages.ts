/**
 * The pipeline's stages, in order: the one place the flow is written down (docs/architecture.md). A new stage
 * (enrichment, a threat-intel match, a risk score) is one module under ./stages/ and one line here.
 *
 *   worker threads:  decode + normalise -> match
 *   main thread:     context (enrich, ti-match) -> correlate -> store -> alert -> incident
 *   then incidents/ writes each incident event to its outbox, the one path to notify/ (both modes).
 */
import type { Stage, WorkerStage } from './stage.js';
import { alert } from './stages/alert.js';
import { context } from './stages/context.js';
import { correlate } from './stages/correlate.js';
import { decodeNormalise } from './stages/decode-normalise.js';
import { incident } from './stages/incident.js';
import { match } from './stages/match.js';
import { store } from './stages/store.js';

/** Run in each worker thread of the pool, on raw records (./processor.ts). */
export const WORKER_STAGES: readonly WorkerStage[] = [decodeNormalise, match];

/** Run on the main thread, on what the workers returned (./pipeline.ts). */
export const STAGES: readonly Stage[] = [context, correlate, store, alert, incident];
