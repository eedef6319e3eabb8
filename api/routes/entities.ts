/**
 * Entity pages: an address, a host, an account or an agency as the events, incidents and context of the caller's
 * scope show it. Every read goes through the store with the caller's Scope, so an agency account sees only its
 * own agency's events, incidents, hosts and assets of an entity (and another agency is answered 404).
 */
import type { Asset } from '../../context/assets/assets.js';
import type { HostRecord } from '../../incidents/silent-hosts.js';
import type { Incident } from '../../incidents/types.js';
import { parseQuery } from '../../store/query/parse.js';
import { agencyScope, type Scope, type StoredEvent } from '../../store/types.js';
import type { Ctx, RouteDef } from '../context.js';
import { apiError } from '../errors.js';
import type { AgencyDoc } from './agencies.js';

/** The kinds of entity and the event fields that name them. */
export const ENTITY_FIELDS = {
  ip: ['source.ip', 'destination.ip', 'host.ip'],
  host: ['host.name'],
  user: ['user.name'],
  agency: ['agency.id'],
} as const;

/** A kind of entity. */
export type EntityKind = keyof typeof ENTITY_FIELDS;

/** Events read for the related entities and the context (newest first). */
export const ENTITY_SAMPLE = 2000;
/**
 * Most incidents read (newest first, in the period) for the entity's own. Incidents have no index by entity, so
 * each is read and tested: ~40 µs each on the embedded store (bench/console-pages.ts: 20,000 took 780 ms at
 * 1,000,000 events and 100,000 incidents). 5,000 keeps the page under 500 ms and covers days of a busy province;
 * beyond it the answer says `complete: false` and the page says so.
 */
export const ENTITY_INCIDENT_SCAN = 5_000;
/** Incidents listed on the page. */
const INCIDENTS_SHOWN = 50;
const DAY = 86_400_000;
/**
 * The default period: the last 7 days, which holds a working week of an attacker or an account. Addresses and
 * accounts are read through their indexes in the embedded store (store/sqlite/entity-columns.ts) and by keyword
 * fields in OpenSearch; longer periods are chosen on the page.
 */
export const DEFAULT_DAYS = 7;

