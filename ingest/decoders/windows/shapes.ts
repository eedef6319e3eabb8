/**
 * The three JSON shapes Windows events arrive in, each read into the payload of a flat event plus the System
 * values the envelope is built from. Readers never throw on odd input: a missing or oddly typed value is
 * simply absent.
 *   - NXLog / Logstash flat JSON (OTRF Security-Datasets): EventData fields at the top level beside
 *     `EventID`, `Channel`, `SourceName`, `Hostname`, `TimeCreated` | `EventTime` + `@timestamp`.
 *   - Winlogbeat: `winlog.{channel,event_id,computer_name,provider_name,event_data.*}`, nested or dotted.
 *   - EVTX rendered as JSON (evtx_dump, xmltodict, ...): `Event.System.*`, `Event.EventData.Data`.
 */
import type { NormalisedEvent as SigmaEvent } from '../../../core/event/event.js';

/** The System part of a Windows event, before normalisation (raw values, any type). */
export interface SystemValues {
  eventId: unknown;
  channel: unknown;
  provider: unknown;
  computer: unknown;
  time: unknown;
}

/** Which shape an object has, or undefined when it is not a Windows event. */
export type WindowsShape = 'nxlog' | 'winlogbeat' | 'evtx';

/** Plain JSON object test (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Writes a field safely: a JSON key `__proto__` must become an own property, never the prototype. */
export function put(out: SigmaEvent, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** The text of an XML-as-JSON value: a scalar, `{"#text": ...}`, or `{"$": ...}`; arrays of text joined by \n. */
export function textOf(v: unknown): string | number | boolean | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) {
    const parts: string[] = [];
    for (const x of v) {
      const t = textOf(x);
      if (t !== undefined) parts.push(String(t));
    }
    return parts.length ? parts.join('\n') : undefined;
  }
  if (isRecord(v)) {
    if ('#text' in v) return textOf(v['#text']);
    if ('$' in v) return textOf(v.$);
  }
  return undefined;
}

/** An XML attribute in its JSON renderings: `#attributes.Name`, `@Name`, `_attributes.Name` or plain `Name`. */
function attr(v: unknown, name: string): unknown {
  if (!isRecord(v)) return undefined;
  const a = v['#attributes'] ?? v._attributes;
  if (isRecord(a) && a[name] !== undefined) return a[name];
  return v[`@${name}`] ?? v[name];
}

/** Detects the shape of a JSON object that may be a Windows event. */
export function windowsShape(o: unknown): WindowsShape | undefined {
  if (!isRecord(o)) return undefined;
  const ev = isRecord(o.Event) ? o.Event : o;
  if (isRecord(ev.System) && (ev.System.EventID !== undefined || ev.System.Channel !== undefined)) return 'evtx';
  const w = o.winlog;
  if (isRecord(w) && (w.channel !== undefined || w.event_id !== undefined)) return 'winlogbeat';
  if (o['winlog.channel'] !== undefined || o['winlog.event_id'] !== undefined) return 'winlogbeat';
  if (isRecord(w) && isRecord(w.event_data)) return 'winlogbeat';
  if (o.EventID !== undefined && typeof o.Channel === 'string') return 'nxlog';
  return undefined;
}

/** NXLog/Logstash collector fields that are not event payload (dropped or moved to the envelope). */
const NXLOG_META = new Set([
  'EventID',
  'Channel',
  'SourceName',
  'ProviderName',
  'Provider_Name',
  'Hostname',
  'Computer',
  'TimeCreated',
  'EventTime',
  '@timestamp',
  '@version',
  'host',
]);

/** Reads an NXLog/Logstash flat record: every non-collector field is payload, by its own name. */
export function readNxlog(o: Record<string, unknown>, out: SigmaEvent): SystemValues {
  for (const k in o) {
    if (!Object.hasOwn(o, k) || NXLOG_META.has(k)) continue;
    put(out, k, o[k]);
  }
  // `host` is the collector (Logstash's sender), not the Windows machine: ECS calls that observer.hostname.
  if (typeof o.host === 'string') out['observer.hostname'] = o.host;
  return {
    eventId: o.EventID,
    channel: o.Channel,
    provider: o.SourceName ?? o.ProviderName ?? o.Provider_Name,
    computer: o.Hostname ?? o.Computer,
    time: o['@timestamp'] ?? o.TimeCreated ?? o.EventTime,
  };
}

const MAX_FLATTEN_DEPTH = 8;

/** Flattens nested objects into dotted keys (dotted keys already present stay as they are). */
function flatten(o: Record<string, unknown>, prefix: string, into: Map<string, unknown>, depth: number): void {
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    const v = o[k];
    const key = prefix ? `${prefix}.${k}` : k;
    if (isRecord(v) && depth < MAX_FLATTEN_DEPTH) flatten(v, key, into, depth + 1);
    else into.set(key, v);
  }
}

