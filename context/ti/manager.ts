/**
 * The threat-intelligence feeds at run time: each feed refreshed on its own timer; a refresh that fails keeps the
 * feed's last good indicators (the feed is then stale: in /metrics, in status(), and after staleNoticeMinutes an
 * operational notice); a refresh that succeeds rebuilds the one indicator set the matcher reads and reports the
 * indicators that are new (for the retro-match). Matches are counted per feed and per day.
 */

import { configError } from '../../core/config/errors.js';
import { logger } from '../../core/log.js';
import { counter, gauge } from '../../core/metrics.js';
import { contextError } from '../errors.js';
import { redact } from './feeds/http.js';
import { type FeedConfig, type FeedLoader, feedLoader } from './feeds/load.js';
import { normaliseIndicator, parseIPv4, parseIPv6 } from './observable.js';
import { IndicatorSet, type TypeCounts } from './set.js';
import type { Indicator, IndicatorHit } from './types.js';

const log = logger('threat-intel');
const mIndicators = gauge('canhgac_ti_feed_indicators', 'Indicators a feed currently contributes', ['feed']);
const mStale = gauge('canhgac_ti_feed_stale', '1 while a feed is failing and matching with its last good set', [
  'feed',
]);
const mLastOk = gauge('canhgac_ti_feed_last_success_seconds', 'Unix time of the last successful refresh', ['feed']);
const mFailures = counter('canhgac_ti_feed_refresh_failures_total', 'Failed feed refreshes', ['feed']);
const mRejected = counter('canhgac_ti_feed_rejected_total', 'Feed entries refused as invalid at a refresh', ['feed']);
const mMatches = counter('canhgac_ti_matches_total', 'Events matched per feed', ['feed']);

/** A feed's state as the API and the console show it. */
export interface FeedStatus {
  name: string;
  type: FeedConfig['type'] | 'local';
  /** Where it is defined: the configuration file (read-only in the console), the console, or the local list. */
  origin: 'file' | 'console' | 'local';
  /** URL without credentials or query, or the file. */
  source: string;
  indicators: number;
  counts: Partial<TypeCounts>;
  lastAttemptAt?: number;
  lastSuccessAt?: number;
  lastError?: string;
  /** Failing now; matching continues with the last good set. */
  stale: boolean;
  failingSince?: number;
  /** The operational notice for this failure was raised. */
  noticeRaised: boolean;
  /** Entries refused (invalid) and skipped (unsupported) at the last good refresh. */
  rejected: number;
  skipped: number;
  /** Matches per UTC day (YYYY-MM-DD), the last 30 days. */
  matchesByDay: Record<string, number>;
}

/** An operational notice: a feed has been failing for longer than its staleNoticeMinutes. */
export interface FeedNotice {
  feed: string;
  failingSince: number;
  lastError: string;
}

/** What the manager needs from its surroundings. */
export interface ThreatIntelOptions {
  feeds: FeedConfig[];
  /** A new set is in use; `added` are the indicators no earlier set had (retro-match them). */
  onChange?: (set: IndicatorSet, added: Indicator[]) => void;
  onNotice?: (n: FeedNotice) => void;
  now?: () => number;
}

interface FeedState {
  config: FeedConfig;
  loader: FeedLoader;
  indicators: Indicator[];
  status: FeedStatus;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
}

const keyOf = (i: Indicator) => `${i.type}\u0000${i.value}`;
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Runs the configured feeds and the analysts' local list; owns the indicator set in use. */
export class ThreatIntel {
  private readonly feeds = new Map<string, FeedState>();
  private current: IndicatorSet = new IndicatorSet([]);
  private readonly now: () => number;
  private stopped = false;

  constructor(private readonly o: ThreatIntelOptions) {
    this.now = o.now ?? Date.now;
    for (const f of o.feeds) {
      if (f.enabled === false) continue;
      if (this.feeds.has(f.name))
        throw configError('CANHGAC_ERR_CONFIG_INVALID', {
          problems: `threatIntel.feeds: the name ${f.name} is used twice`,
        });
      this.feeds.set(f.name, this.stateFor(f, f.type, feedLoader(f), f.url ? redact(f.url) : (f.file ?? ''), 'file'));
    }
  }

  private stateFor(
    config: FeedConfig,
    type: FeedStatus['type'],
    loader: FeedLoader,
    source: string,
    origin: FeedStatus['origin'],
  ): FeedState {
    return {
      config,
      loader,
      indicators: [],
      status: {
        name: config.name,
        type,
        origin,
        source,
        indicators: 0,
        counts: {},
        stale: false,
        noticeRaised: false,
        rejected: 0,
        skipped: 0,
        matchesByDay: {},
      },
    };
  }

  /** The indicator set in use now (swapped whole on every change). */
  set(): IndicatorSet {
    return this.current;
  }

