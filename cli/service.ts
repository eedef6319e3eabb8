/**
 * The embedded service: intake -> spool -> worker pool (decode, normalise, match) -> event store, correlation,
 * incidents, notifications, silent hosts; and the REST API. One process, SQLite by default (ARCHITECTURE.md).
 *
 * The distributed mode's front process (`canhgac ingest` with redis.url) is here too: intake, spool, the REST
 * API and the periodic checks (silent hosts, SLA, digests), with batches forwarded to Redis for `canhgac worker`.
 */
import { Redis } from 'ioredis';
import { AuthService, startApi } from '../api/index.js';
import { complianceRouteOptions } from '../api/routes/compliance.js';
import { exportRouteOptions } from '../api/routes/export.js';
import { notificationRouteOptions } from '../api/routes/notification.js';
import { reportRouteOptions } from '../api/routes/reports.js';
import { openContext, readStatus, type ThreatIntel } from '../context/index.js';
import { configError } from '../core/config/errors.js';
import type { Config } from '../core/config/load.js';
import { logger } from '../core/log.js';
import { enableDefaultMetrics } from '../core/metrics.js';
import { IncidentService } from '../incidents/service.js';
import { SilentHostWatcher } from '../incidents/silent-hosts.js';
import type { Alert } from '../incidents/types.js';
import { AgencyDirectory } from '../ingest/normalise/agency-directory.js';
import { type IngestRuntime, startIngest } from '../ingest/runner.js';
import { relayIncidentEvents } from '../notify/incident-relay.js';
import { channelSenders, destinationPolicy, Notifier } from '../notify/index.js';
import { runLoop } from '../pipeline/embedded.js';
import { feedNotice } from '../pipeline/feed-notice.js';
import { PipelineHealth } from '../pipeline/health.js';
import { installedRuleDirs, Pipeline } from '../pipeline/pipeline.js';
import type { WorkerPool } from '../pipeline/pool.js';
import { refreshQuarantineGauge, replayMarked } from '../pipeline/quarantine.js';
import { ruleChangePublisher } from '../pipeline/rule-signal.js';
import { indicatorSearchClient } from '../pipeline/ti-search.js';
import { syncRetentionFloor } from '../reports/compliance/compliance.js';
import { startExport } from '../reports/export/start.js';
import { registerKpiGauges } from '../reports/kpi.js';
import { type ReportScheduler, startReportScheduler } from '../reports/scheduler.js';
import { openStores } from '../store/index.js';
import { SCOPE_ALL, type Stores } from '../store/types.js';

export { SHIPPED_RULES } from '../pipeline/pipeline.js';

const log = logger('service');

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
    health: PipelineHealth;
    /** The threat-intel feeds (absent when none are configured). */
    threatIntel?: ThreatIntel;
  };
  stop(): Promise<void>;
}

/**
 * The periodic checks of a deployment (run in exactly one process: the embedded service or distributed ingest).
 * Silent hosts, SLA breaches and every other incident event reach notify through the incident outbox, drained by
 * the relay at each change and by the sweep here (what a crash left pending).
 */
export function periodicChecks(
  silent: SilentHostWatcher,
  incidents: IncidentService,
  notifier: Notifier,
  everyMs = 60_000,
): NodeJS.Timeout[] {
  relayIncidentEvents(incidents, notifier);
  const sweep = () =>
    incidents.outbox.sweep().catch((err: unknown) => log.error({ err }, 'Incident outbox sweep failed'));
  void sweep();
  return [
    setInterval(
      () =>
        void silent
          .flush()
          .then(() => silent.check())
          .catch((err: unknown) => log.error({ err }, 'Silent-host check failed')),
      everyMs,
    ),
    setInterval(
      () =>
        void incidents
          .checkSla()
          .then(sweep)
          .catch((err: unknown) => log.error({ err }, 'SLA check failed')),
      everyMs,
    ),
    setInterval(
      () => void notifier.flushDigests().catch((err: unknown) => log.error({ err }, 'Digest failed')),
      3_600_000,
    ),
  ];
}

/** core/config/schema.ts `incidents.checkSeconds`, in ms. */
const checkMs = (config: Config) => config.incidents.checkSeconds * 1000;

/**
 * Weekly and six-monthly reports: the API's on-demand route reads the chromium path and top-N from the config, and
 * the scheduler mails them (once per period and agency, recorded in the state store) from this one process.
 */
function startReports(config: Config, stores: Stores): ReportScheduler {
  const rc = config.reports;
  reportRouteOptions.chromiumPath = rc.chromiumPath;
  reportRouteOptions.topN = rc.topN;
  // Compliance, export and notification forms in the console: their routes read these (reports/compliance, ...).
  complianceRouteOptions.configuredRetentionDays = config.store.retentionDays;
  reportRouteOptions.retentionDays = config.store.retentionDays;
  exportRouteOptions.config = config.export;
  notificationRouteOptions.chromiumPath = rc.chromiumPath;
  if (rc.notificationTemplate) notificationRouteOptions.template = rc.notificationTemplate;
  void syncRetentionFloor(stores).catch(() => undefined);
  // The IOC KPI gauges at /metrics, computed when scraped (at most every 30 s).
  registerKpiGauges(stores);
  // Export to the monitoring centre (config `export`; off unless enabled), stopped with the reports.
  const exp = startExport(stores, config.export);
  const scheduler = startReportScheduler({ stores, config });
  return {
    tick: () => scheduler.tick(),
    stop: async () => {
      await exp.stop();
      await scheduler.stop();
    },
  };
}

