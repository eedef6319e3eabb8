/**
 * The live list of agencies: the configuration's `agencies:` merged with the ones made through the API (state
 * collection `agencies`, documents of api/routes/agencies.ts). The API's entry wins over the configuration's for
 * the same id. The state store is polled (default every 10 s) so a change made through the API reaches
 * attribution and the TLS/RELP sources without a restart; `onChange` tells users (the normaliser's table, the
 * worker pool) when the merged list changed.
 *
 * A bad stored entry (invalid CIDR, missing name) is logged once per version and counted in
 * canhgac_agency_directory_rejected_total; it is skipped (the configuration's entry of the same id, if any, stays)
 * and never stops the service. A failed poll keeps the last good list (canhgac_agency_directory_refresh_errors_total).
 */

import { createHash } from 'node:crypto';
import { logger } from '../../core/log.js';
import { counter } from '../../core/metrics.js';
import { SCOPE_ALL, type Scope } from '../../core/tenancy.js';

/**
 * Where the stored agencies are read: the state store's `agencies` collection, handed in by the caller
 * (store/types.ts StateStore fits this shape; ingest never imports the store).
 */
export interface AgencyRecords {
  collection<T extends object>(
    name: 'agencies',
  ): { list(scope: Scope, opts: { size: number; after?: string }): Promise<{ docs: T[]; next?: string }> };
}

import { type AgencyConfig, agencyTable } from './agency.js';

const log = logger('agencies');

const rejected = counter(
  'canhgac_agency_directory_rejected_total',
  'Agency entries (configuration or API) skipped because they are invalid (bad CIDR, missing id or name)',
  ['origin'],
);
const refreshErrors = counter(
  'canhgac_agency_directory_refresh_errors_total',
  'Failed reads of the stored agencies (the last good list stays in use)',
);

/** The stored shape (api/routes/agencies.ts AgencyDoc), read loosely: anything may be in the store. */
interface StoredAgency {
  id?: unknown;
  name?: unknown;
  networks?: unknown;
  certificateNames?: unknown;
  timezone?: unknown;
  version?: unknown;
}

/** Options of AgencyDirectory.open. */
export interface AgencyDirectoryOptions {
  /** How often the state store is read again (ms, default 10,000; 0 = never, call refresh() yourself). */
  refreshMs?: number;
}

const PAGE = 1000;

function stringArray(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return undefined;
  return v as string[];
}

/** The entry as an AgencyConfig, or the reason it is refused. */
function validate(raw: unknown, origin: 'config' | 'api'): AgencyConfig | string {
  if (!raw || typeof raw !== 'object') return 'not an object';
  const r = raw as StoredAgency & { certNames?: unknown };
  if (typeof r.id !== 'string' || r.id === '') return 'id must be a non-empty string';
  if (typeof r.name !== 'string' || r.name === '') return 'name must be a non-empty string';
  const networks = stringArray(r.networks);
  if (!networks) return 'networks must be a list of strings';
  const certNames = stringArray(origin === 'api' ? r.certificateNames : r.certNames);
  if (!certNames) return 'certificate names must be a list of strings';
  if (r.timezone !== undefined && r.timezone !== null && typeof r.timezone !== 'string')
    return 'timezone must be a string';
  const cfg: AgencyConfig = { id: r.id, name: r.name, networks: [...networks], certNames: [...certNames] };
  if (typeof r.timezone === 'string' && r.timezone !== '') cfg.timezone = r.timezone;
  try {
    // The normaliser's own parser decides what a valid network is, so both always agree.
    agencyTable([cfg]);
  } catch (err) {
    const d = (err as { details?: { network?: string; tz?: string } }).details;
    if (d?.tz !== undefined) return `unknown time zone ${JSON.stringify(d.tz)}`;
    return d?.network !== undefined ? `invalid network ${JSON.stringify(d.network)}` : String(err);
  }
  return cfg;
}

/** The merged, live list of agencies (configuration + API). */
export class AgencyDirectory {
  private readonly fromConfig = new Map<string, AgencyConfig>();
  private merged: AgencyConfig[] = [];
  private print = '';
  private certs = new Map<string, string>();
  private readonly listeners = new Set<(list: AgencyConfig[]) => void>();
  /** `id:version` of stored entries already reported as bad (so a poll does not repeat the warning). */
  private reported = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> | undefined;
  private closed = false;

