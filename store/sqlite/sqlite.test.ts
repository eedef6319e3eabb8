import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { runEventStoreConformance, runStateStoreConformance } from '../../tests/conformance/store/index.js';
import { parseQuery } from '../query/parse.js';
import { type EventStore, SCOPE_ALL, type StateStore } from '../types.js';
import { openDatabase, SCHEMA_VERSION } from './db.js';
import { openSqliteStores } from './index.js';

runEventStoreConformance('sqlite', async (): Promise<EventStore> => {
  const s = openSqliteStores({ path: ':memory:' });
  const events = s.events;
  // Closing the event store closes the whole in-memory database.
  return new Proxy(events, {
    get: (t, k) => (k === 'close' ? () => s.close() : Reflect.get(t, k, t)),
  });
});

// The same suite with tiny scan slices, so paging, cursors and aggregations cross slice edges.
runEventStoreConformance('sqlite (sliced scans)', async (): Promise<EventStore> => {
  const s = openSqliteStores({ path: ':memory:', chunkRows: 2 });
  return new Proxy(s.events, {
    get: (t, k) => (k === 'close' ? () => s.close() : Reflect.get(t, k, t)),
  });
});

runStateStoreConformance('sqlite', async (): Promise<StateStore> => {
  const s = openSqliteStores({ path: ':memory:' });
  return {
    collection: (name) => s.state.collection(name),
    getMany: (refs) => s.state.getMany(refs),
    writeMany: (writes, refresh) => s.state.writeMany(writes, refresh),
    close: () => s.close(),
  };
});

describe('sqlite durability', () => {
  it('writes with synchronous=FULL by default (the spool commits after the store write) and NORMAL on request', () => {
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-sync-'));
    try {
      const full = openDatabase({ path: join(dir, 'a.db') });
      expect(full.pragma('synchronous', { simple: true })).toBe(2);
      full.close();
      const normal = openDatabase({ path: join(dir, 'b.db'), synchronous: 'normal' });
      expect(normal.pragma('synchronous', { simple: true })).toBe(1);
      normal.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqlite schema migration', () => {
  it('opens a version 1 file (positional FTS index): rebuilds the message index and finds the old events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-mig-'));
    const path = join(dir, 'canhgac.db');
    try {
      const t = Date.parse('2026-11-20T03:00:00Z');
      const ev = (id: string, message: unknown) => ({
        'event.id': id,
        '@timestamp': new Date(t).toISOString(),
        'agency.id': 'a1',
        'host.name': 'web01',
        message,
      });
      const s1 = openSqliteStores({ path });
      await s1.events.write(SCOPE_ALL, [
        ev('e1', 'Failed password for root from 10.0.0.1'),
        ev('e2', ['session opened', 'Accepted publickey for deploy']),
        ev('e3', 'unrelated line'),
      ]);
      await s1.close();
      // Turn it back into a version 1 file: the index of the time (detail=full), filled the way version 1 did.
      const raw = new Database(path);
      raw.exec(`DROP TRIGGER events_fts_delete; DROP TABLE events_fts_vocab; DROP TABLE events_fts;
        CREATE VIRTUAL TABLE events_fts USING fts5(message, content='', contentless_delete=1, tokenize='trigram');
        CREATE VIRTUAL TABLE events_fts_vocab USING fts5vocab(events_fts, 'row');
        CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN DELETE FROM events_fts WHERE rowid = old.rid; END;
        INSERT INTO events_fts (rowid, message) SELECT rid, 'Failed password for root from 10.0.0.1' FROM events WHERE id = 'e1';
        PRAGMA user_version = 1;`);
      raw.close();

      const s2 = openSqliteStores({ path });
      const ids = async (q: string) =>
        (await s2.events.search(SCOPE_ALL, { query: parseQuery(q), size: 10 })).events.map((e) => e['event.id']).sort();
      expect(await ids('message:*password*')).toEqual(['e1']);
      // e2 had no row in the old index: found only because the migration rebuilt it from the stored events.
      expect(await ids('message:*publickey*')).toEqual(['e2']);
      expect(await ids('message:*root*from*')).toEqual(['e1']);
      await s2.close();
      const after = new Database(path, { readonly: true });
      expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(after.prepare("SELECT sql FROM sqlite_master WHERE name = 'events_fts'").pluck().get()).toMatch(
        /detail=none/,
      );
      after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
