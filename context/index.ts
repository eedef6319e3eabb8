/**
 * Opens the context stages from the configuration: the threat-intel feeds (started, refreshed on their timers),
 * the GeoIP enricher, and the retro-match run when feeds add indicators. The caller hands in how to raise an
 * alert and how to send an operational notice (both live in layers above this one).
 */
import { logger } from '../core/log.js';
import type { EventStore } from '../store/types.js';
import { GeoEnricher, type GeoOptions } from './geo/enrich.js';
import { ContextStage, type IndicatorAlert, retroMatch } from './stage.js';
import type { FeedConfig } from './ti/feeds/load.js';
import { type FeedNotice, ThreatIntel } from './ti/manager.js';

export { ContextStage, type IndicatorAlert, TI_RULE_ID } from './stage.js';
export type { FeedNotice, FeedStatus } from './ti/manager.js';
export { ThreatIntel } from './ti/manager.js';

const log = logger('context');

/** What openContext needs besides the configuration. */
export interface ContextDeps {
  events: EventStore;
  raise: (a: IndicatorAlert) => Promise<void>;
  notice?: (n: FeedNotice) => void;
  /** Run the retro-match here (false in distributed workers but one: every worker would repeat it). */
  retroMatch?: boolean;
}

/** The opened context: the stage for the pipeline, the feeds for the API, close() to stop timers. */
export interface OpenedContext {
  stage: ContextStage;
  ti: ThreatIntel | undefined;
  geo: GeoEnricher | undefined;
  close(): void;
}

/** Builds the stages from `threatIntel` and `geoip`; waits for each feed's first load (failures only logged). */
export async function openContext(config: Record<string, unknown>, deps: ContextDeps): Promise<OpenedContext> {
  const tiConf = (config.threatIntel ?? {}) as { feeds?: FeedConfig[]; retroMatchDays?: number };
  const geoConf = (config.geoip ?? {}) as GeoOptions & { enabled?: boolean };
  const geo = geoConf.enabled === false ? undefined : new GeoEnricher(geoConf);
  const days = tiConf.retroMatchDays ?? 7;
  let retro = Promise.resolve();
  let started = false;
  const feeds = tiConf.feeds ?? [];
  const ti = feeds.length
    ? new ThreatIntel({
        feeds,
        ...(deps.notice ? { onNotice: deps.notice } : {}),
        onChange: (_set, added) => {
          // The first load of every feed is not "new": it is what the feeds were before this start.
          if (!started || deps.retroMatch === false || added.length === 0 || days === 0) return;
          retro = retro
            .then(() => retroMatch(deps.events, added, days, deps.raise))
            .then(() => undefined)
            .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'Retro-match failed'));
        },
      })
    : undefined;
  if (ti) await ti.start();
  started = true;
  return {
    stage: new ContextStage({ ...(ti ? { ti } : {}), ...(geo ? { geo } : {}) }),
    ti,
    geo,
    close: () => ti?.stop(),
  };
}
