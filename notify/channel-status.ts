/**
 * What each channel last did: the notifier records every delivery attempt and every "send a test" here, so the
 * console can show a channel whose last delivery failed (and the error) without reading the delivery log.
 * Error texts are scrubbed of the channel's secrets before they are stored, logged or shown.
 */
import { type Collection, SCOPE_ALL, type StateStore } from '../store/types.js';
import type { ChannelConfig } from './types.js';

/** The last outcome of one channel (document id = channel id). */
export interface ChannelStatus {
  id: string;
  agencyId?: string;
  /** When it was last tried (a delivery or a test). */
  lastAttemptAt: number;
  lastOk: boolean;
  /** The error of the last failed attempt (scrubbed of secrets), absent after a success. */
  lastError?: string;
  lastErrorCode?: string;
  lastSentAt?: number;
  lastFailedAt?: number;
  /** Failed attempts since the last success. */
  failures: number;
  /** Whether the last attempt was a test from the console. */
  test?: boolean;
}

/** Settings whose values are secrets (never shown, logged or kept in an error text). */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set(['secret', 'token', 'url', 'apiBase', 'pass', 'password']);

/** The collection of channel statuses. */
export function channelStatuses(state: StateStore): Collection<ChannelStatus> {
  return state.collection<ChannelStatus>('channel_status');
}

/** An error text with every secret of the channel (and a URL's path and query) replaced by "[hidden]". */
export function scrubSecrets(text: string, channel: Pick<ChannelConfig, 'settings'> | undefined): string {
  let out = text;
  for (const [k, v] of Object.entries(channel?.settings ?? {})) {
    if (!SECRET_SETTINGS.has(k) || typeof v !== 'string' || v.length < 4) continue;
    out = out.split(v).join('[hidden]');
  }
  // A URL that slipped in some other way keeps its origin only (webhook paths and bot tokens are credentials).
  return out.replace(/(https?:\/\/[^/\s"']+)\/[^\s"']*/gi, '$1/[hidden]');
}

/** Records one attempt's outcome (never throws: a status write must not fail a delivery). */
export async function recordChannelAttempt(
  state: StateStore,
  channel: Pick<ChannelConfig, 'id' | 'agencyId' | 'settings'>,
  at: number,
  outcome: { ok: true } | { ok: false; error: string; code?: string },
  test = false,
): Promise<ChannelStatus | undefined> {
  const coll = channelStatuses(state);
  try {
    const cur = await coll.get(SCOPE_ALL, channel.id);
    const next: ChannelStatus = {
      id: channel.id,
      ...(channel.agencyId ? { agencyId: channel.agencyId } : {}),
      lastAttemptAt: at,
      lastOk: outcome.ok,
      failures: outcome.ok ? 0 : (cur?.failures ?? 0) + 1,
      ...(cur?.lastSentAt !== undefined ? { lastSentAt: cur.lastSentAt } : {}),
      ...(cur?.lastFailedAt !== undefined ? { lastFailedAt: cur.lastFailedAt } : {}),
      ...(test ? { test: true } : {}),
    };
    if (outcome.ok) next.lastSentAt = at;
    else {
      next.lastFailedAt = at;
      next.lastError = scrubSecrets(outcome.error, channel).slice(0, 500);
      if (outcome.code) next.lastErrorCode = outcome.code;
    }
    return await coll.put(SCOPE_ALL, next);
  } catch {
    return undefined;
  }
}
