/** The embedded SQLite backend: event store and state store on one file (the default deployment). */
import type Database from 'better-sqlite3';
import { logger } from '../../core/log.js';
import { SCOPE_ALL, type Stores } from '../types.js';
import { openDatabase, type SqliteOptions } from './db.js';
import { SqliteEventStore } from './events.js';
import { SqliteStateStore } from './state.js';

export { openDatabase, SCHEMA_VERSION, type SqliteOptions } from './db.js';
export { SqliteEventStore } from './events.js';
export { SqliteStateStore } from './state.js';

/** Both SQLite stores on one database file. */
export interface SqliteStores extends Stores {
  events: SqliteEventStore;
  state: SqliteStateStore;
  db: Database.Database;
}

/** Opens the SQLite stores (`path: ':memory:'` for tests). */
export function openSqliteStores(opts: SqliteOptions): SqliteStores {
  const db = openDatabase(opts);
  const events = new SqliteEventStore(db, opts.chunkRows);
  const state = new SqliteStateStore(db);
  let timer: NodeJS.Timeout | undefined;
  if (opts.retentionDays !== undefined) {
    const days = opts.retentionDays;
    const pass = () =>
      events.deleteOlderThan(SCOPE_ALL, Date.now() - days * 86_400_000).catch((err: unknown) => {
        logger('store_sqlite').error({ err }, 'Retention pass failed; the next pass retries.');
      });
    void pass();
    timer = setInterval(pass, opts.retentionEveryMs ?? 3_600_000);
    timer.unref();
  }
  return {
    db,
    events,
    state,
    async close() {
      if (timer) clearInterval(timer);
      await events.close();
      await state.close();
      if (db.open) db.close();
    },
  };
}
