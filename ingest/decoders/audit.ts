/**
 * Linux audit records (`type=SYSCALL msg=audit(1604994496.155:92733): ...`), bare from audit.log or inside a
 * syslog message from audispd: fields by their auditd names, as SigmaHQ's linux/auditd rules expect. The
 * record parser is the one of ingest/normalise/otrf-linux.ts.
 */

import { auditRecordEvent, parseAuditLine } from '../normalise/otrf-linux.js';
import { fromEvent } from './event.js';
import { blank, type DecodeContext, type Decoded, rawDecoded } from './types.js';

/** True when s[i] starts an audit record (`type=` or `node=` ... `msg=audit(`). */
export function looksLikeAudit(s: string, i: number): boolean {
  return (s.startsWith('type=', i) || s.startsWith('node=', i)) && s.indexOf(' msg=audit(', i) > 0;
}

/** Fills `d` from the audit record at the start of `msg`; false when it is not one. */
export function auditInto(d: Decoded, msg: string, ctx: DecodeContext): boolean {
  const r = parseAuditLine(msg);
  if (!r) return false;
  const host = d.host;
  const time = d.time;
  fromEvent(d, auditRecordEvent(r, host), ctx);
  d.message = msg;
  d.host = d.host ?? host;
  // The record's own time (epoch seconds with ms) is exact; the syslog header's is when it was relayed.
  d.time = Number.isFinite(r.time) ? Math.round(r.time * 1000) : time;
  return true;
}

/** The `auditd` decoder. */
export function decodeAudit(text: string, ctx: DecodeContext): Decoded {
  const d = blank('auditd', text);
  return auditInto(d, text, ctx) ? d : rawDecoded(text, 'auditd_bad_record');
}
