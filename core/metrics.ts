import {
  AggregatorRegistry,
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
} from 'prom-client';

/** The one Prometheus registry served at /metrics. */
export const registry = new Registry();
let defaultsOn = false;

/** Turns on process metrics (CPU, memory, event loop); called once by the service, not by libraries. */
export function enableDefaultMetrics(): void {
  if (!defaultsOn) {
    collectDefaultMetrics({ register: registry, prefix: 'canhgac_' });
    defaultsOn = true;
  }
}

function getOrCreate<T>(name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** What a worker thread counted: its counters and histograms as prom-client JSON. */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/**
 * In a worker thread: the counters and histograms its stages counted (decoder drops, unknown shapes, rules
 * evaluated). Gauges are left out: they describe the main process (connections, spool, feeds), set there.
 */
export async function workerSnapshot(): Promise<MetricsSnapshot> {
  return (await registry.getMetricsAsJSON()).filter((m) => ['counter', 'histogram'].includes(String(m.type)));
}

const liveWorkers = new Map<number, MetricsSnapshot>();
let retiredWorkers: MetricsSnapshot = [];
let retiring: Promise<void> = Promise.resolve();

/** Main thread: the latest snapshot of worker thread `id` (replaces the previous one: counters are totals). */
export function recordWorkerMetrics(id: number, snapshot: MetricsSnapshot): void {
  liveWorkers.set(id, snapshot);
}

/** Main thread: worker `id` is gone; its last totals are kept so that /metrics never goes backwards. */
export function retireWorkerMetrics(id: number): Promise<void> {
  retiring = retiring.then(async () => {
    const last = liveWorkers.get(id);
    if (!last) return;
    retiredWorkers = await AggregatorRegistry.aggregate([retiredWorkers, last]).getMetricsAsJSON();
    liveWorkers.delete(id);
  });
  return retiring;
}

/** The /metrics text: this thread's registry plus every worker thread's counters, summed by label set. */
export async function metricsText(): Promise<string> {
  await retiring;
  if (!liveWorkers.size && !retiredWorkers.length) return registry.metrics();
  const own = await registry.getMetricsAsJSON();
  return AggregatorRegistry.aggregate([own, ...liveWorkers.values(), retiredWorkers]).metrics();
}

/** A counter registered once by name (modules may ask for it repeatedly). */
export function counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
  return getOrCreate(name, () => new Counter({ name, help, labelNames, registers: [registry] }));
}

/** A gauge registered once by name. */
export function gauge(name: string, help: string, labelNames: string[] = []): Gauge<string> {
  return getOrCreate(name, () => new Gauge({ name, help, labelNames, registers: [registry] }));
}

/** A histogram registered once by name. */
export function histogram(
  name: string,
  help: string,
  labelNames: string[] = [],
  buckets?: number[],
): Histogram<string> {
  return getOrCreate(
    name,
    () => new Histogram({ name, help, labelNames, registers: [registry], ...(buckets ? { buckets } : {}) }),
  );
}

/**
 * The telemetry contract of every stage (Vector's instrumentation spec): events received, sent, dropped by
 * reason, and errors by stage and a small fixed error code. Never a raw message as a label.
 */
export interface StageTelemetry {
  received(n?: number): void;
  sent(n?: number): void;
  dropped(reason: string, n?: number): void;
  error(stage: 'receiving' | 'processing' | 'sending', errorCode: string): void;
}

/** Telemetry for one component (e.g. `syslog_tcp`, `decoder`, `spool`, `engine`). */
export function stageTelemetry(component: string): StageTelemetry {
  const rec = counter('canhgac_component_received_events_total', 'Events received by a component', ['component']);
  const sent = counter('canhgac_component_sent_events_total', 'Events sent on by a component', ['component']);
  const drop = counter('canhgac_component_dropped_events_total', 'Events dropped by a component, by reason', [
    'component',
    'reason',
  ]);
  const errs = counter('canhgac_component_errors_total', 'Errors by component, stage and error code', [
    'component',
    'stage',
    'error_code',
  ]);
  const r = rec.labels(component);
  const s = sent.labels(component);
  return {
    received: (n = 1) => r.inc(n),
    sent: (n = 1) => s.inc(n),
    dropped: (reason, n = 1) => drop.labels(component, reason).inc(n),
    error: (stage, errorCode) => errs.labels(component, stage, errorCode).inc(),
  };
}
