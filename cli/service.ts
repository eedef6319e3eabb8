/**
 * The embedded service: intake -> spool -> worker pool (decode, normalise, match) -> event store, correlation,
 * incidents, notifications, silent hosts; and the REST API. One process, SQLite by default (ARCHITECTURE.md).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AuthService, startApi } from '../api/index.js';
import type { AgencyDoc } from '../api/routes/agencies.js';
import type { RuleDoc } from '../api/routes/rules.js';
import type { Config } from '../core/config/load.js';
import { logger } from '../core/log.js';
import { counter, enableDefaultMetrics } from '../core/metrics.js';
import { projectRoot } from '../core/shared-data.js';
import { CorrelationEngine } from '../detection/correlation/index.js';
import type { MatchOut, PipelineOptions, PipelineOutput } from '../detection/pool/pipeline-processor.js';
import { WorkerPool } from '../detection/pool/pool.js';
import { loadPlaceholders, loadRules } from '../detection/sigma/load.js';
import type { CorrelationRule } from '../detection/sigma/model.js';
import { IncidentService } from '../incidents/service.js';
import { SilentHostWatcher } from '../incidents/silent-hosts.js';
import type { Alert, Severity } from '../incidents/types.js';
import type { AgencyConfig } from '../ingest/normalise/agency.js';
import { normaliseOptionsFromConfig } from '../ingest/normalise/normalise.js';
import { type IngestRuntime, startIngest } from '../ingest/runner.js';
import type { RawRecord } from '../ingest/spool/types.js';
import { channelSenders, Notifier } from '../notify/index.js';
import { openStores } from '../store/index.js';
import { SCOPE_ALL, type StoredEvent } from '../store/types.js';

const log = logger('service');
const poisoned = counter(
  'canhgac_pipeline_poisoned_records_total',
  'Records no worker could process, stored raw with the reason',
);

/** The shipped Sigma rules (the pipelines/ folder beside them holds field mappings, not rules). */
export const SHIPPED_RULES = join(projectRoot, 'rules', 'sigma');

/** The detection side that a rule change replaces as a whole. */
interface Detection {
  pool: WorkerPool;
  corr: CorrelationEngine;
  corrTags: Map<string, string[]>;
  correlations: number;
}

/** A running service. */
export interface Service {
  ports: Record<string, number>;
  apiUrl: string;
  /** The running parts, for tests and benchmarks (fault injection, counters); not an API. */
  internals: {
    /** The worker pool in use now (a rule change swaps it). */
    pool(): WorkerPool;
    stores: Awaited<ReturnType<typeof openStores>>;
    incidents: IncidentService;
    notifier: Notifier;
    spool: IngestRuntime['spool'];
  };
  stop(): Promise<void>;
}

function levelOf(l: string | undefined): Severity {
  return l === 'low' || l === 'medium' || l === 'high' || l === 'critical' ? l : 'informational';
}

function ts(e: StoredEvent): number {
  const t = Date.parse(String(e['@timestamp']));
  return Number.isFinite(t) ? t : Date.now();
}

