/**
 * Per agency, rule and state: how many incidents and alerts, kept by triggers on the state table as incidents are
 * written, so the console's rule figures (and the ATT&CK matrix) read a few hundred rows instead of parsing every
 * incident (100,000 incidents: ~1 s of JSON parsing on each read). The triggers run in the writing transaction,
 * so the summary is exact for any writer of the file. Rows are per UTC day of lastSeen, so a period reads whole
 * days here and only its first day from the incidents. `last` (latest lastSeen of a row) only grows: an incident
 * deleted by retention leaves its row's last-seen time as it was.
 */
import type Database from 'better-sqlite3';
import type { GroupStatsRequest } from '../types.js';

const TABLE = `
CREATE TABLE IF NOT EXISTS incident_stats (
  agency TEXT NOT NULL,
  rule TEXT NOT NULL,
  state TEXT NOT NULL,
  -- The UTC day of lastSeen (epoch days): a period is whole days from here plus its first day from the incidents.
  day INTEGER NOT NULL,
  n INTEGER NOT NULL,
  alerts REAL NOT NULL,
  last REAL,
  title TEXT,
  PRIMARY KEY (agency, rule, state, day)
) WITHOUT ROWID;`;

const DAY = (row: string) => `coalesce(CAST(json_extract(${row}.doc, '$."lastSeen"') / 86400000 AS INTEGER), -1)`;

const ADD = (row: 'new') => `
  INSERT INTO incident_stats (agency, rule, state, day, n, alerts, last, title)
  VALUES (coalesce(${row}.agency, ''), coalesce(json_extract(${row}.doc, '$."ruleId"'), ''),
    coalesce(json_extract(${row}.doc, '$."state"'), ''), ${DAY(row)}, 1,
    coalesce(json_extract(${row}.doc, '$."alertCount"'), 0),
    json_extract(${row}.doc, '$."lastSeen"'), json_extract(${row}.doc, '$."title"'))
  ON CONFLICT (agency, rule, state, day) DO UPDATE SET n = n + 1, alerts = alerts + excluded.alerts,
    last = max(coalesce(last, excluded.last), coalesce(excluded.last, last)), title = coalesce(excluded.title, title);`;

const REMOVE = `
  UPDATE incident_stats SET n = n - 1, alerts = alerts - coalesce(json_extract(old.doc, '$."alertCount"'), 0)
  WHERE agency = coalesce(old.agency, '') AND rule = coalesce(json_extract(old.doc, '$."ruleId"'), '')
    AND state = coalesce(json_extract(old.doc, '$."state"'), '') AND day = ${DAY('old')};`;

const TRIGGERS = `
CREATE TRIGGER IF NOT EXISTS incident_stats_insert AFTER INSERT ON state WHEN new.coll = 'incidents' BEGIN
  ${ADD('new')}
END;
CREATE TRIGGER IF NOT EXISTS incident_stats_update AFTER UPDATE ON state WHEN old.coll = 'incidents' BEGIN
  ${REMOVE}
  ${ADD('new')}
END;
CREATE TRIGGER IF NOT EXISTS incident_stats_delete AFTER DELETE ON state WHEN old.coll = 'incidents' BEGIN
  ${REMOVE}
END;`;

/** Creates the summary and its triggers; a file from before them is summarised once, in one transaction. */
export function ensureIncidentStats(db: Database.Database): void {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'incident_stats'").get() !== undefined;
  if (exists) {
    db.exec(TRIGGERS);
    return;
  }
  db.transaction(() => {
    db.exec(TABLE);
    db.exec(`INSERT INTO incident_stats (agency, rule, state, day, n, alerts, last, title)
      SELECT coalesce(agency, ''), coalesce(json_extract(doc, '$."ruleId"'), ''),
        coalesce(json_extract(doc, '$."state"'), ''), ${DAY('state')}, count(*),
        total(json_extract(doc, '$."alertCount"')), max(json_extract(doc, '$."lastSeen"')),
        max(json_extract(doc, '$."title"'))
      FROM state WHERE coll = 'incidents' GROUP BY 1, 2, 3, 4`);
    db.exec(TRIGGERS);
  })();
}

/** Whether the summary answers a grouped request: incidents by rule (and state), optionally since a lastSeen. */
export function summaryAnswers(req: GroupStatsRequest): boolean {
  const known = (xs: string[] | undefined, ok: string) => (xs ?? []).every((x) => x === ok);
  return (
    req.by === 'ruleId' &&
    (req.split === undefined || req.split === 'state') &&
    (req.since === undefined || req.since.field === 'lastSeen') &&
    Object.keys(req.filter ?? {}).length === 0 &&
    known(req.sum, 'alertCount') &&
    known(req.max, 'lastSeen') &&
    known(req.first, 'title')
  );
}

/**
 * The summary's rows in a scope (agency '' holds incidents without one) in the shape of a grouped statement's
 * (k, s, n, sum0, max0, first0); with `afterDay`, only the days after it (its own day is read from the incidents).
 */
export function incidentStatRows(
  db: Database.Database,
  agency: string | undefined,
  afterDay?: number,
): Record<string, unknown>[] {
  const conds = ['n > 0'];
  const params: unknown[] = [];
  if (agency !== undefined) {
    conds.push('agency = ?');
    params.push(agency);
  }
  if (afterDay !== undefined) {
    conds.push('day > ?');
    params.push(afterDay);
  }
  return db
    .prepare(
      `SELECT rule AS k, state AS s, sum(n) AS n, sum(alerts) AS sum0, max(last) AS max0, max(title) AS first0
       FROM incident_stats WHERE ${conds.join(' AND ')} GROUP BY rule, state`,
    )
    .all(...params) as Record<string, unknown>[];
}
