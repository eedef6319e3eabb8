/**
 * Opens the context stages from the configuration: the threat-intel feeds (started, refreshed on their timers),
 * the GeoIP enricher, and the retro-match run when feeds add indicators. The caller hands in how to raise an
 * alert and how to send an operational notice (both live in layers above this one).
 */
import { createHash } from 'node:crypto';
import { logger } from '../core/log.js';
import type { EventStore, StateStore } from '../store/types.js';
import { AssetDirectory } from './assets/weigh.js';
import { GeoEnricher, type GeoOptions } from './geo/enrich.js';
import { ContextStage, type IndicatorAlert, retroMatch } from './stage.js';
import { ConsoleFeeds } from './ti/console-feeds.js';
import type { FeedConfig } from './ti/feeds/load.js';
import { LocalList, toIndicator } from './ti/local.js';
import { type FeedNotice, ThreatIntel } from './ti/manager.js';
import type { Indicator } from './ti/types.js';

export { ContextStage, type IndicatorAlert, TI_RULE_ID } from './stage.js';
export { type ConsoleFeed, ConsoleFeeds, publicFeed, validateFeed } from './ti/console-feeds.js';
export { LOCAL_FEED, type LocalIndicator, LocalList, validateLocal } from './ti/local.js';
export type { FeedNotice, FeedStatus } from './ti/manager.js';
export { ThreatIntel } from './ti/manager.js';
export { normaliseIndicator } from './ti/observable.js';
export { publishStatus, readStatus } from './ti/shared-status.js';
export type { Indicator } from './ti/types.js';

const log = logger('context');

/** What openContext needs besides the configuration. */
export interface ContextDeps {
  events: EventStore;
  raise: (a: IndicatorAlert) => Promise<void>;
  notice?: (n: FeedNotice) => void;
  /** Run the retro-match here (false: never; see retroClaim for distributed workers). */
  retroMatch?: boolean;
  /**
   * Distributed workers: each loads the same feeds and sees the same new indicators; the retro-match of one set of
   * new indicators runs in the worker that claims its key first (a Redis SET NX), so it runs once.
   */
  retroClaim?: (key: string) => Promise<boolean>;
  /** The state store: the analysts' local list is read from it (and read again when it changes). */
  state?: StateStore;
  /** How often the local list is checked for changes made by another process (ms, default 15 s). */
  localPollMs?: number;
}

/** The opened context: the stage for the pipeline, the feeds for the API, close() to stop timers. */
export interface OpenedContext {
  stage: ContextStage;
  ti: ThreatIntel | undefined;
  geo: GeoEnricher | undefined;
  /** Reads the local list again now (the API calls it after a change; other processes poll). */
  syncLocal(): Promise<void>;
  /** Settles when the local-list reads asked for so far are done (without asking another). */
  localSettled(): Promise<void>;
  /** Settles when the retro-matches started so far have finished. */
  idle(): Promise<void>;
  /** Reads the asset inventory again now (the API calls it after a change; otherwise every 30 s). */
  refreshAssets(): Promise<void>;
  close(): void;
}

/** The key of a set of new indicators (the same set in every worker gives the same key). */
export function retroKey(added: readonly Indicator[]): string {
  const h = createHash('sha256');
  for (const k of added.map((i) => `${i.type}\u0000${i.value}`).sort()) h.update(k).update('\n');
  return h.digest('hex').slice(0, 32);
}

/** Builds the stages from `threatIntel` and `geoip`; waits for each feed's first load (failures only logged). */
export async function openContext(config: Record<string, unknown>, deps: ContextDeps): Promise<OpenedContext> {
  const tiConf = (config.threatIntel ?? {}) as { feeds?: FeedConfig[]; retroMatchDays?: number };
  const geoConf = (config.geoip ?? {}) as GeoOptions & { enabled?: boolean };
  const geo = geoConf.enabled === false ? undefined : new GeoEnricher(geoConf);
  const days = tiConf.retroMatchDays ?? 7;
  // OpenSearch indexes event fields (indicators become queries); SQLite does not (the window is read once).
  const strategy = (config.store as { kind?: string } | undefined)?.kind === 'opensearch' ? 'query' : 'scan';
  let retro = Promise.resolve();
  let started = false;
  const feeds = tiConf.feeds ?? [];
  const ti =
    feeds.length || deps.state
      ? new ThreatIntel({
          feeds,
          ...(deps.notice ? { onNotice: deps.notice } : {}),
          onChange: (_set, added) => {
            // The first load of every feed is not "new": it is what the feeds were before this start.
            if (!started || deps.retroMatch === false || added.length === 0 || days === 0) return;
            retro = retro
              .then(async () => {
                if (deps.retroClaim && !(await deps.retroClaim(retroKey(added)))) return;
                await retroMatch(deps.events, added, days, deps.raise, { strategy });
              })
              .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'Retro-match failed'));
          },
        })
      : undefined;
  const local = deps.state ? new LocalList(deps.state) : undefined;
  const added = deps.state ? new ConsoleFeeds(deps.state) : undefined;
  let seen = '';
  let seenFeeds = '';
  let syncing = Promise.resolve();
  const syncLocal = (): Promise<void> => {
    if (!ti || !local) return Promise.resolve();
    syncing = syncing
      .then(async () => {
        const entries = await local.list();
        const print = LocalList.fingerprint(entries);
        if (print !== seen) {
          seen = print;
          ti.setLocal(entries.map(toIndicator));
        }
        // The feeds added in the console, read on the same poll and change announcement as the list.
        const feeds = ((await added?.list()) ?? []).map(({ id, updatedBy, updatedAt, version, agencyId, ...f }) => f);
        const fp = JSON.stringify(feeds);
        if (fp === seenFeeds) return;
        seenFeeds = fp;
        await ti.setConsoleFeeds(feeds);
      })
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'Reading the local indicator list failed'));
    return syncing;
  };
  const assets = deps.state ? new AssetDirectory(deps.state) : undefined;
  await assets?.start();
  if (ti) await ti.start();
  await syncLocal();
  started = true;
  const poll = local ? setInterval(() => void syncLocal(), deps.localPollMs ?? 15_000) : undefined;
  poll?.unref();
  return {
    stage: new ContextStage({ ...(ti ? { ti } : {}), ...(geo ? { geo } : {}), ...(assets ? { assets } : {}) }),
    ti,
    geo,
    syncLocal,
    localSettled: () => syncing,
    idle: () => retro,
    refreshAssets: () => assets?.refresh() ?? Promise.resolve(),
    close: () => {
      ti?.stop();
      assets?.stop();
      if (poll) clearInterval(poll);
    },
  };
}