/** Agent keys made through the API (role intake) are accepted by the HTTP intake, attributing their agency. */
function intakeKeys(auth: AuthService) {
  return async (key: string) => {
    const p = await auth.authenticateKey(key);
    return p?.role === 'intake' ? p.agencyId : undefined;
  };
}

/** The threat-intel operations the API uses (feed status, indicator search, the local list changed). */
function threatIntelApi(ti: ThreatIntel, ctx: { syncLocal(): Promise<void>; refreshAssets(): Promise<void> }) {
  return {
    status: () => ti.status(),
    search: (v: string) => ti.search(v),
    localChanged: ctx.syncLocal,
    assetsChanged: ctx.refreshAssets,
  };
}

/** Starts every stage in this process; resolves once intake and API listen. */
export async function startService(config: Config): Promise<Service> {
  enableDefaultMetrics();
  const rules = config.rules;
  const stores = await openStores(config);
  const incidents = new IncidentService(stores.state);
  const silent = new SilentHostWatcher(stores.state, incidents);
  const smtp = config.smtp;
  const notifier = new Notifier(stores.state, channelSenders(smtp, destinationPolicy(config)));
  // Agencies from the configuration and the API, polled: a change reaches attribution and TLS names live.
  const agencies = await AgencyDirectory.open(config, stores.state);
  // Threat intel and GeoIP (context/); the retro-match raises through the pipeline once it exists.
  let raiseLater: ((a: Alert) => Promise<void>) | undefined;
  const context = await openContext(config, {
    events: stores.events,
    state: stores.state,
    raise: (a) => raiseLater?.(a) ?? Promise.resolve(),
    notice: (n) => void feedNotice(notifier, n),
  });
  const pipeline = await Pipeline.open({
    config,
    stores,
    incidents,
    silent,
    notifier,
    agencies,
    context: context.stage,
  });
  raiseLater = (a) => pipeline.raiseAlert(a);
  const ingest = await startIngest(config, {
    resolveIntakeKey: intakeKeys(new AuthService(stores.state)),
    agencies,
  });
  const bounds = config.pipeline;
  const health = new PipelineHealth(
    bounds.stallSeconds * 1000,
    () => ingest.spool.stats().bytes > 0,
    (s) => {
      if (!s.stalled) return;
      const at = Date.now();
      void notifier
        .notify({
          id: `pipeline.stalled:${at}`,
          kind: 'pipeline.stalled',
          agencyId: 'province',
          severity: 'critical',
          title: `canhgac: không xử lý được sự kiện trong ${s.commitAgeSeconds} giây / no events processed for ${s.commitAgeSeconds} s`,
          at,
        })
        .catch((err: unknown) => log.error({ err }, 'Could not send the stalled-pipeline notice'));
    },
  );
  health.start();
  // Rule changes through the API reload detection at once (the poll below stays as the safety net).
  let onRulesChanged = () => {};
  const api = await startApi(config, {
    stores,
    incidents,
    rulesChanged: () => onRulesChanged(),
    // Ready: the store answers and the pipeline is not stalled.
    ready: async () => {
      await stores.state.collection('settings').get(SCOPE_ALL, 'global');
      return !health.check().stalled;
    },
    pipelineStatus: () => health.check(),
    ruleSources: { ...config.rules, dirs: [...config.rules.dirs, ...installedRuleDirs(config.dataDir)] },
    notifier,
    ...(context.ti ? { threatIntel: threatIntelApi(context.ti, context) } : {}),
  });
  const reports = startReports(config, stores);
  await refreshQuarantineGauge(stores.state).catch((err: unknown) =>
    log.warn({ err }, 'Reading the quarantine failed'),
  );
  const replayQuarantine = () =>
    void replayMarked(stores.state, (records) => pipeline.isolate(records)).catch((err: unknown) =>
      log.error({ err }, 'Replaying quarantined records failed'),
    );

  const reload = () =>
    void pipeline.reload().catch((err: unknown) => log.error({ err }, 'Rule or agency reload failed'));
  onRulesChanged = reload;
  const unsubscribe = agencies.onChange(reload);

  let running = true;
  const loop = runLoop(ingest.spool, pipeline, () => running, {
    progress: () => health.progress(),
    isolate: (records) => pipeline.isolate(records),
  });
  replayQuarantine();

  const timers = [
    ...periodicChecks(silent, incidents, notifier, checkMs(config)),
    setInterval(() => pipeline.sweep(), 30_000),
    setInterval(reload, rules.reloadSeconds * 1000),
    // `canhgac quarantine replay` marks records in the store; they are replayed here.
    setInterval(replayQuarantine, 5000),
  ];
  for (const t of timers) t.unref();
  notifier.start();
  log.info({ ports: ingest.ports, api: api.url }, 'canhgac is running');

  return {
    ports: ingest.ports,
    apiUrl: api.url,
    internals: {
      pool: () => pipeline.pool(),
      stores,
      incidents,
      notifier,
      spool: ingest.spool,
      health,
      ...(context.ti ? { threatIntel: context.ti } : {}),
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      health.stop();
      unsubscribe();
      notifier.stop();
      // The loop finishes its batch and stops reading; what the sources still append stays in the spool for
      // the next start (uncommitted records are replayed).
      running = false;
      await loop;
      await ingest.stop();
      await api.close();
      await pipeline.close();
      context.close();
      agencies.close();
      await silent.flush().catch(() => undefined);
      await reports.stop();
      await stores.close();
      log.info('canhgac stopped');
    },
  };
}

