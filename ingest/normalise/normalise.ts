/**
 * RawRecord -> the flat normalised event of decision 0001. This runs for every record in the worker pool, so
 * the envelope is one object literal with a fixed key order (one hidden class), timestamps are formatted once
 * per distinct second, and per-sender state (W3C headers, time caches) lives in a bounded map.
 */

import { attackerIn } from '../../core/event/entity-fields.js';
import type { NormalisedEvent as SigmaEvent } from '../../core/event/event.js';
import { logger } from '../../core/log.js';
import { counter, type StageTelemetry, stageTelemetry } from '../../core/metrics.js';
import { decoderError } from '../decoders/errors.js';
import { DECODERS, getDecoder, safeDecode } from '../decoders/index.js';
import { isValidZone, zone } from '../decoders/time.js';
import { DEFAULT_TZ, type DecodeContext, type Decoder, decodeContext } from '../decoders/types.js';
import type { RawRecord } from '../spool/types.js';
import {
  type Agency,
  type AgencyConfig,
  type AgencyTable,
  agencyTable,
  countUnassigned,
  type SenderZone,
  senderZoneTable,
  UNASSIGNED,
} from './agency.js';
import { linuxAuthInto } from './linux-auth.js';
import { resolveLogsource } from './logsource.js';

/** Options of createNormaliseContext (the `ingest.decode` and `agencies` configuration). */
export interface NormaliseOptions {
  /** Decoder for records without a format hint: a DECODERS name, default `auto`. */
  format?: string;
  /** Zone for timestamps without an offset, default Asia/Ho_Chi_Minh. */
  tz?: string;
  /** Per-sender zone overrides: sender address -> zone. */
  sourceTz?: Record<string, string>;
  /** Per-network zones (configuration `senderTimezones`): over the agency's zone, under `sourceTz`. */
  senderTimezones?: readonly SenderZone[];
  /** Keep the raw text as `event.original` (default true). */
  keepOriginal?: boolean;
  agencies?: readonly AgencyConfig[];
  /** Most per-sender states kept before the oldest are forgotten (default 50,000). */
  maxStreams?: number;
  /** `quarantine`: events of senders no agency claims get `canhgac.quarantine` (stored, not matched). */
  unclaimedSenders?: 'accept' | 'quarantine' | 'refuse';
}

/**
 * The parts of canhgac.yaml the normaliser reads: `timezone` and `agencies` exist in core/config/schema.ts;
 * `decode` (default format, event.original, per-sender zones) is proposed there.
 */
export interface NormaliseConfig {
  timezone?: string;
  senderTimezones?: readonly SenderZone[];
  unclaimedSenders?: 'accept' | 'quarantine' | 'refuse';
  agencies?: readonly AgencyConfig[];
  decode?: { format?: string; keepOriginal?: boolean; sourceTimezones?: Record<string, string> };
}

/** NormaliseOptions from the loaded configuration. */
export function normaliseOptionsFromConfig(cfg: NormaliseConfig): NormaliseOptions {
  const o: NormaliseOptions = {};
  if (cfg.timezone !== undefined) o.tz = cfg.timezone;
  if (cfg.senderTimezones !== undefined) o.senderTimezones = cfg.senderTimezones;
  if (cfg.unclaimedSenders !== undefined) o.unclaimedSenders = cfg.unclaimedSenders;
  if (cfg.agencies !== undefined) o.agencies = cfg.agencies;
  if (cfg.decode?.format !== undefined) o.format = cfg.decode.format;
  if (cfg.decode?.keepOriginal !== undefined) o.keepOriginal = cfg.decode.keepOriginal;
  if (cfg.decode?.sourceTimezones !== undefined) o.sourceTz = cfg.decode.sourceTimezones;
  return o;
}

