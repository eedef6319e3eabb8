/**
 * The OpenSearch state store: one index per collection (`<prefix>-state-<name>`), the document whole in `doc`,
 * its top-level scalars copied to `k` / `n` / `b` for filters and sorting. Optimistic versions are checked
 * against a realtime get and written with `if_seq_no`/`if_primary_term`, so two writers never both win.
 */
import type { Client } from '@opensearch-project/opensearch';
import { storeError } from '../errors.js';
import {
  COLLECTION_NAME,
  type Collection,
  type CollectionName,
  type DocFilter,
  type DocPage,
  inScope,
  type ListOptions,
  MAX_PAGE_SIZE,
  type NewDoc,
  type PutOptions,
  type Scope,
  type StateRef,
  type StateStore,
  type StateWrite,
  type Versioned,
} from '../types.js';
import { type Json, rest, waitUsable } from './client.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { scopeFilter } from './query.js';
import type { Layout } from './schema.js';

/** Top-level field names copied for filtering (others stay in `doc` only). */
const INDEXABLE = /^[A-Za-z_][A-Za-z0-9_-]{0,100}$/;

interface Stored {
  id: string;
  version: number;
  agencyId?: string;
  doc: Json;
}

interface Current {
  src: Stored;
  seqNo: number;
  primaryTerm: number;
}

function indexed(id: string, version: number, agencyId: string | undefined, body: Json): Json {
  const k: Json = {};
  const n: Json = {};
  const b: Json = {};
  const all: Json = { ...body, id, version, ...(agencyId === undefined ? {} : { agencyId }) };
  for (const [f, v] of Object.entries(all)) {
    if (!INDEXABLE.test(f)) continue;
    const vals = Array.isArray(v) ? v : [v];
    const ks: string[] = [];
    const ns: number[] = [];
    const bs: boolean[] = [];
    for (const x of vals) {
      if (typeof x === 'string') ks.push(x);
      else if (typeof x === 'number' && Number.isFinite(x)) ns.push(x);
      else if (typeof x === 'boolean') bs.push(x);
    }
    if (ks.length) k[f] = Array.isArray(v) ? ks : ks[0];
    if (ns.length) n[f] = Array.isArray(v) ? ns : ns[0];
    if (bs.length) b[f] = Array.isArray(v) ? bs : bs[0];
  }
  return { id, version, ...(agencyId === undefined ? {} : { agencyId }), doc: body, k, n, b };
}

function filterClause(field: string, value: DocFilter[string]): Json {
  if (!INDEXABLE.test(field)) {
    throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: `cannot filter on field ${JSON.stringify(field)}` });
  }
  if (value === null) {
    return {
      bool: {
        must_not: [
          { exists: { field: `k.${field}` } },
          { exists: { field: `n.${field}` } },
          { exists: { field: `b.${field}` } },
        ],
      },
    };
  }
  if (Array.isArray(value)) {
    return { bool: { should: value.map((v) => filterClause(field, v)), minimum_should_match: 1 } };
  }
  const prefix = typeof value === 'string' ? 'k' : typeof value === 'number' ? 'n' : 'b';
  return { term: { [`${prefix}.${field}`]: value } };
}

/** The state store over one cluster and prefix. */
export class OpenSearchStateStore implements StateStore {
  private readonly made = new Map<string, Promise<void>>();
  private readonly cols = new Map<string, Collection<object>>();
  private closed = false;

  constructor(
    private readonly client: Client,
    private readonly l: Layout,
  ) {}

  collection<T extends object>(name: CollectionName): Collection<T> {
    let c = this.cols.get(name);
    if (!c) {
      c = new OpenSearchCollection<object>(
        this.client,
        this.indexOf(name),
        name,
        () => this.ensure(name),
        () => this.closed,
      );
      this.cols.set(name, c);
    }
    return c as Collection<T>;
  }

  /** Creates the collection's index once (the state template gives it its mapping). */
  private ensure(name: string): Promise<void> {
    let p = this.made.get(name);
    if (!p) {
      const index = this.indexOf(name);
      // Created by this process or a moment ago by another one: either way, wait until its shards are usable.
      p = rest(this.client, 'PUT', `/${index}`, undefined, { ok: [400] })
        .then(() => waitUsable(this.client, index))
        .then(
          () => undefined,
          (err) => {
            this.made.delete(name);
            throw err;
          },
        );
      this.made.set(name, p);
    }
    return p;
  }

