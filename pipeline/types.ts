/** The types the pipeline (pipeline/pipeline.ts and its stages) is built from and hands out. */

import type { ContextStage } from '../context/index.js';
import type { Config } from '../core/config/load.js';
import type { AgencyRuleSwitches } from '../detection/agency-rules.js';
import type { BaselineStore, CorrelationEngine, CorrelationStore } from '../detection/correlation/index.js';
import type { IncidentService } from '../incidents/service.js';
import type { SilentHostWatcher } from '../incidents/silent-hosts.js';
import type { Alert } from '../incidents/types.js';
import type { AgencyDirectory } from '../ingest/normalise/agency-directory.js';
import type { RawRecord } from '../ingest/spool/types.js';
import type { Notifier } from '../notify/notifier.js';
import type { Stores } from '../store/types.js';
import type { PoolResult, WorkerPool } from './pool.js';
/** The detection side that a rule or agency change replaces as a whole. */
export interface Detection {
  pool: WorkerPool;
  corr: CorrelationEngine;
  corrTags: Map<string, string[]>;
  correlations: number;
  /** Installed rules an agency switched off for its own events (detection/agency-rules.ts). */
  agencyOff?: AgencyRuleSwitches;
  /** Batches running on this detection; a replaced one closes when this drops to 0. */
  inflight: number;
  retired: boolean;
}

/** What the pipeline runs on. */
export interface PipelineDeps {
  config: Config;
  stores: Stores;
  incidents: IncidentService;
  silent: SilentHostWatcher;
  notifier: Notifier;
  /** Live agencies (configuration + API); absent: the configuration's plus the stored ones read once. */
  agencies?: AgencyDirectory;
  /** Correlation windows (distributed: RedisCorrelationStore shared by every worker); default in memory. */
  correlationStore?: CorrelationStore;
  /** Learned normals of baseline correlations (distributed: RedisBaselineStore); default one in memory per process. */
  baselineStore?: BaselineStore;
  /** GeoIP/ASN enrichment and the threat-intel match (context/), run on each batch before it is stored. */
  context?: ContextStage;
}

/** A batch through the worker pool, then through the main-thread stages (./stages.ts) in Pipeline.finish(). */
export interface Detected {
  readonly det: Detection;
  readonly records: RawRecord[];
  readonly result: PoolResult;
  /** Finished (every stage ran). */
  done?: boolean;
  /** Stages that completed: a batch finished again after a failure runs only the others. */
  readonly finished: Set<string>;
  /** What the correlate stage fired, by output index (the alert stage raises them after that event's rule alerts). */
  correlated?: Map<number, Alert[]>;
  /** The batch's alerts in event order (alert stage; later stages may add theirs). */
  alerts: Alert[];
  /** Threat-intel alerts of its events (ti-match stage, before the store write); raised with the batch's alerts. */
  contextAlerts?: Alert[];
}