/** Everything normaliseRecord needs: decoder choice, zones, agency table and per-sender state. */
export interface NormaliseContext {
  format: string;
  decoder: Decoder;
  tz: string;
  sourceTz: Map<string, string>;
  /** Sender address -> its network's zone (`senderTimezones`), cached per address. */
  senderZone: (address: string) => string | undefined;
  keepOriginal: boolean;
  /** Mark events of unclaimed senders as quarantined. */
  quarantineUnclaimed: boolean;
  agencies: AgencyTable;
  streams: Map<string, DecodeContext>;
  maxStreams: number;
  /** Last formatted `@timestamp` (ms -> ISO) and `event.ingested`: consecutive records share the second. */
  lastTsMs: number;
  lastTsIso: string;
  lastInMs: number;
  lastInIso: string;
  /** Senders already reported as unassigned (logged once each). */
  reportedUnassigned: Set<string>;
  /** The last sender and its state (runs of one sender skip the map). */
  lastSource: string | undefined;
  lastStream: DecodeContext | undefined;
}

const badFormat = counter(
  'canhgac_decode_unknown_format_total',
  'Records whose format hint names no decoder (decoded with auto instead)',
  ['format'],
);

/** Builds a context; throws CANHGAC_ERR_DECODER_UNKNOWN / _BAD_TIMEZONE / CANHGAC_ERR_NORMALISE_* on bad config. */
export function createNormaliseContext(opts: NormaliseOptions = {}): NormaliseContext {
  const format = opts.format ?? 'auto';
  const tz = opts.tz ?? DEFAULT_TZ;
  if (!isValidZone(tz)) throw decoderError('CANHGAC_ERR_DECODER_BAD_TIMEZONE', { tz });
  const sourceTz = new Map<string, string>();
  for (const [src, z] of Object.entries(opts.sourceTz ?? {})) {
    if (!isValidZone(z)) throw decoderError('CANHGAC_ERR_DECODER_BAD_TIMEZONE', { tz: z });
    sourceTz.set(src, z);
  }
  return {
    format,
    decoder: getDecoder(format),
    tz,
    sourceTz,
    senderZone: senderZoneTable(opts.senderTimezones ?? []),
    keepOriginal: opts.keepOriginal ?? true,
    // Under `refuse` intake keeps them out; one that got in anyway (spooled before the switch) is quarantined.
    quarantineUnclaimed: opts.unclaimedSenders === 'quarantine' || opts.unclaimedSenders === 'refuse',
    agencies: agencyTable(opts.agencies ?? []),
    streams: new Map(),
    maxStreams: opts.maxStreams ?? 50_000,
    lastTsMs: Number.NaN,
    lastTsIso: '',
    lastInMs: Number.NaN,
    lastInIso: '',
    reportedUnassigned: new Set(),
    lastSource: undefined,
    lastStream: undefined,
  };
}

/** The per-sender decode state (created on first sight; the oldest is evicted past maxStreams). */
export function streamContext(ctx: NormaliseContext, source: string): DecodeContext {
  // Batches usually hold runs of records from one sender: skip the map for a repeat.
  if (source === ctx.lastSource && ctx.lastStream !== undefined) return ctx.lastStream;
  let s = ctx.streams.get(source);
  if (s === undefined) {
    if (ctx.streams.size >= ctx.maxStreams) {
      const oldest = ctx.streams.keys().next().value;
      if (oldest !== undefined) ctx.streams.delete(oldest);
    }
    s = decodeContext(ctx.sourceTz.get(source) ?? ctx.tz);
    ctx.streams.set(source, s);
  }
  ctx.lastSource = source;
  ctx.lastStream = s;
  return s;
}

const MAX_MS = 8.64e15;

/**
 * Recently formatted seconds and their `YYYY-MM-DDTHH:MM:SS.` prefixes, direct-mapped by second: senders in
 * different zones or with skewed clocks interleave a few distinct seconds, which a single entry would thrash.
 */
interface IsoCache {
  secs: Float64Array;
  prefixes: string[];
}

const SLOTS = 16;

function isoCache(): IsoCache {
  return { secs: new Float64Array(SLOTS).fill(Number.NaN), prefixes: new Array<string>(SLOTS).fill('') };
}

// Event times and receive times get their own caches.
const tsCache = isoCache();
const inCache = isoCache();

