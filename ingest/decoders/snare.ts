/**
 * Snare / "MSWinEventLog" Windows events over syslog (tab-separated): criticality, Channel, counter, time,
 * EventID, source, user, SID type, event type, computer, category, data, message. Snare carries no EventData
 * fields: for the events the shipped rules need (4624/4625 logons, 4720 account creation, 4728/4732/4756 group
 * membership) the EventData names are read back from the rendered English message (`Logon Type:  3`,
 * `Source Network Address:  203.0.113.7`...); other rules can match EventID/Channel/Provider and the text.
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
  if (Number.isInteger(eventId)) renderedFields(f, eventId, d.message);
  // `Mon Nov 22 10:00:00 2026` in the sender's zone.
  const t = c[4]!;
  if (t.length > 4 && scanBsd(t, 4, ctx.zone, ctx.receivedAt, ctx.scan)) d.time = ctx.scan.ms;
  d.product = 'windows';
  d.service = ls.service;
  d.category = ls.categories?.[0];
  return true;
}

/** The token after `label` (searching from `from`), or undefined; `-` and empty count as absent for addresses. */
function tokenAfter(msg: string, label: string, from: number): string | undefined {
  const i = msg.indexOf(label, from);
  if (i < 0) return undefined;
  let j = i + label.length;
  while (j < msg.length && (msg.charCodeAt(j) === 32 || msg.charCodeAt(j) === 9)) j++;
  let e = j;
  while (e < msg.length && msg.charCodeAt(e) !== 32 && msg.charCodeAt(e) !== 9) e++;
  return e > j ? msg.slice(j, e) : undefined;
}

/** The text after `label` up to a tab or two spaces (multi-word values such as group names). */
function textAfter(msg: string, label: string, from: number): string | undefined {
  const i = msg.indexOf(label, from);
  if (i < 0) return undefined;
  let j = i + label.length;
  while (j < msg.length && (msg.charCodeAt(j) === 32 || msg.charCodeAt(j) === 9)) j++;
  let e = j;
  while (e < msg.length && msg.charCodeAt(e) !== 9 && !(msg.charCodeAt(e) === 32 && msg.charCodeAt(e + 1) === 32)) e++;
  return e > j ? msg.slice(j, e) : undefined;
}

function put(f: Record<string, unknown>, k: string, v: string | undefined): void {
  if (v !== undefined && f[k] === undefined) f[k] = v;
}

/** EventData fields from the rendered message of the events the shipped rules read (English labels). */
function renderedFields(f: Record<string, unknown>, eventId: number, msg: string): void {
  if (eventId === 4624 || eventId === 4625) {
    put(f, 'LogonType', tokenAfter(msg, 'Logon Type:', 0));
    const target = msg.indexOf(eventId === 4625 ? 'Account For Which Logon Failed:' : 'New Logon:');
    if (target >= 0) {
      put(f, 'TargetUserSid', tokenAfter(msg, 'Security ID:', target));
      put(f, 'TargetUserName', tokenAfter(msg, 'Account Name:', target));
      put(f, 'TargetDomainName', tokenAfter(msg, 'Account Domain:', target));
    }
    const net = msg.indexOf('Network Information:');
    if (net >= 0) {
      put(f, 'WorkstationName', tokenAfter(msg, 'Workstation Name:', net));
      put(f, 'IpAddress', tokenAfter(msg, 'Source Network Address:', net));
      put(f, 'IpPort', tokenAfter(msg, 'Source Port:', net));
    }
  } else if (eventId === 4720) {
    const na = msg.indexOf('New Account:');
    if (na >= 0) {
      put(f, 'TargetSid', tokenAfter(msg, 'Security ID:', na));
      put(f, 'TargetUserName', tokenAfter(msg, 'Account Name:', na));
    }
  } else if (eventId === 4728 || eventId === 4732 || eventId === 4756) {
    const member = msg.indexOf('Member:');
    if (member >= 0) put(f, 'MemberSid', tokenAfter(msg, 'Security ID:', member));
    const group = msg.indexOf('Group:');
    if (group >= 0) {
      put(f, 'TargetSid', tokenAfter(msg, 'Security ID:', group));
      put(f, 'TargetUserName', textAfter(msg, 'Group Name:', group));
    }
  }
}
