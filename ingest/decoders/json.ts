/**
 * JSON documents: Windows event shapes go to the Windows module (ingest/decoders/windows/), Azure Syslog rows
 * to otrf-linux, anything else is flattened to dotted keys (ECS style) with the usual time/host/message keys
 * lifted into the envelope.
 */

import { isAzureSyslogRow, normaliseAzureSyslogRow } from '../normalise/otrf-linux.js';
import { consumedKey, type SyslogView, shipperView, vectorWindowsEvent } from '../normalise/shippers.js';
import { UNKNOWN_SHAPE, unknownShape } from '../normalise/unknown-shape.js';
import { fromEvent, str, timeOf } from './event.js';
import { boundJson, JSON_LIMITS, LIMITS_FIELD, type LimitHits, limitsLabel, noHits } from './limits.js';
import { decodeBody, decodeRfc3164, setJsonBodyDecoder } from './syslog.js';
import { isDigit, monthAt, scanBsd } from './time.js';
import { blank, type DecodeContext, type Decoded, rawDecoded } from './types.js';
import { decodeWeb, looksLikeAccess } from './web.js';
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

/** Fills `d` from a parsed JSON object; `loud`: mark and count it when its shape is unknown. */
export function jsonObjectInto(d: Decoded, o: Record<string, unknown>, ctx: DecodeContext, loud = true): Decoded {
  const win = isWindowsEvent(o) ? o : vectorWindowsEvent(o);
  if (win !== undefined) {
    fromEvent(d, normaliseWindowsEvent(win), ctx);
    // NXLog's EventTime (im_msvistalog) is the Windows host's local time without a zone; with no shipper
    // @timestamp beside it, read it in the stream's zone (Asia/Ho_Chi_Minh by default) rather than as UTC.
    if (win['@timestamp'] === undefined) {
      const t = win.EventTime ?? win.TimeCreated;
      if (typeof t === 'string' && ZONELESS.test(t)) {
        const ms = timeOf(t, ctx);
        if (!Number.isNaN(ms)) d.time = ms;
      }
    }
    if (win !== o) d.fields!['canhgac.shipper'] = 'vector-windows';
    return d;
  }
  if (isAzureSyslogRow(o)) return fromEvent(d, normaliseAzureSyslogRow(o), ctx);
  const view = shipperView(o);
  if (view !== undefined && shipperInto(d, view, ctx)) {
    // What the shipper adds beyond the line (custom fields, tags, file path, agent) is kept; the decoded line's
    // own fields win, so rules see exactly what the line over syslog gives.
    const rest: Record<string, unknown> = {};
    flattenInto(rest, o, '', 0);
    const f = d.fields!;
    for (const k in rest) if (!consumedKey(k) && !Object.hasOwn(f, k)) f[k] = rest[k];
    if (typeof rest.file === 'string') f['log.file.path'] ??= rest.file;
    return d;
  }
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
  if (loud && d.appname === undefined && d.product === undefined && d.category === undefined && !hasLogsource(f)) {
    // Nothing here tells detection what this is: stored, but loudly (counted by shape, shown in the console).
    const { shape, keys } = unknownShape(o);
    d.error = UNKNOWN_SHAPE;
    f['canhgac.shape'] = shape;
    f['canhgac.shape_keys'] = keys;
  }
  return d;
}

/** Whether a generic document names its own log source (canhgac's own field names). */
function hasLogsource(f: Record<string, unknown>): boolean {
  return (
    f['logsource.product'] !== undefined || f['logsource.category'] !== undefined || f['event.dataset'] !== undefined
  );
}

/** A shipper's time value: ISO or epoch (timeOf), else a BSD `Nov 22 10:15:00` in the stream's zone. */
function shipperTime(v: unknown, ctx: DecodeContext): number {
  const t = timeOf(v, ctx);
  if (!Number.isNaN(t) || typeof v !== 'string') return t;
  return scanBsd(v, 0, ctx.zone, ctx.receivedAt, ctx.scan) ? ctx.scan.ms : Number.NaN;
}

/** Whether a raw line reads as syslog (PRI, BSD month, ISO date) for decodeRfc3164. */
function syslogLine(s: string): boolean {
  return (
    s.charCodeAt(0) === 60 ||
    (monthAt(s, 0) >= 0 && s.charCodeAt(3) === 32) ||
    (isDigit(s, 0) && s.charCodeAt(4) === 45 && s.charCodeAt(10) === 84)
  );
}

/**
 * Decodes a shipper's document as the line it carries would be decoded arriving over syslog: the header fields
 * from the view, then the same body decoders (decodeBody) on the message; or the raw line through the syslog /
 * access-log decoders. Returns false (generic JSON path) when a raw line is neither.
 */
function shipperInto(d: Decoded, v: SyslogView, ctx: DecodeContext): boolean {
  if (v.line !== undefined) {
    const line = v.line.trimEnd();
    const inner = syslogLine(line)
      ? decodeRfc3164(line, ctx)
      : looksLikeAccess(line, 0)
        ? decodeWeb(line, ctx, undefined)
        : undefined;
    if (inner === undefined || inner.error !== undefined) return false;
    Object.assign(d, inner);
    if (inner.format === 'rfc3164' || inner.format === 'rfc5424') d.format = 'json-syslog';
    d.host ??= v.host;
    if (Number.isNaN(d.time)) d.time = shipperTime(v.time, ctx);
  } else {
    d.format = 'json-syslog';
    d.host = v.host;
    d.appname = v.program;
    d.procid = v.pid;
    d.msgid = v.msgid;
    d.facility = v.facility;
    d.severity = v.severity;
    d.time =
      v.bsdTime !== undefined && scanBsd(v.bsdTime, 0, ctx.zone, ctx.receivedAt, ctx.scan)
        ? ctx.scan.ms
        : shipperTime(v.time, ctx);
    d.message = (v.message ?? '').trimEnd();
    decodeBody(d, d.message, ctx);
  }
  d.fields ??= {};
  d.fields['canhgac.shipper'] = v.shipper;
  if (v.sender !== undefined) d.fields['log.source.address'] = v.sender;
  return true;
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
  // The syslog envelope around it may name the program: not an unknown shape on its own.
  const hits = noHits();
  const inner = markLimits(
    jsonObjectInto(blank('json', msg), boundJson(v, hits) as Record<string, unknown>, ctx, d.appname === undefined),
    hits,
  );
  if (!Number.isNaN(inner.time)) d.time = inner.time;
  if (inner.host !== undefined) d.host = inner.host;
  if (inner.product !== undefined) {
    d.product = inner.product;
    d.category = inner.category;
    d.service = inner.service;
  }
  if (inner.format === 'json-syslog' && inner.appname !== undefined) {
    // A shipper's syslog document relayed over syslog (NXLog to_json after parse_syslog): its program wins.
    d.appname = inner.appname;
    d.procid = inner.procid;
    if (inner.facility >= 0) d.facility = inner.facility;
    if (inner.severity >= 0) d.severity = inner.severity;
  }
  if (inner.error === UNKNOWN_SHAPE) d.error = inner.error;
  if (inner.message !== msg) d.message = inner.message;
  d.fields = d.fields ? Object.assign(d.fields, inner.fields) : inner.fields;
  return true;
}

setJsonBodyDecoder(jsonBodyInto);
