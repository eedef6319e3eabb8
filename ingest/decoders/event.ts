/** Helpers shared by decoders that receive an already-shaped event (Windows, Azure rows, auditd). */

import type { NormalisedEvent as SigmaEvent } from '../../core/event/event.js';
import { scanIso } from './time.js';
import type { DecodeContext, Decoded } from './types.js';

/** Event time from a JSON value: epoch seconds or ms, or ISO 8601 text (zone-less = the stream's zone). */
export function timeOf(v: unknown, ctx: DecodeContext): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
  if (typeof v === 'string' && scanIso(v, 0, ctx.zone, ctx.scan)) return ctx.scan.ms;
  return Number.NaN;
}

/** A non-empty string or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Moves an already-normalised event (Windows, Azure rows, auditd) into `d`, envelope keys into their slots. */
export function fromEvent(d: Decoded, ev: SigmaEvent, ctx: DecodeContext): Decoded {
  d.time = timeOf(ev['@timestamp'], ctx);
  d.host = str(ev['host.name']);
  d.product = str(ev['logsource.product']);
  d.category = str(ev['logsource.category']);
  d.service = str(ev['logsource.service']);
  const app = str(ev['log.syslog.appname']);
  if (app) d.appname = app;
  const msg = str(ev.message);
  if (msg) d.message = msg;
  d.fields = ev;
  return d;
}
