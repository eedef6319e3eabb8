/**
 * The decoder registry (one Record keyed by the name users write in configuration and `canhgac parse
 * --format`) and the `auto` decoder that picks a format per message from its first bytes.
 */

import { counter } from '../../core/metrics.js';
import { decodeAudit, looksLikeAudit } from './audit.js';
import { decodeCef } from './cef.js';
import { decoderError } from './errors.js';
import { decodeJson } from './json.js';
import { decodeKv, looksLikeKv } from './kv.js';
import { decodeLeef } from './leef.js';
import { decodeIptables } from './netfw.js';
import { decodeRfc3164, decodeRfc5424 } from './syslog.js';
import { digitsAt, isDigit, monthAt } from './time.js';
import { type DecodeContext, type Decoded, type Decoder, rawDecoded } from './types.js';
import { decodeCbs, decodeW3c, looksLikeCbs } from './w3c.js';
import { decodeWeb, looksLikeAccess } from './web.js';

export { blank, type DecodeContext, type Decoded, type Decoder, decodeContext, DEFAULT_TZ } from './types.js';

/** Messages longer than this are kept whole as raw events instead of being parsed. */
export const MAX_DECODE_LENGTH = 1 << 20;

/** Picks a decoder from the first bytes of one message. */
export function decodeAuto(text: string, ctx: DecodeContext): Decoded {
  const c0 = text.charCodeAt(0);
  switch (c0) {
    case 60: // '<' PRI
      return decodeRfc3164(text, ctx);
    case 123: // '{'
      return decodeJson(text, ctx);
    case 35: // '#'
      return decodeW3c(text, ctx);
    case 91: // '['
      return decodeWeb(text, ctx, 'apache');
    case 67: // 'C'
      if (text.startsWith('CEF:')) return decodeCef(text, ctx);
      break;
    case 76: // 'L'
      if (text.startsWith('LEEF:')) return decodeLeef(text, ctx);
      break;
  }
  if (Number.isNaN(c0)) return rawDecoded(text, 'empty');
  if (isDigit(text, 0)) {
    if (text.charCodeAt(1) === 124) return decodeCef(text, ctx);
    if (text[4] === '-' && digitsAt(text, 0, 4) >= 0) {
      if (ctx.w3cFields && text[10] === ' ') return decodeW3c(text, ctx);
      if (looksLikeCbs(text)) return decodeCbs(text, ctx);
      return decodeRfc3164(text, ctx);
    }
    if (text[4] === '/' && text[7] === '/') return decodeWeb(text, ctx, 'nginx');
  }
  if (monthAt(text, 0) >= 0 && text[3] === ' ') return decodeRfc3164(text, ctx);
  if (looksLikeAccess(text, 0)) return decodeWeb(text, ctx, undefined);
  if (looksLikeKv(text, 0)) return looksLikeAudit(text, 0) ? decodeAudit(text, ctx) : decodeKv(text, ctx);
  if (text.indexOf(' SRC=') > 0) return decodeIptables(text, ctx);
  return rawDecoded(text, 'unrecognised');
}

/** Every decoder by the name users write (`--format`, source `format:`). */
export const DECODERS: Record<string, Decoder> = {
  auto: decodeAuto,
  rfc5424: decodeRfc5424,
  rfc3164: decodeRfc3164,
  syslog: decodeRfc3164,
  cef: decodeCef,
  leef: decodeLeef,
  kv: decodeKv,
  json: decodeJson,
  w3c: decodeW3c,
  iis: decodeW3c,
  apache: (t, c) => decodeWeb(t, c, 'apache'),
  nginx: (t, c) => decodeWeb(t, c, 'nginx'),
  access: (t, c) => decodeWeb(t, c, undefined),
  cbs: decodeCbs,
  iptables: decodeIptables,
  auditd: decodeAudit,
};

/** The decoder registered under `name`; throws CANHGAC_ERR_DECODER_UNKNOWN otherwise. */
export function getDecoder(name: string): Decoder {
  const d = Object.hasOwn(DECODERS, name) ? DECODERS[name] : undefined;
  if (!d) throw decoderError('CANHGAC_ERR_DECODER_UNKNOWN', { name, known: Object.keys(DECODERS).join(', ') });
  return d;
}

const failures = counter(
  'canhgac_decode_failures_total',
  'Messages kept as raw events because no decoder understood them, by reason',
  ['reason'],
);

/** Counts one kept-but-undecoded message (the event is not dropped, so this is not a stage drop). */
export function countDecodeFailure(reason: string): void {
  failures.labels(reason).inc();
}

/**
 * Runs a decoder with the guarantees callers rely on: never throws, strips one trailing newline, keeps huge
 * messages raw, and counts every decode failure by reason.
 */
export function safeDecode(decoder: Decoder, text: string, ctx: DecodeContext): Decoded {
  let d: Decoded;
  // Trailing CR/LF/NUL (some senders append them): trimmed by hand, a `/[\r\n]+$/` would be quadratic on
  // a line of newlines followed by text.
  let end = text.length;
  for (;;) {
    const c = text.charCodeAt(end - 1);
    if (c !== 10 && c !== 13 && c !== 0) break;
    end--;
  }
  if (end < text.length) text = text.slice(0, end);
  if (text.length > MAX_DECODE_LENGTH) d = rawDecoded(text, 'too_long');
  else {
    try {
      d = decoder(text, ctx);
    } catch {
      d = rawDecoded(text, 'decoder_exception');
    }
  }
  if (d.error !== undefined) countDecodeFailure(d.error);
  return d;
}
