/**
 * The event file reader of `canhgac rules test|match` and `canhgac bench detect`: JSON lines, concatenated or
 * pretty-printed JSON objects, a top-level JSON array, or text lines (auditd, or anything the intake decoders
 * read: syslog, CEF, LEEF, W3C...); streamed (a file of any size is read
 * in chunks), each record normalised (Windows shapes, Azure Syslog rows, auditd) or, when it has no known
 * shape, passed on as an already-flat event. A malformed record is reported with its byte offset and line and
 * skipped, never a crash.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { logger } from '../../core/log.js';
import { stageTelemetry } from '../../core/metrics.js';
import type { SigmaEvent } from '../../detection/sigma/model.js';
import type { WINDOWS_ERRORS } from '../../ingest/decoders/windows/errors.js';

/** The catalogue codes an event file problem carries. */
export type EventsErrorCode = keyof typeof WINDOWS_ERRORS & `CANHGAC_ERR_EVENTS_${string}`;

import { isWindowsEvent, normaliseWindowsEvent } from '../../ingest/decoders/windows/index.js';
import {
  createNormaliseContext,
  normaliseRecord as intakeNormalise,
  type NormaliseContext,
} from '../../ingest/normalise/normalise.js';
import {
  type AuditRecord,
  auditExecveEvent,
  auditRecordEvent,
  isAzureSyslogRow,
  normaliseAzureSyslogRow,
  parseAuditLine,
} from '../../ingest/normalise/otrf-linux.js';

/** A record that could not be read: where (0-based byte offset, 1-based line) and why. */
export interface EventFileProblem {
  offset: number;
  line: number;
  message: string;
  code: EventsErrorCode;
}

/** Options of readEventFile. */
export interface ReadEventsOptions {
  /** Called for each malformed record (default: collected nowhere, but always counted and logged). */
  onProblem?: (p: EventFileProblem) => void;
  /** Largest record accepted, in bytes (default 16 MiB). */
  maxRecordBytes?: number;
  /** Read chunk size (default 1 MiB); tests use tiny chunks to cross every boundary. */
  chunkBytes?: number;
}

const log = logger('event_file');
const tel = stageTelemetry('event_file');

/** Normalises one parsed JSON value into zero or more flat events (Windows, Azure Syslog, or as-is). */
export function normaliseRecord(v: unknown): SigmaEvent[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [];
  if (isWindowsEvent(v)) return [normaliseWindowsEvent(v)];
  if (isAzureSyslogRow(v)) return [normaliseAzureSyslogRow(v)];
  return [v as SigmaEvent];
}

/** Normalises a group of auditd records sharing one serial: each record, then the synthesised execve event. */
export function auditGroupEvents(group: readonly AuditRecord[]): SigmaEvent[] {
  const out = group.map((r) => auditRecordEvent(r));
  const pc = auditExecveEvent(group);
  if (pc) out.push(pc);
  return out;
}

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const OPEN_ARR = 0x5b; // [
const CLOSE_ARR = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NL = 0x0a;
const COMMA = 0x2c;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf;
}

/**
 * Streams the normalised events of a file (`-`: standard input). Text that does not start with `{` or `[` is read as auditd lines.
 * Problems go to opts.onProblem and to the `event_file` telemetry (dropped, reason malformed).
 */
