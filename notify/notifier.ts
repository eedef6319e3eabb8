import { createHash } from 'node:crypto';
import { logger } from '../core/log.js';
import { counter } from '../core/metrics.js';
import { type SettingsCache, settingsFor } from '../core/settings.js';
import { SEVERITIES, type Severity } from '../incidents/types.js';
import { isStoreConflict } from '../store/errors.js';
import { type Collection, SCOPE_ALL, type StateStore, type Versioned } from '../store/types.js';
import { recordChannelAttempt, scrubSecrets } from './channel-status.js';
import { notifyError } from './errors.js';
import { routeKinds } from './kinds.js';
import { render } from './templates.js';
import {
  type ChannelConfig,
  type ChannelSender,
  DEFAULT_ROUTE_KINDS,
  type Delivery,
  type Notice,
  type NoticeKind,
  type RouteConfig,
} from './types.js';

const log = logger('notify');
const outcomes = counter('canhgac_notifications_total', 'Notification deliveries by channel type and outcome', [
  'channel',
  'outcome',
]);

/** Notifier options. */
export interface NotifierOptions {
  now?: () => number;
  /** Attempts before a delivery goes to the dead-letter list (default 8). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt up to maxDelayMs (defaults 5 s and 15 min). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

interface ThrottleMark {
  id: string;
  lastAt: number;
  noticeId?: string;
}

/** Kinds the re-alert interval holds back (a breach, a silent host, a closure is always worth hearing). */
const THROTTLED: ReadonlySet<NoticeKind> = new Set([
  'incident.created',
  'incident.reopened',
  'incident.recurring',
  'incident.escalated',
]);

interface DigestItem {
  id: string;
  routeId: string;
  notice: Notice;
}

/** The catalogue code of an error, if it has one. */
const errorCode = (err: unknown): string | undefined => {
  const c = (err as { code?: unknown } | undefined)?.code;
  return typeof c === 'string' && c.startsWith('CANHGAC_ERR_') ? c : undefined;
};

const atLeast = (s: Severity, min: Severity) => SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(min);
const hashId = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

/** The id of the delivery of one notice to one channel (stable: a replay finds the same delivery). */
export const deliveryId = (noticeId: string, channelId: string): string => hashId(noticeId, channelId);

/**
 * Routes notices to channels through a durable outbox in the state store: each (notice, channel) pair becomes
 * one delivery, retried with exponential backoff, dead-lettered after maxAttempts, and logged either way.
 * Throttling (re-alert interval per incident and route) and digests for low severities happen before the outbox.
 */
export class Notifier {
  readonly channels: Collection<ChannelConfig>;
  readonly routes: Collection<RouteConfig>;
  readonly deliveries: Collection<Delivery>;
  private readonly throttle: Collection<ThrottleMark>;
  private readonly digest: Collection<DigestItem>;
  private readonly now: () => number;
  protected readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** The `defaultLanguage` setting, for routes that name no language (read when a delivery is sent). */
  private readonly settings: SettingsCache;

  constructor(
    private readonly state: StateStore,
    private readonly senders: Partial<Record<ChannelConfig['type'], ChannelSender>>,
    opts: NotifierOptions = {},
  ) {
    this.channels = state.collection<ChannelConfig>('channels');
    this.routes = state.collection<RouteConfig>('routes');
    this.deliveries = state.collection<Delivery>('deliveries');
    this.throttle = state.collection<ThrottleMark>('notify_throttle');
    this.digest = state.collection<DigestItem>('notify_digest');
    this.settings = settingsFor(state);
    this.now = opts.now ?? Date.now;
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.baseDelayMs = opts.baseDelayMs ?? 5000;
    this.maxDelayMs = opts.maxDelayMs ?? 15 * 60_000;
  }

