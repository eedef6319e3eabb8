import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { parseQuery } from '../query/parse.js';
import { SCOPE_ALL, type StoredEvent } from '../types.js';
import { SCHEMA_VERSION } from './db.js';
import { openSqliteStores } from './index.js';
import { toSql } from './sql.js';

const T = Date.parse('2026-11-20T03:00:00Z');
const ev = (i: number, fields: Record<string, unknown>): StoredEvent => ({
  'event.id': `e${i}`,
  '@timestamp': new Date(T + i * 1000).toISOString(),
  'agency.id': 'a1',
  'host.name': 'web01',
  message: `line ${i}`,
  ...fields,
});
const CORPUS = [
  ev(1, { 'source.ip': '203.0.113.7', 'user.name': 'Quản_Trị' }),
  ev(2, { 'destination.ip': '203.0.113.7', 'user.name': ['root', 'ADMIN'] }),
  ev(3, { 'host.ip': ['10.0.0.5', '203.0.113.7'] }),
  ev(4, { 'source.ip': '198.51.100.1', 'user.name': { odd: 'object' } }),
  ev(5, {}),
];
// What the address and account pages ask (api/routes/entities.ts entityQuery spells the same text).
const IP = 'source.ip:"203.0.113.7" OR destination.ip:"203.0.113.7" OR host.ip:"203.0.113.7"';
const USER = 'user.name:"quản_trị"';

/** The query plan of the page's search (as events.ts runs it) on the raw connection. */
function plan(db: Database.Database, text: string): string {
  const q = toSql(parseQuery(text));
  const rows = db
    .prepare(
      `EXPLAIN QUERY PLAN SELECT ts, id FROM events WHERE ts >= ? AND ts < ? AND ${q.sql} ORDER BY ts DESC, id DESC LIMIT 10`,
    )
    .all(0, Number.MAX_SAFE_INTEGER, ...q.params) as { detail: string }[];
  return rows.map((r) => r.detail).join('\n');
}

async function ids(s: ReturnType<typeof openSqliteStores>, text: string): Promise<unknown[]> {
  const page = await s.events.search(SCOPE_ALL, {
    query: parseQuery(text),
    size: 100,
    sort: { field: '@timestamp', order: 'asc' },
  });
  return page.events.map((e) => e['event.id']);
}

describe('sqlite entity columns (schema 4)', () => {
  it('finds an address and an account through their indexes, arrays and case included', async () => {
    const s = openSqliteStores({ path: ':memory:' });
    try {
      await s.events.write(SCOPE_ALL, CORPUS);
      expect(await ids(s, IP)).toEqual(['e1', 'e2', 'e3']);
      expect(await ids(s, USER)).toEqual(['e1']);
      expect(await ids(s, 'user.name:admin')).toEqual(['e2']);
      const ipPlan = plan(s.db, IP);
      for (const index of ['events_src_ip_ts', 'events_dst_ip_ts', 'events_host_ip_ts'])
        expect(ipPlan).toContain(index);
      expect(plan(s.db, USER)).toContain('events_user_name_ts');
    } finally {
      await s.close();
    }
  });

  it('migrates a version 3 file: adds the columns, fills them from the stored events, indexes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-entcol-'));
    const path = join(dir, 'canhgac.db');
    try {
      const s1 = openSqliteStores({ path });
      await s1.events.write(SCOPE_ALL, CORPUS);
      await s1.close();
      // Back to what version 3 had: no entity columns, no indexes on them.
      const raw = new Database(path);
      for (const c of ['src_ip', 'dst_ip', 'host_ip', 'user_name']) {
        raw.exec(`DROP INDEX events_${c}_ts; ALTER TABLE events DROP COLUMN ${c};`);
      }
      raw.pragma('user_version = 3');
      raw.close();

      const s2 = openSqliteStores({ path });
      try {
        expect(s2.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
        expect(SCHEMA_VERSION).toBe(4);
        const cols = s2.db
          .prepare('SELECT id, src_ip, dst_ip, host_ip, user_name FROM events ORDER BY id')
          .all() as Record<string, unknown>[];
        expect(cols).toEqual([
          { id: 'e1', src_ip: '203.0.113.7', dst_ip: null, host_ip: null, user_name: 'quản_trị' },
          { id: 'e2', src_ip: null, dst_ip: '203.0.113.7', host_ip: null, user_name: '\u0001' },
          { id: 'e3', src_ip: null, dst_ip: null, host_ip: '\u0001', user_name: null },
          { id: 'e4', src_ip: '198.51.100.1', dst_ip: null, host_ip: null, user_name: null },
          { id: 'e5', src_ip: null, dst_ip: null, host_ip: null, user_name: null },
        ]);
        expect(plan(s2.db, IP)).toContain('events_src_ip_ts');
        expect(await ids(s2, IP)).toEqual(['e1', 'e2', 'e3']);
        expect(await ids(s2, USER)).toEqual(['e1']);
        // Written after the migration: filled by the insert.
        await s2.events.write(SCOPE_ALL, [ev(6, { 'source.ip': '203.0.113.7' })]);
        expect(await ids(s2, IP)).toEqual(['e1', 'e2', 'e3', 'e6']);
      } finally {
        await s2.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
