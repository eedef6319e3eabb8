/**
 * Run-time settings: the province-wide document `settings/global` in the state store, written by
 * `PUT /api/v1/settings` (validated against api/openapi.yaml SettingsUpdate) and read where each setting acts:
 *
 * - defaultLanguage: the language of notifications whose route names none (notify/templates.ts) and of reports.
 * - sessionHours: browser session lifetime, counted from login, for new and open sessions (api/auth).
 * - sla: minutes to acknowledge/resolve per severity, for incidents opened or reopened from then on
 *   (incidents/service.ts); unset severities keep the configured/default policy.
 * - silentHostMinutes: the default silence threshold of hosts (incidents/silent-hosts.ts); per-host and
 *   per-agency thresholds still win.
 * - retentionDays: days of events kept, instead of store.retentionDays (store/retention.ts, checked every minute
 *   by stores opened with retention), never fewer than retentionMinimumDays, the legal minimum that
 *   reports/compliance writes (3 months, 12 where Decree 53/2022/NĐ-CP applies to a system).
 *
 * Reads are cached for a short time (default 5 s) per state store; a write through the API drops the cache of
 * its process at once, other processes see it within the TTL. A stored value of the wrong type (an older
 * version, a hand edit) is ignored with a warning, never fatal.
 */

import { logger } from './log.js';
import { SCOPE_ALL, type Scope } from './tenancy.js';

/**
 * What the settings cache reads: the `settings` document of a state store (store/types.ts StateStore fits this
 * shape; the floor names only what it needs, so it does not import the store).
 */
export interface SettingsSource {
  collection<T extends object>(name: 'settings'): { get(scope: Scope, id: string): Promise<T | undefined> };
}

const log = logger('settings');

/** Languages of the product. */
export type SettingsLanguage = 'vi' | 'en';

/** Severities with SLA targets. */
export const SLA_SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'] as const;

/** SLA targets per severity (minutes); a missing field keeps the configured/default one. */
export type SlaSettings = Partial<
  Record<(typeof SLA_SEVERITIES)[number], { ackMinutes?: number; resolveMinutes?: number }>
>;

/**
 * The settings as stored (valid values only). Absent means "not set here": the consumer's configured value,
 * then DEFAULT_SETTINGS, applies.
 */
export interface RuntimeSettings {
  defaultLanguage?: SettingsLanguage;
  sessionHours?: number;
  silentHostMinutes?: number;
  retentionDays?: number;
  /** The legal minimum of retention (reports/compliance writes it; retention never goes below it). */
  retentionMinimumDays?: number;
  sla?: SlaSettings;
}

/** Settings every deployment starts with. */
export const DEFAULT_SETTINGS: Readonly<{ defaultLanguage: SettingsLanguage; sessionHours: number }> = Object.freeze({
  defaultLanguage: 'vi',
  sessionHours: 12,
});

/** The stored document. */
export interface SettingsDoc {
  id: string;
  values: Record<string, unknown>;
}

/** The id of the one settings document. */
export const SETTINGS_ID = 'global';

const posInt = (v: unknown, max: number): v is number =>
  Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;

/** The stored values as RuntimeSettings: bad values skipped (their keys pushed onto `bad`). */
export function parseSettings(values: Record<string, unknown> | undefined, bad: string[] = []): RuntimeSettings {
  const out: RuntimeSettings = {};
  const v = values ?? {};
  if (v.defaultLanguage !== undefined) {
    if (v.defaultLanguage === 'vi' || v.defaultLanguage === 'en') out.defaultLanguage = v.defaultLanguage;
    else bad.push('defaultLanguage');
  }
  if (v.sessionHours !== undefined) {
    if (posInt(v.sessionHours, 720)) out.sessionHours = v.sessionHours;
    else bad.push('sessionHours');
  }
  if (v.silentHostMinutes !== undefined) {
    if (posInt(v.silentHostMinutes, 100_000)) out.silentHostMinutes = v.silentHostMinutes;
    else bad.push('silentHostMinutes');
  }
  if (v.retentionDays !== undefined) {
    if (posInt(v.retentionDays, 3650)) out.retentionDays = v.retentionDays;
    else bad.push('retentionDays');
  }
  if (v.retentionMinimumDays !== undefined) {
    if (posInt(v.retentionMinimumDays, 3650)) out.retentionMinimumDays = v.retentionMinimumDays;
    else bad.push('retentionMinimumDays');
  }
  if (v.sla !== undefined) {
    const sla: SlaSettings = {};
    const given = v.sla as Record<string, unknown>;
    if (!given || typeof given !== 'object' || Array.isArray(given)) bad.push('sla');
    else {
      for (const sev of SLA_SEVERITIES) {
        const s = given[sev] as Record<string, unknown> | undefined;
        if (s === undefined) continue;
        const t: { ackMinutes?: number; resolveMinutes?: number } = {};
        for (const k of ['ackMinutes', 'resolveMinutes'] as const) {
          if (s?.[k] === undefined) continue;
          if (posInt(s[k], 525_600)) t[k] = s[k];
          else bad.push(`sla.${sev}.${k}`);
        }
        sla[sev] = t;
      }
      out.sla = sla;
    }
  }
  return out;
}

/** A short-lived cache of the settings document of one state store. */
export class SettingsCache {
  private value: RuntimeSettings = {};
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<RuntimeSettings> | undefined;
  private warned = '';

  constructor(
    private readonly state: SettingsSource,
    private readonly opts: { ttlMs?: number; now?: () => number } = {},
  ) {}

  /** The settings, read again from the store when older than the TTL. A failed read keeps the last value. */
  async get(): Promise<RuntimeSettings> {
    const now = (this.opts.now ?? Date.now)();
    if (now - this.readAt < (this.opts.ttlMs ?? 5000)) return this.value;
    this.reading ??= this.read(now).finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  /** The last value read (empty before the first read), without waiting. */
  peek(): RuntimeSettings {
    return this.value;
  }

  /** Forgets the cached value (the next get() reads the store). */
  invalidate(): void {
    this.readAt = Number.NEGATIVE_INFINITY;
  }

  private async read(now: number): Promise<RuntimeSettings> {
    try {
      const doc = await this.state.collection<SettingsDoc>('settings').get(SCOPE_ALL, SETTINGS_ID);
      const bad: string[] = [];
      this.value = parseSettings(doc?.values, bad);
      const key = bad.join(',');
      if (key && key !== this.warned) log.warn({ keys: bad }, 'Stored settings with invalid values ignored');
      this.warned = key;
      this.readAt = now;
      for (const fn of listeners) fn(this.value);
    } catch (err) {
      log.error({ err }, 'Could not read the settings; the last values stay in use');
    }
    return this.value;
  }
}

const caches = new WeakMap<SettingsSource, SettingsCache>();
const listeners = new Set<(s: RuntimeSettings) => void>();

/** The process-wide settings cache of a state store (the API's writes invalidate this same cache). */
export function settingsFor(state: SettingsSource): SettingsCache {
  let c = caches.get(state);
  if (!c) {
    c = new SettingsCache(state);
    caches.set(state, c);
  }
  return c;
}

/** Calls `fn` with the settings after each read (e.g. the notification templates' default language). */
export function onSettingsRead(fn: (s: RuntimeSettings) => void): () => void {
  listeners.add(fn);
  return () => {
    listeners.delete(fn);
  };
}
