/** The OpenSearch event store: daily indices behind an alias, idempotent bulk writes, scoped reads. */
import type { Client } from '@opensearch-project/opensearch';
import { logger } from '../../core/log.js';
import { stageTelemetry } from '../../core/metrics.js';
import { storeError } from '../errors.js';
import {
  type AggregationRequest,
  type AggregationResult,
  type EventStore,
  MAX_PAGE_SIZE,
  type RejectedEvent,
  type Scope,
  type SearchPage,
  type SearchRequest,
  type StoredEvent,
  type WriteResult,
} from '../types.js';
import { type BulkDoc, type BulkOptions, BulkWriter, indexDeadLetters } from './bulk.js';
import { type Json, rest } from './client.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { scopeFilter, searchQuery } from './query.js';
import { dayOfIndex, eventsIndexFor, type Layout } from './schema.js';
import { needsRewrite, restore, rewrite } from './shape.js';

const log = logger('store_opensearch');
const DAY_MS = 86_400_000;

/** Epoch ms of an event's `@timestamp`, or a rejection reason. */
function timestampOf(v: unknown): number | 'missing_timestamp' | 'bad_timestamp' {
  if (v === undefined || v === null) return 'missing_timestamp';
  if (typeof v === 'number') return Number.isFinite(v) ? v : 'bad_timestamp';
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : 'bad_timestamp';
  }
  return 'bad_timestamp';
}

/** The event store over one cluster and index prefix. */
export class OpenSearchEventStore implements EventStore {
  private readonly writer: BulkWriter;
  private readonly telemetry = stageTelemetry('store_opensearch');
  private closed = false;

  constructor(
    private readonly client: Client,
    private readonly l: Layout,
    bulk: BulkOptions = {},
  ) {
    this.writer = new BulkWriter(client, indexDeadLetters(client, l.deadLetters), bulk);
  }

  private lastDay = Number.NaN;
  private lastIndex = '';

  /** The daily index of a timestamp; batches are mostly one day, so the name is built once per day seen. */
  private indexFor(ts: number): string {
    const day = Math.floor(ts / DAY_MS);
    if (day !== this.lastDay) {
      this.lastDay = day;
      this.lastIndex = eventsIndexFor(this.l, ts);
    }
    return this.lastIndex;
  }

  private open(): void {
    if (this.closed) throw storeError('CANHGAC_ERR_STORE_CLOSED');
  }

  async write(scope: Scope, events: readonly StoredEvent[]): Promise<WriteResult> {
    this.open();
    this.telemetry.received(events.length);
    const rejected: RejectedEvent[] = [];
    const docs: BulkDoc[] = [];
    const positions: number[] = [];
    for (let k = 0; k < events.length; k++) {
      const e = events[k]!;
      const id = e['event.id'];
      const agency = e['agency.id'];
      let reason: string | undefined;
      const ts = timestampOf(e['@timestamp']);
      if (typeof id !== 'string' || id === '') reason = 'missing_id';
      else if (typeof ts === 'string') reason = ts;
      else if (typeof agency !== 'string' || agency === '') reason = 'missing_agency';
      else if (scope.kind === 'agency' && agency !== scope.agencyId) reason = 'out_of_scope';
      if (reason !== undefined) {
        rejected.push({ index: k, reason });
        continue;
      }
      let json: string;
      try {
        json = JSON.stringify(needsRewrite(e) ? rewrite(e) : e);
      } catch {
        // BigInt or a cycle: not JSON, cannot be stored; reported like any other malformed event.
        rejected.push({ index: k, reason: 'unserialisable' });
        continue;
      }
      docs.push({ index: this.indexFor(ts as number), id: id as string, json });
      positions.push(k);
    }
    const outcomes = docs.length > 0 ? await this.writer.write(docs) : [];
    let written = 0;
    let duplicates = 0;
    for (let j = 0; j < outcomes.length; j++) {
      const o = outcomes[j];
      if (o === 'created') written++;
      else if (o === 'duplicate') duplicates++;
      else rejected.push({ index: positions[j]!, reason: 'dead_letter' });
    }
    if (rejected.length > 0) {
      rejected.sort((a, b) => a.index - b.index);
      const byReason = new Map<string, number>();
      for (const r of rejected) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
      for (const [reason, n] of byReason) this.telemetry.dropped(reason, n);
      log.warn({ rejected: Object.fromEntries(byReason) }, 'Events not stored; reasons counted.');
    }
    this.telemetry.sent(written);
    return { written, duplicates, rejected };
  }

