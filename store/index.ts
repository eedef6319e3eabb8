/**
 * The store layer's front door: opens the configured backend. SQLite (one file under dataDir) is the default
 * when no OpenSearch URL is configured; OpenSearch is loaded only when asked for, so the embedded start stays
 * light.
 */
import { join } from 'node:path';
import type { Stores } from './types.js';
import { configError } from '../core/config/errors.js';

export * from './types.js';
export { STORE_ERRORS, storeError } from './errors.js';
export { parseQuery } from './query/parse.js';
export { compileQuery, evaluate } from './query/evaluate.js';
export { q, toQueryString, type QueryNode } from '../core/event/query.js';

/** The store part of the configuration (core/config/schema.ts `store` plus `dataDir`). */
export interface StoreConfig {
  dataDir: string;
  store?: {
    kind?: 'sqlite' | 'opensearch';
    retentionDays?: number;
    opensearch?: { url?: string; username?: string; password?: string; caFile?: string; indexPrefix?: string };
  };
}

/** The SQLite file inside a data directory. */
export function sqlitePath(dataDir: string): string {
  return join(dataDir, 'canhgac.db');
}

/**
 * Opens the configured stores: OpenSearch when an OpenSearch URL is configured (or `store.kind` is opensearch,
 * which then requires the URL), else the embedded SQLite file `<dataDir>/canhgac.db`.
 * `retention: false` for tools that only read (hunt, reports): they must not delete anything as a side effect.
 */
export async function openStores(config: StoreConfig, opts: { retention?: boolean } = {}): Promise<Stores> {
  const s = { ...(config.store ?? {}) };
  if (opts.retention === false) delete s.retentionDays;
  const os = s.opensearch;
  // The embedded store is the default "when no OpenSearch URL is configured": a URL alone selects OpenSearch.
  if (s.kind === 'opensearch' || os?.url) {
    if (!os?.url)
      throw configError('CANHGAC_ERR_CONFIG_MISSING', {
        what: 'store.kind opensearch',
        key: 'store.opensearch.url',
        env: 'CANHGAC_OPENSEARCH_URL',
      });
    const { openOpenSearchStores } = await import('./opensearch/index.js');
    return openOpenSearchStores({
      node: os.url,
      ...(os.indexPrefix ? { prefix: os.indexPrefix } : {}),
      ...(os.username && os.password ? { auth: { username: os.username, password: os.password } } : {}),
      ...(os.caFile ? { tls: { caFile: os.caFile } } : {}),
      ...(s.retentionDays !== undefined ? { retentionDays: s.retentionDays } : {}),
    });
  }
  const { openSqliteStores } = await import('./sqlite/index.js');
  return openSqliteStores({
    path: sqlitePath(config.dataDir),
    ...(s.retentionDays !== undefined ? { retentionDays: s.retentionDays } : {}),
  });
}