/** Starts every stage in this process; resolves once intake and API listen. */
export async function startService(config: Config): Promise<Service> {
  enableDefaultMetrics();
  const rules = config.rules as {
    dirs: string[];
    disabled: string[];
    placeholdersFile?: string;
    reloadSeconds: number;
  };
  const placeholders = rules.placeholdersFile ? loadPlaceholders(rules.placeholdersFile) : undefined;
  const stores = await openStores(config as Parameters<typeof openStores>[0]);
  const incidents = new IncidentService(stores.state);
  const silent = new SilentHostWatcher(stores.state, incidents);
  const smtp = (config as { smtp?: Parameters<typeof channelSenders>[0] }).smtp;
  const notifier = new Notifier(stores.state, channelSenders(smtp));
  // Agencies come from the configuration and from the API (agencies collection, read at start; a change made
  // through the API reaches attribution at the next start).
  const agencies = new Map<string, AgencyConfig>();
  for (const a of (config.agencies as AgencyConfig[] | undefined) ?? []) agencies.set(a.id, a);
  for (const a of (await stores.state.collection<AgencyDoc>('agencies').list(SCOPE_ALL, { size: 10_000 })).docs) {
    agencies.set(a.id, { id: a.id, name: a.name, networks: a.networks ?? [], certNames: a.certificateNames ?? [] });
  }
  const normalise = normaliseOptionsFromConfig({
    ...(config as Parameters<typeof normaliseOptionsFromConfig>[0]),
    agencies: [...agencies.values()],
  });
  // Rules uploaded through the API live in the state store; enabled ones are written under the data directory and
  // loaded with the shipped and configured directories. A change swaps in a new worker pool between batches.
  const uploadedDir = join(resolve(config.dataDir), 'rules-uploaded');
  const ruleDocs = stores.state.collection<RuleDoc>('rules');
  const syncUploaded = async (): Promise<string> => {
    const docs = (await ruleDocs.list(SCOPE_ALL, { size: 10_000 })).docs;
    mkdirSync(uploadedDir, { recursive: true });
    const want = new Set<string>();
    for (const d of docs) {
      if (!d.enabled || !/^[0-9a-f-]{36}$/i.test(d.id)) continue;
      const f = `${d.id}.yml`;
      want.add(f);
      const path = join(uploadedDir, f);
      if (!existsSync(path) || readFileSync(path, 'utf8') !== d.text) writeFileSync(path, d.text);
    }
    for (const f of readdirSync(uploadedDir)) if (!want.has(f)) unlinkSync(join(uploadedDir, f));
    return docs
      .map((d) => `${d.id}:${d.version}:${d.enabled}`)
      .sort()
      .join(',');
  };
  const build = async (): Promise<Detection> => {
    const dirs = [...(existsSync(SHIPPED_RULES) ? [SHIPPED_RULES] : []), ...rules.dirs, uploadedDir];
    // Correlations run here, on the main thread: a group's events may come from any worker.
    const loaded = await loadRules(dirs, placeholders ? { placeholders } : {});
    for (const p of loaded.problems.filter((x) => x.severity === 'error').slice(0, 50))
      log.warn({ file: p.file, line: p.line, col: p.col, reason: p.message }, 'Rule rejected');
    const correlations = loaded.documents.filter(
      (d): d is CorrelationRule => d.kind === 'correlation' && !rules.disabled.includes(d.id),
    );
    const options: PipelineOptions = {
      ruleDirs: dirs,
      disabled: rules.disabled,
      normalise,
      ...(placeholders ? { placeholders } : {}),
    };
    const pool = new WorkerPool({
      size: (config as { workers?: number }).workers ?? 1,
      processorModule: join(projectRoot, 'dist', 'detection', 'pool', 'pipeline-processor.js'),
      options,
    });
    await pool.start();
    log.info(
      { rules: loaded.documents.length, rejected: loaded.rejected, correlations: correlations.length, dirs },
      'Rules loaded',
    );
    return {
      pool,
      corr: new CorrelationEngine(correlations),
      corrTags: new Map(correlations.map((c) => [c.id, c.tags])),
      correlations: correlations.length,
    };
  };
  let fingerprint = await syncUploaded();
  let det = await build();
  let nextDet: Detection | undefined;
  // Agent keys made through the API (role intake) are accepted by the HTTP intake, attributing their agency.
  const auth = new AuthService(stores.state);
  const ingest = await startIngest(config, {
    resolveIntakeKey: async (key) => {
      const p = await auth.authenticateKey(key);
      return p?.role === 'intake' ? p.agencyId : undefined;
    },
  });
  const api = await startApi(config as { api?: { host?: string; port?: number } }, { stores, incidents });

  const raise = async (alert: Alert) => {
    const r = await incidents.ingestAlert(alert);
    if (r.incident && (r.created || r.reopened)) {
      const i = r.incident;
      await notifier.notify({
        id: `${i.id}:${i.reopenCount}`,
        kind: r.created ? 'incident.created' : 'incident.reopened',
        agencyId: i.agencyId,
        severity: i.severity,
        incidentId: i.id,
        title: i.title,
        ...(i.host ? { host: i.host } : {}),
        ruleId: i.ruleId,
        count: i.alertCount,
        firstSeen: i.firstSeen,
        lastSeen: i.lastSeen,
        at: Date.now(),
      });
    }
  };

  const handle = async (records: RawRecord[]) => {
    const { pool, corr, corrTags, correlations } = det;
    const { output, poisoned: bad } = await pool.run(records);
    const outs = output as PipelineOutput[];
    const events: StoredEvent[] = outs.map((o) => o.event);
    for (const p of bad) {
      const r = p.item as RawRecord;
      poisoned.inc();
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
    for (const o of outs) {
      const e = o.event;
      const agency = String(e['agency.id'] ?? 'unassigned');
      const host = typeof e['host.name'] === 'string' ? e['host.name'] : undefined;
      if (host) silent.observe(agency, host, ts(e));
      const matches: readonly MatchOut[] = o.matches ?? [];
      for (const m of matches) {
        if (!corr.shouldAlert(m)) continue;
        await raise({
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
      if (correlations > 0 && matches.length) {
        for (const a of corr.process(e, matches, ts(e))) {
          if (!a.standalone) continue;
          await raise({
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
      }
    }
  };

  let running = true;
  const loop = (async () => {
    while (running) {
      if (nextDet) {
        // Between batches: nothing is in flight on the old pool. Correlation windows start afresh.
        const old = det;
        det = nextDet;
        nextDet = undefined;
        await old.pool.close();
      }
      try {
        const batch = await ingest.spool.read(2000, 200);
        if (!batch || batch.records.length === 0) {
          // Let timers and I/O run even if a read ever returns at once (never spin on microtasks).
          await new Promise((r) => setImmediate(r));
          continue;
        }
        await handle(batch.records);
        await ingest.spool.commit(batch.cursor);
      } catch (err) {
        // Not committed: the batch is replayed after a restart; event ids make the replay idempotent.
        log.error({ err }, 'Processing a batch failed');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();

  let reloading = false;
  const timers = [
    setInterval(
      () =>
        void silent
          .flush()
          .then(() => silent.check())
          .catch((err: unknown) => log.error({ err }, 'Silent-host check failed')),
      60_000,
    ),
    setInterval(
      () => void incidents.checkSla().catch((err: unknown) => log.error({ err }, 'SLA check failed')),
      60_000,
    ),
    setInterval(
      () => void notifier.flushDigests().catch((err: unknown) => log.error({ err }, 'Digest failed')),
      3_600_000,
    ),
    setInterval(() => det.corr.sweep(), 30_000),
    setInterval(() => {
      if (reloading) return;
      reloading = true;
      syncUploaded()
        .then(async (fp) => {
          if (fp === fingerprint) return;
          fingerprint = fp;
          nextDet = await build();
          log.info('Rules changed through the API; new rule set swapped in');
        })
        .catch((err: unknown) => log.error({ err }, 'Rule reload failed'))
        .finally(() => {
          reloading = false;
        });
    }, rules.reloadSeconds * 1000),
  ];
  for (const t of timers) t.unref();
  notifier.start();
  log.info({ ports: ingest.ports, api: api.url }, 'canhgac is running');

  return {
    ports: ingest.ports,
    apiUrl: api.url,
    internals: { pool: () => det.pool, stores, incidents, notifier, spool: ingest.spool },
    async stop() {
      for (const t of timers) clearInterval(t);
      notifier.stop();
      // The loop finishes its batch and stops reading; what the sources still append stays in the spool for
      // the next start (uncommitted records are replayed).
      running = false;
      await loop;
      await ingest.stop();
      await api.close();
      await det.pool.close();
      await nextDet?.pool.close();
      await silent.flush().catch(() => undefined);
      await stores.close();
      log.info('canhgac stopped');
    },
  };
}
