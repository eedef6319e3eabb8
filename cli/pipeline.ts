/**
 * The batch handling that the embedded service (`canhgac start`) and the distributed workers (`canhgac worker`)
 * share: worker pool (decode, normalise, match) -> event store -> silent-host observation -> rule alerts ->
 * correlation -> incidents -> notifications. One implementation; the two modes differ only in what they hand it
 * (the correlation store: memory or Redis; whether replays must be filtered).
 *
 * Rules uploaded through the API and agencies changed through the API (AgencyDirectory) reach detection through
 * reload(): a new worker pool (and correlation engine) is built and swapped in; batches in flight finish on the
 * old pool, which closes when its last batch is done.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RuleDoc } from '../api/routes/rules.js';
import type { RuleOverride } from '../api/rule-catalog.js';
import { logger } from '../core/log.js';
import { counter } from '../core/metrics.js';
import { projectRoot } from '../core/shared-data.js';
import { CorrelationEngine } from '../detection/correlation/index.js';
import type { MatchOut, PipelineOptions, PipelineOutput } from '../detection/pool/pipeline-processor.js';
import { WorkerPool } from '../detection/pool/pool.js';
import { loadPlaceholders, loadRules } from '../detection/sigma/load.js';
import type { CorrelationRule } from '../detection/sigma/model.js';
import type { Alert, Severity } from '../incidents/types.js';
import { LIMITS_FIELD } from '../ingest/decoders/limits.js';
import type { AgencyConfig } from '../ingest/normalise/agency.js';
import { normaliseOptionsFromConfig } from '../ingest/normalise/normalise.js';
import { countUnknownShapes } from '../ingest/normalise/unknown-shape.js';
import type { RawRecord } from '../ingest/spool/types.js';
import { type Collection, SCOPE_ALL, type StoredEvent, type Versioned } from '../store/types.js';
import type { Detected, Detection, PipelineDeps } from './pipeline-types.js';
import { quarantineRecords } from './quarantine.js';

const log = logger('pipeline');
const poisoned = counter(
  'canhgac_pipeline_poisoned_records_total',
  'Records no worker could process, stored raw with the reason',
);
const stored = counter(
  'canhgac_pipeline_events_stored_total',
  'Events the pipeline wrote to the event store (replays of a batch count again)',
);
const limitHits = counter(
  'canhgac_decode_limits_total',
  'Records whose decoded JSON hit a decode limit (depth, width, size): the part beyond it is kept as text',
  ['limit'],
);
const replayed = counter(
  'canhgac_pipeline_replayed_total',
  'Work skipped because a replayed batch had already done it (distributed mode: a batch retried after its worker died)',
  ['what'],
);

export type { Detected, Detection, PipelineDeps, ReplayGuard } from './pipeline-types.js';

const LIMIT_NAMES = new Set(['depth', 'width', 'size']);

/** The shipped Sigma rules (the pipelines/ folder beside them holds field mappings, not rules). */
export const SHIPPED_RULES = join(projectRoot, 'rules', 'sigma');

function levelOf(l: string | undefined): Severity {
  return l === 'low' || l === 'medium' || l === 'high' || l === 'critical' ? l : 'informational';
}

function ts(e: StoredEvent): number {
  const t = Date.parse(String(e['@timestamp']));
  return Number.isFinite(t) ? t : Date.now();
}

/** Every document of a collection, page by page. */
async function listAll<T extends object>(c: Collection<T>): Promise<Versioned<T>[]> {
  const out: Versioned<T>[] = [];
  let after: string | undefined;
  do {
    const page = await c.list(SCOPE_ALL, { size: 1000, ...(after ? { after } : {}) });
    out.push(...page.docs);
    after = page.next;
  } while (after);
  return out;
}

/** Incidents updated at once while raising a batch's alerts. */
const RAISE_CONCURRENCY = 8;

type RulesSection = { dirs: string[]; disabled: string[]; placeholdersFile?: string; reloadSeconds: number };

/** One implementation of "a batch of raw records becomes stored events, alerts, incidents and notices". */
export class Pipeline {
  private det!: Detection;
  private fingerprint = '';
  private reloading: Promise<boolean> | undefined;
  private readonly rules: RulesSection;
  private consoleDisabled: string[] = [];
  private readonly placeholders: Record<string, string[]> | undefined;
  private readonly uploadedDir: string;
  private staticAgencies: AgencyConfig[] = [];

