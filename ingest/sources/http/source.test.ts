import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { type RawRecord, type Spool, type SpoolBatch, SpoolFullError } from '../../spool/types.js';
import { hashApiKey } from './auth.js';
import { idForClientId } from './body.js';
import { HttpIntakeSource, lineRanges } from './source.js';

/** A spool double that records appends and can be made full or slow. */
class TestSpool implements Spool {
  records: RawRecord[] = [];
  full = false;
  gate: Promise<void> | undefined;
  async append(records: RawRecord[]): Promise<void> {
    if (this.full) throw new SpoolFullError(3000);
    if (this.gate) await this.gate;
    this.records.push(...records);
  }
  hasRoom(): boolean {
    return !this.full;
  }
  onceRoom(cb: () => void): void {
    setImmediate(cb);
  }
  async read(): Promise<SpoolBatch | undefined> {
    return undefined;
  }
  async commit(): Promise<void> {}
  stats() {
    return { bytes: 0, records: this.records.length, segments: 1 };
  }
  async close(): Promise<void> {}
}

const KEY = 'agent-key-for-so-tttt-0001';
const spool = new TestSpool();
const source = new HttpIntakeSource(
  {
    port: 0,
    maxBodyBytes: 64 * 1024,
    maxDecodedBytes: 256 * 1024,
    apiKeys: [{ sha256: hashApiKey(KEY), agency: '000.00.31.H40' }],
  },
  spool,
);
let base = '';

beforeAll(async () => {
  base = `http://127.0.0.1:${await source.start()}`;
});
afterAll(async () => {
  await source.stop();
});
beforeEach(() => {
  spool.records = [];
  spool.full = false;
  spool.gate = undefined;
});

const auth = { authorization: `Bearer ${KEY}` };

async function post(path: string, body: string | Buffer, headers: Record<string, string> = auth) {
  const res = await fetch(base + path, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-ndjson', ...headers },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe('POST /ingest/v1/events', () => {
  it('accepts NDJSON and a JSON array, attributing the agency from the API key', async () => {
    const a = await post('/ingest/v1/events', '{"message":"a"}\n\n{"message":"b"}\n');
    expect(a.status).toBe(200);
    expect(a.json.accepted).toBe(2);
    const b = await post('/ingest/v1/events', JSON.stringify([{ message: 'c' }, 'raw syslog line']));
    expect(b.status).toBe(200);
    expect(spool.records.map((r) => r.data)).toEqual([
      '{"message":"a"}',
      '{"message":"b"}',
      '{"message":"c"}',
      'raw syslog line',
    ]);
    expect(new Set(spool.records.map((r) => r.agency))).toEqual(new Set(['000.00.31.H40']));
    expect(spool.records[3]!.format).toBe('auto');
    expect(spool.records.every((r) => r.transport === 'http' && r.source === '127.0.0.1')).toBe(true);
  });

  it('keeps the good lines of a request with bad ones and names the bad line numbers', async () => {
    const r = await post('/ingest/v1/events', '{"message":"ok1"}\n{broken\n{"message":"ok2"}\n42\n');
    expect(r.status).toBe(400);
    const err = r.json.error as {
      code: string;
      details: { accepted: number; rejected: { line: number }[]; rejected_lines: string };
    };
    expect(err.code).toBe('CANHGAC_ERR_INTAKE_BAD_LINES');
    expect(err.details.accepted).toBe(2);
    expect(err.details.rejected.map((x) => x.line)).toEqual([2, 4]);
    expect(err.details.rejected_lines).toBe('2,4');
    expect(spool.records.map((x) => x.data)).toEqual(['{"message":"ok1"}', '{"message":"ok2"}']);
  });

  it('points at the line of a broken JSON array', async () => {
    const r = await post('/ingest/v1/events', '[\n{"a":1},\n{"b":}\n]');
    expect(r.status).toBe(400);
    expect((r.json.error as { details: { rejected: { line: number }[] } }).details.rejected[0]!.line).toBe(3);
    expect(spool.records).toHaveLength(0);
  });

  it('accepts gzip and refuses a gzip bomb with 413', async () => {
    const ok = await post('/ingest/v1/events', gzipSync('{"message":"zipped"}\n'), {
      ...auth,
      'content-encoding': 'gzip',
    });
    expect(ok.status).toBe(200);
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const r = await post('/ingest/v1/events', bomb, { ...auth, 'content-encoding': 'gzip' });
    expect(r.status).toBe(413);
    expect(spool.records.map((x) => x.data)).toEqual(['{"message":"zipped"}']);
  });

  it('refuses a body over the limit with 413', async () => {
    const r = await post('/ingest/v1/events', `{"m":"${'x'.repeat(70 * 1024)}"}`);
    expect(r.status).toBe(413);
    expect(spool.records).toHaveLength(0);
  });

  it('requires an API key and accepts the ApiKey and Basic forms agents use', async () => {
    expect((await post('/ingest/v1/events', '{}', {})).status).toBe(401);
    expect((await post('/ingest/v1/events', '{}', { authorization: 'Bearer wrong' })).status).toBe(401);
    const apiKey = Buffer.from(`id1:${KEY}`).toString('base64');
    expect((await post('/ingest/v1/events', '{}', { authorization: `ApiKey ${apiKey}` })).status).toBe(200);
    const basic = Buffer.from(`fluentbit:${KEY}`).toString('base64');
    expect((await post('/ingest/v1/events', '{}', { authorization: `Basic ${basic}` })).status).toBe(200);
    expect(spool.records).toHaveLength(2);
  });

  it('answers 429 with Retry-After and appends nothing when the spool is full', async () => {
    spool.full = true;
    const r = await post('/ingest/v1/events', '{"message":"a"}\n');
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(spool.records).toHaveLength(0);
  });

  it('answers only after the spool has the events', async () => {
    let open!: () => void;
    spool.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let answered = false;
    const pending = post('/ingest/v1/events', '{"message":"slow"}\n').then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBe(false);
    open();
    expect((await pending).status).toBe(200);
    expect(spool.records).toHaveLength(1);
  });
});

