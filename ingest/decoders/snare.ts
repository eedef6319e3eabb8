/**
 * Snare / "MSWinEventLog" Windows events over syslog (tab-separated): criticality, Channel, counter, time,
 * EventID, source, user, SID type, event type, computer, category, data, message. Snare carries no EventData
 * fields, so only rules on EventID/Channel/Provider and the message text can match.
 */

import { canonicalChannel, windowsLogsource } from '../normalise/logsource-windows.js';
import { scanBsd } from './time.js';
import type { DecodeContext, Decoded } from './types.js';

/** Fills `d` from `MSWinEventLog\t...`; false when the message is not one. */
export function snareInto(d: Decoded, msg: string, ctx: DecodeContext): boolean {
  if (!msg.startsWith('MSWinEventLog\t')) return false;
  const c = msg.split('\t');
  if (c.length < 12) return false;
  const eventId = Number(c[5]);
  const channel = canonicalChannel(c[2]!);
  const ls = windowsLogsource(channel, Number.isInteger(eventId) ? eventId : undefined);
  const f: Record<string, unknown> = d.fields ?? {};
  f.EventID = Number.isInteger(eventId) ? eventId : c[5];
  f.Channel = channel;
  f.Provider_Name = c[6];
  f.Computer = c[10];
  if (c[7] && c[7] !== 'N/A') f.SubjectUserName = c[7];
  if (c[9]) f['snare.event_type'] = c[9];
  if (c[11]) f['snare.category'] = c[11];
  if (ls.categories) f['logsource.categories'] = ls.categories;
  d.fields = f;
  d.host = c[10] || d.host;
  d.message = (c[13] ?? c[12] ?? '').trim();
  // `Mon Nov 22 10:00:00 2026` in the sender's zone.
  const t = c[4]!;
  if (t.length > 4 && scanBsd(t, 4, ctx.zone, ctx.receivedAt, ctx.scan)) d.time = ctx.scan.ms;
  d.product = 'windows';
  d.service = ls.service;
  d.category = ls.categories?.[0];
  return true;
}
