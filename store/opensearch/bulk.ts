/**
 * The bulk writer: batches create operations into `_bulk` requests under size, byte and concurrency limits,
 * retries whole requests and single items on 429/5xx with exponential backoff, and parks documents that can
 * never be indexed (mapping conflicts, malformed values) in a dead-letter index with the reason. Nothing is
 * dropped silently: each outcome is counted and the caller learns it per document.
 */
import type { Client } from '@opensearch-project/opensearch';
import { logger } from '../../core/log.js';
import { counter } from '../../core/metrics.js';
import { storeError } from '../errors.js';
import { errorReason, rest, statusOf } from './client.js';

/** Limits of the bulk writer. */
export interface BulkOptions {
  /** Documents per `_bulk` request (default 2000). */
  maxDocs?: number;
  /** Bytes per `_bulk` request (default 5 MiB). */
  maxBytes?: number;
  /** `_bulk` requests in flight at once (default 2). */
  concurrency?: number;
  /** Retries of a request or item after a 429/5xx/connection failure (default 6). */
  maxRetries?: number;
  /** First backoff in ms, doubled each retry with jitter (default 200). */
  backoffMs?: number;
  /** Backoff ceiling in ms (default 10000). */
  maxBackoffMs?: number;
  /** Longest wait of a buffered document before its request is sent, ms (default 0: send at once). */
  flushIntervalMs?: number;
  /**
   * Timeout of one `_bulk` request, ms (default 120000). Longer than searches': a timed-out request that the
   * node still completes comes back on retry as duplicates, so timing out early only adds work to a busy node.
   */
  requestTimeoutMs?: number;
}

/** One write() call waiting for the outcomes of its documents, which may travel in several requests. */
interface Owner {
  out: BulkOutcome[];
  left: number;
  resolve: (out: BulkOutcome[]) => void;
  reject: (err: unknown) => void;
  failed: boolean;
}

/** One document to create: the target index, its `_id` and its source (already serialised). */
export interface BulkDoc {
  index: string;
  id: string;
  json: string;
}

/** What became of one document. */
export type BulkOutcome = 'created' | 'duplicate' | 'dead_letter';

/** Where dead letters go and how they are described. */
export interface DeadLetterSink {
  /** Stores the documents with their reasons; throws if they could not be stored (the caller must not ack). */
  park(items: { doc: BulkDoc; status: number; reason: string }[]): Promise<void>;
}

const log = logger('store_opensearch');
const retriesTotal = counter('canhgac_store_opensearch_retries_total', 'Bulk retries after 429/5xx, by scope', [
  'scope',
]);
const deadTotal = counter(
  'canhgac_store_opensearch_dead_letters_total',
  'Documents parked in the dead-letter index, by error type',
  ['type'],
);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Whether a status is worth retrying (throttled, server error, connection failure). */
export function retryable(status: number): boolean {
  return status === 429 || status === 0 || status >= 500;
}

