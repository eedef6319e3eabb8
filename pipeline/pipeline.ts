/**
 * The batch handling that the embedded service (`canhgac start`) and the distributed workers (`canhgac worker`)
 * share: worker pool (decode, normalise, match) -> event store -> silent-host observation -> rule alerts ->
 * correlation -> incidents -> notifications. One implementation; the two modes differ only in what they hand it
 * (the correlation and baseline stores: memory, or Redis whose scripts answer a replayed event's observations once).
 *
 * Rules uploaded through the API and agencies changed through the API (AgencyDirectory) reach detection through
 * reload(): the running workers take the new rules in place between batches (rules re-read through the
 * compiled-rule cache, engine rebuilt; no new threads) and a new correlation engine is swapped in; if the workers
 * cannot, a new pool is built and swapped in, batches in flight finishing on the old one.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { logger } from '../core/log.js';
import { counter, gauge } from '../core/metrics.js';
import { projectRoot } from '../core/shared-data.js';
import {
  AGENCY_RULES,
  type AgencyRuleState,
  AgencyRuleSwitches,
  INSTALLED_RULES_DIR,
} from '../detection/agency-rules.js';
import {
  type BaselineStore,
  CorrelationEngine,
  loadBaselines,
  MemoryBaselineStore,
  saveBaselines,
} from '../detection/correlation/index.js';
import { loadPlaceholders, loadRules } from '../detection/sigma/load.js';
import type { CorrelationRule } from '../detection/sigma/model.js';
import type { Alert } from '../incidents/types.js';
import type { AgencyConfig } from '../ingest/normalise/agency.js';
import { normaliseOptionsFromConfig } from '../ingest/normalise/normalise.js';
import type { RawRecord } from '../ingest/spool/types.js';
import { listAll } from '../store/list-all.js';
import { WorkerPool } from './pool.js';
import type { PipelineOptions } from './processor.js';
import { quarantineRecords } from './quarantine.js';
import { STAGES } from './stages.js';
import type { Detected, Detection, PipelineDeps } from './types.js';

const log = logger('pipeline');
const reloads = counter(
  'canhgac_rules_reloads_total',
  'Rule or agency changes applied: in place in the running workers, or through a new worker pool',
  ['mode'],
);
const reloadSeconds = gauge(
  'canhgac_rules_reload_seconds',
  'Seconds the last rule or agency change took from reading the rules to the new detection in every worker',
);
const poisoned = counter(
  'canhgac_pipeline_poisoned_records_total',
  'Records no worker could process, stored raw with the reason',
);

export type { Detected, Detection, PipelineDeps } from './types.js';

/** The shipped Sigma rules (the pipelines/ folder beside them holds field mappings, not rules). */
export const SHIPPED_RULES = join(projectRoot, 'rules', 'sigma');

/** Where `canhgac rules update` installs SigmaHQ packages (loaded like rules.dirs when present). */
export function installedRuleDirs(dataDir: string): string[] {
  const dir = join(resolve(dataDir), INSTALLED_RULES_DIR);
  return existsSync(dir) ? [dir] : [];
}

/** A shipped or configured rule switched on or off in the console (state collection `rule_overrides`, written by
 * api/rule-catalog.ts). */
interface RuleOverride {
  id: string;
  enabled: boolean;
}

/** A rule uploaded through the API, as the state collection `rules` holds it (written by api/routes/rules.ts). */
interface UploadedRule {
  id: string;
  enabled: boolean;
  text: string;
}