/** ISO text of ms, reusing the prefix of a recently formatted second. */
function isoOf(ms: number, c: IsoCache): string {
  const sec = Math.floor(ms / 1000);
  const slot = sec & (SLOTS - 1);
  if (c.secs[slot] !== sec) {
    const full = new Date(ms).toISOString();
    // Years beyond 9999 or before 0 have a longer prefix: do not cache those.
    if (full.length !== 24) return full;
    c.secs[slot] = sec;
    c.prefixes[slot] = full.slice(0, 20);
    return full;
  }
  const r = Math.floor(ms) - sec * 1000;
  return `${c.prefixes[slot]}${r < 10 ? '00' : r < 100 ? '0' : ''}${r}Z`;
}

/** True when a host name is an IP literal (then it is also host.ip). */
function isIpLiteral(h: string): boolean {
  const c = h.charCodeAt(0);
  if (h.indexOf(':') >= 0) return h.length >= 2 && h.length <= 45;
  if (c < 48 || c > 57) return false;
  let dots = 0;
  for (let i = 0; i < h.length; i++) {
    const k = h.charCodeAt(i);
    if (k === 46) dots++;
    else if (k < 48 || k > 57) return false;
  }
  return dots === 3;
}

/** Keys the envelope owns: payload fields under these names are not copied over it. */
const ENVELOPE: Record<string, true> = {
  '@timestamp': true,
  'event.id': true,
  'event.ingested': true,
  'event.original': true,
  'agency.id': true,
  'agency.name': true,
  'host.name': true,
  'host.ip': true,
  'source.ip': true,
  message: true,
  'logsource.product': true,
  'logsource.category': true,
  'logsource.service': true,
  // Set only here: a log line naming it would otherwise keep itself out of detection.
  'canhgac.quarantine': true,
};

/**
 * Envelope keys that are objects in the stored document (`host` holds `host.name`...): a payload field named
 * exactly like one would be a scalar where the store has an object, and the document would be refused.
 */
const OBJECT_ROOTS: Record<string, true> = {
  host: true,
  agency: true,
  event: true,
  log: true,
  'log.syslog': true,
  source: true,
  logsource: true,
  canhgac: true,
};

/** Envelope leaves that payload keys must not extend (`message.x` would make `message` an object). */
const LEAVES: Record<string, true> = {
  ...ENVELOPE,
  'log.syslog.facility': true,
  'log.syslog.severity': true,
  'log.syslog.appname': true,
  'log.syslog.procid': true,
  'log.syslog.msgid': true,
  'canhgac.decoder': true,
  'canhgac.decode_error': true,
};

/** The key a payload field is stored under: its own, or `payload.<key>` when it would clash with the envelope. */
function payloadKey(k: string): string {
  if (OBJECT_ROOTS[k] === true) return `payload.${k}`;
  let dot = k.indexOf('.');
  while (dot > 0) {
    if (LEAVES[k.slice(0, dot)] === true) return `payload.${k}`;
    dot = k.indexOf('.', dot + 1);
  }
  return k;
}

/**
 * Decodes and normalises one record into the flat event. Never throws. Returns undefined only for lines that
 * carry stream state and no event (W3C `#` header lines).
 */
