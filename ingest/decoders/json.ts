/**
 * JSON documents: Windows event shapes go to the Windows module (ingest/decoders/windows/), Azure Syslog rows
 * to otrf-linux, anything else is flattened to dotted keys (ECS style) with the usual time/host/message keys
 * lifted into the envelope.
 */

import type { SigmaEvent } from '../../detection/sigma/model.js';
import { isAzureSyslogRow, normaliseAzureSyslogRow } from '../normalise/otrf-linux.js';
import { scanIso } from './time.js';
import { blank, type DecodeContext, type Decoded, rawDecoded } from './types.js';
import { isWindowsEvent, normaliseWindowsEvent } from './windows/index.js';

const MAX_DEPTH = 6;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Copies nested objects as dotted keys (`{a:{b:1}}` -> `a.b`); arrays and scalars are kept as values. */
export function flattenInto(out: Record<string, unknown>, o: Record<string, unknown>, prefix: string, depth: number) {
  for (const k in o) {
    if (!Object.hasOwn(o, k) || k === '__proto__') continue;
    const v = o[k];
    const key = prefix === '' ? k : `${prefix}.${k}`;
    if (isObj(v) && depth < MAX_DEPTH) flattenInto(out, v, key, depth + 1);
    else out[key] = v;
  }
}

function timeOf(v: unknown, ctx: DecodeContext): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
  if (typeof v === 'string' && scanIso(v, 0, ctx.zone, ctx.scan)) return ctx.scan.ms;
  return Number.NaN;
}

function str(v: unknown): string | undefined {
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

/** Fills `d` from a parsed JSON object. */
export function jsonObjectInto(d: Decoded, o: Record<string, unknown>, ctx: DecodeContext): Decoded {
  if (isWindowsEvent(o)) return fromEvent(d, normaliseWindowsEvent(o), ctx);
  if (isAzureSyslogRow(o)) return fromEvent(d, normaliseAzureSyslogRow(o), ctx);
  const f: Record<string, unknown> = {};
  flattenInto(f, o, '', 0);
  d.fields = f;
  d.time = timeOf(f['@timestamp'] ?? f.timestamp ?? f.time ?? f.EventTime ?? f.date, ctx);
  d.host = str(f['host.name']) ?? str(f.hostname) ?? str(f.host) ?? str(f.Hostname);
  const msg = str(f.message) ?? str(f.msg) ?? str(f.Message);
  if (msg) d.message = msg;
  return d;
}

/** The `json` decoder: one JSON object per message. */
export function decodeJson(text: string, ctx: DecodeContext): Decoded {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return rawDecoded(text, 'json_invalid');
  }
  if (!isObj(v)) return rawDecoded(text, 'json_not_object');
  return jsonObjectInto(blank('json', text), v, ctx);
}
