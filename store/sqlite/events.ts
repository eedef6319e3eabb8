/** The embedded event store: one SQLite table with indexed envelope columns, the JSON event and FTS5. */
import type Database from 'better-sqlite3';
import { logger } from '../../core/log.js';
import { histogram, stageTelemetry } from '../../core/metrics.js';
import { storeError } from '../errors.js';
import { stringForm, timeForm } from '../query/primitives.js';
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
import { ENTITY_COLUMNS, entityColumn } from './entity-columns.js';
import { jsonPath, type SqlOptions, toSql } from './sql.js';

const log = logger('store_sqlite');
const telemetry = stageTelemetry('store_sqlite');
const latency = histogram(
  'canhgac_store_query_seconds',
  'Store query latency by backend and operation',
  ['backend', 'op'],
  [0.005, 0.02, 0.1, 0.5, 2, 10, 60],
);
const searchTimer = latency.labels('sqlite', 'search');
const aggTimer = latency.labels('sqlite', 'aggregate');

/** The entity columns in ENTITY_COLUMNS order (the insert below passes their values in that order). */
const ENTITY_LIST = Object.values(ENTITY_COLUMNS).join(', ');

/** Events written per transaction: big enough to amortise the commit, small enough to keep readers moving. */
const TX_BATCH = 5000;

function folded(v: unknown): string | null {
  const s = stringForm(v);
  return s === undefined ? null : s.toLowerCase();
}

/** What the FTS index holds for a message: its text, or an array's element texts one per line. */
export function ftsText(v: unknown): string | undefined {
  if (Array.isArray(v)) {
    const parts: string[] = [];
    for (const e of v) {
      const s = stringForm(e);
      if (s !== undefined) parts.push(s);
    }
    return parts.length ? parts.join('\n') : undefined;
  }
  return stringForm(v);
}

/** Encodes a search_after cursor. */
function encodeCursor(ts: number, id: string): string {
  return Buffer.from(JSON.stringify([ts, id])).toString('base64url');
}

function decodeCursor(c: string): [number, string] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === 'string') {
      return [v[0] as number, v[1] as string];
    }
  } catch {
    // fall through
  }
  throw storeError('CANHGAC_ERR_STORE_CURSOR');
}

/** The SQLite implementation of EventStore (see store/types.ts for the contract). */
export class SqliteEventStore implements EventStore {
  private readonly insert: Database.Statement;
  private readonly insertFts: Database.Statement;
  private readonly writeTx: (events: readonly StoredEvent[], scope: Scope, res: WriteResult, base: number) => void;
  private closed = false;
  private readonly vocab: Database.Statement;
  private readonly rowCount: Database.Statement;
  private rows = { n: 0, at: 0 };
  /** Prepared statements by SQL text: dashboards repeat the same searches, slices repeat the same edges. */
  private readonly stmts = new Map<string, Database.Statement>();
  /** Planner hint for substring searches (see sql.ts SqlOptions). */
  private readonly sqlOpts: SqlOptions = { ftsUseful: (lit) => this.ftsUseful(lit) };
  private readonly dfCache = new Map<string, { df: number; at: number }>();

