/**
 * Retention of events, shared by both backends: how many days to keep is the `retentionDays` setting
 * (PUT /api/v1/settings, core/settings.ts) when set, else the configured `store.retentionDays`. A timer checks the
 * setting every minute (through the settings cache, so a check costs nothing most of the time) and runs a pass
 * at once when the number of days changed, and otherwise every `everyMs` (an hour). A backend's pass deletes
 * (SQLite, the OpenSearch deletion job) or updates its ISM policy.
 *
 * Only stores opened with retention run this: read-only tools (hunt, reports) open without it and never delete,
 * whatever the setting says.
 */
import { logger } from '../core/log.js';
import { gauge } from '../core/metrics.js';
import { type SettingsCache, settingsFor } from '../core/settings.js';
import type { StateStore } from './types.js';

const log = logger('store_retention');
const daysGauge = gauge('canhgac_retention_days', 'Days of events kept (the retentionDays setting, else the config)');

/** What the timer needs. */
export interface RetentionOptions {
  /** `store.retentionDays` from the configuration: the default the setting overrides. */
  configuredDays: number;
  /** The state store holding the settings (the same Stores). */
  state: StateStore;
  /** One pass for `days`; `changed` when they differ from the last successful pass (or it is the first). */
  apply: (days: number, changed: boolean) => Promise<void>;
  /** A pass at least this often, ms (default 1 hour). */
  everyMs?: number;
  /** How often the setting is looked at, ms (default 1 minute). */
  checkEveryMs?: number;
  /** Settings source (default: the state store's shared cache). */
  settings?: SettingsCache;
  now?: () => number;
}

/** Runs retention passes for the effective number of days (see the file comment). */
export class RetentionTimer {
  private timer: NodeJS.Timeout | undefined;
  private lastDays: number | undefined;
  private lastPassAt = Number.NEGATIVE_INFINITY;
  private running: Promise<number | undefined> | undefined;
  private readonly settings: SettingsCache;
  private readonly now: () => number;

  constructor(private readonly o: RetentionOptions) {
    this.settings = o.settings ?? settingsFor(o.state);
    this.now = o.now ?? Date.now;
  }

  /** Days kept now: the setting when set, else the configuration; never below the legal minimum (compliance). */
  async effectiveDays(): Promise<number> {
    const s = await this.settings.get();
    return Math.max(s.retentionDays ?? this.o.configuredDays, s.retentionMinimumDays ?? 0);
  }

  /** The days of the last successful pass (undefined before the first). */
  get days(): number | undefined {
    return this.lastDays;
  }

  /**
   * Looks at the setting and runs a pass when the days changed or the interval elapsed; returns the days of the
   * pass it ran (undefined: none was due). A failed pass is logged and tried again at the next check.
   */
  check(): Promise<number | undefined> {
    this.running ??= this.checkInner().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async checkInner(): Promise<number | undefined> {
    const days = await this.effectiveDays();
    const changed = days !== this.lastDays;
    const now = this.now();
    if (!changed && now - this.lastPassAt < (this.o.everyMs ?? 3_600_000)) return undefined;
    try {
      await this.o.apply(days, changed);
    } catch (err) {
      // Not marked done: the next check (a minute later) tries again.
      log.error({ err, days }, 'Retention pass failed; the next check retries.');
      return undefined;
    }
    if (changed && this.lastDays !== undefined)
      log.info({ days, before: this.lastDays }, 'Retention changed: events are now kept this many days.');
    this.lastDays = days;
    this.lastPassAt = now;
    daysGauge.set(days);
    return days;
  }

  /** Runs a first check now and then one every `checkEveryMs`. */
  start(): void {
    if (this.timer) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), this.o.checkEveryMs ?? 60_000);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass under way (call before closing the store). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
