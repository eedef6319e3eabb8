/**
 * The store seam: an event store (append-mostly, searched by the query AST) and a state store (versioned
 * documents: alerts, incidents, comments, audit entries, users, API keys, agencies, rules, settings).
 * Implementations: store/sqlite/ (embedded default) and store/opensearch/ (distributed). Both pass the same
 * conformance suite (tests/conformance/store/). Tenancy is enforced HERE, in the store: every call takes a Scope.
 */
import type { QueryNode } from '../core/event/query.js';

/** Tenancy is the floor's (core/tenancy.ts): every store call takes a Scope. */
export { agencyScope, inScope, SCOPE_ALL, type Scope } from '../core/tenancy.js';

import type { Scope } from '../core/tenancy.js';

/**
 * A stored event: the flat normalised record (decision 0001). Required keys: `event.id` (idempotency key),
 * `@timestamp` (ISO-8601 UTC string, or epoch ms) and `agency.id`.
 */
export type StoredEvent = Record<string, unknown>;

/** Why one event of a bulk write was not stored (each one is counted and logged by the store, never silent). */
export interface RejectedEvent {
  /** Position in the batch. */
  index: number;
  /**
   * A small fixed reason: `not_an_object`, `missing_id`, `missing_timestamp`, `bad_timestamp`, `missing_agency`,
   * `out_of_scope`, `not_serialisable`.
   */
  reason: string;
}

/** Outcome of a bulk write. written + duplicates + rejected.length = batch length. */
export interface WriteResult {
  /** Events stored by this call. */
  written: number;
  /** Events whose `event.id` was already stored (replays): ignored, first write wins. */
  duplicates: number;
  rejected: RejectedEvent[];
}

/** Sort of a search: by `@timestamp`, ties broken by `event.id` in the same direction. */
export interface EventSort {
  field: '@timestamp';
  order: 'asc' | 'desc';
}

/** A search: query AST, time range, sort, page size, and the cursor of the previous page. */
export interface SearchRequest {
  /** The query tree (parse text with store/query/parse.ts `parseQuery`). */
  query: QueryNode;
  /** Inclusive lower bound of `@timestamp`, epoch ms. */
  from?: number;
  /** Exclusive upper bound of `@timestamp`, epoch ms. */
  to?: number;
  /** Default `{ field: '@timestamp', order: 'desc' }` (newest first). */
  sort?: EventSort;
  /** Page size, 1..10000. */
  size: number;
  /** Opaque cursor from the previous page's `next` (search_after style: stable under concurrent writes). */
  after?: string;
}

/** One page of results. */
export interface SearchPage {
  events: StoredEvent[];
  /** Cursor for the next page; absent when this page is the last one. */
  next?: string;
}

/** An aggregation over the events a query matches in a time range. */
export type Aggregation =
  | { kind: 'count' }
  /** Top-N values of a field by event count (ties: key ascending); keys are the values' string forms. */
  | { kind: 'terms'; field: string; size: number }
  /** Event counts per fixed interval of `@timestamp` (bucket key = interval start, epoch ms, UTC-aligned). */
  | { kind: 'date_histogram'; intervalMs: number };

/** A bucket of terms / date_histogram. */
export interface Bucket {
  key: string | number;
  count: number;
}

/** Aggregation result: `count` for kind count, `buckets` for the others (empty buckets omitted, sorted). */
export interface AggregationResult {
  count?: number;
  buckets?: Bucket[];
}

/** An aggregation request. */
export interface AggregationRequest {
  query: QueryNode;
  from?: number;
  to?: number;
  agg: Aggregation;
}

/** The event store. */
export interface EventStore {
  /** Stores events idempotently by `event.id`; out-of-scope or malformed events are rejected, not thrown. */
  write(scope: Scope, events: readonly StoredEvent[]): Promise<WriteResult>;
  /** One page of matching events. */
  search(scope: Scope, req: SearchRequest): Promise<SearchPage>;
  /** One event by `event.id`, or undefined (also when it belongs to another agency than the scope). */
  get(scope: Scope, id: string): Promise<StoredEvent | undefined>;
  /** Count, top-N terms or date histogram. */
  aggregate(scope: Scope, req: AggregationRequest): Promise<AggregationResult>;
  /** Deletes events with `@timestamp` < cutoffMs (retention); returns how many were deleted. */
  deleteOlderThan(scope: Scope, cutoffMs: number): Promise<number>;
  /**
   * Optional: why this store cannot run a query (empty when it can). Retro-hunts ask before running a
   * translated Sigma rule and report the reasons instead of failing mid-way; absent means "runs everything".
   */
  unsupported?(query: QueryNode): string[];
  /** Makes every acknowledged write visible to search (OpenSearch refresh; a no-op where writes are visible at once). */

  refresh(): Promise<void>;
  close(): Promise<void>;
}

/** What every state document carries; the store sets `version` (1 on create, +1 on each put). */
export interface DocMeta {
  id: string;
  /** Optimistic concurrency: the version read, passed back as `expectedVersion` on the next put. */
  version: number;
  /** The owning agency; absent for province-wide documents (visible only to `{kind:'all'}`). */
  agencyId?: string;
}

/** A stored document of type T. */
export type Versioned<T> = T & DocMeta;

/** A document as given to `put` (version is the store's business). */
export type NewDoc<T> = T & { id: string; agencyId?: string };

