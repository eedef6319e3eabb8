/**
 * The security KPIs a provincial operations-centre (IOC) wall shows, as one JSON document (schema
 * docs/kpi.schema.json, `canhgac.kpi/1`) and as Prometheus gauges. The period figures are the report model's
 * (buildReport for the same period and `now`), so the wall, the console and the report never disagree; the open
 * incidents are the backlog now, whatever period they began in. Nothing personal leaves: no user names, no
 * assignees, no addresses, no incident titles (which may quote log content); threats are named by rule.
 */

import { logger } from '../core/log.js';
import { gauge } from '../core/metrics.js';
import type { Incident, Severity } from '../incidents/types.js';
import { SEVERITIES } from '../incidents/types.js';
import { agencyScope, type Scope, type Stores } from '../store/types.js';
import { buildReport, type ReportModel } from './model.js';
import { halfOf, weekOf } from './period.js';
import { ruleTitle } from './rule-names.js';
import { periodTitle } from './words.js';

const log = logger('reports');

/** The KPI document. */
export interface Kpi {
  schema: 'canhgac.kpi/1';
  generatedAt: string;
  period: {
    kind: 'week' | 'half';
    label: string;
    title: { vi: string; en: string };
    from: string;
    to: string;
    asOf: string;
    partial: boolean;
  };
  scope: { agencyId: string | null; name: string | null };
  open: {
    total: number;
    bySeverity: Record<Severity, number>;
    byAgency: { agencyId: string; name: string | null; total: number; bySeverity: Record<Severity, number> }[];
  };
  incidents: { total: number; criticalHigh: number; previous: number };
  events: { total: number; previous: number };
  mttaSeconds: number | null;
  mttrSeconds: number | null;
  slaBreaches: { acknowledge: number; resolve: number };
  systems: { reporting: number; expected: number };
  silentHosts: { total: number; byAgency: { agencyId: string; name: string | null; count: number }[] };
  topThreats: { ruleId: string; title: { vi: string; en: string }; techniques: string[]; alerts: number }[];
  trend: { label: string; from: string; events: number | null; incidents: number | null }[];
}

/** What the KPIs cover. */
export interface KpiRequest {
  scope: Scope;
  agencyId?: string;
  /** The current week (default) or half-year. */
  period?: 'week' | 'half';
  now?: number;
  topN?: number;
}

const OPEN_STATES = ['new', 'acknowledged', 'in_progress'];
const zero = (): Record<Severity, number> => ({ informational: 0, low: 0, medium: 0, high: 0, critical: 0 });
const iso = (ms: number) => new Date(ms).toISOString();

/** The KPI document, with the report model it was taken from (for tests and the gauges). */
export async function buildKpi(stores: Stores, req: KpiRequest): Promise<{ kpi: Kpi; model: ReportModel }> {
  const now = req.now ?? Date.now();
  const period = req.period === 'half' ? halfOf(now) : weekOf(now);
  const model = await buildReport(stores, {
    kind: req.period === 'half' ? 'semiannual' : 'weekly',
    period,
    scope: req.scope,
    ...(req.agencyId !== undefined ? { agencyId: req.agencyId } : {}),
    topN: req.topN ?? 5,
    now,
  });
  // The backlog now: every open incident of the scope, whenever it began.
  let scope = req.scope;
  if (req.agencyId !== undefined && scope.kind === 'all') scope = agencyScope(req.agencyId);
  const col = stores.state.collection<Incident>('incidents');
  const bySeverity = zero();
  const byAgency = new Map<string, Record<Severity, number>>();
  for (let after: string | undefined; ; ) {
    const page = await col.list(scope, {
      filter: { state: OPEN_STATES, ...(req.agencyId !== undefined ? { agencyId: req.agencyId } : {}) },
      size: 1000,
      ...(after ? { after } : {}),
    });
    for (const i of page.docs) {
      bySeverity[i.severity]++;
      const a = byAgency.get(i.agencyId) ?? zero();
      a[i.severity]++;
      byAgency.set(i.agencyId, a);
    }
    after = page.next;
    if (!after) break;
  }
  const name = (id: string) => model.agencyNames[id] ?? null;
  const sum = (r: Record<Severity, number>) => SEVERITIES.reduce((s, k) => s + r[k], 0);
  const silentBy = new Map<string, number>();
  for (const h of model.silentHosts) silentBy.set(h.agencyId, (silentBy.get(h.agencyId) ?? 0) + 1);
  const kpi: Kpi = {
    schema: 'canhgac.kpi/1',
    generatedAt: iso(now),
    period: {
      kind: period.kind,
      label: period.label,
      title: {
        vi: periodTitle(period, 'vi', model.partial ? model.asOf : undefined),
        en: periodTitle(period, 'en', model.partial ? model.asOf : undefined),
      },
      from: iso(period.from),
      to: iso(period.to),
      asOf: iso(model.asOf),
      partial: model.partial,
    },
    scope: { agencyId: req.agencyId ?? null, name: req.agencyId ? name(req.agencyId) : null },
    open: {
      total: sum(bySeverity),
      bySeverity,
      byAgency: [...byAgency.entries()]
        .map(([agencyId, s]) => ({ agencyId, name: name(agencyId), total: sum(s), bySeverity: s }))
        .sort((a, b) => b.total - a.total || a.agencyId.localeCompare(b.agencyId)),
    },
    incidents: {
      total: model.headline.incidents.current,
      criticalHigh: model.headline.criticalHigh.current,
      previous: model.headline.incidents.previous,
    },
    events: { total: model.headline.events.current, previous: model.headline.events.previous },
    mttaSeconds: model.mtta !== undefined ? Math.round(model.mtta / 1000) : null,
    mttrSeconds: model.mttr !== undefined ? Math.round(model.mttr / 1000) : null,
    slaBreaches: { ...model.slaBreaches },
    systems: { reporting: model.coverage.hostsSending, expected: model.coverage.hostsExpected },
    silentHosts: {
      total: model.silentHosts.length,
      byAgency: [...silentBy.entries()]
        .map(([agencyId, count]) => ({ agencyId, name: name(agencyId), count }))
        .sort((a, b) => b.count - a.count || a.agencyId.localeCompare(b.agencyId)),
    },
    topThreats: model.topRules.map((r) => ({
      ruleId: r.ruleId,
      title: { vi: ruleTitle(r.ruleId, r.title, 'vi'), en: ruleTitle(r.ruleId, r.title, 'en') },
      techniques: r.tags
        .filter((t) => /^attack\.t\d{4}/i.test(t))
        .map((t) => t.slice(7).toUpperCase())
        .sort(),
      alerts: r.alerts,
    })),
    trend: model.trend.map((t) => ({
      label: t.label,
      from: iso(t.from),
      events: t.future ? null : t.events,
      incidents: t.future ? null : t.incidents,
    })),
  };
  return { kpi, model };
}