describe('Elasticsearch-compatible _bulk', () => {
  it('announces an Elasticsearch version at / for Beats and Vector', async () => {
    const res = await fetch(`${base}/`);
    const body = (await res.json()) as { version: { number: string } };
    expect(body.version.number).toMatch(/^8\./);
    expect(res.headers.get('x-elastic-product')).toBe('Elasticsearch');
  });

  it('takes a Fluent Bit style body and answers the bulk response shape', async () => {
    const body = [
      '{"create":{"_index":"fluent-bit"}}',
      '{"@timestamp":"2026-11-22T03:00:00.000Z","log":"Nov 22 10:00:00 web01 sshd[1]: Failed password for root from 10.0.0.9 port 22 ssh2"}',
      '{"index":{"_index":"winlogbeat-8.11.0","_id":"abc-1"}}',
      '{"@timestamp":"2026-11-22T03:00:01.000Z","winlog":{"channel":"Security","event_id":4625},"message":"An account failed to log on."}',
      '',
    ].join('\n');
    const r = await post('/_bulk', body);
    expect(r.status).toBe(200);
    expect(r.json.errors).toBe(false);
    const items = r.json.items as Record<string, { status: number; _index: string; _id: string }>[];
    expect(items).toHaveLength(2);
    expect(items[0]!.create!.status).toBe(201);
    expect(items[1]!.index!._index).toBe('winlogbeat-8.11.0');
    expect(items[1]!.index!._id).toBe('abc-1');
    expect(spool.records).toHaveLength(2);
    expect(spool.records[1]!.id).toBe(idForClientId('000.00.31.H40', 'abc-1'));
  });

  it('marks bad documents per item and keeps the good ones (Vector /<index>/_bulk)', async () => {
    const body = [
      '{"index":{}}',
      '{"message":"good"}',
      '{"index":{}}',
      '{"message":',
      '{"delete":{"_id":"x"}}',
      '{"index":{}}',
      '{"message":"good2"}',
      '',
    ].join('\n');
    const r = await post('/vector-logs/_bulk', body);
    expect(r.status).toBe(200);
    expect(r.json.errors).toBe(true);
    const statuses = (r.json.items as Record<string, { status: number; _index: string }>[]).map(
      (i) => Object.values(i)[0]!.status,
    );
    expect(statuses).toEqual([201, 400, 400, 201]);
    expect((r.json.items as Record<string, { _index: string }>[])[0]!.index!._index).toBe('vector-logs');
    expect(spool.records.map((x) => x.data)).toEqual(['{"message":"good"}', '{"message":"good2"}']);
  });

  it('refuses a malformed action line as Elasticsearch does', async () => {
    const r = await post('/_bulk', 'not json\n{"message":"x"}\n');
    expect(r.status).toBe(400);
    expect(spool.records).toHaveLength(0);
  });

  it('refuses the whole request (400, Elasticsearch error shape, nothing kept) when the pairs are broken', async () => {
    const good = ['{"index":{}}', '{"message":"one"}', '{"index":{}}', '{"message":"two"}'];
    const cases: Array<[string, string[], number, RegExp]> = [
      ['a malformed action line in the middle', [...good, 'not json', '{"message":"x"}'], 5, /Malformed action/],
      ['an action line that is an array', [...good, '[1]', '{"message":"x"}'], 5, /Malformed action/],
      ['an unknown action', [...good, '{"upsert":{}}', '{"message":"x"}'], 5, /but found \[upsert\]/],
      [
        'a document line taken for an action',
        ['{"index":{}}', '{"index":{}}', '{"message":"x"}', ...good],
        3,
        /Malformed/,
      ],
      ['an action without its document at the end', [...good, '{"create":{}}'], 5, /no document line/],
    ];
    for (const [what, lines, line, reason] of cases) {
      spool.records = [];
      const r = await post('/_bulk', `${lines.join('\n')}\n`);
      expect({ what, status: r.status }).toEqual({ what, status: 400 });
      const err = r.json.error as {
        type: string;
        reason: string;
        root_cause: { type: string }[];
        code: string;
        line: number;
      };
      expect(err.type).toBe('illegal_argument_exception');
      expect(err.root_cause[0]!.type).toBe('illegal_argument_exception');
      expect(err.reason).toMatch(reason);
      expect({ what, line: err.line }).toEqual({ what, line });
      expect(err.code).toBe('CANHGAC_ERR_INTAKE_BAD_BULK');
      expect(r.json.status).toBe(400);
      expect(r.json.errors).toBeUndefined();
      expect(spool.records).toHaveLength(0);
    }
  });

  it('answers 200 only when every pair was read: items match the actions one to one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('good', 'baddoc', 'delete'), { minLength: 1, maxLength: 8 }),
        async (kinds) => {
          spool.records = [];
          const lines = kinds.flatMap((k) =>
            k === 'good'
              ? ['{"index":{}}', '{"m":1}']
              : k === 'baddoc'
                ? ['{"index":{}}', '{"m":']
                : ['{"delete":{"_id":"1"}}'],
          );
          const r = await post('/_bulk', `${lines.join('\n')}\n`);
          expect(r.status).toBe(200);
          expect((r.json.items as unknown[]).length).toBe(kinds.length);
          expect(r.json.errors).toBe(kinds.some((k) => k !== 'good'));
          expect(spool.records).toHaveLength(kinds.filter((k) => k === 'good').length);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('robustness', () => {
  it('answers every arbitrary body without failing the server', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
        ),
        fc.boolean(),
        async (body, bulk) => {
          const r = await post(bulk ? '/_bulk' : '/ingest/v1/events', body);
          expect([200, 400]).toContain(r.status);
        },
      ),
      { numRuns: 150 },
    );
    expect((await post('/ingest/v1/events', '{"still":"alive"}')).status).toBe(200);
  });

  it('compresses line ranges', () => {
    expect(lineRanges([1, 2, 3, 5, 7, 8])).toBe('1-3,5,7-8');
    expect(lineRanges([])).toBe('');
  });
});