  private constructor(
    config: { agencies?: unknown },
    private readonly state: AgencyRecords,
  ) {
    const list: unknown[] = Array.isArray(config.agencies) ? config.agencies : [];
    list.forEach((raw, index) => {
      const v = validate(raw, 'config');
      if (typeof v === 'string') {
        rejected.labels('config').inc();
        log.error({ index, reason: v }, 'Configured agency skipped: invalid');
      } else this.fromConfig.set(v.id, v);
    });
    this.apply([...this.fromConfig.values()]);
  }

  /**
   * Reads the configuration's agencies and the stored ones, then polls the store every `refreshMs`. Never throws
   * for bad entries; a store that cannot be read at open is logged and counted, the configuration's list is used
   * and the next poll tries again.
   */
  static async open(
    config: { agencies?: unknown },
    state: AgencyRecords,
    opts: AgencyDirectoryOptions = {},
  ): Promise<AgencyDirectory> {
    const dir = new AgencyDirectory(config, state);
    await dir.refresh();
    const every = opts.refreshMs ?? 10_000;
    if (every > 0) {
      dir.timer = setInterval(() => void dir.refresh(), every);
      dir.timer.unref();
    }
    return dir;
  }

  /** The merged agencies, sorted by id. Do not modify. */
  list(): AgencyConfig[] {
    return this.merged;
  }

  /** A short digest of the merged list: equal fingerprints mean equal lists. */
  fingerprint(): string {
    return this.print;
  }

  /** Calls `fn` with the new list whenever a refresh changes it; returns the unsubscribe function. */
  onChange(fn: (list: AgencyConfig[]) => void): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  /** The agency id a (verified) TLS client certificate name belongs to, case-insensitively. */
  certAgency(name: string): string | undefined {
    return this.certs.get(name.toLowerCase());
  }

  /** Reads the stored agencies now; true when the merged list changed. Never throws. */
  refresh(): Promise<boolean> {
    // One read at a time: a slow store does not pile up polls.
    this.running ??= this.load().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops polling and forgets the listeners. */
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private async load(): Promise<boolean> {
    if (this.closed) return false;
    const stored: unknown[] = [];
    try {
      const coll = this.state.collection<StoredAgency>('agencies');
      let after: string | undefined;
      do {
        const page = await coll.list(SCOPE_ALL, { size: PAGE, ...(after ? { after } : {}) });
        stored.push(...page.docs);
        after = page.next;
      } while (after);
    } catch (err) {
      refreshErrors.inc();
      log.error({ err }, 'Could not read the stored agencies; the last list stays in use');
      return false;
    }
    if (this.closed) return false;
    const byId = new Map(this.fromConfig);
    const seen = new Set<string>();
    for (const raw of stored) {
      const v = validate(raw, 'api');
      if (typeof v === 'string') {
        const r = raw as StoredAgency;
        const key = `${String(r?.id)}:${String(r?.version)}`;
        seen.add(key);
        if (!this.reported.has(key)) {
          rejected.labels('api').inc();
          log.error({ agency: String(r?.id), reason: v }, 'Stored agency skipped: invalid');
        }
        continue;
      }
      byId.set(v.id, v);
    }
    this.reported = seen;
    return this.apply([...byId.values()]);
  }

  /** Installs a new merged list; true (and listeners told) when it differs from the current one. */
  private apply(list: AgencyConfig[]): boolean {
    list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const print = createHash('sha256').update(JSON.stringify(list)).digest('hex').slice(0, 16);
    if (print === this.print) return false;
    const certs = new Map<string, string>();
    const shared: string[] = [];
    for (const a of list) {
      for (const c of a.certNames ?? []) {
        const k = c.toLowerCase();
        const had = certs.get(k);
        if (had !== undefined && had !== a.id) shared.push(k);
        else certs.set(k, a.id); // the first agency by id keeps a name two claim
      }
    }
    if (shared.length > 0)
      log.warn({ names: shared.slice(0, 20) }, 'Certificate names claimed by two agencies: the first by id keeps them');
    this.merged = list;
    this.certs = certs;
    const first = this.print === '';
    this.print = print;
    if (!first) {
      log.info({ agencies: list.length }, 'Agencies changed');
      for (const fn of this.listeners) {
        try {
          fn(list);
        } catch (err) {
          log.error({ err }, 'An agency change listener failed');
        }
      }
    }
    return !first;
  }
}