export async function* readEventFile(path: string, opts: ReadEventsOptions = {}): AsyncGenerator<SigmaEvent> {
  const maxBytes = opts.maxRecordBytes ?? 16 * 1024 * 1024;
  const problem = (
    offset: number,
    line: number,
    message: string,
    code: EventsErrorCode = 'CANHGAC_ERR_EVENTS_MALFORMED',
  ): void => {
    tel.dropped('malformed');
    log.warn({ path, offset, line, code }, 'Skipped a malformed event record.');
    opts.onProblem?.({ offset, line, message, code });
  };
  // `-` is standard input (`zcat events.json.gz | canhgac rules match --rules r --events -`).
  const stream = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: opts.chunkBytes ?? 1 << 20 });
  let mode: 'unknown' | 'json' | 'text' = 'unknown';
  // JSON scanner state, byte-level (UTF-8 multi-byte sequences never contain these ASCII bytes).
  let depth = 0;
  let inStr = false;
  let esc = false;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let recStart = 0;
  let recLine = 1;
  let skipping = false;
  let garbageReported = false;
  // JSON lines (decided by the first record: it started and ended on one line): a raw newline inside a record
  // cannot be valid JSON, so the record is reported there and the next line is read afresh, instead of one
  // broken line swallowing the rest of the file.
  let jsonLines: boolean | undefined;
  // Text state.
  let textRest = '';
  let textLine = 1;
  let textOffset = 0;
  let group: AuditRecord[] = [];
  let nctx: NormaliseContext | undefined;
  let textSkipping = false;
  const utf8 = new StringDecoder('utf8');
  let offset = 0;
  let line = 1;

  const flushGroup = function* (): Generator<SigmaEvent> {
    if (group.length) {
      const g = group;
      group = [];
      for (const e of auditGroupEvents(g)) {
        tel.sent();
        yield e;
      }
    }
  };
  const textLineEvents = function* (l: string, lineNo: number): Generator<SigmaEvent> {
    const t = l.endsWith('\r') ? l.slice(0, -1) : l;
    if (!t.trim()) return;
    tel.received();
    const r = parseAuditLine(t);
    if (!r) {
      // Any other text line goes through the intake decoders (syslog 5424/3164, CEF, LEEF, W3C, ...), exactly as
      // it would arrive over syslog; lines they cannot read become raw events (canhgac.decode_error), as there.
      yield* flushGroup();
      nctx ??= createNormaliseContext({ keepOriginal: false });
      const ev = intakeNormalise(
        { id: String(lineNo), receivedAt: Date.now(), transport: 'tcp', source: '', data: t },
        nctx,
      );
      if (ev) {
        tel.sent();
        yield ev;
      }
      return;
    }
    if (group.length && group[0]!.serial !== r.serial) yield* flushGroup();
    group.push(r);
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (mode === 'unknown') {
      let k = 0;
      while (k < chunk.length && isSpace(chunk[k]!)) k++;
      if (k === chunk.length) {
        offset += chunk.length;
        continue;
      }
      mode = chunk[k] === OPEN || chunk[k] === OPEN_ARR ? 'json' : 'text';
    }
    if (mode === 'text') {
      // StringDecoder keeps a UTF-8 sequence cut by the chunk boundary for the next chunk.
      let s = textRest + utf8.write(chunk);
      if (textSkipping) {
        const nl = s.indexOf('\n');
        if (nl < 0) {
          textOffset += Buffer.byteLength(s);
          textRest = '';
          continue;
        }
        textOffset += Buffer.byteLength(s.slice(0, nl)) + 1;
        textLine++;
        s = s.slice(nl + 1);
        textSkipping = false;
      }
      const lines = s.split('\n');
      textRest = lines.pop() ?? '';
      for (const l of lines) {
        yield* textLineEvents(l, textLine);
        textOffset += Buffer.byteLength(l) + 1;
        textLine++;
      }
      if (textRest.length > maxBytes) {
        // One endless line must not hold the whole file in memory: report it and skip to the next newline.
        tel.received();
        problem(textOffset, textLine, `line longer than ${maxBytes} bytes`);
        textOffset += Buffer.byteLength(textRest);
        textRest = '';
        textSkipping = true;
      }
      continue;
    }
    let segStart = depth > 0 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === NL) {
        line++;
        if (depth > 0 && jsonLines) {
          tel.received();
          problem(recStart, recLine, 'JSON record not closed at the end of its line');
          depth = 0;
          inStr = false;
          parts = [];
          partBytes = 0;
          segStart = -1;
          continue;
        }
      }
      if (depth === 0) {
        if (b === OPEN) {
          depth = 1;
          inStr = false;
          esc = false;
          segStart = i;
          recStart = offset + i;
          recLine = line;
          skipping = false;
          garbageReported = false;
          parts = [];
          partBytes = 0;
        } else if (skipping) {
          if (b === NL) skipping = false;
        } else if (!isSpace(b) && b !== COMMA && b !== OPEN_ARR && b !== CLOSE_ARR) {
          if (!garbageReported) problem(offset + i, line, 'text outside a JSON object');
          garbageReported = true;
          skipping = true;
        } else if (b === NL) garbageReported = false;
        continue;
      }
      if (inStr) {
        if (esc) esc = false;
        else if (b === BACKSLASH) esc = true;
        else if (b === QUOTE) inStr = false;
        continue;
      }
      if (b === QUOTE) inStr = true;
      else if (b === OPEN || b === OPEN_ARR) depth++;
      else if (b === CLOSE || b === CLOSE_ARR) {
        depth--;
        if (depth === 0) {
          const piece = chunk.subarray(segStart, i + 1);
          const buf = parts.length ? Buffer.concat([...parts, piece]) : piece;
          parts = [];
          partBytes = 0;
          segStart = -1;
          if (jsonLines === undefined) jsonLines = recLine === line;
          tel.received();
          let v: unknown;
          try {
            v = JSON.parse(buf.toString('utf8'));
          } catch (err) {
            problem(recStart, recLine, err instanceof Error ? err.message : String(err));
            continue;
          }
          for (const e of normaliseRecord(v)) {
            tel.sent();
            yield e;
          }
        }
      } else if (b === NL && depth > 0 && partBytes + i - segStart > maxBytes) {
        problem(recStart, recLine, `record larger than ${maxBytes} bytes`);
        depth = 0;
        parts = [];
        partBytes = 0;
        segStart = -1;
        skipping = true;
      }
    }
    if (depth > 0 && segStart >= 0) {
      const piece = chunk.subarray(segStart);
      // Copy: the stream may reuse its buffer.
      parts.push(Buffer.from(piece));
      partBytes += piece.length;
      if (partBytes > maxBytes) {
        problem(recStart, recLine, `record larger than ${maxBytes} bytes`);
        depth = 0;
        parts = [];
        partBytes = 0;
        skipping = true;
      }
    }
    offset += chunk.length;
  }
  if (mode === 'text') {
    textRest += utf8.end();
    if (textRest && !textSkipping) yield* textLineEvents(textRest, textLine);
    yield* flushGroup();
  } else if (depth > 0) {
    tel.received();
    problem(recStart, recLine, 'unterminated JSON object at end of file');
  }
}

/** Reads a whole event file into memory (bench and small test files); problems are returned, not thrown. */
export async function loadEventFile(
  path: string,
  opts: Omit<ReadEventsOptions, 'onProblem'> = {},
): Promise<{ events: SigmaEvent[]; problems: EventFileProblem[] }> {
  const events: SigmaEvent[] = [];
  const problems: EventFileProblem[] = [];
  for await (const e of readEventFile(path, { ...opts, onProblem: (p) => problems.push(p) })) events.push(e);
  return { events, problems };
}