  async search(scope: Scope, req: SearchRequest): Promise<SearchPage> {
    this.open();
    if (!Number.isInteger(req.size) || req.size < 1 || req.size > MAX_PAGE_SIZE) {
      throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: `page size ${req.size} outside 1..${MAX_PAGE_SIZE}` });
    }
    const order = req.sort?.order ?? 'desc';
    const body: Json = {
      query: searchQuery(scope, req.query, req.from, req.to),
      sort: [{ '@timestamp': { order } }, { 'event.id': { order } }],
      size: req.size + 1,
      track_total_hits: false,
    };
    if (req.after !== undefined) body.search_after = decodeCursor(req.after);
    const hits = await this.hits(body);
    const more = hits.length > req.size;
    const page = more ? hits.slice(0, req.size) : hits;
    const events = page.map((h) => restore(h._source));
    return more ? { events, next: encodeCursor(page[page.length - 1]!.sort) } : { events };
  }

  private async hits(body: Json): Promise<{ _source: StoredEvent; sort: unknown[] }[]> {
    const res = await rest(this.client, 'POST', `/${this.l.eventsPattern}/_search`, body, {
      querystring: { ignore_unavailable: true, allow_no_indices: true },
    });
    return ((res.body.hits as { hits?: unknown[] } | undefined)?.hits ?? []) as {
      _source: StoredEvent;
      sort: unknown[];
    }[];
  }

  async get(scope: Scope, id: string): Promise<StoredEvent | undefined> {
    this.open();
    const filter: Json[] = [{ ids: { values: [id] } }];
    const s = scopeFilter(scope);
    if (s) filter.push(s);
    const hits = await this.hits({ query: { bool: { filter } }, size: 1 });
    const h = hits[0];
    return h ? restore(h._source) : undefined;
  }

  async aggregate(scope: Scope, req: AggregationRequest): Promise<AggregationResult> {
    this.open();
    const query = searchQuery(scope, req.query, req.from, req.to);
    const qs = { ignore_unavailable: true, allow_no_indices: true };
    const a = req.agg;
    if (a.kind === 'count') {
      const res = await rest(this.client, 'POST', `/${this.l.eventsPattern}/_count`, { query }, { querystring: qs });
      return { count: Number(res.body.count ?? 0) };
    }
    const agg: Json =
      a.kind === 'terms'
        ? { terms: { field: a.field, size: a.size, order: [{ _count: 'desc' }, { _key: 'asc' }] } }
        : { date_histogram: { field: '@timestamp', fixed_interval: `${a.intervalMs}ms`, min_doc_count: 1 } };
    const res = await rest(
      this.client,
      'POST',
      `/${this.l.eventsPattern}/_search`,
      { query, size: 0, aggs: { a: agg } },
      { querystring: qs },
    );
    const buckets = ((res.body.aggregations as { a?: { buckets?: unknown[] } } | undefined)?.a?.buckets ?? []) as {
      key: string | number;
      key_as_string?: string;
      doc_count: number;
    }[];
    return {
      buckets: buckets.map((b) => ({
        key: a.kind === 'terms' ? (b.key_as_string ?? String(b.key)) : Number(b.key),
        count: b.doc_count,
      })),
    };
  }

  /**
   * Retention. For the whole province, daily indices entirely older than the cutoff are dropped whole (cheap);
   * the rest, and any agency-scoped deletion, go through `_delete_by_query` on the cutoff.
   */
  async deleteOlderThan(scope: Scope, cutoffMs: number): Promise<number> {
    this.open();
    let deleted = 0;
    const qs = { ignore_unavailable: true, allow_no_indices: true };
    if (scope.kind === 'all') {
      const cat = await rest(this.client, 'GET', `/_cat/indices/${this.l.eventsPattern}`, undefined, {
        querystring: { format: 'json', h: 'index', ...qs },
      });
      const rows = Object.values(cat.body) as { index?: string }[];
      const whole = rows
        .map((r) => r.index ?? '')
        .filter((i) => {
          const day = dayOfIndex(this.l, i);
          return day !== undefined && day + DAY_MS <= cutoffMs;
        });
      if (whole.length > 0) {
        const path = `/${whole.join(',')}`;
        await rest(this.client, 'POST', `${path}/_refresh`);
        const c = await rest(this.client, 'POST', `${path}/_count`, { query: { match_all: {} } });
        await rest(this.client, 'DELETE', path);
        deleted += Number(c.body.count ?? 0);
        log.info({ indices: whole.length, events: deleted }, 'Dropped event indices past retention.');
      }
    }
    const res = await rest(
      this.client,
      'POST',
      `/${this.l.eventsPattern}/_delete_by_query`,
      { query: searchQuery(scope, { kind: 'all' }, undefined, cutoffMs) },
      { querystring: { ...qs, conflicts: 'proceed', refresh: true } },
    );
    deleted += Number(res.body.deleted ?? 0);
    return deleted;
  }

  async refresh(): Promise<void> {
    this.open();
    await rest(this.client, 'POST', `/${this.l.eventsPattern},${this.l.deadLetters}/_refresh`, undefined, {
      querystring: { ignore_unavailable: true, allow_no_indices: true },
    });
  }

  async close(): Promise<void> {
    // Buffered documents (flushIntervalMs > 0) still go out; their writers are waiting for outcomes.
    this.writer.flush();
    this.closed = true;
  }

  /** Dead letters (for operators and tests): newest first. */
  async deadLetters(scope: Scope, size = 100): Promise<Json[]> {
    this.open();
    const s = scopeFilter(scope);
    const res = await rest(
      this.client,
      'POST',
      `/${this.l.deadLetters}/_search`,
      { query: s ? { bool: { filter: [s] } } : { match_all: {} }, size, sort: [{ '@timestamp': 'desc' }] },
      { querystring: { ignore_unavailable: true } },
    );
    return (((res.body.hits as { hits?: unknown[] } | undefined)?.hits ?? []) as { _source: Json }[]).map((h) => {
      // The dead letter keeps the indexed form; show the event as it was written.
      const src = { ...h._source };
      try {
        src.original = JSON.stringify(restore(JSON.parse(String(src.original)) as Json));
      } catch {
        // an unparsable original is shown as stored
      }
      return src;
    });
  }
}
