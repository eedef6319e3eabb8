import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import type { CanhgacError } from '../../../core/errors.js';
import { logger } from '../../../core/log.js';
import { counter, stageTelemetry } from '../../../core/metrics.js';
import { type Spool, SpoolFullError } from '../../spool/types.js';
import type { SenderGate } from '../gate.js';
import { agencyForKey, presentedKey } from './auth.js';
import {
  bulkErrorResponse,
  bulkResponse,
  type ParsedBody,
  type ParsedBulk,
  parseBulkBody,
  parseEventsBody,
  type RecordContext,
} from './body.js';
import { DEFAULT_HTTP_INTAKE, type HttpIntakeConfig } from './config.js';
import { intakeError } from './errors.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const log = logger('http_intake');
const telemetry = stageTelemetry('http_intake');
const requests = counter('canhgac_http_intake_requests_total', 'HTTP intake requests by route and status', [
  'route',
  'status',
]);

/** The Elasticsearch version announced at `GET /`, so Beats and Vector accept canhgac as a bulk target. */
const ES_COMPAT_VERSION = '8.11.0';

/** Compresses "1,2,3,5,7,8" into "1-3,5,7-8" for telling a client which lines were accepted. */
export function lineRanges(accepted: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < accepted.length; ) {
    let j = i;
    while (j + 1 < accepted.length && accepted[j + 1] === accepted[j]! + 1) j++;
    parts.push(i === j ? `${accepted[i]}` : `${accepted[i]}-${accepted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * HTTP intake: `POST /ingest/v1/events` (JSON array or NDJSON) and the Elasticsearch-compatible `_bulk`.
 * A request is answered 2xx only after its events are in the spool; 429 when the spool is full.
 */
export class HttpIntakeSource {
  private server: Server | undefined;
  private stopping = false;
  readonly config: HttpIntakeConfig;
  /** Keys looked up through `resolveKey`, remembered briefly (a revoked key stops working within the TTL). */
  private readonly keyCache = new Map<string, { agency: string | undefined; until: number }>();

  constructor(
    config: Partial<HttpIntakeConfig>,
    private readonly spool: Spool,
    private readonly opts: {
      /** Agent keys managed elsewhere (the API's intake keys): the key -> its agency, or undefined. */
      resolveKey?: (key: string) => Promise<string | undefined>;
      keyCacheMs?: number;
      /** What to do with senders no agency claims (a request without an agency key from an unclaimed address). */
      gate?: SenderGate;
    } = {},
  ) {
    this.config = { ...DEFAULT_HTTP_INTAKE, ...config };
  }

  /** The agency of a presented key: configured keys first, then the resolver (cached). */
  private async agencyOf(key: string | undefined): Promise<string | undefined> {
    const configured = agencyForKey(this.config, key);
    if (configured !== undefined || key === undefined || !this.opts.resolveKey) return configured;
    const hit = this.keyCache.get(key);
    const now = Date.now();
    if (hit && hit.until > now) return hit.agency;
    const agency = await this.opts.resolveKey(key).catch((err: unknown) => {
      log.error({ err }, 'Agent key lookup failed');
      return undefined;
    });
    if (this.keyCache.size >= 10_000) this.keyCache.clear();
    this.keyCache.set(key, { agency, until: now + (this.opts.keyCacheMs ?? 30_000) });
    return agency;
  }

  /** Starts listening; resolves with the bound port (use port 0 for a free one). */
  async start(): Promise<number> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => {
        log.error({ err }, 'HTTP intake request failed');
        if (!res.headersSent)
          this.sendError(
            res,
            'internal',
            intakeError('CANHGAC_ERR_INTAKE_UNAVAILABLE', { seconds: this.config.retryAfterSeconds }),
          );
      });
    };
    const tls = this.config.tls;
    this.server = tls
      ? createHttpsServer({ cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: tls.ca } : {}) }, handler)
      : createHttpServer(handler);
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 70_000;
    this.server.requestTimeout = 120_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.config.port, this.config.host, () => resolve());
    });
    const port = (this.server.address() as AddressInfo).port;
    log.info({ host: this.config.host, port }, 'HTTP intake listening');
    return port;
  }

  /** The bound port (after start). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Stops accepting; requests in flight finish (their events reach the spool or are refused with 503). */
  async stop(): Promise<void> {
    this.stopping = true;
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeIdleConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://intake');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if ((method === 'GET' || method === 'HEAD') && path === '/')
      return this.sendJson(res, 'root', 200, this.rootInfo(), method === 'HEAD');
    if (method === 'GET' && path === '/_license')
      return this.sendJson(res, 'license', 200, { license: { status: 'active', type: 'basic', uid: 'canhgac' } });
    if (method === 'GET' && path === '/healthz') return this.sendJson(res, 'healthz', 200, { status: 'ok' });
    const bulk = /^\/(?:([^/_][^/]*)\/)?_bulk$/.exec(path);
    const isEvents = path === '/ingest/v1/events';
    if (!(bulk && (method === 'POST' || method === 'PUT')) && !(isEvents && method === 'POST')) {
      req.resume();
      return this.sendError(res, 'other', intakeError('CANHGAC_ERR_INTAKE_NOT_FOUND', { method, path }));
    }
    const route = bulk ? 'bulk' : 'events';
    if (this.stopping) {
      req.resume();
      return this.sendError(
        res,
        route,
        intakeError('CANHGAC_ERR_INTAKE_UNAVAILABLE', { seconds: this.config.retryAfterSeconds }),
      );
    }
    const agency = await this.agencyOf(presentedKey(req.headers.authorization));
    if (agency === undefined && this.config.requireApiKey) {
      req.resume();
      res.setHeader('WWW-Authenticate', 'Bearer realm="canhgac-intake"');
      return this.sendError(res, route, intakeError('CANHGAC_ERR_INTAKE_UNAUTHORIZED'));
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (!this.spool.hasRoom(declared)) {
      req.resume();
      telemetry.dropped('spool_full_refused', 0);
      return this.sendError(
        res,
        route,
        intakeError('CANHGAC_ERR_INTAKE_SPOOL_FULL', { seconds: this.config.retryAfterSeconds }),
      );
    }
    const text = await this.readBody(req, res, route);
    if (text === undefined) return;
    const ctx: RecordContext = {
      receivedAt: Date.now(),
      source: normaliseAddress(req.socket.remoteAddress),
      agency,
      maxEventBytes: this.config.maxEventBytes,
    };
    const started = Date.now();
    const parsed = bulk
      ? parseBulkBody(text, bulk[1] ? decodeURIComponent(bulk[1]) : undefined, ctx)
      : parseEventsBody(text, ctx);
    if (bulk && (parsed as ParsedBulk).fatal) {
      // Broken pairing: nothing is taken, the whole request is refused as Elasticsearch does, the client resends.
      const fatal = (parsed as ParsedBulk).fatal!;
      telemetry.error('receiving', 'bulk_malformed');
      const code = intakeError('CANHGAC_ERR_INTAKE_BAD_BULK', fatal).code;
      return this.sendJson(res, route, 400, bulkErrorResponse(fatal, code));
    }
    if (
      this.opts.gate !== undefined &&
      parsed.records.length > 0 &&
      !this.opts.gate.admitRecords('http', ctx.source, agency, parsed.records.length)
    ) {
      return this.sendError(res, route, intakeError('CANHGAC_ERR_INTAKE_UNCLAIMED_SENDER', { source: ctx.source }));
    }
    telemetry.received(parsed.records.length + parsed.rejected.length);
    if (parsed.rejected.length) telemetry.dropped('rejected_invalid', parsed.rejected.length);
    if (!(await this.toSpool(parsed, res, route))) return;
    telemetry.sent(parsed.records.length);
    if (bulk) {
      // Item-level failures (a document that is not an object, delete/update) answer 200 with errors:true.
      return this.sendJson(res, route, 200, bulkResponse(parsed as ParsedBulk, Date.now() - started));
    }
    if (parsed.rejected.length) return this.sendBadLines(res, route, parsed);
    return this.sendJson(res, route, 200, { accepted: parsed.records.length, ids: parsed.records.map((r) => r.id) });
  }

  /** Appends to the spool; answers 429/503 and returns false when it cannot. */
  private async toSpool(parsed: ParsedBody, res: ServerResponse, route: string): Promise<boolean> {
    if (parsed.records.length === 0) return true;
    try {
      await this.spool.append(parsed.records);
      return true;
    } catch (err) {
      const seconds =
        err instanceof SpoolFullError ? Math.max(1, Math.ceil(err.retryAfterMs / 1000)) : this.config.retryAfterSeconds;
      const code = err instanceof SpoolFullError ? 'CANHGAC_ERR_INTAKE_SPOOL_FULL' : 'CANHGAC_ERR_INTAKE_UNAVAILABLE';
      if (!(err instanceof SpoolFullError)) log.error({ err }, 'Spool append failed');
      // Nothing was appended: the client keeps the events and retries them, so this is not a drop.
      telemetry.error('sending', err instanceof SpoolFullError ? 'spool_full' : 'spool_error');
      this.sendError(res, route, intakeError(code, { seconds }), seconds);
      return false;
    }
  }

  private sendBadLines(res: ServerResponse, route: string, parsed: ParsedBody): void {
    const rejectedLines = new Set(parsed.rejected.map((r) => r.line));
    const total = parsed.records.length + parsed.rejected.length;
    const e = intakeError(
      'CANHGAC_ERR_INTAKE_BAD_LINES',
      { rejected: parsed.rejected.length, total },
      {
        details: {
          accepted: parsed.records.length,
          ids: parsed.records.map((r) => r.id),
          rejected: parsed.rejected,
          rejected_lines: lineRanges([...rejectedLines].sort((a, b) => a - b)),
        },
      },
    );
    this.sendError(res, route, e);
  }

  /** Reads the body within the size limits, undoing gzip/deflate; answers the error itself and returns undefined. */
  private async readBody(req: IncomingMessage, res: ServerResponse, route: string): Promise<string | undefined> {
    const limit = this.config.maxBodyBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        break;
      }
      chunks.push(chunk);
    }
    if (tooLarge) {
      res.setHeader('Connection', 'close');
      this.sendError(res, route, intakeError('CANHGAC_ERR_INTAKE_TOO_LARGE', { limit }));
      req.destroy();
      return undefined;
    }
    let body = Buffer.concat(chunks, size);
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    try {
      if (encoding === 'gzip' || encoding === 'x-gzip')
        body = await gunzipAsync(body, { maxOutputLength: this.config.maxDecodedBytes });
      else if (encoding === 'deflate')
        body = await inflateAsync(body, { maxOutputLength: this.config.maxDecodedBytes });
      else if (encoding !== 'identity') throw new Error(`unsupported content-encoding ${encoding}`);
    } catch (err) {
      const tooBig = err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      this.sendError(
        res,
        route,
        tooBig
          ? intakeError('CANHGAC_ERR_INTAKE_TOO_LARGE', { limit: this.config.maxDecodedBytes })
          : intakeError('CANHGAC_ERR_INTAKE_BAD_ENCODING', { reason: (err as Error).message }),
      );
      return undefined;
    }
    return body.toString('utf8');
  }

  private rootInfo(): Record<string, unknown> {
    return {
      name: 'canhgac',
      cluster_name: 'canhgac',
      cluster_uuid: 'canhgac-intake',
      version: {
        number: ES_COMPAT_VERSION,
        build_flavor: 'default',
        lucene_version: '9.8.0',
        minimum_wire_compatibility_version: '7.17.0',
        minimum_index_compatibility_version: '7.0.0',
      },
      tagline: 'You Know, for Search',
    };
  }

  private sendJson(res: ServerResponse, route: string, status: number, body: unknown, headOnly = false): void {
    requests.labels(route, String(status)).inc();
    const text = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('X-Elastic-Product', 'Elasticsearch');
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.end(headOnly ? undefined : text);
  }

  private sendError(res: ServerResponse, route: string, err: CanhgacError, retryAfter?: number): void {
    if (err.status === 429 || err.status === 503)
      res.setHeader('Retry-After', String(retryAfter ?? this.config.retryAfterSeconds));
    this.sendJson(res, route, err.status, err.toJSON());
  }
}

function normaliseAddress(addr: string | undefined): string {
  if (!addr) return 'unknown';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}