/**
 * Prometheus gauges of the province-wide KPIs (current week), computed when /metrics is scraped, at most once per
 * `cacheMs` (default 30 s). Labels are bounded: severity, agency code, SLA clock, and the top 5 rules.
 */
export function registerKpiGauges(stores: Stores, opts: { cacheMs?: number; now?: () => number } = {}): void {
  const cacheMs = opts.cacheMs ?? 30_000;
  let cached: { at: number; kpi: Promise<Kpi | undefined> } | undefined;
  const current = (): Promise<Kpi | undefined> => {
    const t = opts.now?.() ?? Date.now();
    if (!cached || t - cached.at >= cacheMs)
      cached = {
        at: t,
        kpi: buildKpi(stores, { scope: { kind: 'all' }, now: t }).then(
          (r) => r.kpi,
          (err: unknown) => {
            log.warn({ err: (err as Error).message }, 'KPI gauges not computed');
            return undefined;
          },
        ),
      };
    return cached.kpi;
  };
  const def = (name: string, help: string, labels: string[], set: (g: ReturnType<typeof gauge>, k: Kpi) => void) => {
    const g = gauge(name, help, labels);
    (g as unknown as { collect: () => Promise<void> }).collect = async () => {
      const k = await current();
      g.reset();
      if (k) set(g, k);
    };
  };
  def('canhgac_kpi_open_incidents', 'Open incidents now, by severity and agency', ['severity', 'agency'], (g, k) => {
    for (const a of k.open.byAgency) for (const s of SEVERITIES) g.labels(s, a.agencyId).set(a.bySeverity[s]);
  });
  def('canhgac_kpi_incidents_period', 'Incidents that began in the current week', [], (g, k) =>
    g.set(k.incidents.total),
  );
  def('canhgac_kpi_events_period', 'Events stored in the current week', [], (g, k) => g.set(k.events.total));
  def('canhgac_kpi_mtta_seconds', 'Mean time to acknowledge of the current week, seconds', [], (g, k) => {
    if (k.mttaSeconds !== null) g.set(k.mttaSeconds);
  });
  def('canhgac_kpi_mttr_seconds', 'Mean time to resolve of the current week, seconds', [], (g, k) => {
    if (k.mttrSeconds !== null) g.set(k.mttrSeconds);
  });
  def('canhgac_kpi_sla_breaches', 'SLA clocks that ran out in the current week', ['clock'], (g, k) => {
    g.labels('acknowledge').set(k.slaBreaches.acknowledge);
    g.labels('resolve').set(k.slaBreaches.resolve);
  });
  def('canhgac_kpi_systems', 'Hosts reporting vs expected in the current week', ['status'], (g, k) => {
    g.labels('reporting').set(k.systems.reporting);
    g.labels('expected').set(k.systems.expected);
  });
  def('canhgac_kpi_silent_hosts', 'Silent hosts in the current week, by agency', ['agency'], (g, k) => {
    for (const a of k.silentHosts.byAgency) g.labels(a.agencyId).set(a.count);
  });
  def('canhgac_kpi_top_threat_alerts', 'Alerts of the top 5 rules in the current week', ['rule'], (g, k) => {
    for (const t of k.topThreats) g.labels(t.ruleId).set(t.alerts);
  });
}
