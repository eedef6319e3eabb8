/**
 * The EventStore conformance suite (BullMQ's adapter-conformance pattern): call it from a backend's test file
 * with a factory; it defines jest tests that every implementation must pass.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KEYWORDS_FIELD, type QueryKind, toQueryString, walk } from '../../../core/event/query.js';
import { compileQuery } from '../../../store/query/evaluate.js';
import { parseQuery } from '../../../store/query/parse.js';
import { agencyScope, type EventStore, SCOPE_ALL, type Scope, type StoredEvent } from '../../../store/types.js';
import { AGENCY_A, AGENCY_B, CONFORMANCE_QUERIES, conformanceEvents, HUNT_QUERIES, T0 } from './fixtures.js';

/** Makes a fresh, empty event store; `close()` of the store must release it. */
export type EventStoreFactory = () => Promise<EventStore>;

const ids = (evs: readonly StoredEvent[]) => evs.map((e) => e['event.id'] as string);

async function collect(store: EventStore, scope: Scope, query: string, pageSize: number, order: 'asc' | 'desc') {
  const out: StoredEvent[] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await store.search(scope, {
      query: parseQuery(query),
      size: pageSize,
      sort: { field: '@timestamp', order },
      ...(after ? { after } : {}),
    });
    out.push(...page.events);
    after = page.next;
    if (!after) break;
  }
  return out;
}

