/** The embedded SQLite backend: event store and state store on one file (the default deployment). */
import type Database from 'better-sqlite3';
import { RetentionTimer } from '../retention.js';
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
  /** Retention of events (present when opened with retentionDays). */
  retention?: RetentionTimer;
}

/** Opens the SQLite stores (`path: ':memory:'` for tests). */
export function openSqliteStores(opts: SqliteOptions): SqliteStores {
  const db = openDatabase(opts);
  const events = new SqliteEventStore(db, opts.chunkRows);
  const state = new SqliteStateStore(db);
  // Retention: store.retentionDays, overridden at run time by the retentionDays setting (store/retention.ts).
  const retention =
    opts.retentionDays === undefined
      ? undefined
      : new RetentionTimer({
          configuredDays: opts.retentionDays,
          state,
          apply: async (days) => {
            await events.deleteOlderThan(SCOPE_ALL, Date.now() - days * 86_400_000);
          },
          ...(opts.retentionEveryMs !== undefined ? { everyMs: opts.retentionEveryMs } : {}),
          ...(opts.retentionCheckMs !== undefined ? { checkEveryMs: opts.retentionCheckMs } : {}),
        });
  retention?.start();
  return {
    db,
    events,
    state,
    ...(retention ? { retention } : {}),
    async close() {
      await retention?.stop();
      await events.close();
      await state.close();
      if (db.open) db.close();
    },
  };
}