/** One implementation of "a batch of raw records becomes stored events, alerts, incidents and notices". */
export class Pipeline {
  private det!: Detection;
  private fingerprint = '';
  private reloading: Promise<boolean> | undefined;
  private reloadAgain = false;
  private readonly rules: PipelineDeps['config']['rules'];
  private consoleDisabled: string[] = [];
  private agencyOff = new AgencyRuleSwitches();
  private readonly placeholders: Record<string, string[]> | undefined;
  private readonly uploadedDir: string;
  private readonly ruleCacheDir: string;
  private staticAgencies: AgencyConfig[] = [];
  /** Learned normals outlive rule reloads (a reload keeps a host's normal; windows start afresh in memory). */
  private readonly baselines: BaselineStore;
  private readonly baselineFile: string;
  private baselineTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly d: PipelineDeps) {
    this.rules = d.config.rules;
    this.baselines = d.baselineStore ?? new MemoryBaselineStore();
    this.baselineFile = join(resolve(d.config.dataDir), 'baselines.json');
    this.placeholders = this.rules.placeholdersFile ? loadPlaceholders(this.rules.placeholdersFile) : undefined;
    this.uploadedDir = join(resolve(d.config.dataDir), 'rules-uploaded');
    this.ruleCacheDir = join(resolve(d.config.dataDir), 'rule-cache');
  }

  /** Loads the rules (shipped, configured, uploaded through the API) and starts the worker pool. */
  static async open(d: PipelineDeps): Promise<Pipeline> {
    const p = new Pipeline(d);
    if (!d.agencies) {
      // No live directory: the configuration's agencies and the stored ones, read at start.
      const byId = new Map<string, AgencyConfig>();
      for (const a of d.config.agencies) byId.set(a.id, a);
      const docs = await listAll(
        d.stores.state.collection<{ id: string; name: string; networks?: string[]; certificateNames?: string[] }>(
          'agencies',
        ),
      );
      for (const a of docs)
        byId.set(a.id, { id: a.id, name: a.name, networks: a.networks ?? [], certNames: a.certificateNames ?? [] });
      p.staticAgencies = [...byId.values()];
    }
    // A store that has just created its indexes may refuse the first reads for a moment (OpenSearch shards).
    for (let attempt = 1; ; attempt++) {
      try {
        p.fingerprint = await p.currentFingerprint();
        break;
      } catch (err) {
        if (attempt >= 20) throw err;
        log.warn({ err: (err as Error).message, attempt }, 'Reading the rules failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    p.det = await p.build();
    const b = p.baselines;
    if (b instanceof MemoryBaselineStore) {
      // Embedded: learned normals survive a restart (docs/baselines.md); Redis keeps its own in distributed mode.
      loadBaselines(b, p.baselineFile);
      p.baselineTimer = setInterval(() => saveBaselines(b, p.baselineFile), 300_000);
      p.baselineTimer.unref();
    }
    return p;
  }

  /** The worker pool in use now. */
  pool(): WorkerPool {
    return this.det.pool;
  }

  /** Correlation windows held in this process (memory store) are expired; Redis expires its own. */
  sweep(): void {
    void Promise.resolve(this.det.corr.sweep()).catch((err: unknown) => log.warn({ err }, 'Correlation sweep failed'));
  }

  /**
   * Writes the enabled uploaded rules under the data directory and compares rules and agencies with the running
   * set; on a change builds a new detection and swaps it in. True when it swapped. One reload at a time.
   */
  reload(): Promise<boolean> {
    // A change signalled while a reload runs may come after that reload read the rules: one more follows it.
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      const fp = await this.currentFingerprint();
      if (fp === this.fingerprint) return false;
      this.fingerprint = fp;
      const started = process.hrtime.bigint();
      const old = this.det;
      const next = await this.build(old.pool);
      this.det = next;
      const inPlace = next.pool === old.pool;
      if (!inPlace) {
        old.retired = true;
        if (old.inflight === 0) await old.pool.close();
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      reloadSeconds.set(seconds);
      reloads.inc({ mode: inPlace ? 'in_place' : 'new_pool' });
      log.info({ ms: Math.round(seconds * 1000), inPlace }, 'Rules or agencies changed; new detection swapped in');
      return true;
    })().finally(() => {
      this.reloading = undefined;
      if (this.reloadAgain) {
        this.reloadAgain = false;
        void this.reload().catch((err: unknown) => log.error({ err }, 'Rule or agency reload failed'));
      }
    });
    return this.reloading;
  }

  /** Handles one batch; resolves once its events are stored and its alerts are in incidents. */
  async handle(records: RawRecord[]): Promise<void> {
    const d = await this.detect(records);
    try {
      await this.finish(d);
    } catch (err) {
      await this.abandon(d);
      throw err;
    }
  }

  /**
   * The first half of handle(): the batch goes to the worker pool (decode, normalise, match). Several batches may
   * be detected at once while an earlier one is in finish(); each must then be passed to finish() exactly once, in
   * read order (correlation observes events in that order). A failed detection has released its hold already.
   */
  async detect(records: RawRecord[]): Promise<Detected> {
    const det = this.det;
    det.inflight++;
    try {
      return { det, records, result: await det.pool.run(records), finished: new Set(), alerts: [] };
    } catch (err) {
      await this.release(det);
      throw err;
    }
  }

  /**
   * The second half: stores the events, observes hosts, raises alerts and correlations. Resolves once the events
   * are stored and the alerts are in incidents. On a failure the batch may be finished again: that redoes only
   * the stages that did not complete (event ids and alert ids make the writes idempotent; correlation windows
   * observe each event once). The hold on its detection is released only on success or by abandon().
   */
  async finish(d: Detected): Promise<void> {
    if (d.done) throw new Error('This batch was already finished');
    await this.run(d);
    d.done = true;
    await this.release(d.det);
  }

  /**
   * A batch whose finish keeps failing on the main thread while the store answers: it is run again in parts
   * (detect + finish each) until the records that fail alone are found; those are quarantined, the rest stored.
   */
  async isolate(records: RawRecord[]): Promise<void> {
    const d = await this.detect(records);
    try {
      await this.finish(d);
      return;
    } catch (err) {
      await this.abandon(d);
      if (records.length === 1) {
        await quarantineRecords(this.d.stores.state, [
          { record: records[0]!, reason: `processing failed on the main thread: ${(err as Error).message}` },
        ]);
        poisoned.inc();
        return;
      }
    }
    const size = Math.ceil(records.length / 8);
    for (let i = 0; i < records.length; i += size) await this.isolate(records.slice(i, i + size));
  }

  /** A detected batch that will not be finished (the service stops): releases its hold on its detection. */
  async abandon(d: Detected): Promise<void> {
    if (d.done) return;
    d.done = true;
    await this.release(d.det);
  }

  private async release(det: Detection): Promise<void> {
    det.inflight--;
    if (det.retired && det.inflight === 0)
      await det.pool.close().catch((err: unknown) => log.warn({ err }, 'Closing a replaced pool failed'));
  }

  /** Stops the pool (and a replaced one still running). */
  async close(): Promise<void> {
    await this.reloading?.catch(() => undefined);
    await this.det.pool.close();
    if (this.baselineTimer) clearInterval(this.baselineTimer);
    if (this.baselines instanceof MemoryBaselineStore) saveBaselines(this.baselines, this.baselineFile);
  }

  private agencyList(): AgencyConfig[] {
    return this.d.agencies ? this.d.agencies.list() : this.staticAgencies;
  }

  private async currentFingerprint(): Promise<string> {
    const rules = await this.syncUploaded();
    return `${rules}|${this.d.agencies?.fingerprint() ?? ''}`;
  }

  /** Rules uploaded through the API live in the state store; enabled ones are written as files and loaded. */
  private async syncUploaded(): Promise<string> {
    const docs = await listAll(this.d.stores.state.collection<UploadedRule>('rules'));
    mkdirSync(this.uploadedDir, { recursive: true });
    const want = new Set<string>();
    for (const doc of docs) {
      if (!doc.enabled || !/^[0-9a-f-]{36}$/i.test(doc.id)) continue;
      const f = `${doc.id}.yml`;
      want.add(f);
      const path = join(this.uploadedDir, f);
      if (!existsSync(path) || readFileSync(path, 'utf8') !== doc.text) writeFileSync(path, doc.text);
    }
    for (const f of readdirSync(this.uploadedDir)) if (!want.has(f)) unlinkSync(join(this.uploadedDir, f));
    // File rules switched off in the console (api/rule-catalog.ts): disabled like rules.disabled, no restart.
    const overrides = await listAll(this.d.stores.state.collection<RuleOverride>('rule_overrides'));
    this.consoleDisabled = overrides.filter((o) => !o.enabled).map((o) => o.id);
    // Installed rules an agency switched off for itself (detection/agency-rules.ts).
    const perAgency = await listAll(this.d.stores.state.collection<AgencyRuleState>(AGENCY_RULES));
    this.agencyOff = new AgencyRuleSwitches(perAgency);
    return [
      ...docs.map((x) => `${x.id}:${x.version}:${x.enabled}`),
      ...overrides.map((o) => `o:${o.id}:${o.version}:${o.enabled}`),
      ...perAgency.map((a) => `a:${a.id}:${a.version}`),
    ]
      .sort()
      .join(',');
  }

  /** Builds detection; `inPlace`: the running pool's workers take the new options between batches (no new
   * threads), falling back to a new pool if they cannot. */
  private async build(inPlace?: WorkerPool): Promise<Detection> {
    const { config } = this.d;
    const rules = { ...this.rules, disabled: [...this.rules.disabled, ...this.consoleDisabled] };
    const dirs = [
      ...(existsSync(SHIPPED_RULES) ? [SHIPPED_RULES] : []),
      ...rules.dirs,
      ...installedRuleDirs(config.dataDir),
      this.uploadedDir,
    ];
    // Correlations run here, on the main thread (or in Redis): a group's events may come from any worker.
    const loaded = await loadRules(dirs, {
      ...(this.placeholders ? { placeholders: this.placeholders } : {}),
      cacheDir: this.ruleCacheDir,
    });
    for (const p of loaded.problems.filter((x) => x.severity === 'error').slice(0, 50))
      log.warn({ file: p.file, line: p.line, col: p.col, reason: p.message }, 'Rule rejected');
    const correlations = loaded.documents.filter(
      (x): x is CorrelationRule => x.kind === 'correlation' && !rules.disabled.includes(x.id),
    );
    const normalise = normaliseOptionsFromConfig({
      ...config,
      agencies: this.agencyList(),
    });
    const options: PipelineOptions = {
      ruleDirs: dirs,
      ruleCacheDir: this.ruleCacheDir,
      disabled: rules.disabled,
      normalise,
      ...(this.placeholders ? { placeholders: this.placeholders } : {}),
    };
    let pool: WorkerPool | undefined;
    if (inPlace) {
      try {
        await inPlace.update(options);
        pool = inPlace;
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'Workers could not take the new rules in place; starting a new pool');
      }
    }
    if (!pool) {
      pool = new WorkerPool({
        size: config.workers,
        processorModule: join(projectRoot, 'dist', 'pipeline', 'processor.js'),
        options,
        batchTimeoutMs: config.pipeline.batchTimeoutSeconds * 1000,
      });
      await pool.start();
    }
    log.info(
      { rules: loaded.documents.length, rejected: loaded.rejected, correlations: correlations.length, dirs },
      'Rules loaded',
    );
    return {
      pool,
      // In memory, correlation windows start afresh with a new rule set; in Redis they are shared and stay.
      corr: new CorrelationEngine(correlations, {
        baselines: this.baselines,
        ...(this.d.correlationStore ? { store: this.d.correlationStore } : {}),
      }),
      corrTags: new Map(correlations.map((c) => [c.id, c.tags])),
      correlations: correlations.length,
      agencyOff: this.agencyOff,
      inflight: 0,
      retired: false,
    };
  }

  /** Raises one alert found outside a batch (the threat-intel retro-match): its incident, whose events reach notify
   * through the incident outbox as usual. */
  async raiseAlert(alert: Alert): Promise<void> {
    await this.d.incidents.ingestAlert(alert);
  }

  /**
   * Runs the main-thread stages (./stages.ts) in order on a detected batch, skipping those a failed earlier
   * finish of the same batch completed (event ids and alert ids make the writes idempotent; correlation windows
   * observe each event once).
   */
  private async run(d: Detected): Promise<void> {
    for (const stage of STAGES) {
      if (d.finished.has(stage.name)) continue;
      await stage.run(d, this.d);
      d.finished.add(stage.name);
    }
  }
}