  /** Loads every feed once (failures are recorded, not thrown), then refreshes each on its own timer. */
  async start(): Promise<void> {
    await Promise.all([...this.feeds.keys()].map((n) => this.refresh(n)));
    for (const s of this.feeds.values()) this.schedule(s);
  }

  private schedule(s: FeedState): void {
    if (this.stopped || s.status.type === 'local' || this.feeds.get(s.config.name) !== s) return;
    const ms = (s.config.refreshMinutes ?? 60) * 60_000;
    s.timer = setTimeout(() => {
      void this.refresh(s.config.name).finally(() => this.schedule(s));
    }, ms);
    s.timer.unref();
  }

  /** Stops the timers. */
  stop(): void {
    this.stopped = true;
    for (const s of this.feeds.values()) clearTimeout(s.timer);
  }

  /** Refreshes one feed now (one refresh per feed at a time). */
  refresh(name: string): Promise<void> {
    const s = this.feeds.get(name);
    if (!s) return Promise.reject(new Error(`no feed named ${name}`));
    s.running ??= this.load(s).finally(() => {
      s.running = undefined;
    });
    return s.running;
  }

  /**
   * Replaces the analysts' local list (kept by the caller in the state store, with who added what and why),
   * as a feed named `local`.
   */
  setLocal(indicators: Indicator[]): void {
    let s = this.feeds.get('local');
    if (!s) {
      const config: FeedConfig = { name: 'local', type: 'list' };
      const none = { load: async () => ({ indicators: [], problems: [], skipped: 0 }) };
      s = this.stateFor(config, 'local', none, '', 'local');
      this.feeds.set('local', s);
    }
    this.accept(s, indicators, 0, 0);
  }

  /**
   * Replaces the feeds added in the console (no restart): a removed, paused or edited feed stops and its indicators
   * leave the set; a new or edited one loads now, then on its own timer. A name the file uses stays the file's.
   */
  async setConsoleFeeds(feeds: readonly FeedConfig[]): Promise<void> {
    const want = new Map<string, FeedConfig>();
    for (const f of feeds) if (f.enabled !== false) want.set(f.name, f);
    let dropped = false;
    for (const [name, s] of this.feeds) {
      if (s.status.origin !== 'console') continue;
      const w = want.get(name);
      if (w && JSON.stringify(w) === JSON.stringify(s.config)) {
        want.delete(name);
        continue;
      }
      clearTimeout(s.timer);
      this.feeds.delete(name);
      mIndicators.labels(name).set(0);
      dropped = true;
    }
    if (dropped) this.rebuild([]);
    const loads: Promise<void>[] = [];
    for (const f of want.values()) {
      if (this.feeds.has(f.name)) continue;
      const s = this.stateFor(f, f.type, feedLoader(f), f.url ? redact(f.url) : '', 'console');
      this.feeds.set(f.name, s);
      loads.push(this.refresh(f.name).then(() => this.schedule(s)));
    }
    await Promise.all(loads);
  }

  private async load(s: FeedState): Promise<void> {
    const st = s.status;
    const now = this.now();
    st.lastAttemptAt = now;
    try {
      const r = await s.loader.load(now);
      if (r.indicators.length === 0 && r.problems.length > 0)
        throw contextError('CANHGAC_ERR_TI_INDICATORS', {
          feed: st.name,
          reason: `first problem: ${r.problems[0]!.at}: ${r.problems[0]!.reason}`,
        });
      this.accept(s, r.indicators, r.problems.length, r.skipped);
      mRejected.labels(st.name).inc(r.problems.length);
      if (r.problems.length > 0)
        log.warn(
          { feed: st.name, rejected: r.problems.length, first: r.problems.slice(0, 3) },
          'Feed entries refused as invalid',
        );
      if (st.stale) log.info({ feed: st.name, failingSince: st.failingSince }, 'Feed recovered');
      st.stale = false;
      st.noticeRaised = false;
      delete st.failingSince;
      delete st.lastError;
      st.lastSuccessAt = now;
      mStale.labels(st.name).set(0);
      mLastOk.labels(st.name).set(Math.floor(now / 1000));
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      mFailures.labels(st.name).inc();
      mStale.labels(st.name).set(1);
      st.stale = true;
      st.failingSince ??= now;
      st.lastError = msg.slice(0, 300);
      log.warn(
        { feed: st.name, err: st.lastError, keeps: st.indicators },
        'Feed refresh failed; its last good set stays in use',
      );
      const after = (s.config.staleNoticeMinutes ?? 360) * 60_000;
      if (!st.noticeRaised && now - st.failingSince >= after) {
        st.noticeRaised = true;
        log.error({ feed: st.name, failingSince: new Date(st.failingSince).toISOString() }, 'Feed stale for too long');
        this.o.onNotice?.({ feed: st.name, failingSince: st.failingSince, lastError: st.lastError });
      }
    }
  }

