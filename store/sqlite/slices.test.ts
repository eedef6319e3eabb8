import { describe, expect, it } from '@jest/globals';
import { parseQuery } from '../query/parse.js';
import { SCOPE_ALL, type StoredEvent } from '../types.js';
import { openSqliteStores } from './index.js';

const T0 = Date.UTC(2026, 0, 1);

describe('sliced scans', () => {
  it('page through runs of equal timestamps longer than a slice, in both orders', async () => {
    const s = openSqliteStores({ path: ':memory:', chunkRows: 3 });
    const evs: StoredEvent[] = [];
    for (let i = 0; i < 10; i++) evs.push({ '@timestamp': T0, 'event.id': `same-${i}`, 'agency.id': 'A', n: i });
    for (let i = 0; i < 5; i++)
      evs.push({ '@timestamp': T0 + 1 + i, 'event.id': `later-${i}`, 'agency.id': 'A', n: i });
    await s.events.write(SCOPE_ALL, evs);
    for (const order of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await s.events.search(SCOPE_ALL, {
          query: parseQuery(''),
          size: 4,
          sort: { field: '@timestamp', order },
          ...(after ? { after } : {}),
        });
        seen.push(...page.events.map((e) => e['event.id'] as string));
        after = page.next;
      } while (after);
      const want = [...evs].sort(
        (a, b) =>
          (a['@timestamp'] as number) - (b['@timestamp'] as number) ||
          (String(a['event.id']) < String(b['event.id']) ? -1 : 1),
      );
      const ids = want.map((e) => e['event.id']);
      expect(seen).toEqual(order === 'asc' ? ids : ids.reverse());
    }
    expect((await s.events.aggregate(SCOPE_ALL, { query: parseQuery(''), agg: { kind: 'count' } })).count).toBe(15);
    await s.close();
  });

  it('lets the event loop run between slices of a long scan', async () => {
    const s = openSqliteStores({ path: ':memory:', chunkRows: 100 });
    const evs: StoredEvent[] = [];
    for (let i = 0; i < 2000; i++)
      evs.push({ '@timestamp': T0 + i * 1000, 'event.id': `e${i}`, 'agency.id': 'A', User: 'x' });
    await s.events.write(SCOPE_ALL, evs);
    // A macrotask queued before the search runs before the search finishes only if the search yielded.
    let ran = false;
    setImmediate(() => {
      ran = true;
    });
    const page = await s.events.search(SCOPE_ALL, { query: parseQuery('User:nobody'), size: 10 });
    expect(page.events).toEqual([]);
    expect(ran).toBe(true);
    await s.close();
  });

  it('rejects an event JSON cannot hold without losing the rest of its batch', async () => {
    const s = openSqliteStores({ path: ':memory:' });
    const cyclic: StoredEvent = { '@timestamp': T0, 'event.id': 'c', 'agency.id': 'A' };
    cyclic.self = cyclic;
    const res = await s.events.write(SCOPE_ALL, [
      { '@timestamp': T0, 'event.id': 'a', 'agency.id': 'A' },
      cyclic,
      { '@timestamp': T0, 'event.id': 'b', 'agency.id': 'A', n: 10n },
      { '@timestamp': T0, 'event.id': 'd', 'agency.id': 'A' },
    ]);
    expect(res).toEqual({
      written: 2,
      duplicates: 0,
      rejected: [
        { index: 1, reason: 'not_serialisable' },
        { index: 2, reason: 'not_serialisable' },
      ],
    });
    await s.close();
  });
});