function expectedOrder(evs: StoredEvent[], order: 'asc' | 'desc'): string[] {
  const sorted = [...evs].sort((a, b) => {
    const ta = Date.parse(a['@timestamp'] as string);
    const tb = Date.parse(b['@timestamp'] as string);
    if (ta !== tb) return ta - tb;
    const ia = a['event.id'] as string;
    const ib = b['event.id'] as string;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  if (order === 'desc') sorted.reverse();
  return ids(sorted);
}

/** What a backend declares it cannot run (its retro-hunt reports such rules instead of running them). */
export interface EventStoreConformanceOptions {
  skipKinds?: QueryKind[];
  skipKeywords?: boolean;
}

/** Defines the conformance tests of an EventStore implementation. */
export function runEventStoreConformance(
  name: string,
  factory: EventStoreFactory,
  opts: EventStoreConformanceOptions = {},
): void {
  describe(`EventStore conformance: ${name}`, () => {
    const tag = `c${randomUUID().slice(0, 8)}`;
    const corpus = conformanceEvents(tag);
    const scopeA = agencyScope(AGENCY_A);
    const scopeB = agencyScope(AGENCY_B);
    let store: EventStore;

    beforeAll(async () => {
      store = await factory();
      const res = await store.write(SCOPE_ALL, corpus);
      expect(res).toEqual({ written: corpus.length, duplicates: 0, rejected: [] });
      await store.refresh();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('writes idempotently by event.id (replays are duplicates, first write wins)', async () => {
      const again = await store.write(SCOPE_ALL, [{ ...corpus[0]!, message: 'changed' }, corpus[1]!]);
      expect(again).toEqual({ written: 0, duplicates: 2, rejected: [] });
      await store.refresh();
      expect((await store.get(SCOPE_ALL, corpus[0]!['event.id'] as string))?.message).toBe(corpus[0]!.message);
    });

    it('rejects malformed and out-of-scope events with a reason, storing the rest', async () => {
      const ok = { '@timestamp': T0, 'event.id': `${tag}-extra`, 'agency.id': AGENCY_A, message: 'epoch ms' };
      const res = await store.write(scopeA, [
        { '@timestamp': T0, 'agency.id': AGENCY_A },
        { 'event.id': `${tag}-x1`, 'agency.id': AGENCY_A },
        { 'event.id': `${tag}-x2`, '@timestamp': 'not a date', 'agency.id': AGENCY_A },
        { 'event.id': `${tag}-x3`, '@timestamp': T0 },
        { 'event.id': `${tag}-x4`, '@timestamp': T0, 'agency.id': AGENCY_B },
        ok,
      ]);
      expect(res.written).toBe(1);
      expect(res.duplicates).toBe(0);
      expect(res.rejected).toEqual([
        { index: 0, reason: 'missing_id' },
        { index: 1, reason: 'missing_timestamp' },
        { index: 2, reason: 'bad_timestamp' },
        { index: 3, reason: 'missing_agency' },
        { index: 4, reason: 'out_of_scope' },
      ]);
      await store.refresh();
      expect(await store.get(SCOPE_ALL, `${tag}-x4`)).toBeUndefined();
      expect((await store.get(scopeA, `${tag}-extra`))?.message).toBe('epoch ms');
    });

    it('gets an event by id, whole and unchanged', async () => {
      for (const e of corpus) expect(await store.get(SCOPE_ALL, e['event.id'] as string)).toEqual(e);
      expect(await store.get(SCOPE_ALL, `${tag}-nope`)).toBeUndefined();
    });

    const window = { from: T0, to: T0 + 2 * 86400000 };
    const inRun = (e: StoredEvent) =>
      (e['event.id'] as string).startsWith(`${tag}-`) && !/-x|extra/.test(e['event.id'] as string);

    it.each(CONFORMANCE_QUERIES.map((q) => [q]))('answers %p like the reference evaluator', async (text) => {
      const pred = compileQuery(parseQuery(text));
      const expected = expectedOrder(corpus.filter(pred), 'desc');
      const got = (await collect(store, SCOPE_ALL, text, 100, 'desc')).filter(inRun);
      expect(ids(got)).toEqual(expected);
    });

    it('pages with a cursor in both sort orders, each event exactly once', async () => {
      for (const order of ['asc', 'desc'] as const) {
        const got = (await collect(store, SCOPE_ALL, '', 3, order)).filter(inRun);
        expect(ids(got)).toEqual(expectedOrder(corpus, order));
      }
    });

    it('limits searches to the time range [from, to)', async () => {
      const page = await store.search(SCOPE_ALL, {
        query: parseQuery(''),
        from: T0 + 60_000,
        to: T0 + 3_600_000,
        size: 100,
      });
      const want = corpus.filter((e) => {
        const t = Date.parse(e['@timestamp'] as string);
        return t >= T0 + 60_000 && t < T0 + 3_600_000;
      });
      expect(ids(page.events.filter(inRun)).sort()).toEqual(ids(want).sort());
    });

    it('counts, ranks terms and buckets by time', async () => {
      const q = parseQuery(`_exists_:host.name AND NOT message:epoch*`);
      const count = await store.aggregate(SCOPE_ALL, { query: q, ...window, agg: { kind: 'count' } });
      expect(count.count).toBe(corpus.length);
      const terms = await store.aggregate(SCOPE_ALL, {
        query: q,
        ...window,
        agg: { kind: 'terms', field: 'host.name', size: 3 },
      });
      expect(terms.buckets).toEqual([
        { key: 'dc01', count: 3 },
        { key: 'db01', count: 2 },
        { key: 'web01', count: 2 },
      ]);
      const status = await store.aggregate(SCOPE_ALL, {
        query: q,
        ...window,
        agg: { kind: 'terms', field: 'sc-status', size: 10 },
      });
      expect(status.buckets).toEqual([
        { key: '200', count: 2 },
        { key: '401', count: 1 },
        { key: '500', count: 1 },
      ]);
      const hist = await store.aggregate(SCOPE_ALL, {
        query: q,
        ...window,
        agg: { kind: 'date_histogram', intervalMs: 3_600_000 },
      });
      expect(hist.buckets).toEqual([
        { key: T0, count: 6 },
        { key: T0 + 3_600_000, count: 2 },
        { key: T0 + 2 * 3_600_000, count: 1 },
        { key: T0 + 24 * 3_600_000, count: 1 },
      ]);
    });

    it('never shows an agency another agency’s events (search, get, aggregate)', async () => {
      for (const [scope, own] of [
        [scopeA, AGENCY_A],
        [scopeB, AGENCY_B],
      ] as const) {
        const all = (await collect(store, scope, '', 4, 'asc')).filter(inRun);
        expect(ids(all)).toEqual(
          expectedOrder(
            corpus.filter((e) => e['agency.id'] === own),
            'asc',
          ),
        );
        for (const text of CONFORMANCE_QUERIES) {
          const got = await collect(store, scope, text, 50, 'desc');
          for (const e of got) expect(e['agency.id']).toBe(own);
        }
        for (const e of corpus) {
          const got = await store.get(scope, e['event.id'] as string);
          expect(got === undefined).toBe(e['agency.id'] !== own);
        }
        const terms = await store.aggregate(scope, {
          query: parseQuery(''),
          agg: { kind: 'terms', field: 'agency.id', size: 10 },
        });
        expect(terms.buckets?.map((b) => b.key)).toEqual([own]);
        const count = await store.aggregate(scope, { query: parseQuery(`event.id:${tag}-*`), agg: { kind: 'count' } });
        expect(count.count).toBe(corpus.filter((e) => e['agency.id'] === own).length + (own === AGENCY_A ? 1 : 0));
      }
    });

    it('rejects a bad cursor and a bad page size with typed errors', async () => {
      await expect(store.search(SCOPE_ALL, { query: parseQuery(''), size: 10, after: '!!' })).rejects.toMatchObject({
        code: 'CANHGAC_ERR_STORE_CURSOR',
      });
      await expect(store.search(SCOPE_ALL, { query: parseQuery(''), size: 0 })).rejects.toMatchObject({
        code: 'CANHGAC_ERR_STORE_INVALID',
      });
    });
  });

  describe(`EventStore conformance (lists): ${name}`, () => {
    let store: EventStore;
    const tag = `l${randomUUID().slice(0, 8)}`;
    const ev = (n: number, fields: Record<string, unknown>): StoredEvent => ({
      '@timestamp': new Date(T0 + n * 1000).toISOString(),
      'event.id': `${tag}-${n}`,
      'agency.id': AGENCY_A,
      ...fields,
    });
    const evs = [
      ev(1, { Tags: ['b', 'B', 'cmd', 'b'], Ports: [22, 445] }),
      ev(2, { Tags: 'b', Ports: 80 }),
      ev(3, { Tags: [], Ports: [null, 8080] }),
      ev(4, { Tags: [{ nested: 'b' }] }),
    ];
    beforeAll(async () => {
      store = await factory();
      await store.write(SCOPE_ALL, evs);
      await store.refresh();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('matches a list when any element matches', async () => {
      for (const text of [
        'Tags:b',
        'Tags:cmd',
        'Ports:>400',
        'Ports:[20 TO 25]',
        'NOT Tags:b',
        '_exists_:Tags',
        'Tags:*',
      ]) {
        const pred = compileQuery(parseQuery(text));
        const page = await store.search(SCOPE_ALL, {
          query: parseQuery(text),
          size: 10,
          sort: { field: '@timestamp', order: 'asc' },
        });
        expect({ text, ids: ids(page.events) }).toEqual({ text, ids: ids(evs.filter(pred)) });
      }
    });

    it('counts each distinct value of a list once per event in terms', async () => {
      const terms = await store.aggregate(SCOPE_ALL, {
        query: parseQuery(''),
        agg: { kind: 'terms', field: 'Tags', size: 10 },
      });
      expect(terms.buckets).toEqual([
        { key: 'b', count: 2 },
        { key: 'B', count: 1 },
        { key: 'cmd', count: 1 },
      ]);
    });
  });

  describe(`EventStore conformance (retro-hunt node kinds): ${name}`, () => {
    let store: EventStore;
    const tag = `k${randomUUID().slice(0, 8)}`;
    const corpus = conformanceEvents(tag);
    beforeAll(async () => {
      store = await factory();
      await store.write(SCOPE_ALL, corpus);
      await store.refresh();
    });
    afterAll(async () => {
      await store?.close();
    });

    it.each(HUNT_QUERIES.map((q) => [toQueryString(q), q] as const))(
      'answers %s like the reference evaluator',
      async (_t, query) => {
        const unsupported = new Set<string>();
        walk(query, (n) => {
          if (opts.skipKinds?.includes(n.kind)) unsupported.add(n.kind);
          if ('field' in n && n.field === KEYWORDS_FIELD && opts.skipKeywords) unsupported.add('keywords');
        });
        if (unsupported.size > 0) return; // the backend declared it cannot run these (its hunt reports them)
        const pred = compileQuery(query);
        const page = await store.search(SCOPE_ALL, { query, size: 100, sort: { field: '@timestamp', order: 'desc' } });
        expect(ids(page.events)).toEqual(expectedOrder(corpus.filter(pred), 'desc'));
      },
    );
  });

  describe(`EventStore conformance (retention): ${name}`, () => {
    let store: EventStore;
    const tag = `r${randomUUID().slice(0, 8)}`;
    beforeAll(async () => {
      store = await factory();
      await store.write(SCOPE_ALL, conformanceEvents(tag));
      await store.refresh();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('deletes by age within the scope only', async () => {
      // Agency B deletes everything older than a day: only its own 3 events go.
      expect(await store.deleteOlderThan(agencyScope(AGENCY_B), T0 + 86_400_000)).toBe(3);
      await store.refresh();
      expect(await store.get(SCOPE_ALL, `${tag}-001`)).toBeDefined();
      expect(await store.get(SCOPE_ALL, `${tag}-007`)).toBeUndefined();
      // The whole province: events before T0 + 1 h go (A's first four).
      expect(await store.deleteOlderThan(SCOPE_ALL, T0 + 3_600_000)).toBe(4);
      await store.refresh();
      const left = await store.search(SCOPE_ALL, {
        query: parseQuery(`event.id:${tag}-*`),
        size: 100,
        sort: { field: '@timestamp', order: 'asc' },
      });
      expect(ids(left.events)).toEqual([`${tag}-005`, `${tag}-006`, `${tag}-010`]);
      // Deleted events can be written again (a replay after retention is a new write, not a duplicate).
      const res = await store.write(SCOPE_ALL, conformanceEvents(tag).slice(0, 1));
      expect(res.written).toBe(1);
    });
  });
}
