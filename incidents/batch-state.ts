/**
 * The state of one batch of alerts (issue 18 point 4, alert storms): a unit of work over the state store. The
 * incident stage applies a batch's alerts with the same code as one alert at a time (risk, entity grouping, the
 * incident service), but against this layer: each document is read once (reads issued together, from every lane,
 * go to the store in one `getMany`: one `_mget` on OpenSearch), changed in memory as often as the batch's alerts
 * change it, and written once at the end (`writeMany`: one `_bulk`, one SQLite transaction). A storm's thousand
 * alerts on one incident then cost one read and one write of it, not a thousand of each.
 *
 * Writes go in three steps, each one call: the entities' links and risk, then the incidents, then the rest (alert
 * records, audit entries). A version conflict (another worker or an analyst changed a document since the batch read
 * it) stops after its step and throws BatchConflict: what was written is what a process stopped at that point would
 * have left, which the per-alert path already takes up idempotently (an alert id counts once), so the stage redoes
 * the batch one alert at a time against the store.
 */
import { isStoreConflict, storeError } from '../store/errors.js';
import {
  type Collection,
  type CollectionName,
  type DocPage,
  type ListOptions,
  type NewDoc,
  type PutOptions,
  SCOPE_ALL,
  type Scope,
  type StateRef,
  type StateStore,
  type StateWrite,
  type Versioned,
} from '../store/types.js';

/** A write of the batch lost to another writer: the stage redoes the batch one alert at a time. */
export class BatchConflict extends Error {
  constructor(readonly conflicts: number) {
    super(`${conflicts} state writes of the batch conflicted`);
  }
}

interface Entry {
  collection: string;
  id: string;
  /** The stored version when read (0: absent); undefined: never read (an unconditional write). */
  base: number | undefined;
  doc: Versioned<object> | undefined;
  dirty: boolean;
  refresh: boolean;
}

/** Collections written first, then second; the rest last (see the file comment). */
const STEPS: readonly (readonly string[])[] = [['entity_links', 'entity_risk'], ['incidents']];

const keyOf = (collection: string, id: string) => `${collection}\u0000${id}`;

/** A batch's view of the state store: reads once, writes once (see the file comment). */
export class BatchState implements StateStore {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  private queued: { ref: StateRef; resolve: (e: Entry) => void; reject: (err: unknown) => void }[] = [];
  private readonly lists = new Map<string, Promise<DocPage<object>>>();
  private readonly cols = new Map<string, Collection<object>>();
  private readonly wrote = new Set<string>();
  /** Reads and writes sent to the store (calls, whatever their size). */
  readonly calls = { reads: 0, writes: 0, lists: 0 };

  constructor(private readonly inner: StateStore) {}

  collection<T extends object>(name: CollectionName): Collection<T> {
    let c = this.cols.get(name);
    if (!c) {
      c = new BatchCollection(this, name);
      this.cols.set(name, c);
    }
    return c as Collection<T>;
  }

  async close(): Promise<void> {}

  /** Reads documents ahead (one call with every other read of the same turn). */
  async prefetch(refs: readonly StateRef[]): Promise<void> {
    await Promise.all(refs.map((r) => this.entry(r.collection, r.id)));
  }

  /** The documents of a collection the batch wrote, as stored (after flush). */
  written(collection: string): Versioned<object>[] {
    const out: Versioned<object>[] = [];
    for (const k of this.wrote) {
      const e = this.entries.get(k);
      if (e?.collection === collection && e.doc) out.push(e.doc);
    }
    return out;
  }

  /** The entry of a document, read from the store when not known yet (reads of one turn go in one call). */
  entry(collection: string, id: string): Promise<Entry> {
    const k = keyOf(collection, id);
    const e = this.entries.get(k);
    if (e) return Promise.resolve(e);
    let p = this.loading.get(k);
    if (!p) {
      p = new Promise<Entry>((resolve, reject) => {
        if (this.queued.length === 0) setImmediate(() => void this.load());
        this.queued.push({ ref: { collection, id }, resolve, reject });
      });
      this.loading.set(k, p);
    }
    return p;
  }

  private async load(): Promise<void> {
    const q = this.queued;
    this.queued = [];
    try {
      this.calls.reads++;
      const docs = this.inner.getMany
        ? await this.inner.getMany(q.map((x) => x.ref))
        : await Promise.all(q.map((x) => this.inner.collection(x.ref.collection).get(SCOPE_ALL, x.ref.id)));
      q.forEach((x, i) => {
        const k = keyOf(x.ref.collection, x.ref.id);
        const doc = docs[i];
        const e: Entry = {
          collection: x.ref.collection,
          id: x.ref.id,
          base: doc?.version ?? 0,
          doc,
          dirty: false,
          refresh: false,
        };
        // A write made while the read was on its way wins (it was made knowing nothing of the store's copy).
        const known = this.entries.get(k);
        if (!known) this.entries.set(k, e);
        else known.base ??= e.base;
        this.loading.delete(k);
        x.resolve(this.entries.get(k)!);
      });
    } catch (err) {
      for (const x of q) {
        this.loading.delete(keyOf(x.ref.collection, x.ref.id));
        x.reject(err);
      }
    }
  }

