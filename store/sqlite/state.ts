/** The embedded state store: versioned JSON documents per collection in one SQLite table. */
import type Database from 'better-sqlite3';
import { storeError } from '../errors.js';
import {
  COLLECTION_NAME,
  type Collection,
  type CollectionName,
  type DocFilter,
  type DocPage,
  type GroupStatsRequest,
  type GroupStatsRow,
  type ListOptions,
  MAX_PAGE_SIZE,
  type NewDoc,
  type PutOptions,
  SCOPE_ALL,
  type Scope,
  type StateRef,
  type StateStore,
  type StateWrite,
  type Versioned,
} from '../types.js';
import { incidentStatRows, summaryAnswers } from './incident-stats.js';
import { jsonPath } from './sql.js';

type Row = { id: string; agency: string | null; version: number; doc: string };
type SortValue = string | number | null;

function encodeCursor(v: SortValue, id: string): string {
  return Buffer.from(JSON.stringify([v, id])).toString('base64url');
}

function decodeCursor(c: string): [SortValue, string] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[1] === 'string') {
      const k = v[0] as unknown;
      if (k === null || typeof k === 'string' || typeof k === 'number') return [k, v[1]];
    }
  } catch {
    // fall through
  }
  throw storeError('CANHGAC_ERR_STORE_CURSOR');
}

const DAY_MS = 86_400_000;

/** Adds grouped rows (k, s, n, sum<i>, max<i>, first<i>) into the groups of a request. */
function foldRows(out: Map<unknown, GroupStatsRow>, req: GroupStatsRequest, rows: Record<string, unknown>[]): void {
  for (const r of rows) {
    const key = r.k as string | number | null;
    let g = out.get(key);
    if (!g) {
      g = { key, count: 0, sum: {}, max: {}, first: {}, split: {} };
      out.set(key, g);
    }
    const n = Number(r.n);
    g.count += n;
    if (req.split) g.split[String(r.s)] = (g.split[String(r.s)] ?? 0) + n;
    for (const [i, f] of (req.sum ?? []).entries()) g.sum[f] = (g.sum[f] ?? 0) + Number(r[`sum${i}`] ?? 0);
    for (const [i, f] of (req.max ?? []).entries()) {
      const v = r[`max${i}`];
      if (typeof v === 'number') g.max[f] = Math.max(g.max[f] ?? v, v);
    }
    for (const [i, f] of (req.first ?? []).entries())
      if (g.first[f] === undefined && r[`first${i}`] !== null) g.first[f] = r[`first${i}`];
  }
}

/** Prepared statements per database and SQL text: listings repeat the same few queries. */
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function preparedOn(db: Database.Database, sql: string): Database.Statement {
  let m = statements.get(db);
  if (!m) {
    m = new Map();
    statements.set(db, m);
  }
  let st = m.get(sql);
  if (!st) {
    if (m.size >= 500) m.clear();
    st = db.prepare(sql);
    m.set(sql, st);
  }
  return st;
}

class SqliteCollection<T extends object> implements Collection<T> {
  constructor(
    private readonly db: Database.Database,
    private readonly name: string,
    private readonly isClosed: () => boolean,
  ) {}

  private check(): void {
    if (this.isClosed()) throw storeError('CANHGAC_ERR_STORE_CLOSED');
  }

  private row(id: string): Row | undefined {
    return this.db.prepare('SELECT id, agency, version, doc FROM state WHERE coll = ? AND id = ?').get(this.name, id) as
      | Row
      | undefined;
  }

  async get(scope: Scope, id: string): Promise<Versioned<T> | undefined> {
    return this.getNow(scope, id);
  }

  /** get, synchronously. */
  getNow(scope: Scope, id: string): Versioned<T> | undefined {
    this.check();
    const r = this.row(id);
    if (!r || (scope.kind === 'agency' && r.agency !== scope.agencyId)) return undefined;
    return JSON.parse(r.doc) as Versioned<T>;
  }

