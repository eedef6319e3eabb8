import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { eventArb, queryArb } from '../../tests/kit/query-arbitraries.js';
import { compileQuery } from '../query/evaluate.js';
import { parseQuery } from '../query/parse.js';
import { SCOPE_ALL, type StoredEvent } from '../types.js';
import { openSqliteStores } from './index.js';

const T0 = Date.UTC(2026, 0, 1);

function withEnvelope(evs: Record<string, unknown>[]): StoredEvent[] {
  return evs.map((e, i) => ({
    ...e,
    '@timestamp': new Date(T0 + i * 1000).toISOString(),
    'event.id': `e${String(i).padStart(4, '0')}`,
    'agency.id': i % 2 ? 'A' : 'B',
  }));
}

describe('SQLite search equals the reference evaluator', () => {
  it('on generated corpora and generated query trees', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        fc.array(queryArb, { minLength: 1, maxLength: 6 }),
        async (raw, queries) => {
          const corpus = withEnvelope(raw);
          // Scan slices of 1..43 rows: long scans are cut into statements (events.ts slices()); same answers.
          const s = openSqliteStores({ path: ':memory:', chunkRows: 1 + (raw.length % 7) * 7 });
          try {
            await s.events.write(SCOPE_ALL, corpus);
            for (const query of queries) {
              const pred = compileQuery(query);
              const want = corpus.filter((e) => pred(e)).map((e) => e['event.id']);
              const page = await s.events.search(SCOPE_ALL, {
                query,
                size: 1000,
                sort: { field: '@timestamp', order: 'asc' },
              });
              expect({ query, ids: page.events.map((e) => e['event.id']) }).toEqual({ query, ids: want });
            }
          } finally {
            await s.close();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on parsed search-language text (FTS pre-filter, folded columns)', async () => {
    const corpus = withEnvelope([
      { 'host.name': 'WEB01', message: 'Failed password for ROOT from 10.0.0.1' },
      { 'host.name': ['web01', 'db01'], message: ['first line', 'Failed again'] },
      { 'host.name': 'Đà01', message: 'ĐĂNG NHẬP thất bại' },
      { message: 42 },
      { 'host.name': 7, message: 'web01 mentioned' },
      { 'user.name': 'Quản_Trị', 'source.ip': ['203.0.113.7', '10.0.0.1'] },
      { 'user.name': ['root', 'ADMIN'], 'source.ip': '203.0.113.7' },
      { 'user.name': 12, 'source.ip': { nested: true } },
    ]);
    const s = openSqliteStores({ path: ':memory:' });
    await s.events.write(SCOPE_ALL, corpus);
    for (const text of [
      'failed',
      'host.name:web01',
      'host.name:WEB01',
      'host.name:WEB*',
      'host.name:đà*',
      'đăng',
      'nhập',
      'NOT failed',
      '42',
      'host.name:7',
      'host.name:*01 AND NOT again',
      'source.ip:"203.0.113.7"',
      'source.ip:203.0.113.*',
      'user.name:quản_trị',
      'user.name:admin',
      'user.name:ro*',
      'user.name:*t',
      'user.name:12',
      'NOT user.name:root',
      'user.name:*',
    ]) {
      const pred = compileQuery(parseQuery(text));
      const want = corpus.filter((e) => pred(e)).map((e) => e['event.id']);
      const page = await s.events.search(SCOPE_ALL, {
        query: parseQuery(text),
        size: 100,
        sort: { field: '@timestamp', order: 'asc' },
      });
      expect({ text, ids: page.events.map((e) => e['event.id']) }).toEqual({ text, ids: want });
    }
    await s.close();
  });

  it('runs rules with thousands of values (SQLite caps expression depth at 1000)', async () => {
    const s = openSqliteStores({ path: ':memory:' });
    await s.events.write(SCOPE_ALL, withEnvelope([{ User: 'V2999' }, { User: 'v3000' }]));
    const values = Array.from({ length: 3000 }, (_, i) => ({
      kind: 'match' as const,
      field: 'User',
      parts: [`v${i}`],
      cased: false,
    }));
    for (const query of [
      { kind: 'or' as const, args: values },
      { kind: 'not' as const, arg: { kind: 'or' as const, args: values } },
    ]) {
      const page = await s.events.search(SCOPE_ALL, { query, size: 10, sort: { field: '@timestamp', order: 'asc' } });
      expect(page.events.map((e) => e['event.id'])).toEqual(query.kind === 'or' ? ['e0000'] : ['e0001']);
    }
    await s.close();
  });
});
