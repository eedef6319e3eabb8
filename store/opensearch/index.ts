/**
 * The distributed backend: event store and state store on one OpenSearch cluster. `openOpenSearchStores`
 * connects, installs or upgrades the versioned mappings, and sets up retention (ISM, else a deletion job).
 */
import type { Client } from '@opensearch-project/opensearch';
import { logger } from '../../core/log.js';
import { storeError } from '../errors.js';
import { RetentionTimer } from '../retention.js';
import { SCOPE_ALL, type Stores } from '../types.js';
import type { BulkOptions } from './bulk.js';
import { createClient, type OpenSearchOptions } from './client.js';
import { OpenSearchEventStore } from './event-store.js';
import {
  defaultMappings,
  ensureSchema,
  hasIsm,
  type IndexSettings,
  type Layout,
  putIsmRetention,
  layout,
  type Mappings,
} from './schema.js';
import { OpenSearchStateStore } from './state-store.js';

export { BulkWriter, type BulkOptions, type BulkDoc, type BulkOutcome } from './bulk.js';
export { createClient, type OpenSearchOptions } from './client.js';
export { OpenSearchEventStore } from './event-store.js';
export { toDsl, searchQuery, re2ToLucene } from './query.js';
export { defaultMappings, ensureSchema, indexSchemaVersion, layout, loadMapping, type Mappings } from './schema.js';
export { OpenSearchStateStore } from './state-store.js';

const log = logger('store_opensearch');

/** Everything the OpenSearch backend needs. */
export interface OpenSearchStoreOptions extends OpenSearchOptions {
  bulk?: BulkOptions;
  index?: IndexSettings;
  /** Keep events this many days (undefined: forever). */
  retentionDays?: number;
  /** How often the fallback deletion job runs, ms (default 1 hour). */
  retentionEveryMs?: number;
  /** How often the retentionDays setting is looked at, ms (default 1 minute); a change acts at once. */
  retentionCheckMs?: number;
  /** Mappings to install (default: the versioned files in mappings/). */
  mappings?: Mappings;
}

/** The OpenSearch stores plus what an operator may want to look at. */
export interface OpenSearchStores extends Stores {
  events: OpenSearchEventStore;
  state: OpenSearchStateStore;
  client: Client;
  layout: Layout;
  /** How retention runs: `ism`, `job` (no ISM plugin), or `none`. */
  retention: 'ism' | 'job' | 'none';
  /** The retention timer (present when opened with retentionDays). */
  retentionTimer?: RetentionTimer;
}

/** Deletes events past retention on a timer (used when the cluster has no ISM plugin). */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly events: OpenSearchEventStore,
    private readonly days: number,
    private readonly everyMs: number,
  ) {}

  /** One pass: deletes events older than `days`; returns how many. */
  async runOnce(now = Date.now()): Promise<number> {
    const n = await this.events.deleteOlderThan(SCOPE_ALL, now - this.days * 86_400_000);
    if (n > 0) log.info({ deleted: n, days: this.days }, 'Deleted events past retention.');
    return n;
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.runOnce().catch((err: unknown) => log.error({ err }, 'Retention pass failed; next pass retries.'));
    }, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Connects, installs/upgrades the schema and returns both stores. */
export async function openOpenSearchStores(opts: OpenSearchStoreOptions): Promise<OpenSearchStores> {
  const client = createClient(opts);
  const l = layout(opts.prefix ?? 'canhgac');
  await ensureSchema(client, l, opts.mappings ?? defaultMappings(), opts.index);
  const events = new OpenSearchEventStore(client, l, opts.bulk);
  const state = new OpenSearchStateStore(client, l);
  let retention: OpenSearchStores['retention'] = 'none';
  let timer: RetentionTimer | undefined;
  if (opts.retentionDays !== undefined) {
    // store.retentionDays, overridden at run time by the retentionDays setting (store/retention.ts): with ISM a
    // change updates the policy, without it the deletion job uses the new number of days.
    const ism = await hasIsm(client);
    retention = ism ? 'ism' : 'job';
    timer = new RetentionTimer({
      configuredDays: opts.retentionDays,
      state,
      apply: ism
        ? async (days, changed) => {
            if (changed) log.info({ days, policy: await putIsmRetention(client, l, days) }, 'ISM retention policy');
          }
        : async (days) => {
            await new RetentionJob(events, days, 0).runOnce();
          },
      ...(opts.retentionEveryMs !== undefined ? { everyMs: opts.retentionEveryMs } : {}),
      ...(opts.retentionCheckMs !== undefined ? { checkEveryMs: opts.retentionCheckMs } : {}),
    });
    // The first pass before the store is handed out (the policy is in place, or old events are gone).
    await timer.check();
    timer.start();
    if (!ism) log.info({ days: timer.days }, 'No ISM plugin on the cluster; retention runs as a deletion job.');
  }
  return {
    events,
    state,
    client,
    layout: l,
    retention,
    ...(timer ? { retentionTimer: timer } : {}),
    async close() {
      await timer?.stop();
      await events.close();
      await state.close();
      await client.close();
    },
  };
}

/** The `store` section of canhgac's configuration (core/config/schema.ts), as far as this backend reads it. */
export interface OpenSearchStoreConfig {
  retentionDays?: number;
  opensearch?: { url?: string; username?: string; password?: string; caFile?: string; indexPrefix?: string };
}

/** Store options from the configuration's `store` section (store.kind: opensearch). */
export function optionsFromConfig(store: OpenSearchStoreConfig): OpenSearchStoreOptions {
  const os = store.opensearch ?? {};
  if (!os.url) {
    throw storeError('CANHGAC_ERR_STORE_INVALID', {
      reason: 'store.opensearch.url is required when store.kind is opensearch',
    });
  }
  return {
    node: os.url,
    prefix: os.indexPrefix ?? 'canhgac',
    ...(os.username !== undefined ? { auth: { username: os.username, password: os.password ?? '' } } : {}),
    ...(os.caFile !== undefined ? { tls: { caFile: os.caFile } } : {}),
    ...(store.retentionDays !== undefined ? { retentionDays: store.retentionDays } : {}),
  };
}
