/**
 * Connection to an OpenSearch cluster: options (URL, basic auth, TLS, index prefix) and one small request
 * helper over the official client's transport, so the store speaks plain REST paths and JSON.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, errors } from '@opensearch-project/opensearch';
import { logger } from '../../core/log.js';
import { counter } from '../../core/metrics.js';
import { storeError } from '../errors.js';

const log = logger('opensearch');
const readRetries = counter(
  'canhgac_store_read_retries_total',
  'OpenSearch reads retried because the shards they need were not assigned yet (a new index, a restarting node)',
);

/**
 * Bound of the read retry: a read that meets unassigned shards is tried again after 100, 200, 400, 800, 1000,
 * 1000 ms (about 3.5 s in all), then fails with CANHGAC_ERR_STORE_UNAVAILABLE as before.
 */
export const UNASSIGNED_RETRY = { tries: 7, firstDelayMs: 100, maxDelayMs: 1000 };

/** How to reach the cluster and where canhgac's indices live. */
export interface OpenSearchOptions {
  /** One URL or several (`https://os1:9200`). */
  node: string | string[];
  /** Index name prefix, e.g. `canhgac` (tests: `test-<uuid>`). Lowercase, no `*`, `,` or spaces. */
  prefix?: string;
  /** HTTP basic auth (the security plugin's internal users or LDAP backends). */
  auth?: { username: string; password: string };
  /** TLS: a CA bundle (PEM text or a file path) and whether to verify the server certificate (default true). */
  tls?: { ca?: string; caFile?: string; rejectUnauthorized?: boolean; cert?: string; key?: string };
  /** Per-request timeout in ms (default 30000). */
  requestTimeoutMs?: number;
  /** Gzip request bodies (helps on slow links between a province's sites). */
  compression?: boolean;
}

/** Builds the official client; its own retries are off because the bulk writer retries with backoff itself. */
export function createClient(opts: OpenSearchOptions): Client {
  const ca = opts.tls?.ca ?? (opts.tls?.caFile ? readFileSync(opts.tls.caFile, 'utf8') : undefined);
  const ssl =
    opts.tls === undefined
      ? undefined
      : {
          ...(ca === undefined ? {} : { ca }),
          ...(opts.tls.cert === undefined ? {} : { cert: opts.tls.cert }),
          ...(opts.tls.key === undefined ? {} : { key: opts.tls.key }),
          rejectUnauthorized: opts.tls.rejectUnauthorized ?? true,
        };
  return new Client({
    node: opts.node,
    maxRetries: 0,
    requestTimeout: opts.requestTimeoutMs ?? 30000,
    ...(opts.auth ? { auth: { username: opts.auth.username, password: opts.auth.password } } : {}),
    ...(ssl ? { ssl } : {}),
    ...(opts.compression ? { compression: 'gzip' as const } : {}),
  });
}

/** A JSON object answer. */
export type Json = Record<string, unknown>;

/** The answer of one REST call: status and parsed body. */
export interface RestAnswer {
  status: number;
  body: Json;
}

/** Paths that only read (their POST carries a query, not a change). */
const READ_PATH = /\/_(search|count|msearch|mget)(\?|$)/;

/** Whether a request only reads, so trying it again changes nothing. */
export function isRead(method: string, path: string): boolean {
  return method === 'GET' || method === 'HEAD' || (method === 'POST' && READ_PATH.test(path));
}

/**
 * Whether an error says the shards the request needs are not assigned yet: right after an index is created, or
 * while a node restarts, a search answers 503 `search_phase_execution_exception: all shards failed` and a get
 * `no_shard_available_action_exception`. Worth waiting for; anything else is not.
 */
export function isUnassignedShards(err: unknown): boolean {
  if (!(err instanceof errors.ResponseError) || err.statusCode !== 503) return false;
  const text = JSON.stringify(err.body ?? '');
  return /search_phase_execution_exception|no_shard_available_action_exception|unavailable_shards_exception|all shards failed/.test(
    text,
  );
}

/**
 * One REST call. Statuses listed in `ok` are returned instead of thrown; others become
 * CANHGAC_ERR_STORE_UNAVAILABLE (connection, 5xx) or CANHGAC_ERR_STORE_INVALID (other 4xx). A read that meets
 * unassigned shards is tried again within UNASSIGNED_RETRY (counted in canhgac_store_read_retries_total).
 */
export async function rest(
  client: Client,
  method: string,
  path: string,
  body?: unknown,
  opts: { ok?: number[]; querystring?: Record<string, string | number | boolean>; ndjson?: string } = {},
): Promise<RestAnswer> {
  const params =
    opts.ndjson !== undefined
      ? { method, path, bulkBody: opts.ndjson, querystring: opts.querystring }
      : { method, path, body: body as Json | undefined, querystring: opts.querystring };
  let delay = UNASSIGNED_RETRY.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await client.transport.request(params, { ignore: opts.ok ?? [] });
      const b = res.body;
      return { status: res.statusCode ?? 200, body: b !== null && typeof b === 'object' ? (b as Json) : {} };
    } catch (err) {
      if (attempt < UNASSIGNED_RETRY.tries && isRead(method, path) && isUnassignedShards(err)) {
        readRetries.inc();
        if (attempt === 1) log.warn({ path, method }, 'Shards not assigned yet; the read waits for them');
        await sleep(delay);
        delay = Math.min(delay * 2, UNASSIGNED_RETRY.maxDelayMs);
        continue;
      }
      throw toStoreError(err, `${method} ${path}`);
    }
  }
}

/**
 * Waits until an index's primary shards are assigned (cluster health yellow for that index), so that the reads
 * right after creating it find it usable. Gives up after `timeoutS` with a warning: reads then still retry.
 */
export async function waitUsable(client: Client, index: string, timeoutS = 30): Promise<void> {
  const res = await rest(client, 'GET', `/_cluster/health/${index}`, undefined, {
    ok: [408],
    querystring: { wait_for_status: 'yellow', timeout: `${timeoutS}s` },
  });
  if (res.status === 408 || res.body.timed_out === true)
    log.warn({ index, timeoutS }, 'Index not usable yet after the wait; reads of it retry while its shards come up');
}

/** The HTTP status of a client error, or 0 for a connection/timeout failure. */
export function statusOf(err: unknown): number {
  if (err instanceof errors.ResponseError) return err.statusCode ?? 0;
  const s = (err as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : 0;
}

/** Maps a client error onto the store catalogue, keeping OpenSearch's reason (never credentials). */
export function toStoreError(err: unknown, what: string): Error {
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode ?? 0;
    const reason = `${what}: ${status} ${errorReason(err.body)}`;
    return status >= 500 || status === 429 || status === 0
      ? storeError('CANHGAC_ERR_STORE_UNAVAILABLE', { reason }, { cause: err, details: { status } })
      : storeError('CANHGAC_ERR_STORE_INVALID', { reason }, { cause: err, details: { status } });
  }
  const msg = err instanceof Error ? err.message : String(err);
  return storeError('CANHGAC_ERR_STORE_UNAVAILABLE', { reason: `${what}: ${msg}` }, { cause: err });
}

/** OpenSearch's `error.type: error.reason` from an error body. */
export function errorReason(body: unknown): string {
  const e = (body as { error?: unknown } | null)?.error;
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object') {
    const o = e as { type?: unknown; reason?: unknown; caused_by?: { reason?: unknown } };
    return `${String(o.type ?? 'error')}: ${String(o.reason ?? '')}${o.caused_by?.reason ? ` (${String(o.caused_by.reason)})` : ''}`;
  }
  return '';
}
