import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { type BulkDoc, BulkWriter, type DeadLetterSink } from './bulk.js';
import { createClient } from './client.js';

/** A fake `_bulk` endpoint on loopback: `answer` decides each request's status and per-item statuses. */
type Answer = (ids: string[], call: number) => { status: number; items?: number[] };

let server: Server | undefined;

async function fake(answer: Answer, delayMs = 0): Promise<{ url: string; calls: string[][]; peak: () => number }> {
  const calls: string[][] = [];
  let inFlight = 0;
  let peak = 0;
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    inFlight++;
    peak = Math.max(peak, inFlight);
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const lines = body.split('\n').filter((l) => l.length > 0);
      const ids: string[] = [];
      for (let k = 0; k < lines.length; k += 2) {
        ids.push((JSON.parse(lines[k]!) as { create: { _id: string } }).create._id);
      }
      calls.push(ids);
      const a = answer(ids, calls.length);
      setTimeout(() => reply(res, a, ids), delayMs);
    });
  });
  const reply = (res: ServerResponse, a: ReturnType<Answer>, ids: string[]): void => {
    inFlight--;
    res.writeHead(a.status, { 'content-type': 'application/json', 'x-opensearch-version': '2.19.6' });
    if (a.status !== 200) {
      res.end(JSON.stringify({ error: { type: 'es_rejected_execution_exception', reason: 'busy' }, status: a.status }));
      return;
    }
    const items = ids.map((_, k) => {
      const status = a.items?.[k] ?? 201;
      return {
        create:
          status < 300
            ? { status }
            : { status, error: { type: status === 400 ? 'mapper_parsing_exception' : 'x', reason: 'bad' } },
      };
    });
    res.end(JSON.stringify({ took: 1, errors: items.some((i) => i.create.status >= 300), items }));
  };
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, calls, peak: () => peak };
}

afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

function docs(n: number): BulkDoc[] {
  return Array.from({ length: n }, (_, k) => ({ index: 'i', id: `d${k}`, json: JSON.stringify({ k }) }));
}

function sink(): DeadLetterSink & { parked: { id: string; status: number; reason: string }[] } {
  const parked: { id: string; status: number; reason: string }[] = [];
  return {
    parked,
    async park(items) {
      for (const it of items) parked.push({ id: it.doc.id, status: it.status, reason: it.reason });
    },
  };
}

const fast = { backoffMs: 1, maxBackoffMs: 4 };

describe('BulkWriter', () => {
  it('retries a whole request refused with 429, then succeeds', async () => {
    const { url, calls } = await fake((_ids, call) => ({ status: call <= 2 ? 429 : 200 }));
    const w = new BulkWriter(createClient({ node: url }), sink(), fast);
    const out = await w.write(docs(5));
    expect(out).toEqual(Array(5).fill('created'));
    expect(calls.length).toBe(3);
  });

  it('retries only the items refused with 429/503 and keeps the outcome of the others', async () => {
    const { url, calls } = await fake((ids, call) => ({
      status: 200,
      items: call === 1 ? ids.map((_, k) => (k === 1 ? 429 : k === 3 ? 503 : k === 4 ? 409 : 201)) : undefined,
    }));
    const w = new BulkWriter(createClient({ node: url }), sink(), fast);
    const out = await w.write(docs(5));
    expect(out).toEqual(['created', 'created', 'created', 'created', 'duplicate']);
    expect(calls[1]).toEqual(['d1', 'd3']);
  });

  it('parks documents OpenSearch can never index in the dead-letter sink, with the reason', async () => {
    const { url } = await fake((ids) => ({ status: 200, items: ids.map((id) => (id === 'd2' ? 400 : 201)) }));
    const s = sink();
    const out = await new BulkWriter(createClient({ node: url }), s, fast).write(docs(4));
    expect(out[2]).toBe('dead_letter');
    expect(s.parked).toEqual([{ id: 'd2', status: 400, reason: expect.stringContaining('mapper_parsing_exception') }]);
  });

  it('gives up with CANHGAC_ERR_STORE_UNAVAILABLE after maxRetries, acknowledging nothing', async () => {
    const { url, calls } = await fake(() => ({ status: 503 }));
    const w = new BulkWriter(createClient({ node: url }), sink(), { ...fast, maxRetries: 3 });
    await expect(w.write(docs(3))).rejects.toMatchObject({ code: 'CANHGAC_ERR_STORE_UNAVAILABLE' });
    expect(calls.length).toBe(4);
  });

  it('splits by document count and bytes and keeps at most `concurrency` requests in flight', async () => {
    const { url, calls, peak } = await fake(() => ({ status: 200 }), 30);
    const w = new BulkWriter(createClient({ node: url }), sink(), { ...fast, maxDocs: 10, concurrency: 2 });
    const out = await w.write(docs(35));
    expect(out.every((o) => o === 'created')).toBe(true);
    expect(calls.map((c) => c.length).sort((a, b) => a - b)).toEqual([5, 10, 10, 10]);
    expect(peak()).toBe(2);
    const big = new BulkWriter(createClient({ node: url }), sink(), { ...fast, maxBytes: 200 });
    calls.length = 0;
    await big.write(docs(10));
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.flat()).toEqual(docs(10).map((d) => d.id));
  });
});

describe('BulkWriter flush interval', () => {
  it('coalesces small writes made within the interval into one request', async () => {
    const { url, calls } = await fake(() => ({ status: 200 }));
    const w = new BulkWriter(createClient({ node: url }), sink(), { ...fast, flushIntervalMs: 50 });
    const all = docs(6);
    const [a, b] = await Promise.all([w.write(all.slice(0, 3)), w.write(all.slice(3))]);
    expect([...a, ...b]).toEqual(Array(6).fill('created'));
    expect(calls).toEqual([all.map((d) => d.id)]);
  });

  it('rejects every waiting write when its request finally fails', async () => {
    const { url } = await fake(() => ({ status: 503 }));
    const w = new BulkWriter(createClient({ node: url }), sink(), { ...fast, maxRetries: 1, flushIntervalMs: 20 });
    const r = await Promise.allSettled([w.write(docs(2)), w.write(docs(2))]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
  });
});