  /** Puts a notice in the outbox for every route that wants it; returns how many deliveries were queued. */
  async notify(notice: Notice): Promise<number> {
    let queued = 0;
    for (const route of (await this.routes.list(SCOPE_ALL, { size: 10000 })).docs) {
      if (route.agencyId && route.agencyId !== notice.agencyId) continue;
      if (!atLeast(notice.severity, route.minSeverity)) continue;
      if (!(route.kinds ? routeKinds(route.kinds) : DEFAULT_ROUTE_KINDS).includes(notice.kind)) continue;
      if (route.digestBelow && notice.kind !== 'digest' && !atLeast(notice.severity, route.digestBelow)) {
        await this.digest.put(SCOPE_ALL, {
          id: hashId(route.id, notice.id),
          routeId: route.id,
          notice,
          agencyId: notice.agencyId,
        });
        outcomes.labels('digest', 'gathered').inc();
        continue;
      }
      if (notice.incidentId && route.realertMinutes && THROTTLED.has(notice.kind)) {
        const markId = hashId(route.id, notice.incidentId);
        const mark = await this.throttle.get(SCOPE_ALL, markId);
        // The notice that set the mark passes again: a relay retried after a crash must not throttle itself.
        if (mark && mark.noticeId !== notice.id && this.now() - mark.lastAt < route.realertMinutes * 60_000) {
          outcomes.labels('route', 'throttled').inc();
          continue;
        }
        if (mark?.noticeId !== notice.id)
          await this.throttle.put(SCOPE_ALL, { id: markId, lastAt: this.now(), noticeId: notice.id });
      }
      for (const channelId of route.channelIds) queued += await this.enqueue(notice, route, channelId);
    }
    return queued;
  }

  /** Creates the delivery (create-only: once per notice and channel); returns 1 when it is new. */
  protected async enqueue(notice: Notice, route: RouteConfig, channelId: string): Promise<number> {
    const d: Delivery = {
      id: deliveryId(notice.id, channelId),
      noticeId: notice.id,
      channelId,
      routeId: route.id,
      ...(route.language ? { language: route.language } : {}),
      state: 'pending',
      attempts: 0,
      nextAttemptAt: this.now(),
      notice,
      createdAt: this.now(),
    };
    try {
      // Create-only: the same notice reaches a channel once, even through two routes or a replay.
      await this.deliveries.put(SCOPE_ALL, { ...d, agencyId: notice.agencyId }, { expectedVersion: 0 });
      return 1;
    } catch (err) {
      if (isStoreConflict(err)) return 0;
      throw err;
    }
  }

  /** Gathers pending digest items into one digest notice per route. */
  async flushDigests(): Promise<number> {
    const items = (await this.digest.list(SCOPE_ALL, { size: 10000 })).docs;
    const byRoute = new Map<string, DigestItem[]>();
    for (const it of items) byRoute.set(it.routeId, [...(byRoute.get(it.routeId) ?? []), it]);
    let sent = 0;
    for (const [routeId, list] of byRoute) {
      const route = await this.routes.get(SCOPE_ALL, routeId);
      if (route) {
        const top = list.reduce<Severity>(
          (s, i) => (atLeast(i.notice.severity, s) ? i.notice.severity : s),
          'informational',
        );
        const notice: Notice = {
          id: `digest-${hashId(...list.map((i) => i.id))}`,
          kind: 'digest',
          agencyId: route.agencyId ?? list[0]!.notice.agencyId,
          severity: top,
          title: `${list.length}`,
          items: list.map((i) => i.notice),
          at: this.now(),
        };
        for (const channelId of route.channelIds) sent += await this.enqueue(notice, route, channelId);
      }
      for (const it of list) await this.digest.delete(SCOPE_ALL, it.id);
    }
    return sent;
  }

  /** Sends every delivery that is due; failures are rescheduled with backoff or dead-lettered. */
  async deliverDue(): Promise<{ sent: number; failed: number; dead: number }> {
    const result = { sent: 0, failed: 0, dead: 0 };
    const now = this.now();
    const due = (
      await this.deliveries.list(SCOPE_ALL, {
        filter: { state: 'pending' },
        sort: { field: 'nextAttemptAt', order: 'asc' },
        size: 500,
      })
    ).docs.filter((d) => d.nextAttemptAt <= now);
    for (const d of due) {
      const outcome = await this.attempt(d);
      if (outcome === 'sent') result.sent++;
      else if (outcome === 'dead') result.dead++;
      else result.failed++;
    }
    return result;
  }