/** The distributed front process. */
export interface IngestService {
  ports: Record<string, number>;
  apiUrl: string;
  /** Records queued in Redis since start. */
  forwarded(): number;
  stop(): Promise<void>;
}

/**
 * `canhgac ingest` with redis.url: intake into the spool, spool batches into Redis (BullMQ) for the workers, the
 * REST API, and the periodic checks (silent hosts, SLA, digests), which must run in one process only.
 */
export async function startIngestService(config: Config): Promise<IngestService> {
  enableDefaultMetrics();
  const { checkRedisPersistence, redisConnection, startForwarder } = await import('../ingest/forward.js');
  const { openDistributedCore } = await import('../pipeline/distributed-core.js');
  const redisUrl = config.redis.url;
  if (!redisUrl)
    throw configError('CANHGAC_ERR_CONFIG_MISSING', {
      what: 'the distributed ingest',
      key: 'redis.url',
      env: 'CANHGAC_REDIS_URL',
    });
  if (!config.store.opensearch?.url)
    throw configError('CANHGAC_ERR_CONFIG_MISSING', {
      what: 'canhgac ingest with redis.url (the store the workers write)',
      key: 'store.opensearch.url',
      env: 'CANHGAC_OPENSEARCH_URL',
    });
  const dist = config.distributed;
  const connection = redisConnection(redisUrl);
  // What is open so far, closed again if the start fails (a half-started process must exit, not hang).
  const opened: (() => unknown)[] = [];
  const open = async () => {
    // Digests and reconciliation are queued from here; the workers send.
    const { stores, incidents, silent, notifier, agencies } = await openDistributedCore(
      config,
      connection,
      dist,
      opened,
      false,
    );
    const ingest = await startIngest(config, {
      resolveIntakeKey: intakeKeys(new AuthService(stores.state)),
      agencies,
    });
    opened.push(() => ingest.stop());
    const pub = new Redis({ ...(connection as object), lazyConnect: false });
    pub.on('error', (err) => log.warn({ err: err.message }, 'Redis connection error'));
    opened.push(() => pub.disconnect());
    // Feeds are loaded and matched by the workers: the console shows the status they publish, and searches
    // and local-list changes go to them over Redis (pipeline/ti-search.ts).
    const tiSearch = await indicatorSearchClient(connection as object, pub, dist.queue);
    opened.push(() => tiSearch.close());
    const api = await startApi(config, {
      stores,
      incidents,
      ruleSources: { ...config.rules, dirs: [...config.rules.dirs, ...installedRuleDirs(config.dataDir)] },
      threatIntel: {
        status: () => readStatus(stores.state),
        search: (v) => tiSearch.search(v),
        localChanged: () => tiSearch.localChanged(),
        assetsChanged: () => tiSearch.assetsChanged(),
      },
      rulesChanged: ruleChangePublisher(pub, dist.queue),
    });
    return { stores, incidents, silent, notifier, agencies, ingest, api };
  };
  let parts: Awaited<ReturnType<typeof open>>;
  try {
    parts = await open();
  } catch (err) {
    for (const f of opened.reverse()) await Promise.resolve(f()).catch(() => undefined);
    throw err;
  }
  const { stores, incidents, silent, notifier, agencies, ingest, api } = parts;
  const forwarder = startForwarder(ingest.spool, {
    connection,
    prefix: dist.queue,
    batchSize: dist.batchSize,
    maxQueued: dist.maxQueuedBatches,
    attempts: dist.attempts,
  });
  void checkRedisPersistence(connection);
  const reports = startReports(config, stores);
  const timers = periodicChecks(silent, incidents, notifier, checkMs(config));
  for (const t of timers) t.unref();
  notifier.start();
  log.info({ ports: ingest.ports, api: api.url, queue: dist.queue }, 'canhgac ingest (distributed) is running');
  return {
    ports: ingest.ports,
    apiUrl: api.url,
    forwarded: () => forwarder.forwarded(),
    async stop() {
      for (const t of timers) clearInterval(t);
      await forwarder.stop();
      await ingest.stop();
      await api.close();
      await notifier.close();
      agencies.close();
      await reports.stop();
      await stores.close();
      log.info('canhgac ingest stopped');
    },
  };
}
