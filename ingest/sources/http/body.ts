import { createHash } from 'node:crypto';
import { newEventId } from '../../../core/ids.js';
import { jsonErrorOffset, lineColAt } from '../../../core/json-error.js';
import type { RawRecord } from '../../spool/types.js';

/** A line of a request that was not accepted, 1-based, with the reason (`element`: its index in a JSON array). */
export interface RejectedLine {
  line: number;
  element?: number;
  error: string;
}

/** What a body turned into: records to spool and lines refused (the good lines are never lost for the bad). */
export interface ParsedBody {
  records: RawRecord[];
  rejected: RejectedLine[];
}

/** Per-request facts every record carries. */
export interface RecordContext {
  receivedAt: number;
  source: string;
  agency: string | undefined;
  maxEventBytes: number;
}

function record(ctx: RecordContext, data: string, id?: string): RawRecord {
  const r: RawRecord = {
    id: id ?? newEventId(ctx.receivedAt),
    receivedAt: ctx.receivedAt,
    transport: 'http',
    source: ctx.source,
    format: 'json',
    data,
  };
  if (ctx.agency !== undefined) r.agency = ctx.agency;
  return r;
}

/**
 * A stable event id for a client-supplied `_id`, scoped by agency so one agency's ids cannot collide with (or
 * overwrite) another's: retries of the same bulk item become idempotent downstream.
 */
