/**
 * Connection to an OpenSearch cluster: options (URL, basic auth, TLS, index prefix) and one small request
 * helper over the official client's transport, so the store speaks plain REST paths and JSON.
 */
import { readFileSync } from 'node:fs';
import { Client, errors } from '@opensearch-project/opensearch';
import { storeError } from '../errors.js';

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

/**
 * One REST call. Statuses listed in `ok` are returned instead of thrown; others become
 * CANHGAC_ERR_STORE_UNAVAILABLE (connection, 5xx) or CANHGAC_ERR_STORE_INVALID (other 4xx).
 */
export async function rest(
  client: Client,
  method: string,
  path: string,
  body?: unknown,
  opts: { ok?: number[]; querystring?: Record<string, string | number | boolean>; ndjson?: string } = {},
): Promise<RestAnswer> {
  try {
    const params =
      opts.ndjson !== undefined
        ? { method, path, bulkBody: opts.ndjson, querystring: opts.querystring }
        : { method, path, body: body as Json | undefined, querystring: opts.querystring };
    const res = await client.transport.request(params, { ignore: opts.ok ?? [] });
    const b = res.body;
    return { status: res.statusCode ?? 200, body: b !== null && typeof b === 'object' ? (b as Json) : {} };
  } catch (err) {
    throw toStoreError(err, `${method} ${path}`);
  }
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