  /**
   * One try of one delivery: sends it, then records the outcome in the delivery log (sent; or the error with the
   * next try after exponential backoff; or dead after maxAttempts). Used by the outbox poller and the BullMQ worker.
   */
  protected async attempt(d: Versioned<Delivery>): Promise<'sent' | 'retry' | 'dead'> {
    const channel = await this.channels.get(SCOPE_ALL, d.channelId);
    const sender = channel ? this.senders[channel.type] : undefined;
    const { version, ...base } = d;
    const next: Delivery = { ...base, attempts: d.attempts + 1 };
    let outcome: 'sent' | 'retry' | 'dead';
    let failCode: string | undefined;
    try {
      if (!channel?.enabled)
        throw notifyError('CANHGAC_ERR_NOTIFY_CHANNEL', { channel: d.channelId, reason: 'missing or disabled' });
      if (!sender)
        throw notifyError('CANHGAC_ERR_NOTIFY_CHANNEL', {
          channel: d.channelId,
          reason: `no sender for ${channel.type}`,
        });
      const language = d.language ?? (await this.settings.get()).defaultLanguage;
      await sender.send(channel, render(d.notice, language));
      next.state = 'sent';
      next.sentAt = this.now();
      delete next.lastError;
      outcome = 'sent';
      outcomes.labels(channel.type, 'sent').inc();
    } catch (err) {
      // A bot token or webhook path in an error text must not reach the delivery log, the logs or the console.
      next.lastError = scrubSecrets((err as Error).message, channel).slice(0, 500);
      failCode = errorCode(err);
      const type = channel?.type ?? 'unknown';
      if (next.attempts >= this.maxAttempts) {
        next.state = 'dead';
        outcome = 'dead';
        outcomes.labels(type, 'dead').inc();
        log.error(
          { delivery: d.id, channel: d.channelId, attempts: next.attempts, error: next.lastError },
          'Notification dead-lettered after its last attempt',
        );
      } else {
        next.nextAttemptAt = this.now() + this.retryDelay(next.attempts);
        outcome = 'retry';
        outcomes.labels(type, 'retry').inc();
        log.warn(
          { delivery: d.id, channel: d.channelId, attempts: next.attempts, error: next.lastError },
          'Notification failed; will retry',
        );
      }
    }
    await this.deliveries.put(SCOPE_ALL, next, { expectedVersion: version });
    if (channel)
      await recordChannelAttempt(
        this.state,
        channel,
        this.now(),
        outcome === 'sent'
          ? { ok: true }
          : { ok: false, error: next.lastError ?? '', ...(failCode ? { code: failCode } : {}) },
      );
    return outcome;
  }

  /**
   * Sends a test notice through one channel now (outside the outbox: no retry) and records the outcome in the
   * channel's status; the error text is scrubbed of the channel's secrets.
   */
  async test(
    channel: ChannelConfig,
    language: 'vi' | 'en',
    by: string,
  ): Promise<{ ok: boolean; ms: number; error?: string; code?: string; params?: Record<string, string | number> }> {
    const started = this.now();
    const sender = this.senders[channel.type];
    const at = Date.now();
    const notice: Notice = {
      id: `test-${channel.id}-${at}`,
      kind: 'test',
      agencyId: channel.agencyId ?? 'province',
      severity: 'informational',
      title: language === 'vi' ? `Thông báo thử do ${by} gửi từ Canh Gác` : `Test notice sent by ${by} from Canh Gác`,
      at,
    };
    try {
      if (!sender)
        throw notifyError('CANHGAC_ERR_NOTIFY_CHANNEL', {
          channel: channel.name,
          reason: channel.type === 'email' ? 'no SMTP server is configured (smtp in the configuration)' : 'no sender',
        });
      await sender.send(channel, render(notice, language));
      await recordChannelAttempt(this.state, channel, this.now(), { ok: true }, true);
      outcomes.labels(channel.type, 'test_sent').inc();
      return { ok: true, ms: this.now() - started };
    } catch (err) {
      const error = scrubSecrets((err as Error).message, channel).slice(0, 500);
      const coded = errorCode(err);
      await recordChannelAttempt(
        this.state,
        channel,
        this.now(),
        { ok: false, error, ...(coded ? { code: coded } : {}) },
        true,
      );
      outcomes.labels(channel.type, 'test_failed').inc();
      log.warn({ channel: channel.id, error }, 'Test notification failed');
      // The message's values (scrubbed like the message), so the console can word it in the user's language.
      const params: Record<string, string | number> = {};
      for (const [k, v] of Object.entries((err as { params?: Record<string, unknown> }).params ?? {}))
        if (typeof v === 'string' || typeof v === 'number')
          params[k] = typeof v === 'string' ? scrubSecrets(v, channel).slice(0, 500) : v;
      return { ok: false, ms: this.now() - started, error, ...(coded ? { code: coded, params } : {}) };
    }
  }

  /** The pause before try `attempts + 1`: baseDelayMs doubled per failed try, at most maxDelayMs. */
  protected retryDelay(attempts: number): number {
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempts - 1));
  }

  /** Runs deliverDue every `intervalMs` (one run at a time). */
  start(intervalMs = 2000): void {
    this.timer ??= setInterval(() => {
      if (this.running) return;
      this.running = true;
      this.deliverDue()
        .catch((err: unknown) => log.error({ err }, 'Delivering notifications failed'))
        .finally(() => {
          this.running = false;
        });
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
