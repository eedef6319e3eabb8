/**
 * The context stages of the pipeline, in order: GeoIP/ASN enrichment, then the threat-intelligence match. Both
 * run on the events of a batch before they are stored, so stored events carry their context
 * (`<prefix>.geo.*`, `<prefix>.as.*`, `threat.indicator.*`); each hit becomes an alert carrying the indicator.
 * Also the retro-match: indicators a feed adds are searched for in the stored events of the last N days.
 */

import { ANY, type QueryNode } from '../core/event/query.js';
import { logger } from '../core/log.js';
import { counter, stageTelemetry } from '../core/metrics.js';
import { type EventStore, SCOPE_ALL, type StoredEvent } from '../store/types.js';
import type { AssetDirectory, WeighedAlert } from './assets/weigh.js';
import { enrichEvent, type GeoEnricher } from './geo/enrich.js';
import type { ThreatIntel } from './ti/manager.js';
import { ADDRESS_FIELDS, DOMAIN_FIELDS, HASH_FIELDS, Matcher, URL_FIELDS } from './ti/matcher.js';
import { IndicatorSet } from './ti/set.js';
import type { Indicator, IndicatorHit } from './ti/types.js';

const log = logger('context');
const geoTelemetry = stageTelemetry('geoip');
const tiTelemetry = stageTelemetry('threat_intel');
const retroHits = counter('canhgac_ti_retro_matches_total', 'Stored events found by the retro-match, per feed', [
  'feed',
]);

/** The rule id of threat-intelligence alerts (one incident group per agency and host, as for rules). */
export const TI_RULE_ID = 'canhgac-threat-intel';

/** A threat-intelligence alert, shaped as incidents/types.ts Alert (this layer sits below incidents). */
export interface IndicatorAlert {
  id: string;
  kind: 'rule';
  ruleId: string;
  ruleTitle: string;
  level: 'low' | 'medium' | 'high';
  tags: string[];
  agencyId: string;
  host?: string;
  eventIds: string[];
  ts: number;
  fields: Record<string, unknown>;
}

function levelOf(confidence: number): IndicatorAlert['level'] {
  return confidence >= 80 ? 'high' : confidence >= 50 ? 'medium' : 'low';
}

/**
 * Entity fields copied from the event onto its threat-intel alert, so the alert joins the incident of its entities
 * (the attacker's or victim's address, the host, the account) and the incident shows them without the event.
 */
export const ENTITY_FIELDS: readonly string[] = [
  'host.name',
  'host.ip',
  'source.ip',
  'destination.ip',
  'client.ip',
  'server.ip',
  'user.name',
  'source.user.name',
  'url.domain',
  'dns.question.name',
  'destination.domain',
  'source.geo.country_iso_code',
  'source.as.number',
  'source.as.organization.name',
  'destination.geo.country_iso_code',
  'destination.as.number',
  'destination.as.organization.name',
];

function entities(e: StoredEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of ENTITY_FIELDS) {
    const v = e[f];
    if (typeof v === 'string' || typeof v === 'number') out[f] = v;
  }
  return out;
}

/** The alert for one event's hits (the strongest indicator first; all of them in fields). */
export function indicatorAlert(e: StoredEvent, hits: readonly IndicatorHit[], foundLater: boolean): IndicatorAlert {
  const sorted = [...hits].sort((a, b) => b.indicator.confidence - a.indicator.confidence);
  const top = sorted[0]!.indicator;
  const host = typeof e['host.name'] === 'string' ? e['host.name'] : undefined;
  const t = Date.parse(String(e['@timestamp']));
  return {
    // One alert per event: a replayed batch or a second retro-match raises nothing new.
    id: `${String(e['event.id'])}:ti`,
    kind: 'rule',
    ruleId: TI_RULE_ID,
    ruleTitle: `Chỉ báo mối đe dọa / Threat indicator: ${top.value} (${top.feed})`,
    level: levelOf(top.confidence),
    tags: ['threat-intel', ...new Set(sorted.map((h) => `feed.${h.indicator.feed}`))],
    agencyId: String(e['agency.id'] ?? 'unassigned'),
    ...(host ? { host } : {}),
    eventIds: [String(e['event.id'])],
    ts: Number.isFinite(t) ? t : Date.now(),
    fields: {
      ...entities(e),
      'threat.indicator.type': top.type,
      'threat.indicator.value': top.value,
      'threat.indicator.feed': top.feed,
      'threat.indicator.confidence': top.confidence,
      'threat.indicator.tlp': top.tlp,
      'threat.indicator.first_seen': new Date(top.firstSeen).toISOString(),
      ...(top.description ? { 'threat.indicator.description': top.description } : {}),
      'threat.indicator.matched.field': sorted[0]!.field,
      'threat.indicator.matched.observed': sorted[0]!.observed,
      'threat.indicators': sorted.map((h) => ({
        type: h.indicator.type,
        value: h.indicator.value,
        feed: h.indicator.feed,
        confidence: h.indicator.confidence,
        tlp: h.indicator.tlp,
        firstSeen: new Date(h.indicator.firstSeen).toISOString(),
        ...(h.indicator.description ? { description: h.indicator.description } : {}),
        field: h.field,
        observed: h.observed,
      })),
      ...(foundLater ? { 'threat.found_later': true } : {}),
    },
  };
}

/** The enrichment and match stages over a batch; holds the current matcher (swapped when feeds change). */
export class ContextStage {
  private matcher: Matcher | undefined;
  private readonly hits: IndicatorHit[] = [];

