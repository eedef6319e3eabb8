/**
 * Windows events (NXLog/OTRF flat JSON, Winlogbeat, EVTX-as-JSON, event XML) -> one normalised flat event:
 * `EventID` (number), `Channel`, `Provider_Name`, `Computer`, every EventData field by its name, plus the
 * envelope `@timestamp` (ISO UTC), `host.name`, `logsource.product` = windows, `logsource.service`,
 * `logsource.category` and `logsource.categories` (see ingest/normalise/logsource-windows.ts for routing),
 * then the field-mapping pipelines of rules/pipelines/ so rules see Sigma names.
 */
import type { NormalisedEvent as SigmaEvent } from '../../../core/event/event.js';
import { canonicalChannel, sysmonLinuxCategories, windowsLogsource } from '../../normalise/logsource-windows.js';
import { applyPipelines, type FieldPipeline, shippedPipelines } from '../../normalise/pipelines.js';
import { isRecord, put, readEvtx, readNxlog, readWinlogbeat, type SystemValues, windowsShape } from './shapes.js';
import { toIsoUtc } from './time.js';
import { child, parseXml, type XmlElement } from './xml.js';

export { windowsShape, type WindowsShape } from './shapes.js';
export { toIsoUtc } from './time.js';

/** True when the object looks like a Windows event in one of the shapes this module reads. */
export function isWindowsEvent(obj: unknown): boolean {
  return windowsShape(obj) !== undefined;
}

/** Options of normaliseWindowsEvent (tests and the CLI pass their own pipelines). */
export interface WindowsNormaliseOptions {
  /** Field-mapping pipelines to apply; default: the shipped rules/pipelines/. */
  pipelines?: readonly FieldPipeline[];
}

function eventIdOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && /^\s*\d{1,10}\s*$/.test(v)) return Number(v);
  return undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * Normalises a Windows event into the flat Sigma event; never throws. Call isWindowsEvent first: anything
 * else is read as an (empty) NXLog record and comes out as a Windows event without EventID or Channel.
 */
export function normaliseWindowsEvent(obj: unknown, opts: WindowsNormaliseOptions = {}): SigmaEvent {
  const out = newEvent();
  let sys: SystemValues;
  const o = isRecord(obj) ? obj : {};
  const shape = windowsShape(o);
  if (shape === 'evtx') sys = readEvtx(o, out);
  else if (shape === 'winlogbeat') sys = readWinlogbeat(o, out);
  else sys = readNxlog(o, out);
  return finish(sys, out, opts);
}

/**
 * A fresh event whose envelope keys come first, always in the same order (one hidden class to start from);
 * readers then write the payload straight into it, and finish() sets the envelope values, which therefore win
 * over a payload field of the same name. Absent envelope values stay as undefined keys (JSON output omits
 * them): deleting would push the object into V8's slow dictionary mode.
 */
function newEvent(): SigmaEvent {
  return {
    '@timestamp': undefined,
    'host.name': undefined,
    'logsource.product': 'windows',
    'logsource.service': undefined,
    'logsource.category': undefined,
    'logsource.categories': undefined,
    EventID: undefined,
    Channel: undefined,
    Provider_Name: undefined,
    Computer: undefined,
  };
}

/** Sets the envelope from the System values and applies the field-mapping pipelines. */
function finish(sys: SystemValues, out: SigmaEvent, opts: WindowsNormaliseOptions): SigmaEvent {
  const eventId = eventIdOf(sys.eventId);
  const rawChannel = str(sys.channel);
  const channel = rawChannel === undefined ? undefined : canonicalChannel(rawChannel);
  const computer = str(sys.computer);
  // Sysmon for Linux writes the same event shapes; its events are product linux (taxonomy: linux sysmon).
  const linux = channel?.startsWith('Linux-Sysmon') === true;
  const ls = linux
    ? { service: 'sysmon', categories: eventId === undefined ? undefined : sysmonLinuxCategories(eventId) }
    : windowsLogsource(channel, eventId);
  out['@timestamp'] = toIsoUtc(sys.time);
  out['host.name'] = computer;
  out['logsource.product'] = linux ? 'linux' : 'windows';
  out['logsource.service'] = ls.service;
  out['logsource.category'] = ls.categories?.[0];
  out['logsource.categories'] = ls.categories;
  out.EventID = eventId;
  out.Channel = channel;
  out.Provider_Name = str(sys.provider);
  out.Computer = computer;
  applyPipelines(opts.pipelines ?? shippedPipelines(), out);
  return out;
}

function xmlText(el: XmlElement | undefined): string | undefined {
  return el ? el.text : undefined;
}

/** Reads the `<System>` and `<EventData>` of an event XML element into System values and payload fields. */
export function readEventXml(root: XmlElement, payload: SigmaEvent): SystemValues {
  const sys = child(root, 'System');
  const data = child(root, 'EventData') ?? child(root, 'UserData');
  if (data) {
    const unnamed: string[] = [];
    const items = data.name === 'UserData' && data.children.length === 1 ? data.children[0]!.children : data.children;
    for (const d of items) {
      const name = d.name === 'Data' ? d.attrs.Name : d.name;
      if (name) put(payload, name, d.text);
      else if (d.text) unnamed.push(d.text);
    }
    if (unnamed.length) payload.Data = unnamed.join('\n');
  }
  const tc = child(sys, 'TimeCreated');
  const exec = child(sys, 'Execution');
  if (exec?.attrs.ProcessID !== undefined) payload.ExecutionProcessID = exec.attrs.ProcessID;
  const rec = xmlText(child(sys, 'EventRecordID'));
  if (rec !== undefined) payload.EventRecordID = rec;
  return {
    eventId: xmlText(child(sys, 'EventID')),
    channel: xmlText(child(sys, 'Channel')),
    provider: child(sys, 'Provider')?.attrs.Name,
    computer: xmlText(child(sys, 'Computer')),
    time: tc?.attrs.SystemTime,
  };
}

/** Normalises a Windows event given as XML (`<Event>...</Event>`), or undefined when the XML is unusable. */
export function windowsEventFromXml(xml: string, opts: WindowsNormaliseOptions = {}): SigmaEvent | undefined {
  const root = parseXml(xml);
  if (root?.name !== 'Event' || !child(root, 'System')) return undefined;
  const out = newEvent();
  const sys = readEventXml(root, out);
  return finish(sys, out, opts);
}

/** Normalises the System+payload read by another reader (Sysmon for Linux reuses the envelope logic). */
export function finishWindowsEvent(
  sys: SystemValues,
  payload: SigmaEvent,
  opts: WindowsNormaliseOptions = {},
): SigmaEvent {
  const out = newEvent();
  for (const k in payload) if (Object.hasOwn(payload, k)) put(out, k, payload[k]);
  return finish(sys, out, opts);
}