/** `field:"value"` in the search language (the console's query.ts spells the same). */
function termFor(field: string, value: string): string {
  const name = field.replace(/([\\:()"[\]{}*? ])/g, '\\$1');
  return `${name}:"${value.replace(/(["\\])/g, '\\$1')}"`;
}

/** The search text that finds an entity's events (the page's pivot to search uses the same text). */
export function entityQuery(kind: EntityKind, value: string): string {
  return ENTITY_FIELDS[kind].map((f) => termFor(f, value)).join(' OR ');
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Counts of the values of some fields over events, top `n` each. */
function topValues(events: readonly StoredEvent[], fields: readonly string[], skip: string, n = 8) {
  const out: Record<string, { key: string; count: number }[]> = {};
  for (const f of fields) {
    const m = new Map<string, number>();
    for (const e of events) {
      const raw = e[f];
      for (const v of Array.isArray(raw) ? raw : [raw]) {
        const s = str(v);
        if (s !== undefined && s !== skip) m.set(s, (m.get(s) ?? 0) + 1);
      }
    }
    out[f] = [...m]
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
      .slice(0, n);
  }
  return out;
}

/** GeoIP / ASN context of an address, from the newest event that carries it (the context stage wrote it). */
function geoOf(events: readonly StoredEvent[], ip: string): Record<string, unknown> | undefined {
  for (const e of events)
    for (const p of ['source', 'destination', 'client', 'server']) {
      if (e[`${p}.ip`] !== ip) continue;
      const g = {
        countryIso: e[`${p}.geo.country_iso_code`],
        countryName: e[`${p}.geo.country_name`],
        city: e[`${p}.geo.city_name`],
        asn: e[`${p}.as.number`],
        asOrg: e[`${p}.as.organization.name`],
        label: e[`${p}.geo.label`],
      };
      const set = Object.fromEntries(Object.entries(g).filter(([, v]) => v !== undefined && v !== null && v !== ''));
      if (Object.keys(set).length) return set;
    }
  return undefined;
}

/** Threat-intel hits among the events (context stage fields), one line per indicator and feed. */
function threatOf(events: readonly StoredEvent[]) {
  const by = new Map<string, Record<string, unknown> & { count: number; lastSeen: number }>();
  for (const e of events) {
    const value = str(e['threat.indicator.value']);
    if (!value) continue;
    const feeds = e['threat.indicator.feed'];
    const feed = Array.isArray(feeds) ? feeds.map(String).join(', ') : (str(feeds) ?? '');
    const k = `${value}\u0000${feed}`;
    const at = timeOf(e);
    const cur = by.get(k);
    if (cur) {
      cur.count++;
      cur.lastSeen = Math.max(cur.lastSeen, at);
      continue;
    }
    by.set(k, {
      value,
      feed,
      type: e['threat.indicator.type'],
      confidence: e['threat.indicator.confidence'],
      tlp: e['threat.indicator.tlp'],
      description: e['threat.indicator.description'],
      field: e['threat.indicator.matched.field'],
      count: 1,
      lastSeen: at,
    });
  }
  return [...by.values()].sort((a, b) => b.count - a.count);
}

function timeOf(e: StoredEvent): number {
  const t = e['@timestamp'];
  return typeof t === 'number' ? t : Date.parse(String(t));
}

/** Every document of a collection the scope sees that matches a filter (bounded). */
async function all<T extends object>(ctx: Ctx, scope: Scope, coll: string, filter?: Record<string, string>) {
  const out: T[] = [];
  let after: string | undefined;
  do {
    const page = await ctx.svc.stores.state
      .collection<T>(coll)
      .list(scope, { size: 1000, ...(filter ? { filter } : {}), ...(after ? { after } : {}) });
    out.push(...(page.docs as T[]));
    after = page.next;
  } while (after && out.length < 10_000);
  return out;
}

/**
 * The incidents of an entity last seen in the period, newest first: an agency's all of them (its store scope), a
 * host's by field, an address's and an account's through their events (incidents whose sampled events include
 * one of the entity's). The listing is read by lastSeen (an index) and stops at the period's start.
 */
async function incidentsOf(ctx: Ctx, scope: Scope, kind: EntityKind, value: string, ids: Set<string>, since: number) {
  const coll = ctx.svc.incidents.incidents;
  const host = value.toLowerCase();
  const key = `${kind}:${value.toLowerCase()}`;
  const found: Incident[] = [];
  let total = 0;
  let open = 0;
  let scanned = 0;
  let after: string | undefined;
  do {
    const page = await coll.list(scope, {
      sort: { field: 'lastSeen', order: 'desc' },
      size: 1000,
      ...(after ? { after } : {}),
    });
    after = page.next;
    for (const i of page.docs as Incident[]) {
      scanned++;
      if (i.lastSeen < since) {
        after = undefined;
        break;
      }
      if (kind === 'host' && i.host?.toLowerCase() !== host) continue;
      // An address's or account's incidents: grouped on it (its entities: `ip:…`, `user:name@host`), or holding
      // one of its sampled events.
      if (
        (kind === 'ip' || kind === 'user') &&
        !i.entities?.some((k) => k === key || (kind === 'user' && k.startsWith(`${key}@`))) &&
        !i.eventIds?.some((e) => ids.has(e))
      )
        continue;
      total++;
      if (i.state === 'new' || i.state === 'acknowledged' || i.state === 'in_progress') open++;
      if (found.length < INCIDENTS_SHOWN) found.push(i);
    }
  } while (after && scanned < ENTITY_INCIDENT_SCAN);
  return { items: found, total, open, complete: after === undefined };
}

/** Routes of this file. */
export const entityRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/entities/:kind/:value',
    operationId: 'getEntity',
    handle: async (ctx) => {
      const kind = ctx.params.kind as EntityKind;
      const value = ctx.params.value!;
      if (!Object.hasOwn(ENTITY_FIELDS, kind))
        throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'kind: one of ip, host, user, agency' });
      const days = typeof ctx.query.days === 'number' ? ctx.query.days : DEFAULT_DAYS;
      const to = Date.now();
      const from = to - days * DAY;
      let scope = ctx.scope;
      let agency: AgencyDoc | undefined;
      if (kind === 'agency') {
        // Another agency than the caller's own is not found (nothing of it is read).
        if (scope.kind === 'agency' && scope.agencyId !== value)
          throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'agency', id: value });
        agency = await ctx.svc.stores.state.collection<AgencyDoc>('agencies').get(scope, value);
        scope = agencyScope(value);
      }
      const q = kind === 'agency' ? '' : entityQuery(kind, value);
      const query = parseQuery(q);
      const events = ctx.svc.stores.events;
      // One pass when the entity is rare (the newest events are all of them); a count only when there are more.
      const sample = await events.search(scope, { query, from, to, size: ENTITY_SAMPLE });
      const count = sample.next
        ? await events.aggregate(scope, { query, from, to, agg: { kind: 'count' } })
        : { count: sample.events.length };
      const evs = sample.events;
      const ids = new Set(evs.map((e) => String(e['event.id'])));
      let firstSeen = evs.length ? timeOf(evs[evs.length - 1]!) : undefined;
      let lastSeen = evs.length ? timeOf(evs[0]!) : undefined;
      if (sample.next) {
        const oldest = await events.search(scope, {
          query,
          from,
          to,
          size: 1,
          sort: { field: '@timestamp', order: 'asc' },
        });
        if (oldest.events[0]) firstSeen = timeOf(oldest.events[0]);
      }
      // An incident last seen before an address's or account's oldest event cannot hold one of its events.
      const since = kind === 'ip' || kind === 'user' ? (firstSeen ?? to) : from;
      const incidents = await incidentsOf(ctx, scope, kind, value, ids, since);
      // Hosts the logs name (silent-host records: receipt times, all time) and the asset inventory.
      const hostFilter = kind === 'host' ? { host: value } : undefined;
      const hosts = kind === 'host' || kind === 'agency' ? await all<HostRecord>(ctx, scope, 'hosts', hostFilter) : [];
      const assets = (await all<Asset>(ctx, scope, 'assets')).filter((a) =>
        kind === 'host'
          ? a.host === value.toLowerCase()
          : kind === 'ip'
            ? a.addresses.includes(value)
            : kind === 'agency',
      );
      if (kind === 'host' || kind === 'agency')
        for (const h of hosts) {
          firstSeen = Math.min(firstSeen ?? h.firstSeen, h.firstSeen);
          lastSeen = Math.max(lastSeen ?? h.lastSeen, h.lastSeen);
        }
      const nothing = count.count === 0 && incidents.total === 0 && hosts.length === 0 && assets.length === 0;
      if (kind === 'agency' && !agency && nothing)
        throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'agency', id: value });
      const related = {
        ip: ['host.name', 'user.name', 'destination.port', 'agency.id'],
        host: ['source.ip', 'user.name', 'logsource.product', 'agency.id'],
        user: ['source.ip', 'host.name', 'agency.id'],
        agency: ['host.name', 'source.ip', 'user.name', 'logsource.product'],
      }[kind];
      return {
        body: {
          kind,
          value,
          query: q,
          window: { from, to, days },
          events: {
            total: count.count ?? 0,
            firstSeen,
            lastSeen,
            recent: evs.slice(0, 20),
            sampled: evs.length,
          },
          incidents,
          related: topValues(evs, related, value),
          context: {
            ...(kind === 'ip' ? { geo: geoOf(evs, value) } : {}),
            threatIntel: threatOf(evs),
            assets,
            ...(hosts.length ? { hosts: kind === 'host' ? hosts : hosts.length } : {}),
            ...(agency ? { agency: { id: agency.id, name: agency.name, networks: agency.networks } } : {}),
          },
        },
      };
    },
  },
];