/** Equality filter on top-level fields; an array value means "any of". */
export type DocFilter = Record<string, string | number | boolean | null | ReadonlyArray<string | number | boolean>>;

/** Listing options. */
export interface ListOptions {
  filter?: DocFilter;
  /** Sort on one top-level field (string or number values), ties by id. Default id ascending. */
  sort?: { field: string; order: 'asc' | 'desc' };
  /** Page size, 1..10000 (default 100). */
  size?: number;
  /** Cursor from the previous page. */
  after?: string;
}

/** One page of documents. */
export interface DocPage<T> {
  docs: Versioned<T>[];
  next?: string;
}

/** Put options. */
export interface PutOptions {
  /**
   * undefined: upsert regardless of the stored version; 0: create only (conflict if it exists);
   * n > 0: update only if the stored version is n (conflict otherwise, also when absent).
   */
  expectedVersion?: number;
  /**
   * false: the write need not be visible to `list` at once (OpenSearch skips its forced refresh; the document shows
   * in listings within the refresh interval, about 1 s; `get` and version checks are always current). For
   * high-rate pipeline writes. Default true: listed as soon as put returns.
   */
  refresh?: boolean;
}

/** A grouped summary of documents (Collection.groupStats): the store aggregates, no document is returned. */
export interface GroupStatsRequest {
  /** Top-level field whose values make the groups. */
  by: string;
  /** Top-level field whose values are counted within each group (e.g. state). */
  split?: string;
  /** Numeric top-level fields summed / maximised per group. */
  sum?: string[];
  max?: string[];
  /** Top-level fields of which one value per group is returned (e.g. a title). */
  first?: string[];
  /** Only documents whose numeric `field` is >= `from` (e.g. lastSeen). */
  since?: { field: string; from: number };
  filter?: DocFilter;
}

/** One group of a GroupStatsRequest. */
export interface GroupStatsRow {
  key: string | number | null;
  count: number;
  sum: Record<string, number>;
  max: Record<string, number>;
  first: Record<string, unknown>;
  /** Documents per value of `split`. */
  split: Record<string, number>;
}

/** A typed collection of versioned documents. */
export interface Collection<T extends object> {
  /**
   * Optional: a grouped summary computed by the store (one query instead of reading every document); callers
   * read and fold the documents themselves where a store does not offer it.
   */
  groupStats?(scope: Scope, req: GroupStatsRequest): Promise<GroupStatsRow[]>;
  /** The document, or undefined when absent or outside the scope. */
  get(scope: Scope, id: string): Promise<Versioned<T> | undefined>;
  /**
   * Creates or replaces a document and returns it with its new version. An agency scope may only write its
   * own agency's documents: `agencyId` defaults to the scope's agency; another agency (in the document or in
   * the stored one) is refused with CANHGAC_ERR_STORE_SCOPE; a version mismatch is CANHGAC_ERR_STORE_CONFLICT.
   */
  put(scope: Scope, doc: NewDoc<T>, opts?: PutOptions): Promise<Versioned<T>>;
  /** Lists documents in the scope. */
  list(scope: Scope, opts?: ListOptions): Promise<DocPage<T>>;
  /** Deletes; false when absent or outside the scope; a version mismatch is CANHGAC_ERR_STORE_CONFLICT. */
  delete(scope: Scope, id: string, opts?: PutOptions): Promise<boolean>;
}

/** Collection names used by canhgac (others are allowed: names are [a-z][a-z0-9_]{0,62}). */
export type CollectionName =
  | 'alerts'
  | 'incidents'
  | 'comments'
  | 'audit'
  | 'users'
  | 'api_keys'
  | 'agencies'
  | 'rules'
  | 'settings'
  | (string & {});

/** One document of a bulk read (StateStore.getMany), province-wide scope. */
export interface StateRef {
  collection: CollectionName;
  id: string;
}

/** One write of a bulk write (StateStore.writeMany), province-wide scope; `doc` undefined deletes. */
export interface StateWrite extends StateRef {
  doc?: NewDoc<object>;
  /** As PutOptions.expectedVersion (a delete without it deletes whatever is stored). */
  expectedVersion?: number;
}

/** The state store: named collections on one backend. */
export interface StateStore {
  collection<T extends object>(name: CollectionName): Collection<T>;
  /** Optional: many documents of any collections in one round trip (SQLite: one statement each, no await). */
  getMany?(refs: readonly StateRef[]): Promise<(Versioned<object> | undefined)[]>;
  /**
   * Optional: many writes in one round trip (SQLite: one transaction), in order; per write the stored document
   * (a delete: undefined) or its error (a version conflict: CANHGAC_ERR_STORE_CONFLICT). One failing write does
   * not stop the others; `refresh` as PutOptions.refresh for the whole call.
   */
  writeMany?(writes: readonly StateWrite[], refresh?: boolean): Promise<(Versioned<object> | undefined | Error)[]>;
  close(): Promise<void>;
}

/** A backend offering both stores (SQLite: one file; OpenSearch: one cluster). */
export interface Stores {
  events: EventStore;
  state: StateStore;
  close(): Promise<void>;
}

/** Names valid as collection names. */
export const COLLECTION_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** Maximum page size of searches and listings. */
export const MAX_PAGE_SIZE = 10000;