  private accept(s: FeedState, indicators: Indicator[], rejected: number, skipped: number): void {
    const before = new Set<string>();
    for (const f of this.feeds.values()) for (const i of f.indicators) before.add(keyOf(i));
    s.indicators = indicators;
    const st = s.status;
    st.indicators = indicators.length;
    st.rejected = rejected;
    st.skipped = skipped;
    const counts: Partial<TypeCounts> = {};
    for (const i of indicators) counts[i.type] = (counts[i.type] ?? 0) + 1;
    st.counts = counts;
    mIndicators.labels(st.name).set(indicators.length);
    if (this.feeds.get(st.name) !== s) return; // removed while it loaded
    this.rebuild(indicators.filter((i) => !before.has(keyOf(i))));
  }

  private rebuild(added: Indicator[]): void {
    const all: Indicator[] = [];
    for (const f of this.feeds.values()) for (const i of f.indicators) all.push(i);
    this.current = new IndicatorSet(all);
    this.o.onChange?.(this.current, added);
  }

  /** Counts a batch's hits per feed and day (one per event and feed). */
  recordHits(hits: readonly IndicatorHit[], at: number): void {
    const d = day(at);
    const seen = new Set<string>();
    for (const h of hits) seen.add(h.indicator.feed);
    for (const feed of seen) {
      mMatches.labels(feed).inc();
      const st = this.feeds.get(feed)?.status;
      if (!st) continue;
      st.matchesByDay[d] = (st.matchesByDay[d] ?? 0) + 1;
      const days = Object.keys(st.matchesByDay);
      if (days.length > 30) for (const old of days.sort().slice(0, days.length - 30)) delete st.matchesByDay[old];
    }
  }

  /**
   * The indicators in use that name a value (an address, network, domain, URL or hash, as an analyst pastes it):
   * the exact entry and those covering it (a network holding the address, a parent domain), expired ones left out.
   */
  search(raw: string): { type: string; value: string; hits: Indicator[] } | { error: string } {
    const n = normaliseIndicator(raw.trim());
    if ('error' in n) return { error: n.error };
    const out: Indicator[] = [];
    const now = this.now();
    const set = this.current;
    if (n.type === 'ipv4' || n.type === 'ipv6') set.lookupAddress(n.value, now, out);
    else if (n.type === 'domain') set.lookupDomain(n.value, now, out);
    else if (n.type === 'url') set.lookupUrl(n.value, now, out);
    else if (n.type === 'cidr') {
      // A network: the indicators that overlap it (networks nest or are disjoint: the ones holding it, itself,
      // and the addresses and networks inside it), the widest first. A scan: an analyst's search, not per event.
      const net = netOf(n.value);
      const found: { i: Indicator; width: number }[] = [];
      for (const f of this.feeds.values())
        for (const i of f.indicators) {
          if ((i.expiresAt ?? Infinity) <= now) continue;
          let r: Net | undefined;
          if (i.type === 'ipv4') {
            const a4 = parseIPv4(i.value);
            r = { v6: false, start: a4, end: a4, len: 32 };
          } else if (i.type === 'cidr' || i.type === 'ipv6') r = netOf(i.type === 'cidr' ? i.value : `${i.value}/128`);
          if (r && net && overlaps(r, net)) found.push({ i, width: r.len });
        }
      found.sort((a, b) => a.width - b.width);
      for (const x of found) out.push(x.i);
    } else set.lookupHash(n.value, now, out);
    return { type: n.type, value: n.value, hits: out.slice(0, 100) };
  }

  /** Every feed's status (credentials never included). */
  status(): FeedStatus[] {
    return [...this.feeds.values()].map((s) => ({
      ...s.status,
      counts: { ...s.status.counts },
      matchesByDay: { ...s.status.matchesByDay },
    }));
  }
}

/** A network: IPv4 as a number range, IPv6 as its 128 bits and prefix length. */
type Net = { v6: false; start: number; end: number; len: number } | { v6: true; bits: bigint; len: number };

function netOf(v: string): Net | undefined {
  const slash = v.indexOf('/');
  const len = Number(v.slice(slash + 1));
  const a4 = parseIPv4(v.slice(0, slash));
  if (a4 >= 0) return { v6: false, start: a4, end: a4 + 2 ** (32 - len) - 1, len };
  const p = parseIPv6(v.slice(0, slash));
  return p ? { v6: true, bits: p.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n), len } : undefined;
}

/** Whether two networks share an address (networks nest or are disjoint: one holds the other). */
function overlaps(a: Net, b: Net): boolean {
  if (!a.v6 && !b.v6) return a.start <= b.end && b.start <= a.end;
  if (!a.v6 || !b.v6) return false;
  const drop = 128n - BigInt(Math.min(a.len, b.len));
  return a.bits >> drop === b.bits >> drop;
}