export function normaliseRecord(record: RawRecord, ctx: NormaliseContext): SigmaEvent | undefined {
  const stream = streamContext(ctx, record.source);
  // A receive time outside Date's range (corrupt record) would make every time below invalid: use now.
  let rin = record.receivedAt;
  if (!(rin >= -MAX_MS && rin <= MAX_MS)) rin = Date.now();
  stream.receivedAt = rin;
  let agency: Agency;
  if (record.agency !== undefined && record.agency !== '') {
    agency = ctx.agencies.byId(record.agency) ?? { id: record.agency, name: '' };
  } else {
    agency = ctx.agencies.lookup(record.source);
    if (agency === UNASSIGNED) {
      countUnassigned();
      if (!ctx.reportedUnassigned.has(record.source) && ctx.reportedUnassigned.size < 10_000) {
        ctx.reportedUnassigned.add(record.source);
        logger('normalise').warn({ source: record.source }, 'Sender belongs to no configured agency network');
      }
    }
  }
  const agencyId = agency.id;
  const agencyName = agency === UNASSIGNED || agency.name === '' ? undefined : agency.name;
  // Zone-less timestamps: the sender's own zone, else its network's, else its agency's, else the global one.
  const tz = ctx.sourceTz.get(record.source) ?? ctx.senderZone(record.source) ?? agency.timezone ?? ctx.tz;
  if (tz !== stream.tz) {
    stream.tz = tz;
    stream.zone = zone(tz);
  }
  let decoder = ctx.decoder;
  const hint = record.format;
  if (hint !== undefined && hint !== 'auto' && hint !== ctx.format) {
    const d = Object.hasOwn(DECODERS, hint) ? DECODERS[hint] : undefined;
    if (d) decoder = d;
    else badFormat.labels(hint.slice(0, 32)).inc();
  }
  // A spool record is untrusted bytes too: a missing or non-string payload becomes an (empty) raw event.
  const data = typeof record.data === 'string' ? record.data : String(record.data ?? '');
  const d = safeDecode(decoder, data, stream);
  if (d.headerOnly) return undefined;
  resolveLogsource(d);
  if (d.product === 'linux') linuxAuthInto(d);

  let ms = d.time;
  if (!(ms >= -MAX_MS && ms <= MAX_MS)) ms = rin;
  let ts: string;
  if (ms === ctx.lastTsMs) ts = ctx.lastTsIso;
  else {
    ts = isoOf(ms, tsCache);
    ctx.lastTsMs = ms;
    ctx.lastTsIso = ts;
  }
  let ingested: string;
  if (rin === ctx.lastInMs) ingested = ctx.lastInIso;
  else {
    ingested = isoOf(rin, inCache);
    ctx.lastInMs = rin;
    ctx.lastInIso = ingested;
  }

  const host = d.host;
  const ev: SigmaEvent = {
    '@timestamp': ts,
    'event.id': record.id,
    'event.ingested': ingested,
    'event.original': ctx.keepOriginal ? data : undefined,
    'agency.id': agencyId,
    'agency.name': agencyName,
    'host.name': host,
    'host.ip': host === undefined ? record.source : isIpLiteral(host) ? host : undefined,
    // One field per entity (core/event/entity-fields.ts): source.ip is the remote peer the line names (the
    // attacker), never the relay that delivered it, which is log.source.address (a shipper's own value wins).
    'source.ip': d.fields === undefined ? undefined : attackerIn(d.fields),
    'log.source.address': record.source,
    'log.syslog.facility': d.facility >= 0 ? d.facility : undefined,
    'log.syslog.severity': d.severity >= 0 ? d.severity : undefined,
    'log.syslog.appname': d.appname,
    'log.syslog.procid': d.procid,
    'log.syslog.msgid': d.msgid,
    'log.syslog.structured_data': d.structuredData,
    message: d.message,
    'logsource.product': d.product,
    'logsource.category': d.category,
    'logsource.service': d.service,
    'canhgac.decoder': d.format,
    'canhgac.decode_error': d.error,
    'canhgac.quarantine': agency === UNASSIGNED && ctx.quarantineUnclaimed ? 'unclaimed_sender' : undefined,
  };
  const f = d.fields;
  if (f !== undefined) {
    // Decoders build `fields` as plain objects (no inherited enumerable keys), so no hasOwn check here.
    for (const k in f) {
      if (ENVELOPE[k] !== true) ev[payloadKey(k)] = f[k];
    }
  }
  return ev;
}

let telemetry: StageTelemetry | undefined;

/**
 * Normalises a batch (what the worker pool receives) into `out`, counting the stage's telemetry once per
 * batch: received = records, sent = events, dropped('header_line') = W3C header lines that carry no event.
 * Returns the number of events appended.
 */
export function normaliseBatch(records: readonly RawRecord[], ctx: NormaliseContext, out: SigmaEvent[]): number {
  telemetry ??= stageTelemetry('normalise');
  let n = 0;
  for (let i = 0; i < records.length; i++) {
    const ev = normaliseRecord(records[i]!, ctx);
    if (ev !== undefined) {
      out.push(ev);
      n++;
    }
  }
  telemetry.received(records.length);
  if (n > 0) telemetry.sent(n);
  if (n < records.length) telemetry.dropped('header_line', records.length - n);
  return n;
}