  async put(scope: Scope, doc: NewDoc<T>, opts: PutOptions = {}): Promise<Versioned<T>> {
    return this.putNow(scope, doc, opts);
  }

  /** put, synchronously (a bulk write runs many in one transaction). */
  putNow(scope: Scope, doc: NewDoc<T>, opts: PutOptions = {}): Versioned<T> {
    this.check();
    if (typeof doc?.id !== 'string' || doc.id === '') {
      throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: 'a document needs a non-empty string id' });
    }
    return this.db.transaction((): Versioned<T> => {
      let agencyId = doc.agencyId;
      if (agencyId !== undefined && (typeof agencyId !== 'string' || agencyId === '')) {
        throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: 'agencyId must be a non-empty string' });
      }
      if (scope.kind === 'agency') {
        agencyId ??= scope.agencyId;
        if (agencyId !== scope.agencyId) {
          throw storeError('CANHGAC_ERR_STORE_SCOPE', { collection: this.name, id: doc.id, agencyId: scope.agencyId });
        }
      }
      const cur = this.row(doc.id);
      if (cur && scope.kind === 'agency' && cur.agency !== scope.agencyId) {
        throw storeError('CANHGAC_ERR_STORE_SCOPE', { collection: this.name, id: doc.id, agencyId: scope.agencyId });
      }
      this.checkVersion(doc.id, opts.expectedVersion, cur);
      const version = (cur?.version ?? 0) + 1;
      const stored = { ...doc, id: doc.id, version } as Versioned<T>;
      if (agencyId === undefined) delete (stored as { agencyId?: string }).agencyId;
      else stored.agencyId = agencyId;
      let json: string;
      try {
        json = JSON.stringify(stored);
      } catch (err) {
        throw storeError(
          'CANHGAC_ERR_STORE_INVALID',
          { reason: 'the document cannot be stored as JSON' },
          { cause: err },
        );
      }
      this.db
        .prepare(
          `INSERT INTO state (coll, id, agency, version, doc) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(coll, id) DO UPDATE SET agency = excluded.agency, version = excluded.version, doc = excluded.doc`,
        )
        .run(this.name, doc.id, agencyId ?? null, version, json);
      return stored;
    })();
  }

  private checkVersion(id: string, expected: number | undefined, cur: Row | undefined): void {
    if (expected === undefined) return;
    const actual = cur?.version ?? 0;
    if (expected !== actual) {
      throw storeError(
        'CANHGAC_ERR_STORE_CONFLICT',
        { collection: this.name, id, expected, actual },
        { details: { collection: this.name, id, expected, actual } },
      );
    }
  }

  async delete(scope: Scope, id: string, opts: PutOptions = {}): Promise<boolean> {
    return this.deleteNow(scope, id, opts);
  }

  /** delete, synchronously. */
  deleteNow(scope: Scope, id: string, opts: PutOptions = {}): boolean {
    this.check();
    return this.db.transaction((): boolean => {
      const cur = this.row(id);
      if (!cur || (scope.kind === 'agency' && cur.agency !== scope.agencyId)) {
        if (opts.expectedVersion !== undefined && opts.expectedVersion !== 0)
          this.checkVersion(id, opts.expectedVersion, undefined);
        return false;
      }
      this.checkVersion(id, opts.expectedVersion, cur);
      this.db.prepare('DELETE FROM state WHERE coll = ? AND id = ?').run(this.name, id);
      return true;
    })();
  }

  async list(scope: Scope, opts: ListOptions = {}): Promise<DocPage<T>> {
    this.check();
    const size = opts.size ?? 100;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: `size must be 1..${MAX_PAGE_SIZE}` });
    }
    const params: unknown[] = [];
    const conds = this.where(scope, opts.filter, params);
    const sortField = opts.sort?.field ?? 'id';
    const desc = opts.sort?.order === 'desc';
    let keySql = 'id';
    const keyParams: unknown[] = [];
    if (sortField !== 'id') {
      const path = jsonPath(sortField);
      if (path === undefined) throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: `cannot sort on ${sortField}` });
      // The path inlined as a literal (jsonPath refuses quotes and control characters): SQLite uses an expression
      // index only when the query spells the same expression, so the hot sorts (incidents by lastSeen, audit by
      // time) are index scans, not a sort of the whole collection.
      keySql = `json_extract(doc, '${path.replace(/'/g, "''")}')`;
    }
    if (opts.after !== undefined) {
      const [k, id] = decodeCursor(opts.after);
      if (sortField === 'id') {
        conds.push(desc ? 'id < ?' : 'id > ?');
        params.push(id);
      } else if (k === null) {
        conds.push(desc ? `(${keySql} IS NULL AND id < ?)` : `(${keySql} IS NOT NULL OR id > ?)`);
        params.push(...keyParams, id);
      } else if (desc) {
        conds.push(`(${keySql} < ? OR ${keySql} IS NULL OR (${keySql} = ? AND id < ?))`);
        params.push(...keyParams, k, ...keyParams, ...keyParams, k, id);
      } else {
        conds.push(`(${keySql} > ? OR (${keySql} = ? AND id > ?))`);
        params.push(...keyParams, k, ...keyParams, k, id);
      }
    }
    const dir = desc ? 'DESC' : 'ASC';
    const order = sortField === 'id' ? `id ${dir}` : `${keySql} ${dir}, id ${dir}`;
    const rows = preparedOn(
      this.db,
      `SELECT id, doc, ${keySql} AS k FROM state WHERE ${conds.join(' AND ')} ORDER BY ${order} LIMIT ?`,
    ).all(...keyParams, ...params, ...(sortField === 'id' ? [] : keyParams), size + 1) as {
      id: string;
      doc: string;
      k: SortValue;
    }[];
    const more = rows.length > size;
    if (more) rows.pop();
    const page: DocPage<T> = { docs: rows.map((r) => JSON.parse(r.doc) as Versioned<T>) };
    const last = rows[rows.length - 1];
    if (more && last) page.next = encodeCursor(sortField === 'id' ? null : last.k, last.id);
    return page;
  }

  /** The WHERE conditions of a scope and a filter (parameters appended to `params`). */
  private where(scope: Scope, filter: DocFilter | undefined, params: unknown[]): string[] {
    const conds = ['coll = ?'];
    params.push(this.name);
    if (scope.kind === 'agency') {
      conds.push('agency = ?');
      params.push(scope.agencyId);
    }
    for (const [field, want] of Object.entries(filter ?? {})) {
      const v = this.fieldSql(field, params);
      if (want === null) {
        conds.push(`(${v} IS NULL OR ${v} = 'null')`);
        params.push(...params.slice(-1));
      } else if (Array.isArray(want)) {
        if (want.length === 0) conds.push('0');
        else {
          conds.push(`${v} IN (${want.map(() => '?').join(', ')})`);
          params.push(...want.map((w) => JSON.stringify(w)));
        }
      } else {
        conds.push(`${v} = ?`);
        params.push(JSON.stringify(want));
      }
    }
    return conds;
  }

  /**
   * Grouped figures: incidents by rule and state from the summary the triggers keep (incident-stats.ts), the
   * first day of a period from the incidents themselves; anything else in one grouped statement.
   */
  async groupStats(scope: Scope, req: GroupStatsRequest): Promise<GroupStatsRow[]> {
    this.check();
    const out = new Map<unknown, GroupStatsRow>();
    if (this.name === 'incidents' && summaryAnswers(req)) {
      const sinceDay = req.since ? Math.floor(req.since.from / DAY_MS) : undefined;
      foldRows(out, req, incidentStatRows(this.db, scope.kind === 'agency' ? scope.agencyId : undefined, sinceDay));
      if (sinceDay !== undefined) foldRows(out, req, this.sqlGroups(scope, req, (sinceDay + 1) * DAY_MS));
    } else foldRows(out, req, this.sqlGroups(scope, req));
    return [...out.values()];
  }

  /** One grouped statement (a `since` on lastSeen spells the state_last_seen index's expression: a range). */
  private sqlGroups(scope: Scope, req: GroupStatsRequest, until?: number): Record<string, unknown>[] {
    const params: unknown[] = [];
    const conds = this.where(scope, req.filter, params);
    const path = (f: string) => {
      const p = jsonPath(f);
      if (p === undefined) throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: `cannot group on ${f}` });
      return `'${p.replace(/'/g, "''")}'`;
    };
    if (req.since) {
      conds.push(`json_extract(doc, ${path(req.since.field)}) >= ?`);
      params.push(req.since.from);
      if (until !== undefined) {
        conds.push(`json_extract(doc, ${path(req.since.field)}) < ?`);
        params.push(until);
      }
    }
    const cols = [
      `json_extract(doc, ${path(req.by)}) AS k`,
      req.split ? `json_extract(doc, ${path(req.split)}) AS s` : 'NULL AS s',
      'count(*) AS n',
      ...(req.sum ?? []).map((f, i) => `total(json_extract(doc, ${path(f)})) AS sum${i}`),
      ...(req.max ?? []).map((f, i) => `max(json_extract(doc, ${path(f)})) AS max${i}`),
      ...(req.first ?? []).map((f, i) => `max(json_extract(doc, ${path(f)})) AS first${i}`),
    ];
    return preparedOn(this.db, `SELECT ${cols.join(', ')} FROM state WHERE ${conds.join(' AND ')} GROUP BY k, s`).all(
      ...params,
    ) as Record<string, unknown>[];
  }

  private fieldSql(field: string, params: unknown[]): string {
    const path = jsonPath(field);
    if (path === undefined) throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: `cannot filter on ${field}` });
    params.push(path);
    return '(doc -> ?)';
  }
}

