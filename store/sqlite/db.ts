/** Opening the embedded SQLite file: WAL mode, schema, user functions. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { addEntityColumns, ENTITY_COLUMNS_SQL, ENTITY_INDEXES_SQL, fillEntityColumns } from './entity-columns.js';
import { ftsText } from './events.js';
import { registerFunctions } from './functions.js';
import { ensureIncidentStats } from './incident-stats.js';
import { migrateEntities } from './migrate-entities.js';

/** Schema version stored in `PRAGMA user_version`; raise it with a migration when the schema changes. */
export const SCHEMA_VERSION = 4;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  ts INTEGER NOT NULL,
  agency TEXT NOT NULL,
  host TEXT,
  product TEXT,
  category TEXT,
  service TEXT,
  -- Entity fields lowercased, indexed (entity-columns.ts).
  ${ENTITY_COLUMNS_SQL},
  -- The whole event as JSONB (SQLite's binary JSON): field reads skip re-parsing the text.
  doc BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS events_ts ON events(ts, id);
CREATE INDEX IF NOT EXISTS events_agency_ts ON events(agency, ts, id);
CREATE INDEX IF NOT EXISTS events_host_ts ON events(host, ts);
CREATE INDEX IF NOT EXISTS events_logsource_ts ON events(product, category, ts);
CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5(
  message, content='', contentless_delete=1, tokenize='trigram', detail=none
);
CREATE VIRTUAL TABLE IF NOT EXISTS events_fts_vocab USING fts5vocab(events_fts, 'row');
CREATE TRIGGER IF NOT EXISTS events_fts_delete AFTER DELETE ON events BEGIN
  DELETE FROM events_fts WHERE rowid = old.rid;
END;
CREATE TABLE IF NOT EXISTS state (
  coll TEXT NOT NULL,
  id TEXT NOT NULL,
  agency TEXT,
  version INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (coll, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS state_agency ON state(coll, agency, id);
-- The analyst queue sorts incidents by last activity (store/sqlite/state.ts spells the same expression).
CREATE INDEX IF NOT EXISTS state_last_seen ON state(coll, json_extract(doc, '$."lastSeen"'), id);
CREATE INDEX IF NOT EXISTS state_agency_last_seen ON state(coll, agency, json_extract(doc, '$."lastSeen"'), id);
`;

/** Options of the embedded store. */
export interface SqliteOptions {
  /** Database file; ':memory:' for tests. */
  path: string;
  /** Milliseconds to wait for another connection's write lock (default 5000). */
  busyTimeoutMs?: number;
  /**
   * Delete events older than this many days, hourly (undefined: keep forever, and the retentionDays setting is
   * not applied either). The retentionDays setting, when set, overrides it at run time (store/retention.ts).
   */
  retentionDays?: number;
  /** How often retention runs, ms (default 1 hour). */
  retentionEveryMs?: number;
  /** How often the retentionDays setting is looked at, ms (default 1 minute); a change runs a pass at once. */
  retentionCheckMs?: number;
  /** Events per slice of a long scan (default 50,000; the event loop turns between slices). */
  chunkRows?: number;
  /**
   * 'full' (default): every transaction is on disk when it returns, so the spool may commit after the store write
   * and a power loss loses nothing acknowledged. 'normal': faster (~10%), survives process crashes but a power loss
   * may lose the last transactions.
   */
  synchronous?: 'full' | 'normal';
}

/** Opens (creating if needed) the canhgac SQLite database with its schema and functions. */
export function openDatabase(opts: SqliteOptions): Database.Database {
  if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
  const db = new Database(opts.path);
  db.pragma('journal_mode = WAL');
  // The pipeline commits the spool after the store write returns, so that write must be on disk (FULL) for a
  // power loss not to lose acknowledged events; in WAL mode FULL is one fsync of the WAL per transaction.
  db.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -65536');
  // Fewer, larger checkpoints while ingesting (the default 1000 pages checkpoints every ~4 MB of WAL).
  db.pragma('wal_autocheckpoint = 16384');
  const had = db.pragma('user_version', { simple: true }) as number;
  // Before the schema statements: the version 1 -> 2 step below runs them on the old table.
  const added = addEntityColumns(db);
  migrate(db);
  db.exec(SCHEMA);
  if (had > 0 && had < 3) migrateEntities(db);
  // Version 3 -> 4 after the entity rewrite above (which moves source.ip), before the indexes exist (faster).
  if (added || (had > 0 && had < 4)) fillEntityColumns(db);
  db.exec(ENTITY_INDEXES_SQL);
  ensureIncidentStats(db);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  // FTS5 merges its b-tree segments once 16 (default 4) of one size exist: each posting is rewritten fewer times
  // while ingesting (~10% of the write path), searches read a few more segments. Those merges run a little with
  // each later write; crisismerge (default 16) would instead merge a level all at once, in one write, as soon as
  // it holds 16 segments: at millions of rows that is one transaction of tens of seconds, a pipeline stall. So
  // crisismerge sits well above automerge and only bounds the segment count if ingest outruns merging.
  db.prepare("INSERT INTO events_fts (events_fts, rank) VALUES ('automerge', 16)").run();
  db.prepare("INSERT INTO events_fts (events_fts, rank) VALUES ('crisismerge', 64)").run();
  registerFunctions(db);
  return db;
}

/**
 * Version 1 -> 2: the message index keeps no positions (FTS5 detail=none; a third of the write cost was its
 * position lists and their commit). The old index is dropped and rebuilt from the stored events, in one
 * transaction, before the schema statements run; a fresh file has no events_fts and skips this.
 */
function migrate(db: Database.Database): void {
  const fts = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events_fts'").pluck().get() as string | undefined;
  if (fts === undefined || /detail\s*=\s*none/i.test(fts)) return;
  db.transaction(() => {
    db.exec(`DROP TRIGGER IF EXISTS events_fts_delete;
      DROP TABLE IF EXISTS events_fts_vocab;
      DROP TABLE events_fts;`);
    db.exec(SCHEMA);
    const ins = db.prepare('INSERT INTO events_fts (rowid, message) VALUES (?, ?)');
    // In slices by rowid: better-sqlite3 cannot write while an iterator holds the connection.
    const slice = db.prepare(
      `SELECT rid, json_extract(doc, '$."message"') AS m, json_type(doc, '$."message"') AS t
       FROM events WHERE rid > ? ORDER BY rid LIMIT 10000`,
    );
    let last = -Infinity;
    for (;;) {
      const rows = slice.all(last) as { rid: number; m: unknown; t: string | null }[];
      if (rows.length === 0) break;
      for (const r of rows) {
        last = r.rid;
        if (r.t === null || r.t === 'null') continue;
        const v =
          r.t === 'array' || r.t === 'object'
            ? JSON.parse(r.m as string)
            : r.t === 'true'
              ? true
              : r.t === 'false'
                ? false
                : r.m;
        const msg = ftsText(v);
        if (msg !== undefined) ins.run(r.rid, msg);
      }
    }
  })();
}
