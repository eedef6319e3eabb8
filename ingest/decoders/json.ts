/**
 * JSON documents: Windows event shapes go to the Windows module (ingest/decoders/windows/), Azure Syslog rows
 * to otrf-linux, anything else is flattened to dotted keys (ECS style) with the usual time/host/message keys
 * lifted into the envelope.
 */

import { isAzureSyslogRow, normaliseAzureSyslogRow } from '../normalise/otrf-linux.js';
import { fromEvent, str, timeOf } from './event.js';
import { boundJson, JSON_LIMITS, LIMITS_FIELD, type LimitHits, limitsLabel, noHits } from './limits.js';
import { decodeRfc3164, setJsonBodyDecoder } from './syslog.js';
import { monthAt } from './time.js';
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

/** `2026-11-22 10:15:00` or `2026-11-22T10:15:00.123`: a local time without a zone. */
const ZONELESS = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/** Fills `d` from a parsed JSON object. */
export function jsonObjectInto(d: Decoded, o: Record<string, unknown>, ctx: DecodeContext): Decoded {
  if (isWindowsEvent(o)) {
    fromEvent(d, normaliseWindowsEvent(o), ctx);
    // NXLog's EventTime (im_msvistalog) is the Windows host's local time without a zone; with no shipper
    // @timestamp beside it, read it in the stream's zone (Asia/Ho_Chi_Minh by default) rather than as UTC.
    if (o['@timestamp'] === undefined) {
      const t = o.EventTime ?? o.TimeCreated;
      if (typeof t === 'string' && ZONELESS.test(t)) {
        const ms = timeOf(t, ctx);
        if (!Number.isNaN(ms)) d.time = ms;
      }
    }
    return d;
  }
  if (isAzureSyslogRow(o)) return fromEvent(d, normaliseAzureSyslogRow(o), ctx);
  const f: Record<string, unknown> = {};
  flattenInto(f, o, '', 0);
  d.fields = f;
  d.time = timeOf(f['@timestamp'] ?? f.timestamp ?? f.time ?? f.EventTime ?? f.date, ctx);
  d.host = str(f['host.name']) ?? str(f.hostname) ?? str(f.host) ?? str(f.Hostname);
  const msg = str(f.message) ?? str(f.msg) ?? str(f.Message);
  if (msg) {
    d.message = msg;
    // Agents without parsing (Filebeat, Fluent Bit tail) ship the raw syslog line as the message.
    if ((monthAt(msg, 0) >= 0 && msg.charCodeAt(3) === 32) || msg.charCodeAt(0) === 60) syslogMessageInto(d, msg, ctx);
  }
  return d;
}

/** Merges a syslog line carried in a JSON message: its program, pid, time and body fields. */
function syslogMessageInto(d: Decoded, msg: string, ctx: DecodeContext): void {
  const inner = decodeRfc3164(msg, ctx);
  if (inner.error !== undefined) return;
  d.format = 'json-syslog';
  d.message = inner.message;
  d.appname = inner.appname;
  d.procid = inner.procid;
  d.msgid = inner.msgid;
  d.facility = inner.facility;
  d.severity = inner.severity;
  d.structuredData = inner.structuredData;
  d.host ??= inner.host;
  // The line's own time is when it happened; a shipper's @timestamp is when it was read.
  if (!Number.isNaN(inner.time)) d.time = inner.time;
  d.product = inner.product;
  d.category = inner.category;
  d.service = inner.service;
  if (inner.fields) Object.assign(d.fields!, inner.fields);
}

/** Records the limits a document hit on the decoded record (its `canhgac.limits` field). */
function markLimits(d: Decoded, hits: LimitHits): Decoded {
  const label = limitsLabel(hits);
  if (label !== undefined) {
    d.fields ??= {};
    d.fields[LIMITS_FIELD] = label;
  }
  return d;
}

/** A message too large to parse as JSON: kept raw with the reason, the size limit recorded. */
function tooLarge(text: string): Decoded {
  const d = rawDecoded(text, 'json_too_large');
  d.fields = { [LIMITS_FIELD]: 'size' };
  return d;
}

/** The `json` decoder: one JSON object per message, bounded in depth, width and size (limits.ts). */
export function decodeJson(text: string, ctx: DecodeContext): Decoded {
  if (text.length > JSON_LIMITS.size) return tooLarge(text);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return rawDecoded(text, 'json_invalid');
  }
  if (!isObj(v)) return rawDecoded(text, 'json_not_object');
  const hits = noHits();
  const o = boundJson(v, hits) as Record<string, unknown>;
  return markLimits(jsonObjectInto(blank('json', text), o, ctx), hits);
}

/**
 * A JSON object inside a syslog message (NXLog `to_json()`, Windows events over syslog): its fields join the
 * syslog envelope; the object's own time, host and log source win when it has them.
 */
export function jsonBodyInto(d: Decoded, msg: string, ctx: DecodeContext): boolean {
  if (msg.charCodeAt(msg.length - 1) !== 125 || msg.length > JSON_LIMITS.size) return false;
  let v: unknown;
  try {
    v = JSON.parse(msg);
  } catch {
    return false;
  }
  if (!isObj(v)) return false;
  const hits = noHits();
  const inner = markLimits(
    jsonObjectInto(blank('json', msg), boundJson(v, hits) as Record<string, unknown>, ctx),
    hits,
  );
  if (!Number.isNaN(inner.time)) d.time = inner.time;
  if (inner.host !== undefined) d.host = inner.host;
  if (inner.product !== undefined) {
    d.product = inner.product;
    d.category = inner.category;
    d.service = inner.service;
  }
  if (inner.message !== msg) d.message = inner.message;
  d.fields = d.fields ? Object.assign(d.fields, inner.fields) : inner.fields;
  return true;
}

setJsonBodyDecoder(jsonBodyInto);