  private constructor(private readonly d: PipelineDeps) {
    this.rules = d.config.rules as RulesSection;
    this.placeholders = this.rules.placeholdersFile ? loadPlaceholders(this.rules.placeholdersFile) : undefined;
    this.uploadedDir = join(resolve(d.config.dataDir), 'rules-uploaded');
  }

  /** Loads the rules (shipped, configured, uploaded through the API) and starts the worker pool. */
  static async open(d: PipelineDeps): Promise<Pipeline> {
    const p = new Pipeline(d);
    if (!d.agencies) {
      // No live directory: the configuration's agencies and the stored ones, read at start.
      const byId = new Map<string, AgencyConfig>();
      for (const a of (d.config.agencies as AgencyConfig[] | undefined) ?? []) byId.set(a.id, a);
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
    this.reloading ??= (async () => {
      const fp = await this.currentFingerprint();
      if (fp === this.fingerprint) return false;
      this.fingerprint = fp;
      const next = await this.build();
      const old = this.det;
      this.det = next;
      old.retired = true;
      if (old.inflight === 0) await old.pool.close();
      log.info('Rules or agencies changed; new detection swapped in');
      return true;
    })().finally(() => {
      this.reloading = undefined;
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
      return { det, records, result: await det.pool.run(records) };
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
    const docs = await listAll(this.d.stores.state.collection<RuleDoc>('rules'));
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
    return [
      ...docs.map((x) => `${x.id}:${x.version}:${x.enabled}`),
      ...overrides.map((o) => `o:${o.id}:${o.version}:${o.enabled}`),
    ]
      .sort()
      .join(',');
  }

  private async build(): Promise<Detection> {
    const { config } = this.d;
    const rules = { ...this.rules, disabled: [...this.rules.disabled, ...this.consoleDisabled] };
    const dirs = [...(existsSync(SHIPPED_RULES) ? [SHIPPED_RULES] : []), ...rules.dirs, this.uploadedDir];
    // Correlations run here, on the main thread (or in Redis): a group's events may come from any worker.
    const loaded = await loadRules(dirs, this.placeholders ? { placeholders: this.placeholders } : {});
    for (const p of loaded.problems.filter((x) => x.severity === 'error').slice(0, 50))
      log.warn({ file: p.file, line: p.line, col: p.col, reason: p.message }, 'Rule rejected');
    const correlations = loaded.documents.filter(
      (x): x is CorrelationRule => x.kind === 'correlation' && !rules.disabled.includes(x.id),
    );
    const normalise = normaliseOptionsFromConfig({
      ...(config as Parameters<typeof normaliseOptionsFromConfig>[0]),
      agencies: this.agencyList(),
    });
    const options: PipelineOptions = {
      ruleDirs: dirs,
      disabled: rules.disabled,
      normalise,
      ...(this.placeholders ? { placeholders: this.placeholders } : {}),
    };
    const pool = new WorkerPool({
      size: (config as { workers?: number }).workers ?? 1,
      processorModule: join(projectRoot, 'dist', 'detection', 'pool', 'pipeline-processor.js'),
      options,
      batchTimeoutMs:
        ((config.pipeline as { batchTimeoutSeconds?: number } | undefined)?.batchTimeoutSeconds ?? 30) * 1000,
    });
    await pool.start();
    log.info(
      { rules: loaded.documents.length, rejected: loaded.rejected, correlations: correlations.length, dirs },
      'Rules loaded',
    );
    return {
      pool,
      // In memory, correlation windows start afresh with a new rule set; in Redis they are shared and stay.
      corr: new CorrelationEngine(correlations, this.d.correlationStore ? { store: this.d.correlationStore } : {}),
      corrTags: new Map(correlations.map((c) => [c.id, c.tags])),
      correlations: correlations.length,
      inflight: 0,
      retired: false,
    };
  }

  /** Raises one alert found outside a batch (the threat-intel retro-match): incident and notice as usual. */
  raiseAlert(alert: Alert): Promise<void> {
    return this.raise(alert);
  }

  private async raise(alert: Alert): Promise<void> {
    // The incident stage counts an alert id once, so a replayed batch does not inflate counts; its notices leave
    // through the incident outbox (incidents/outbox.ts), written with the change, so none is lost or doubled.
    await this.d.incidents.ingestAlert(alert);
  }

  private async run(d: Detected): Promise<void> {
    const { stores, silent, replay } = this.d;
    const { corr, corrTags, correlations } = d.det;
    const asyncCorr = this.d.correlationStore !== undefined;
    const { output, poisoned: bad } = d.result;
    const outs = output as PipelineOutput[];
    // A batch finished again after a failure redoes only what did not complete: the store write, then the
    // observations (once: correlation windows must not see an event twice), then raising the alerts (idempotent).
    if (!d.stored) {
      const events: StoredEvent[] = outs.map((o) => o.event);
      if (this.d.context) d.contextAlerts = this.d.context.process(events);
      for (const p of bad) {
        const r = p.item as RawRecord;
        events.push({
          '@timestamp': new Date(r.receivedAt).toISOString(),
          'event.id': r.id,
          'agency.id': r.agency ?? 'unassigned',
          'source.ip': r.source,
          message: r.data,
          'canhgac.decode_error': `processing failed: ${p.reason}`,
        });
      }
      await stores.events.write(SCOPE_ALL, events);
      await quarantineRecords(
        stores.state,
        bad.map((p) => ({ record: p.item as RawRecord, reason: p.reason })),
      );
      d.stored = true;
      stored.inc(events.length);
      poisoned.inc(bad.length);
      for (const o of outs) {
        const hit = o.event[LIMITS_FIELD];
        if (typeof hit === 'string') for (const l of hit.split(',')) if (LIMIT_NAMES.has(l)) limitHits.labels(l).inc();
      }
      countUnknownShapes(events);
    }
    if (d.raising) return this.raiseAll(d.raising);
    // Alerts in event order; raised after the batch's correlation observations (see raiseAll).
    const raising: Alert[] = [];
    for (const o of outs) {
      const e = o.event;
      const agency = String(e['agency.id'] ?? 'unassigned');
      const host = typeof e['host.name'] === 'string' ? e['host.name'] : undefined;
      // Alive by receipt time (event.ingested), not by the time the line carries.
      silent.observeEvent(e);
      const matches: readonly MatchOut[] = o.matches ?? [];
      if (matches.length === 0) continue;
      for (const m of matches) {
        if (!corr.shouldAlert(m)) continue;
        raising.push({
          id: `${e['event.id']}:${m.id}`,
          kind: 'rule',
          ruleId: m.id,
          ruleTitle: m.title,
          level: levelOf(m.level),
          tags: [...m.tags],
          agencyId: agency,
          ...(host ? { host } : {}),
          eventIds: [String(e['event.id'])],
          ts: ts(e),
        });
      }
      if (correlations === 0 || !matches.some((m) => corr.references(m))) continue;
      const key = `corr:${String(e['event.id'])}`;
      if (replay) {
        const c = await replay.claim(key);
        if (!c.first) {
          // A replayed batch: this event's observations are already in the shared windows; what they fired was
          // noted before it was raised, so raise it again (a no-op for alerts already stored).
          replayed.labels('correlation').inc();
          for (const a of c.note ? (JSON.parse(c.note) as Alert[]) : []) raising.push(a);
          continue;
        }
      }
      const fired = asyncCorr ? await corr.processAsync(e, matches, ts(e)) : corr.process(e, matches, ts(e));
      const alerts: Alert[] = [];
      for (const a of fired) {
        if (!a.standalone) continue;
        alerts.push({
          id: a.id,
          kind: 'correlation',
          ruleId: a.correlation.id,
          ruleTitle: a.correlation.title,
          level: levelOf(a.correlation.level),
          tags: [...(corrTags.get(a.correlation.id) ?? [])],
          agencyId: agency,
          ...(host ? { host } : {}),
          eventIds: a.eventIds,
          ts: a.lastTs,
          fields: a.group,
        });
      }
      if (replay && alerts.length > 0) await replay.note(key, JSON.stringify(alerts));
      for (const a of alerts) raising.push(a);
    }
    for (const a of d.contextAlerts ?? []) raising.push(a);
    d.raising = raising;
    await this.raiseAll(raising);
  }

  /**
   * Raises a batch's alerts: one incident's alerts (same rule, agency and host: the default grouping) one after
   * the other, in event order; different incidents concurrently (each raise is several store round trips, which
   * on OpenSearch dominate a batch with many alerts). Correlation fires were noted before, so a crash here loses
   * nothing a replay does not raise again.
   */
  private async raiseAll(alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    const lanes = new Map<string, Alert[]>();
    for (const a of alerts) {
      const k = `${a.ruleId}\u0000${a.agencyId}\u0000${a.host ?? ''}`;
      const lane = lanes.get(k);
      if (lane) lane.push(a);
      else lanes.set(k, [a]);
    }
    const queue = [...lanes.values()];
    const run = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) for (const a of lane) await this.raise(a);
    };
    await Promise.all(Array.from({ length: Math.min(RAISE_CONCURRENCY, queue.length) }, run));
  }
}