  /** Applies a put in memory, with the store's version rules. */
  async put(collection: string, doc: NewDoc<object>, opts: PutOptions): Promise<Versioned<object>> {
    const k = keyOf(collection, doc.id);
    let e = this.entries.get(k);
    // A create-only write of a document never read (a new audit entry) needs no read: the store checks it.
    if (!e && opts.expectedVersion === 0 && !this.loading.has(k)) {
      e = { collection, id: doc.id, base: 0, doc: undefined, dirty: false, refresh: false };
      this.entries.set(k, e);
    }
    e ??= await this.entry(collection, doc.id);
    this.check(e, opts.expectedVersion);
    const { version: _v, ...body } = doc as NewDoc<object> & { version?: number };
    const stored = structuredClone({ ...body, id: doc.id, version: (e.doc?.version ?? 0) + 1 }) as Versioned<object>;
    if (stored.agencyId === undefined) delete stored.agencyId;
    e.doc = stored;
    e.dirty = true;
    e.refresh ||= opts.refresh !== false;
    this.forgetLists(collection);
    return structuredClone(stored);
  }

  /** Applies a delete in memory. */
  async delete(collection: string, id: string, opts: PutOptions): Promise<boolean> {
    const e = await this.entry(collection, id);
    if (!e.doc) {
      if (opts.expectedVersion !== undefined && opts.expectedVersion !== 0) this.check(e, opts.expectedVersion);
      return false;
    }
    this.check(e, opts.expectedVersion);
    e.doc = undefined;
    e.dirty = true;
    this.forgetLists(collection);
    return true;
  }

  private check(e: Entry, expected: number | undefined): void {
    const actual = e.doc?.version ?? 0;
    if (expected !== undefined && expected !== actual)
      throw storeError('CANHGAC_ERR_STORE_CONFLICT', { collection: e.collection, id: e.id, expected, actual });
  }

  /** A listing: the batch's writes to that collection are written first; the same listing is read once. */
  async list(collection: string, scope: Scope, opts: ListOptions): Promise<DocPage<object>> {
    for (const e of this.entries.values())
      if (e.dirty && e.collection === collection) {
        await this.flush();
        break;
      }
    const k = `${collection}\u0000${JSON.stringify(scope)}\u0000${JSON.stringify(opts)}`;
    let p = this.lists.get(k);
    if (!p) {
      this.calls.lists++;
      p = this.inner.collection<object>(collection).list(scope, opts);
      this.lists.set(k, p);
      p.catch(() => this.lists.delete(k));
    }
    const page = await p;
    return { ...page, docs: structuredClone(page.docs) };
  }

  private forgetLists(collection: string): void {
    for (const k of this.lists.keys()) if (k.startsWith(`${collection}\u0000`)) this.lists.delete(k);
  }

  /** Writes what the batch changed, in three steps (see the file comment); BatchConflict when one lost. */
  async flush(): Promise<void> {
    const dirty = [...this.entries.values()].filter((e) => e.dirty);
    const steps = [
      ...STEPS.map((cols) => dirty.filter((e) => cols.includes(e.collection))),
      dirty.filter((e) => !STEPS.some((cols) => cols.includes(e.collection))),
    ];
    for (const step of steps) {
      if (step.length === 0) continue;
      const writes: StateWrite[] = step.map((e) => ({
        collection: e.collection,
        id: e.id,
        ...(e.doc ? { doc: e.doc } : {}),
        ...(e.base !== undefined ? { expectedVersion: e.base } : {}),
      }));
      this.calls.writes++;
      const results = await this.write(
        writes,
        step.some((e) => e.refresh),
      );
      let conflicts = 0;
      let failure: Error | undefined;
      results.forEach((r, i) => {
        const e = step[i]!;
        if (r instanceof Error) {
          if (isStoreConflict(r)) conflicts++;
          else failure ??= r;
          // Not written: read again if the batch goes on (a listing flushed mid-batch).
          this.entries.delete(keyOf(e.collection, e.id));
          return;
        }
        e.doc = r;
        e.base = r?.version ?? 0;
        e.dirty = false;
        this.wrote.add(keyOf(e.collection, e.id));
      });
      if (failure) throw failure;
      if (conflicts > 0) throw new BatchConflict(conflicts);
    }
  }

  private async write(writes: StateWrite[], refresh: boolean): Promise<(Versioned<object> | undefined | Error)[]> {
    if (this.inner.writeMany) return this.inner.writeMany(writes, refresh);
    const out: (Versioned<object> | undefined | Error)[] = [];
    for (const w of writes) {
      const col = this.inner.collection<object>(w.collection);
      const opts = { refresh, ...(w.expectedVersion !== undefined ? { expectedVersion: w.expectedVersion } : {}) };
      try {
        if (w.doc) out.push(await col.put(SCOPE_ALL, w.doc, opts));
        else {
          await col.delete(SCOPE_ALL, w.id, opts);
          out.push(undefined);
        }
      } catch (err) {
        out.push(err as Error);
      }
    }
    return out;
  }
}

/** A collection of the batch: province-wide reads and writes only (the pipeline's scope). */
class BatchCollection<T extends object> implements Collection<T> {
  constructor(
    private readonly b: BatchState,
    private readonly name: string,
  ) {}

  async get(_scope: Scope, id: string): Promise<Versioned<T> | undefined> {
    const e = await this.b.entry(this.name, id);
    return e.doc ? (structuredClone(e.doc) as Versioned<T>) : undefined;
  }

  async put(_scope: Scope, doc: NewDoc<T>, opts: PutOptions = {}): Promise<Versioned<T>> {
    return (await this.b.put(this.name, doc, opts)) as Versioned<T>;
  }

  async list(scope: Scope, opts: ListOptions = {}): Promise<DocPage<T>> {
    return (await this.b.list(this.name, scope, opts)) as DocPage<T>;
  }

  async delete(_scope: Scope, id: string, opts: PutOptions = {}): Promise<boolean> {
    return this.b.delete(this.name, id, opts);
  }
}