  /** The index and sequence numbers last seen of documents (for the conditional writes of writeMany). */
  private readonly seqs = new Map<string, { version: number; seqNo: number; primaryTerm: number }>();

  private remember(index: string, id: string, version: number, seqNo: unknown, primaryTerm: unknown): void {
    if (this.seqs.size > 50_000) this.seqs.clear();
    this.seqs.set(`${index}\u0000${id}`, { version, seqNo: Number(seqNo), primaryTerm: Number(primaryTerm) });
  }

  /** The collection's index (its name checked: a bad one is CANHGAC_ERR_STORE_INVALID). */
  private indexOf(name: string): string {
    if (!COLLECTION_NAME.test(name)) {
      throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: `bad collection name ${JSON.stringify(name)}` });
    }
    return `${this.l.prefix}-state-${name}`;
  }

  /** Many documents in one `_mget` (their sequence numbers kept for writeMany). */
  async getMany(refs: readonly StateRef[]): Promise<(Versioned<object> | undefined)[]> {
    if (this.closed) throw storeError('CANHGAC_ERR_STORE_CLOSED');
    if (refs.length === 0) return [];
    await Promise.all([...new Set(refs.map((r) => r.collection))].map((n) => this.ensure(n)));
    const docs = refs.map((r) => ({ _index: this.indexOf(r.collection), _id: r.id }));
    const res = await rest(this.client, 'POST', '/_mget', { docs }, { querystring: { realtime: 'true' } });
    const items = (res.body.docs ?? []) as { _index: string; _id: string; found?: boolean; _source?: Stored }[];
    return refs.map((_, i) => {
      const it = items[i];
      if (!it?.found || !it._source) {
        this.seqs.delete(`${docs[i]!._index}\u0000${docs[i]!._id}`);
        return undefined;
      }
      const h = it as unknown as { _seq_no: number; _primary_term: number };
      this.remember(it._index, it._id, it._source.version, h._seq_no, h._primary_term);
      return outOf(it._source);
    });
  }

  /**
   * Many writes in one `_bulk`, each checked against the version last read (getMany); writes of documents not
   * read before cost one `_mget` first. A conflict is that write's CANHGAC_ERR_STORE_CONFLICT.
   */
  async writeMany(writes: readonly StateWrite[], refresh = false): Promise<(Versioned<object> | undefined | Error)[]> {
    if (this.closed) throw storeError('CANHGAC_ERR_STORE_CLOSED');
    if (writes.length === 0) return [];
    const key = (w: StateRef) => `${this.indexOf(w.collection)}\u0000${w.id}`;
    const unknown = writes.filter((w) => w.expectedVersion !== 0 && !this.seqs.has(key(w)));
    if (unknown.length) await this.getMany(unknown);
    else await Promise.all([...new Set(writes.map((r) => r.collection))].map((n) => this.ensure(n)));
    const lines: string[] = [];
    const out: (Versioned<object> | undefined | Error)[] = writes.map(() => undefined);
    const sent: { i: number; src?: Stored }[] = [];
    writes.forEach((w, i) => {
      const _index = this.indexOf(w.collection);
      const cur = w.expectedVersion === 0 ? undefined : this.seqs.get(key(w));
      const expected = w.expectedVersion;
      const conflict = () =>
        storeError('CANHGAC_ERR_STORE_CONFLICT', {
          collection: w.collection,
          id: w.id,
          expected: expected ?? 'any',
          actual: cur?.version ?? 'none',
        });
      if (expected !== undefined && expected > 0 && cur?.version !== expected) {
        out[i] = conflict();
        return;
      }
      const cond = cur ? { if_seq_no: cur.seqNo, if_primary_term: cur.primaryTerm } : {};
      if (!w.doc) {
        if (!cur) return;
        lines.push(JSON.stringify({ delete: { _index, _id: w.id, ...cond } }));
        sent.push({ i });
        return;
      }
      const { id: _i, version: _v, agencyId, ...body } = w.doc as NewDoc<object> & { version?: unknown };
      const src = indexed(w.id, (cur?.version ?? 0) + 1, agencyId, body as Json) as unknown as Stored;
      lines.push(JSON.stringify(cur ? { index: { _index, _id: w.id, ...cond } } : { create: { _index, _id: w.id } }));
      lines.push(JSON.stringify(src));
      sent.push({ i, src });
    });
    if (sent.length === 0) return out;
    const res = await rest(this.client, 'POST', '/_bulk', undefined, {
      ndjson: `${lines.join('\n')}\n`,
      querystring: { refresh: refresh ? 'true' : 'false' },
    });
    const items = (res.body.items ?? []) as Record<string, Json>[];
    sent.forEach(({ i, src }, n) => {
      const w = writes[i]!;
      const item = (items[n] && Object.values(items[n]!)[0]) as
        | { status?: number; _seq_no?: number; _primary_term?: number; error?: unknown }
        | undefined;
      const status = item?.status ?? 500;
      if (status === 409 || (!src && status === 404)) {
        this.seqs.delete(key(w));
        out[i] = storeError('CANHGAC_ERR_STORE_CONFLICT', {
          collection: w.collection,
          id: w.id,
          expected: w.expectedVersion ?? 'any',
          actual: 'changed',
        });
      } else if (status >= 300) {
        out[i] = storeError('CANHGAC_ERR_STORE_UNAVAILABLE', { reason: JSON.stringify(item?.error ?? status) });
      } else if (src) {
        this.remember(this.indexOf(w.collection), w.id, src.version, item?._seq_no, item?._primary_term);
        out[i] = outOf(src);
      } else this.seqs.delete(key(w));
    });
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A stored document as the store's users see it: its fields, id, version and agency. */
function outOf(s: Stored): Versioned<object> {
  return {
    ...(s.doc as object),
    id: s.id,
    version: s.version,
    ...(s.agencyId === undefined ? {} : { agencyId: s.agencyId }),
  };
}

class OpenSearchCollection<T extends object> implements Collection<T> {
  constructor(
    private readonly client: Client,
    private readonly index: string,
    private readonly name: string,
    private readonly ensure: () => Promise<void>,
    private readonly isClosed: () => boolean,
  ) {}

  private async ready(): Promise<void> {
    if (this.isClosed()) throw storeError('CANHGAC_ERR_STORE_CLOSED');
    await this.ensure();
  }

  private async current(id: string): Promise<Current | undefined> {
    const res = await rest(this.client, 'GET', `/${this.index}/_doc/${encodeURIComponent(id)}`, undefined, {
      ok: [404],
    });
    if (res.status === 404 || res.body.found !== true) return undefined;
    return {
      src: res.body._source as Stored,
      seqNo: Number(res.body._seq_no),
      primaryTerm: Number(res.body._primary_term),
    };
  }

  private out(s: Stored): Versioned<T> {
    return outOf(s) as Versioned<T>;
  }

  private conflict(id: string, expected: number | undefined, actual: number | undefined): Error {
    return storeError('CANHGAC_ERR_STORE_CONFLICT', {
      collection: this.name,
      id,
      expected: expected ?? 'any',
      actual: actual ?? 'none',
    });
  }

  private scopeError(id: string, agencyId: string | undefined): Error {
    return storeError('CANHGAC_ERR_STORE_SCOPE', { collection: this.name, id, agencyId: agencyId ?? 'province' });
  }

  async get(scope: Scope, id: string): Promise<Versioned<T> | undefined> {
    await this.ready();
    const cur = await this.current(id);
    if (!cur || !inScope(scope, cur.src.agencyId)) return undefined;
    return this.out(cur.src);
  }

  async put(scope: Scope, doc: NewDoc<T>, opts: PutOptions = {}): Promise<Versioned<T>> {
    await this.ready();
    const id = doc.id;
    if (typeof id !== 'string' || id === '') {
      throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: 'a document needs a non-empty string id' });
    }
    const agencyId = doc.agencyId ?? (scope.kind === 'agency' ? scope.agencyId : undefined);
    if (!inScope(scope, agencyId)) throw this.scopeError(id, agencyId);
    const { id: _i, version: _v, agencyId: _a, ...rest0 } = doc as NewDoc<T> & { version?: unknown };
    const body = rest0 as Json;
    const expected = opts.expectedVersion;
    for (;;) {
      const cur = await this.current(id);
      if (cur && !inScope(scope, cur.src.agencyId)) throw this.scopeError(id, cur.src.agencyId);
      if (expected === 0 && cur) throw this.conflict(id, 0, cur.src.version);
      if (expected !== undefined && expected > 0 && cur?.src.version !== expected) {
        throw this.conflict(id, expected, cur?.src.version);
      }
      const version = (cur?.src.version ?? 0) + 1;
      const src = indexed(id, version, agencyId, body);
      const path = `/${this.index}/${cur ? '_doc' : '_create'}/${encodeURIComponent(id)}`;
      const querystring: Record<string, string | number> = { refresh: opts.refresh === false ? 'false' : 'true' };
      if (cur) {
        querystring.if_seq_no = cur.seqNo;
        querystring.if_primary_term = cur.primaryTerm;
      }
      const res = await rest(this.client, 'PUT', path, src, { ok: [409], querystring });
      if (res.status === 409) {
        // Someone wrote between our read and our write: an unconditional put retries, a conditional one lost.
        if (expected === undefined) continue;
        const now = await this.current(id);
        throw this.conflict(id, expected, now?.src.version);
      }
      return this.out(src as unknown as Stored);
    }
  }

  async list(scope: Scope, opts: ListOptions = {}): Promise<DocPage<T>> {
    await this.ready();
    const size = opts.size ?? 100;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: `page size ${size} outside 1..${MAX_PAGE_SIZE}` });
    }
    const filter: Json[] = [];
    const s = scopeFilter(scope, 'agencyId');
    if (s) filter.push(s);
    for (const [f, v] of Object.entries(opts.filter ?? {})) filter.push(filterClause(f, v));
    const sort: Json[] = [];
    // Ties by id in the sort's direction (a descending listing is the ascending one reversed).
    let idOrder: 'asc' | 'desc' = 'asc';
    if (opts.sort) {
      idOrder = opts.sort.order;
      const { field, order } = opts.sort;
      if (!INDEXABLE.test(field)) {
        throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: `cannot sort on field ${JSON.stringify(field)}` });
      }
      sort.push({ [`n.${field}`]: { order, missing: '_last', unmapped_type: 'double' } });
      sort.push({ [`k.${field}`]: { order, missing: '_last', unmapped_type: 'keyword' } });
    }
    sort.push({ id: { order: idOrder } });
    // One hit more than the page tells whether another page follows; at the largest page that would exceed
    // OpenSearch's max_result_window (10,000), so a full page then simply offers a cursor (maybe to an empty page).
    const fetch = Math.min(size + 1, 10_000);
    const body: Json = { query: { bool: { filter } }, sort, size: fetch, track_total_hits: false };
    if (opts.after !== undefined) body.search_after = decodeCursor(opts.after);
    const res = await rest(this.client, 'POST', `/${this.index}/_search`, body);
    const hits = ((res.body.hits as { hits?: unknown[] } | undefined)?.hits ?? []) as {
      _source: Stored;
      sort: unknown[];
    }[];
    const more = hits.length > size || (fetch === size && hits.length === size);
    const page = hits.length > size ? hits.slice(0, size) : hits;
    const docs = page.map((h) => this.out(h._source));
    return more ? { docs, next: encodeCursor(page[page.length - 1]!.sort) } : { docs };
  }

  async delete(scope: Scope, id: string, opts: PutOptions = {}): Promise<boolean> {
    await this.ready();
    const expected = opts.expectedVersion;
    for (;;) {
      const cur = await this.current(id);
      if (!cur || !inScope(scope, cur.src.agencyId)) return false;
      if (expected !== undefined && cur.src.version !== expected) throw this.conflict(id, expected, cur.src.version);
      const res = await rest(this.client, 'DELETE', `/${this.index}/_doc/${encodeURIComponent(id)}`, undefined, {
        ok: [404, 409],
        querystring: { refresh: 'true', if_seq_no: cur.seqNo, if_primary_term: cur.primaryTerm },
      });
      if (res.status === 404) return false;
      if (res.status === 409) {
        if (expected === undefined) continue;
        const now = await this.current(id);
        throw this.conflict(id, expected, now?.src.version);
      }
      return true;
    }
  }
}