/** ECS prefixes kept from a Winlogbeat event so the winlogbeat-ecs pipeline can fill Sigma names from them. */
const ECS_KEEP = ['process.', 'file.', 'registry.', 'dns.', 'destination.', 'powershell.', 'user.'];

/** Reads a Winlogbeat event, nested (`winlog: {event_data: {...}}`) or dotted (`winlog.event_data.X`) or mixed. */
export function readWinlogbeat(o: Record<string, unknown>, out: SigmaEvent): SystemValues {
  const flat = new Map<string, unknown>();
  flatten(o, '', flat, 0);
  for (const [k, v] of flat) {
    if (k.startsWith('winlog.event_data.')) put(out, k.slice(18), v);
    else if (k.startsWith('winlog.user_data.')) put(out, k.slice(17), v);
  }
  const g = (k: string): unknown => flat.get(k);
  const extra: Array<[string, string]> = [
    ['winlog.record_id', 'EventRecordID'],
    ['winlog.task', 'Task'],
    ['winlog.opcode', 'Opcode'],
    ['winlog.version', 'Version'],
    ['winlog.process.pid', 'ExecutionProcessID'],
    ['winlog.process.thread.id', 'ThreadID'],
    ['winlog.user.identifier', 'UserID'],
    ['log.level', 'Level'],
    ['message', 'Message'],
  ];
  for (const [src, dst] of extra) {
    const v = g(src);
    if (v !== undefined && out[dst] === undefined) out[dst] = v;
  }
  for (const [k, v] of flat) {
    for (const p of ECS_KEEP) {
      if (k.startsWith(p)) {
        put(out, k, v);
        break;
      }
    }
  }
  return {
    eventId: g('winlog.event_id') ?? g('event.code'),
    channel: g('winlog.channel'),
    provider: g('winlog.provider_name') ?? g('event.provider'),
    computer: g('winlog.computer_name') ?? g('host.name') ?? g('host.hostname'),
    time: g('@timestamp') ?? g('event.created'),
  };
}

/** Copies one EventData/UserData `Data` item list into the payload; unnamed items are joined into `Data`. */
function readDataItems(items: unknown, out: SigmaEvent): void {
  const list = Array.isArray(items) ? items : [items];
  const unnamed: string[] = [];
  for (const it of list) {
    const name = attr(it, 'Name');
    const value = textOf(it);
    if (typeof name === 'string' && name) {
      put(out, name, value === undefined ? null : value);
    } else if (value !== undefined) unnamed.push(String(value));
  }
  if (unnamed.length) out.Data = unnamed.join('\n');
}

/** Reads EVTX rendered as JSON: `{Event: {System, EventData | UserData}}` or the same without `Event`. */
export function readEvtx(o: Record<string, unknown>, out: SigmaEvent): SystemValues {
  const ev = isRecord(o.Event) ? o.Event : o;
  const sys = isRecord(ev.System) ? ev.System : {};
  const ed = ev.EventData;
  if (isRecord(ed)) {
    for (const k in ed) {
      if (!Object.hasOwn(ed, k) || k === '#attributes' || k === '_attributes' || k[0] === '@') continue;
      if (k === 'Data') readDataItems(ed.Data, out);
      else put(out, k, textOf(ed[k]) ?? null);
    }
  } else if (ed !== undefined && ed !== null) {
    readDataItems(ed, out);
  }
  const ud = ev.UserData;
  if (isRecord(ud)) {
    // UserData holds one provider-specific element whose children are the fields.
    for (const k in ud) {
      const inner = ud[k];
      if (!Object.hasOwn(ud, k) || !isRecord(inner)) continue;
      for (const f in inner) {
        if (!Object.hasOwn(inner, f) || f === '#attributes' || f === '_attributes' || f[0] === '@') continue;
        const t = textOf(inner[f]);
        if (t !== undefined) put(out, f, t);
      }
    }
  }
  const simple: Array<[string, string]> = [
    ['EventRecordID', 'EventRecordID'],
    ['Level', 'Level'],
    ['Task', 'Task'],
    ['Opcode', 'Opcode'],
    ['Keywords', 'Keywords'],
    ['Version', 'Version'],
  ];
  for (const [src, dst] of simple) {
    const t = textOf(sys[src]);
    if (t !== undefined && out[dst] === undefined) out[dst] = t;
  }
  const exec = attr(sys.Execution, 'ProcessID');
  if (exec !== undefined && out.ExecutionProcessID === undefined) out.ExecutionProcessID = exec;
  const uid = attr(sys.Security, 'UserID');
  if (uid !== undefined && out.UserID === undefined) out.UserID = uid;
  const tc = sys.TimeCreated;
  return {
    eventId: textOf(sys.EventID),
    channel: textOf(sys.Channel),
    provider: attr(sys.Provider, 'Name') ?? sys.Provider_Name,
    computer: textOf(sys.Computer),
    time: attr(tc, 'SystemTime') ?? textOf(tc),
  };
}