export function idForClientId(agency: string | undefined, clientId: string): string {
  const h = createHash('sha256')
    .update(`${agency ?? ''}\u0000${clientId}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function describeJsonError(err: unknown): string {
  return err instanceof Error ? err.message : 'invalid JSON';
}

/** Iterates the lines of a text with their 1-based numbers (CRLF tolerated). */
function* lines(text: string): Generator<[number, string]> {
  let start = 0;
  let n = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    yield [n, line];
    n++;
    start = end + 1;
  }
}

/**
 * `POST /ingest/v1/events`: a JSON array of events, or NDJSON (one event per line). An event is a JSON object
 * (kept as its text) or a string (a raw log line, decoded later). Blank lines are ignored.
 */
export function parseEventsBody(text: string, ctx: RecordContext): ParsedBody {
  const out: ParsedBody = { records: [], rejected: [] };
  const first = text.search(/\S/);
  if (first >= 0 && text[first] === '[') {
    let arr: unknown;
    try {
      arr = JSON.parse(text);
    } catch (err) {
      const where = lineColAt(text, Math.max(0, jsonErrorOffset(text)));
      out.rejected.push({
        line: where.line,
        error: `Invalid JSON array at column ${where.col}: ${describeJsonError(err)}`,
      });
      return out;
    }
    if (!Array.isArray(arr)) {
      out.rejected.push({ line: 1, error: 'Expected a JSON array of events' });
      return out;
    }
    for (let i = 0; i < arr.length; i++) acceptValue(arr[i], JSON.stringify(arr[i]), i + 1, ctx, out, 'element');
    return out;
  }
  for (const [n, line] of lines(text)) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      out.rejected.push({ line: n, error: describeJsonError(err) });
      continue;
    }
    acceptValue(value, line, n, ctx, out, 'line');
  }
  return out;
}

function rejection(n: number, unit: 'line' | 'element', error: string): RejectedLine {
  // Array elements have no line of their own once parsed: report their 0-based index instead.
  return unit === 'line' ? { line: n, error } : { line: 1, element: n - 1, error };
}

function acceptValue(
  value: unknown,
  text: string,
  n: number,
  ctx: RecordContext,
  out: ParsedBody,
  unit: 'line' | 'element',
): void {
  if (Buffer.byteLength(text) > ctx.maxEventBytes) {
    out.rejected.push(rejection(n, unit, `Event larger than ${ctx.maxEventBytes} bytes`));
  } else if (typeof value === 'string') {
    const r = record(ctx, value);
    r.format = 'auto';
    out.records.push(r);
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    out.records.push(record(ctx, text));
  } else {
    out.rejected.push(rejection(n, unit, `Each ${unit} must be a JSON object or a string`));
  }
}

/** One item of an Elasticsearch `_bulk` response, in request order. */
export type BulkItem = { [action: string]: Record<string, unknown> };

/** A parsed `_bulk` body: records plus, per item, either the record index or an error. */
export interface ParsedBulk extends ParsedBody {
  items: { action: string; index: string; id: string; record?: number; status: number; error?: string }[];
  /**
   * Broken action/document pairing: Elasticsearch refuses the whole request (400) and so does canhgac, with no
   * record kept (`records` is then empty): the client gets a clear error and resends, nothing is half-taken.
   */
  fatal?: { line: number; reason: string; type: string };
}

const SOURCE_ACTIONS = new Set(['index', 'create']);
/** The actions Elasticsearch knows; any other name makes the request malformed. */
const KNOWN_ACTIONS = new Set(['index', 'create', 'update', 'delete']);

function malformed(line: number, reason: string, type = 'illegal_argument_exception'): ParsedBulk {
  return { records: [], items: [], rejected: [{ line, error: reason }], fatal: { line, reason, type } };
}

/**
 * Elasticsearch `_bulk` (NDJSON action/source pairs) as Beats, Fluent Bit and Vector send it. `index` and
 * `create` carry a document; `delete` and `update` are refused per item (intake never changes stored events).
 * A document that is not a JSON object fails its item only; an action line that cannot be read, an unknown action
 * or an action whose document line is missing breaks the pairing for every line after it, so the whole request is
 * refused (`fatal`), as Elasticsearch's bulk parser does.
 */
export function parseBulkBody(text: string, defaultIndex: string | undefined, ctx: RecordContext): ParsedBulk {
  const out: ParsedBulk = { records: [], rejected: [], items: [] };
  const it = lines(text);
  for (let next = it.next(); !next.done; next = it.next()) {
    const [n, line] = next.value;
    if (line.trim() === '') continue;
    let action: unknown;
    try {
      action = JSON.parse(line);
    } catch (err) {
      return malformed(n, `Malformed action/metadata line [${n}]: ${describeJsonError(err)}`);
    }
    const keys = action !== null && typeof action === 'object' && !Array.isArray(action) ? Object.keys(action) : [];
    const name = keys[0];
    const meta = name ? ((action as Record<string, unknown>)[name] as Record<string, unknown> | null) : null;
    if (keys.length !== 1 || !name || meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
      return malformed(
        n,
        `Malformed action/metadata line [${n}], expected {"index": {...}} or {"create": {...}} with one action`,
      );
    }
    if (!KNOWN_ACTIONS.has(name)) {
      return malformed(
        n,
        `Malformed action/metadata line [${n}], expected one of [create, delete, index, update] but found [${name}]`,
      );
    }
    const index = typeof meta._index === 'string' ? meta._index : (defaultIndex ?? 'canhgac');
    const clientId = typeof meta._id === 'string' || typeof meta._id === 'number' ? String(meta._id) : undefined;
    const hasSource = name !== 'delete';
    const src = hasSource ? it.next() : undefined;
    const srcLine = src && !src.done ? src.value : undefined;
    if (hasSource && (!srcLine || srcLine[1].trim() === '')) {
      return malformed(n, `Action line [${n}] has no document line after it`);
    }
    if (!SOURCE_ACTIONS.has(name)) {
      const error = `Action '${name}' is not supported by canhgac intake`;
      out.rejected.push({ line: n, error });
      out.items.push({ action: name, index, id: clientId ?? '', status: 400, error });
      continue;
    }
    const [sn, sline] = srcLine!;
    let doc: unknown;
    try {
      doc = JSON.parse(sline);
    } catch (err) {
      const error = describeJsonError(err);
      out.rejected.push({ line: sn, error });
      out.items.push({ action: name, index, id: clientId ?? '', status: 400, error });
      continue;
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      const error = 'The document must be a JSON object';
      out.rejected.push({ line: sn, error });
      out.items.push({ action: name, index, id: clientId ?? '', status: 400, error });
      continue;
    }
    if (Buffer.byteLength(sline) > ctx.maxEventBytes) {
      const error = `Document larger than ${ctx.maxEventBytes} bytes`;
      out.rejected.push({ line: sn, error });
      out.items.push({ action: name, index, id: clientId ?? '', status: 413, error });
      continue;
    }
    const r = record(ctx, sline, clientId === undefined ? undefined : idForClientId(ctx.agency, clientId));
    out.items.push({ action: name, index, id: clientId ?? r.id, record: out.records.length, status: 201 });
    out.records.push(r);
  }
  if (out.items.length === 0)
    return malformed(1, 'Validation Failed: 1: no requests added;', 'action_request_validation_exception');
  return out;
}

/** Elasticsearch's error body for a refused request, plus canhgac's code and the line at fault. */
export function bulkErrorResponse(fatal: { line: number; reason: string; type: string }, code: string) {
  const cause = { type: fatal.type, reason: fatal.reason };
  return { error: { root_cause: [cause], ...cause, code, line: fatal.line }, status: 400 };
}

/** The `_bulk` response body in the shape Beats, Fluent Bit and Vector read. */
export function bulkResponse(parsed: ParsedBulk, tookMs: number): { took: number; errors: boolean; items: BulkItem[] } {
  let errors = false;
  const items = parsed.items.map((it): BulkItem => {
    if (it.status >= 300) {
      errors = true;
      return {
        [it.action]: {
          _index: it.index,
          _id: it.id,
          status: it.status,
          error: { type: it.status === 413 ? 'document_too_large' : 'mapper_parsing_exception', reason: it.error },
        },
      };
    }
    return {
      [it.action]: {
        _index: it.index,
        _id: it.id,
        _version: 1,
        result: 'created',
        _shards: { total: 1, successful: 1, failed: 0 },
        _seq_no: 0,
        _primary_term: 1,
        status: 201,
      },
    };
  });
  return { took: tookMs, errors, items };
}