  constructor(private readonly o: { ti?: ThreatIntel; geo?: GeoEnricher; assets?: AssetDirectory }) {}

  /** Sets the batch's alert levels from the criticality of their assets (context/assets/weigh.ts). */
  weigh(alerts: WeighedAlert[]): void {
    this.o.assets?.weigh(alerts);
  }

  /** Enriches the events in place and returns the alerts of their indicator hits. */
  process(events: StoredEvent[], now = Date.now()): IndicatorAlert[] {
    const { geo, ti } = this.o;
    const alerts: IndicatorAlert[] = [];
    if (geo) {
      geoTelemetry.received(events.length);
      for (const e of events) enrichEvent(geo, e);
      geoTelemetry.sent(events.length);
    }
    if (!ti) return alerts;
    const set = ti.set();
    if (this.matcher?.set !== set) this.matcher = new Matcher(set);
    if (set.size === 0) return alerts;
    tiTelemetry.received(events.length);
    const m = this.matcher;
    const hits = this.hits;
    for (const e of events) {
      hits.length = 0;
      if (m.match(e, now, hits) === 0) continue;
      const top = hits[0]!.indicator;
      e['threat.indicator.type'] = top.type;
      e['threat.indicator.value'] = top.value;
      e['threat.indicator.feed'] = [...new Set(hits.map((h) => h.indicator.feed))];
      alerts.push(indicatorAlert(e, hits, false));
      ti.recordHits(hits, now);
    }
    tiTelemetry.sent(events.length);
    return alerts;
  }
}

/** Query nodes that find events naming any of these indicators (a superset: the matcher confirms each event). */
export function retroQuery(indicators: readonly Indicator[]): QueryNode {
  const args: QueryNode[] = [];
  const exact = (fields: readonly string[], value: string, cased = false) => {
    for (const field of fields) args.push({ kind: 'match', field, parts: [value], cased });
  };
  for (const i of indicators) {
    switch (i.type) {
      case 'ipv4':
      case 'ipv6':
        exact(ADDRESS_FIELDS, i.value, true);
        break;
      case 'cidr':
        for (const field of ADDRESS_FIELDS) args.push({ kind: 'cidr', field, cidr: i.value });
        break;
      case 'domain':
        for (const field of DOMAIN_FIELDS) {
          args.push({ kind: 'match', field, parts: [i.value], cased: false });
          args.push({ kind: 'match', field, parts: [ANY, `.${i.value}`], cased: false });
        }
        for (const field of URL_FIELDS) args.push({ kind: 'match', field, parts: [ANY, i.value, ANY], cased: false });
        break;
      case 'url':
        for (const field of URL_FIELDS)
          args.push({ kind: 'match', field, parts: [ANY, i.value.slice(i.value.indexOf('://')), ANY], cased: false });
        break;
      default:
        exact(HASH_FIELDS, i.value);
        args.push({ kind: 'match', field: 'Hashes', parts: [ANY, i.value, ANY], cased: false });
    }
  }
  return args.length === 0 ? { kind: 'none' } : { kind: 'or', args };
}

/**
 * Searches the stored events of the last `days` days for indicators a feed just added and calls `raise` for each
 * event that matches one (alerts marked found later). Two ways, the caller picks by its store:
 * - `query` (OpenSearch: fields are indexed): the indicators go to the store as queries, in chunks so each query
 *   stays small; the matcher confirms each event returned;
 * - `scan` (SQLite: no index on event fields, so every query would read the whole window again, once per chunk):
 *   the window is read once, in time order, and every event goes through the matcher of all the new indicators.
 * Returns the number of events raised.
 */
export async function retroMatch(
  store: EventStore,
  added: readonly Indicator[],
  days: number,
  raise: (alert: IndicatorAlert) => Promise<void>,
  o: { now?: number; chunk?: number; maxEvents?: number; strategy?: 'query' | 'scan' } = {},
): Promise<number> {
  if (added.length === 0 || days <= 0) return 0;
  const now = o.now ?? Date.now();
  const chunk = o.strategy === 'scan' ? added.length : (o.chunk ?? 100);
  const matcher = new Matcher(new IndicatorSet(added));
  const hits: IndicatorHit[] = [];
  let raised = 0;
  for (let i = 0; i < added.length; i += chunk) {
    const query: QueryNode = o.strategy === 'scan' ? { kind: 'all' } : retroQuery(added.slice(i, i + chunk));
    let after: string | undefined;
    do {
      const page = await store.search(SCOPE_ALL, {
        query,
        from: now - days * 86_400_000,
        to: now + 60_000,
        size: o.strategy === 'scan' ? 5000 : 1000,
        sort: { field: '@timestamp', order: 'asc' },
        ...(after ? { after } : {}),
      });
      for (const e of page.events) {
        hits.length = 0;
        // The event's own time decides expiry: an indicator valid then matches an event of then.
        const t = Date.parse(String(e['@timestamp']));
        if (matcher.match(e, Number.isFinite(t) ? t : now, hits) === 0) continue;
        await raise(indicatorAlert(e, hits, true));
        for (const f of new Set(hits.map((h) => h.indicator.feed))) retroHits.labels(f).inc();
        raised++;
        if (o.maxEvents !== undefined && raised >= o.maxEvents) return raised;
      }
      after = page.next;
    } while (after);
  }
  if (raised > 0) log.info({ indicators: added.length, events: raised, days }, 'Retro-match found stored events');
  return raised;
}