/** The SQLite implementation of StateStore. */
export class SqliteStateStore implements StateStore {
  private closed = false;
  constructor(private readonly db: Database.Database) {}

  collection<T extends object>(name: CollectionName): Collection<T> {
    if (!COLLECTION_NAME.test(name))
      throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: `bad collection name ${name}` });
    return new SqliteCollection<T>(this.db, name, () => this.closed);
  }

  /** The collections of one many-document call, each made (and its name checked) once. */
  private lookup(): (name: string) => SqliteCollection<object> {
    const cols = new Map<string, SqliteCollection<object>>();
    return (n) => cols.get(n) ?? cols.set(n, this.collection(n) as SqliteCollection<object>).get(n)!;
  }

  /** Many documents, read one after the other without yielding (one consistent read). */
  async getMany(refs: readonly StateRef[]): Promise<(Versioned<object> | undefined)[]> {
    const col = this.lookup();
    return this.db.transaction(() => refs.map((r) => col(r.collection).getNow(SCOPE_ALL, r.id)))();
  }

  /** Many writes in one transaction (each in its own savepoint: a conflicting one is undone alone). */
  async writeMany(
    writes: readonly StateWrite[],
    _refresh?: boolean,
  ): Promise<(Versioned<object> | undefined | Error)[]> {
    const col = this.lookup();
    return this.db.transaction(() =>
      writes.map((w): Versioned<object> | undefined | Error => {
        const opts = w.expectedVersion === undefined ? {} : { expectedVersion: w.expectedVersion };
        try {
          if (!w.doc) {
            col(w.collection).deleteNow(SCOPE_ALL, w.id, opts);
            return undefined;
          }
          return col(w.collection).putNow(SCOPE_ALL, w.doc, opts);
        } catch (err) {
          return err as Error;
        }
      }),
    )();
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