/** Batches documents into `_bulk` create requests; see BulkOptions for the limits. */
export class BulkWriter {
  private readonly maxDocs: number;
  private readonly maxBytes: number;
  private readonly concurrency: number;
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly flushIntervalMs: number;
  private readonly requestTimeoutMs: number;
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];
  private buf: BulkDoc[] = [];
  private owners: Owner[] = [];
  private pos: number[] = [];
  private bufBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Client,
    private readonly dlq: DeadLetterSink,
    opts: BulkOptions = {},
  ) {
    this.maxDocs = opts.maxDocs ?? 2000;
    this.maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
    this.concurrency = Math.max(1, opts.concurrency ?? 2);
    this.maxRetries = opts.maxRetries ?? 6;
    this.backoffMs = opts.backoffMs ?? 200;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10000;
    this.flushIntervalMs = opts.flushIntervalMs ?? 0;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 120_000;
  }

  /**
   * Writes the documents; resolves with their outcomes in input order once all are settled. Documents join a
   * shared buffer sent when it reaches maxDocs/maxBytes, at once when flushIntervalMs is 0 (the default), else
   * at most flushIntervalMs after the first buffered document, so many small writes make few requests.
   */
  write(docs: readonly BulkDoc[]): Promise<BulkOutcome[]> {
    if (docs.length === 0) return Promise.resolve([]);
    return new Promise<BulkOutcome[]>((resolve, reject) => {
      const owner: Owner = { out: new Array(docs.length), left: docs.length, resolve, reject, failed: false };
      for (let k = 0; k < docs.length; k++) {
        const d = docs[k]!;
        const size = d.json.length + d.id.length + d.index.length + 40;
        if (this.buf.length > 0 && (this.buf.length >= this.maxDocs || this.bufBytes + size > this.maxBytes)) {
          this.flush();
        }
        this.buf.push(d);
        this.owners.push(owner);
        this.pos.push(k);
        this.bufBytes += size;
      }
      if (this.flushIntervalMs === 0 || this.buf.length >= this.maxDocs) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.flushIntervalMs);
    });
  }

  /** Sends whatever is buffered now (also called by the interval timer). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buf.length === 0) return;
    const docs = this.buf;
    const owners = this.owners;
    const pos = this.pos;
    this.buf = [];
    this.owners = [];
    this.pos = [];
    this.bufBytes = 0;
    const out: BulkOutcome[] = new Array(docs.length);
    this.run(docs, 0, docs.length, out).then(
      () => {
        for (let j = 0; j < docs.length; j++) {
          const o = owners[j]!;
          if (o.failed) continue;
          o.out[pos[j]!] = out[j]!;
          if (--o.left === 0) o.resolve(o.out);
        }
      },
      (err: unknown) => {
        for (const o of owners) {
          if (o.failed) continue;
          o.failed = true;
          o.reject(err);
        }
      },
    );
  }

  private async slot(): Promise<void> {
    while (this.inFlight >= this.concurrency) await new Promise<void>((r) => this.waiters.push(r));
    this.inFlight++;
  }

  private release(): void {
    this.inFlight--;
    this.waiters.shift()?.();
  }

  private async run(docs: readonly BulkDoc[], from: number, to: number, out: BulkOutcome[]): Promise<void> {
    await this.slot();
    try {
      let pending: number[] = [];
      for (let k = from; k < to; k++) pending.push(k);
      for (let attempt = 0; ; attempt++) {
        const { retry, dead } = await this.send(docs, pending, out, attempt);
        if (dead.length > 0) {
          await this.dlq.park(dead);
          for (const d of dead) deadTotal.labels(d.type).inc();
        }
        if (retry.length === 0) return;
        if (attempt >= this.maxRetries) {
          throw storeError('CANHGAC_ERR_STORE_UNAVAILABLE', {
            reason: `${retry.length} documents still refused (429/5xx) after ${attempt} retries`,
          });
        }
        retriesTotal.labels(retry.length === pending.length ? 'request' : 'items').inc();
        await sleep(this.delay(attempt));
        pending = retry;
      }
    } finally {
      this.release();
    }
  }

  /** Exponential backoff with full jitter above half the step, so throttled writers spread out. */
  private delay(attempt: number): number {
    const step = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** attempt);
    return step / 2 + Math.random() * (step / 2);
  }

  private async send(
    docs: readonly BulkDoc[],
    pending: number[],
    out: BulkOutcome[],
    attempt: number,
  ): Promise<{ retry: number[]; dead: { doc: BulkDoc; status: number; reason: string; type: string }[] }> {
    let body = '';
    // Consecutive documents mostly share their daily index: serialise its action prefix once.
    let lastIndex = '';
    let prefix = '';
    for (const k of pending) {
      const d = docs[k]!;
      if (d.index !== lastIndex) {
        lastIndex = d.index;
        prefix = `{"create":{"_index":${JSON.stringify(d.index)},"_id":`;
      }
      body += `${prefix}${JSON.stringify(d.id)}}}\n${d.json}\n`;
    }
    let items: unknown[];
    try {
      const res = await this.client.transport.request(
        { method: 'POST', path: '/_bulk', bulkBody: body },
        { requestTimeout: this.requestTimeoutMs },
      );
      items = ((res.body as { items?: unknown[] }).items ?? []) as unknown[];
    } catch (err) {
      const status = statusOf(err);
      if (!retryable(status)) {
        throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: `_bulk refused with ${status}` }, { cause: err });
      }
      log.warn({ status, attempt, docs: pending.length }, 'Bulk request failed; retrying with backoff.');
      return { retry: pending, dead: [] };
    }
    if (items.length !== pending.length) {
      throw storeError('CANHGAC_ERR_STORE_UNAVAILABLE', {
        reason: `_bulk answered ${items.length} items for ${pending.length}`,
      });
    }
    const retry: number[] = [];
    const dead: { doc: BulkDoc; status: number; reason: string; type: string }[] = [];
    for (let j = 0; j < items.length; j++) {
      const k = pending[j]!;
      const item = (items[j] as { create?: { status?: number; error?: unknown } }).create ?? {};
      const status = item.status ?? 0;
      if (status === 201 || status === 200) out[k] = 'created';
      else if (status === 409) out[k] = 'duplicate';
      else if (retryable(status)) retry.push(k);
      else {
        out[k] = 'dead_letter';
        const type = String((item.error as { type?: unknown } | undefined)?.type ?? 'unknown');
        dead.push({ doc: docs[k]!, status, reason: errorReason({ error: item.error }), type });
      }
    }
    if (dead.length > 0) {
      log.warn(
        { count: dead.length, reason: dead[0]!.reason },
        'Documents refused by OpenSearch; parking them in the dead-letter index.',
      );
    }
    return { retry, dead };
  }
}

/** A dead-letter sink writing to one index (`<prefix>-dlq`), `_id` = the document's id so replays stay single. */
export function indexDeadLetters(client: Client, index: string): DeadLetterSink {
  return {
    async park(items) {
      let body = '';
      const now = new Date().toISOString();
      for (const it of items) {
        const doc = {
          '@timestamp': now,
          'event.id': it.doc.id,
          'agency.id': agencyOf(it.doc.json),
          target_index: it.doc.index,
          status: it.status,
          reason: it.reason,
          original: it.doc.json,
        };
        body += `{"index":{"_index":${JSON.stringify(index)},"_id":${JSON.stringify(it.doc.id)}}}\n${JSON.stringify(doc)}\n`;
      }
      const res = await rest(client, 'POST', '/_bulk', undefined, { ndjson: body });
      if (res.body.errors === true) {
        throw storeError('CANHGAC_ERR_STORE_UNAVAILABLE', { reason: 'the dead-letter index refused documents' });
      }
    },
  };
}

function agencyOf(json: string): string | null {
  try {
    const v = (JSON.parse(json) as Record<string, unknown>)['agency.id'];
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}
