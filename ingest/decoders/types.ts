/** The decoder contract: a string (plus per-stream state) in, one Decoded record out, never an exception. */

import { type TimeScan, type Zone, zone } from './time.js';

/** Syslog structured data: SD-ID -> param name -> value (escapes already removed). */
export type StructuredData = Record<string, Record<string, string>>;

/**
 * What a decoder understood of one message. Every field is always present (stable object shape for the
 * hot path); absent values are undefined, -1 or NaN.
 */
export interface Decoded {
  /** Name of the decoder that produced this (e.g. `rfc3164`, `cef`), or `raw` when none understood it. */
  format: string;
  /** Event time in ms since epoch, NaN when the message carries none (the receive time is used). */
  time: number;
  host: string | undefined;
  appname: string | undefined;
  procid: string | undefined;
  msgid: string | undefined;
  /** Syslog facility 0..23 or -1. */
  facility: number;
  /** Syslog severity 0..7 or -1. */
  severity: number;
  structuredData: StructuredData | undefined;
  /** The human-readable message (syslog MSG, CEF name, the whole line for formats without one). */
  message: string;
  /** Payload fields under the names Sigma rules use (flat keys). */
  fields: Record<string, unknown> | undefined;
  /** Log source hints (Sigma taxonomy) the decoder can tell from the message itself. */
  product: string | undefined;
  category: string | undefined;
  service: string | undefined;
  /** Why the message could not be decoded (kept as a raw event), else undefined. */
  error: string | undefined;
  /** True for lines that only carry stream state (W3C `#Fields:`) and produce no event. */
  headerOnly: boolean;
}

/** A fresh Decoded with every field present, so all results share one hidden class. */
export function blank(format: string, message: string): Decoded {
  return {
    format,
    time: Number.NaN,
    host: undefined,
    appname: undefined,
    procid: undefined,
    msgid: undefined,
    facility: -1,
    severity: -1,
    structuredData: undefined,
    message,
    fields: undefined,
    product: undefined,
    category: undefined,
    service: undefined,
    error: undefined,
    headerOnly: false,
  };
}

/** A message no decoder understood: kept whole with the reason. */
export function rawDecoded(text: string, reason: string): Decoded {
  const d = blank('raw', text);
  d.error = reason;
  return d;
}

/**
 * Per-stream decoding state (one per sender connection or file): the time zone for zone-less timestamps,
 * the receive time of the current message and W3C `#Fields:`.
 */
export interface DecodeContext {
  /** IANA zone (or ±HH:MM) for timestamps without an offset. */
  tz: string;
  zone: Zone;
  /** Receive time of the message being decoded (ms), the anchor for year inference. */
  receivedAt: number;
  /** W3C extended log `#Fields:` of this stream, already mapped to event field names. */
  w3cFields: string[] | undefined;
  /** Scratch slot for time scanners. */
  scan: TimeScan;
}

/** Default time zone for zone-less timestamps: the province's servers run on Vietnam time. */
export const DEFAULT_TZ = 'Asia/Ho_Chi_Minh';

/** A new per-stream context. */
export function decodeContext(tz: string = DEFAULT_TZ): DecodeContext {
  return {
    tz,
    zone: zone(tz),
    receivedAt: Date.now(),
    w3cFields: undefined,
    scan: { ms: Number.NaN, end: 0 },
  };
}

/** A decoder: turns one message into a Decoded; must never throw (wrap with safeDecode). */
export type Decoder = (text: string, ctx: DecodeContext) => Decoded;