  constructor(
    private readonly db: Database.Database,
    /** Rows per slice of a long scan (see slices()); small values in tests exercise the slicing. */
    private readonly chunkRows = 50_000,
  ) {
    this.vocab = db.prepare('SELECT doc FROM events_fts_vocab WHERE term = ?').pluck();
    this.rowCount = db.prepare('SELECT max(rid) - min(rid) + 1 FROM events').pluck();
    this.insert = db.prepare(
      `INSERT INTO events (id, ts, agency, host, product, category, service, ${ENTITY_LIST}, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ${ENTITY_LIST.replace(/\w+/g, '?')}, jsonb(?)) ON CONFLICT(id) DO NOTHING`,
    );
    this.insertFts = db.prepare('INSERT INTO events_fts (rowid, message) VALUES (?, ?)');
    this.writeTx = db.transaction((events, scope, res, base) => {
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        const reason = this.validate(e, scope);
        if (reason !== undefined) {
          res.rejected.push({ index: base + i, reason });
          continue;
        }
        let json: string;
        try {
          json = JSON.stringify(e);
        } catch {
          // A cycle or a BigInt: cannot be stored as JSON; rejected alone, not with its whole batch.
          res.rejected.push({ index: base + i, reason: 'not_serialisable' });
          continue;
        }
        const id = e['event.id'] as string;
        const ts = timeForm(e['@timestamp']) as number;
        const info = this.insert.run(
          id,
          ts,
          e['agency.id'] as string,
          folded(e['host.name']),
          folded(e['logsource.product']),
          folded(e['logsource.category']),
          folded(e['logsource.service']),
          entityColumn(e['source.ip']),
          entityColumn(e['destination.ip']),
          entityColumn(e['host.ip']),
          entityColumn(e['user.name']),
          json,
        );
        if (info.changes === 0) {
          res.duplicates++;
          continue;
        }
        res.written++;
        const msg = ftsText(e.message);
        if (msg !== undefined) this.insertFts.run(info.lastInsertRowid, msg);
      }
    });
  }

  /**
   * The FTS pre-filter pays when the literal is rare: the least frequent of its trigrams is in under 5% of the
   * events. A common word is found faster by scanning newest first and stopping at the page size.
   */
  /**
   * Events holding a trigram, remembered for a minute: fts5vocab counts them by reading the term's whole posting
   * list (~80 ms for a trigram of every event at 1,000,000 events), and a search page compiles the same literal
   * for its results, histogram and field values.
   */
  private docFrequency(trigram: string, now: number): number {
    const hit = this.dfCache.get(trigram);
    if (hit && now - hit.at < 60_000) return hit.df;
    const df = Number(this.vocab.get(trigram) ?? 0);
    if (this.dfCache.size >= 1000) this.dfCache.clear();
    this.dfCache.set(trigram, { df, at: now });
    return df;
  }

  private ftsUseful(literal: string): boolean {
    const now = Date.now();
    if (now - this.rows.at > 10_000) this.rows = { n: Number(this.rowCount.get() ?? 0), at: now };
    if (this.rows.n < 2000) return true;
    let min = Number.POSITIVE_INFINITY;
    const chars = [...literal];
    for (let i = 0; i + 3 <= chars.length && min > 0; i++) {
      const df = this.docFrequency(chars.slice(i, i + 3).join(''), now);
      if (df < min) min = df;
    }
    return min * 20 < this.rows.n;
  }

  private validate(e: StoredEvent, scope: Scope): string | undefined {
    if (e === null || typeof e !== 'object') return 'not_an_object';
    const id = e['event.id'];
    if (typeof id !== 'string' || id === '') return 'missing_id';
    const ts = e['@timestamp'];
    if (ts === undefined || ts === null) return 'missing_timestamp';
    if (timeForm(ts) === undefined) return 'bad_timestamp';
    const agency = e['agency.id'];
    if (typeof agency !== 'string' || agency === '') return 'missing_agency';
    if (scope.kind === 'agency' && agency !== scope.agencyId) return 'out_of_scope';
    return undefined;
  }

  /** A cached prepared statement (at most 256; the oldest goes first). */
  private stmt(sql: string): Database.Statement {
    let st = this.stmts.get(sql);
    if (st === undefined) {
      st = this.db.prepare(sql);
      if (this.stmts.size >= 256) this.stmts.delete(this.stmts.keys().next().value as string);
      this.stmts.set(sql, st);
    }
    return st;
  }

  private check(): void {
    if (this.closed) throw storeError('CANHGAC_ERR_STORE_CLOSED');
  }

  async write(scope: Scope, events: readonly StoredEvent[]): Promise<WriteResult> {
    return this.writeSync(scope, events);
  }

  /** Synchronous bulk write (the ingest hot path and benchmarks avoid a promise per batch). */
  writeSync(scope: Scope, events: readonly StoredEvent[]): WriteResult {
    this.check();
    const res: WriteResult = { written: 0, duplicates: 0, rejected: [] };
    telemetry.received(events.length);
    for (let at = 0; at < events.length; at += TX_BATCH) {
      this.writeTx(events.slice(at, at + TX_BATCH), scope, res, at);
    }
    telemetry.sent(res.written);
    if (res.rejected.length > 0) this.reportRejected(res.rejected);
    return res;
  }

  private reportRejected(rejected: RejectedEvent[]): void {
    const byReason = new Map<string, number>();
    for (const r of rejected) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
    for (const [reason, n] of byReason) telemetry.dropped(reason, n);
    log.warn({ rejected: Object.fromEntries(byReason) }, 'Rejected events in a bulk write.');
  }

  private where(scope: Scope, query: SearchRequest['query'], from?: number, to?: number): [string, unknown[]] {
    const conds: string[] = [];
    const params: unknown[] = [];
    if (scope.kind === 'agency') {
      conds.push('agency = ?');
      params.push(scope.agencyId);
    }
    if (from !== undefined) {
      conds.push('ts >= ?');
      params.push(from);
    }
    if (to !== undefined) {
      conds.push('ts < ?');
      params.push(to);
    }
    const q = toSql(query, this.sqlOpts);
    if (q.sql !== '1') {
      conds.push(q.sql);
      params.push(...q.params);
    }
    return [conds.length ? conds.join(' AND ') : '1', params];
  }

  /**
   * Time slices of about `chunkRows` events each, in scan order, covering [from, to). better-sqlite3 is
   * synchronous: one statement over millions of rows would hold the event loop (and with it syslog intake) for
   * seconds, so long scans run as one statement per slice with the event loop turning in between. Slice edges
   * come from the time index alone (an OFFSET over index entries, no row is read).
   */
  private async *slices(scope: Scope, from: number | undefined, to: number | undefined, desc: boolean) {
    const agency = scope.kind === 'agency' ? 'agency = ? AND ' : '';
    const aParams = scope.kind === 'agency' ? [scope.agencyId] : [];
    let lo = from ?? Number.MIN_SAFE_INTEGER;
    let hi = to ?? Number.MAX_SAFE_INTEGER;
    let first = true;
    while (lo < hi) {
      if (!first) await new Promise<void>((r) => setImmediate(r));
      first = false;
      if (desc) {
        const edge = this.stmt(
          `SELECT ts FROM events WHERE ${agency}ts >= ? AND ts < ? ORDER BY ts DESC LIMIT 1 OFFSET ?`,
        )
          .pluck()
          .get(...aParams, lo, hi, this.chunkRows) as number | undefined;
        // A run of equal timestamps longer than a slice is taken whole, so every slice makes progress.
        const sliceLo = edge === undefined ? lo : edge + 1 < hi ? edge + 1 : edge;
        yield [sliceLo, hi] as const;
        hi = sliceLo;
      } else {
        const edge = this.stmt(
          `SELECT ts FROM events WHERE ${agency}ts >= ? AND ts < ? ORDER BY ts ASC LIMIT 1 OFFSET ?`,
        )
          .pluck()
          .get(...aParams, lo, hi, this.chunkRows) as number | undefined;
        const sliceHi = edge === undefined ? hi : edge > lo ? edge : edge + 1;
        yield [lo, sliceHi] as const;
        lo = sliceHi;
      }
    }
  }

  async search(scope: Scope, req: SearchRequest): Promise<SearchPage> {
    this.check();
    const end = searchTimer.startTimer();
    try {
      return await this.searchSliced(scope, req);
    } finally {
      end();
    }
  }

  private async searchSliced(scope: Scope, req: SearchRequest): Promise<SearchPage> {
    const size = req.size;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: `size must be 1..${MAX_PAGE_SIZE}` });
    }
    const desc = (req.sort?.order ?? 'desc') === 'desc';
    let [where, params] = this.where(scope, req.query, undefined, undefined);
    let from = req.from;
    let to = req.to;
    if (req.after !== undefined) {
      const [ts, id] = decodeCursor(req.after);
      where += desc ? ' AND (ts, id) < (?, ?)' : ' AND (ts, id) > (?, ?)';
      params = [...params, ts, id];
      if (desc) to = Math.min(to ?? Number.MAX_SAFE_INTEGER, ts + 1);
      else from = Math.max(from ?? Number.MIN_SAFE_INTEGER, ts);
    }
    const dir = desc ? 'DESC' : 'ASC';
    const stmt = this.stmt(
      `SELECT ts, id, json(doc) AS doc FROM events WHERE ts >= ? AND ts < ? AND ${where} ORDER BY ts ${dir}, id ${dir} LIMIT ?`,
    );
    const rows: { ts: number; id: string; doc: string }[] = [];
    for await (const [lo, hi] of this.slices(scope, from, to, desc)) {
      this.check();
      rows.push(...(stmt.all(lo, hi, ...params, size + 1 - rows.length) as typeof rows));
      if (rows.length > size) break;
    }
    const more = rows.length > size;
    if (more) rows.pop();
    const page: SearchPage = { events: rows.map((r) => JSON.parse(r.doc) as StoredEvent) };
    const last = rows[rows.length - 1];
    if (more && last) page.next = encodeCursor(last.ts, last.id);
    return page;
  }

  /** Streams every matching event in sort order, page by page (retro-hunt, exports). */
  async *scan(scope: Scope, req: Omit<SearchRequest, 'size' | 'after'>, pageSize = 1000): AsyncIterable<StoredEvent> {
    let after: string | undefined;
    do {
      const page = await this.search(scope, { ...req, size: pageSize, ...(after ? { after } : {}) });
      yield* page.events;
      after = page.next;
    } while (after);
  }

  async get(scope: Scope, id: string): Promise<StoredEvent | undefined> {
    this.check();
    const row = (
      scope.kind === 'agency'
        ? this.stmt('SELECT json(doc) AS doc FROM events WHERE id = ? AND agency = ?').get(id, scope.agencyId)
        : this.stmt('SELECT json(doc) AS doc FROM events WHERE id = ?').get(id)
    ) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as StoredEvent) : undefined;
  }

  async aggregate(scope: Scope, req: AggregationRequest): Promise<AggregationResult> {
    this.check();
    const end = aggTimer.startTimer();
    try {
      return await this.aggregateSliced(scope, req);
    } finally {
      end();
    }
  }

  private async aggregateSliced(scope: Scope, req: AggregationRequest): Promise<AggregationResult> {
    const [where, params] = this.where(scope, req.query, undefined, undefined);
    const agg = req.agg;
    // Aggregations merge per-slice results (see slices()).
    const each = async (sql: string, pre: unknown[]): Promise<{ k: string | number; n: number }[][]> => {
      const stmt = this.stmt(sql);
      const out: { k: string | number; n: number }[][] = [];
      for await (const [lo, hi] of this.slices(scope, req.from, req.to, true)) {
        this.check();
        out.push(stmt.all(...pre, lo, hi, ...params) as { k: string | number; n: number }[]);
      }
      return out;
    };
    const merge = (parts: { k: string | number; n: number }[][]) => {
      const m = new Map<string | number, number>();
      for (const rows of parts) for (const r of rows) m.set(r.k, (m.get(r.k) ?? 0) + r.n);
      return m;
    };
    switch (agg.kind) {
      case 'count': {
        const parts = await each(`SELECT 0 AS k, count(*) AS n FROM events WHERE ts >= ? AND ts < ? AND ${where}`, []);
        return { count: parts.reduce((a, rows) => a + (rows[0]?.n ?? 0), 0) };
      }
      case 'terms': {
        // Each distinct value of an event counts once (a list counts each of its elements), like OpenSearch.
        const size = Math.min(Math.max(1, Math.floor(agg.size)), MAX_PAGE_SIZE);
        const path = jsonPath(agg.field);
        const valueSql = path === undefined ? 'cg_field(json(doc), ?)' : 'doc -> ?';
        const parts = await each(
          `SELECT t.value AS k, count(*) AS n FROM events, json_each(cg_terms(${valueSql})) AS t
           WHERE ts >= ? AND ts < ? AND ${where} GROUP BY k`,
          [path ?? agg.field],
        );
        const all = [...merge(parts)].map(([key, count]) => ({ key: String(key), count, b: Buffer.from(String(key)) }));
        // Ties by key in UTF-8 byte order, as SQLite (and OpenSearch keyword fields) compare.
        all.sort((a, b) => b.count - a.count || Buffer.compare(a.b, b.b));
        return { buckets: all.slice(0, size).map(({ key, count }) => ({ key, count })) };
      }
      case 'date_histogram': {
        const iv = Math.floor(agg.intervalMs);
        if (!(iv >= 1)) throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: 'intervalMs must be >= 1' });
        const parts = await each(
          `SELECT ts - (((ts % ?) + ?) % ?) AS k, count(*) AS n FROM events WHERE ts >= ? AND ts < ? AND ${where}
           GROUP BY k`,
          [iv, iv, iv],
        );
        const buckets = [...merge(parts)].map(([key, count]) => ({ key: Number(key), count }));
        buckets.sort((a, b) => a.key - b.key);
        return { buckets };
      }
    }
  }

  async deleteOlderThan(scope: Scope, cutoffMs: number): Promise<number> {
    this.check();
    const info =
      scope.kind === 'agency'
        ? this.db.prepare('DELETE FROM events WHERE ts < ? AND agency = ?').run(cutoffMs, scope.agencyId)
        : this.db.prepare('DELETE FROM events WHERE ts < ?').run(cutoffMs);
    if (info.changes > 0) log.info({ deleted: info.changes, cutoffMs }, 'Deleted events past retention.');
    return info.changes;
  }

  /** SQLite runs every node kind (user functions cover what SQL cannot). */
  unsupported(): string[] {
    return [];
  }

  async refresh(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }
}
