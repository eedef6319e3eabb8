/**
 * Per agency, rule and state: how many incidents and alerts, kept by triggers on the state table as incidents are
 * written, so the console's rule figures (and the ATT&CK matrix) read a few hundred rows instead of parsing every
 * incident (100,000 incidents: ~1 s of JSON parsing on each read). The triggers run in the writing transaction,
 * so the summary is exact for any writer of the file. `last` (latest lastSeen) only grows: an incident deleted
 * by retention leaves the rule's last-seen time as it was.
 */
import type Database from 'better-sqlite3';

const TABLE = `
CREATE TABLE IF NOT EXISTS incident_stats (
  agency TEXT NOT NULL,
  rule TEXT NOT NULL,
  state TEXT NOT NULL,
  n INTEGER NOT NULL,
  alerts REAL NOT NULL,
  last REAL,
  title TEXT,
  PRIMARY KEY (agency, rule, state)
) WITHOUT ROWID;`;

const ADD = (row: 'new') => `
  INSERT INTO incident_stats (agency, rule, state, n, alerts, last, title)
  VALUES (coalesce(${row}.agency, ''), coalesce(json_extract(${row}.doc, '$."ruleId"'), ''),
    coalesce(json_extract(${row}.doc, '$."state"'), ''), 1, coalesce(json_extract(${row}.doc, '$."alertCount"'), 0),
    json_extract(${row}.doc, '$."lastSeen"'), json_extract(${row}.doc, '$."title"'))
  ON CONFLICT (agency, rule, state) DO UPDATE SET n = n + 1, alerts = alerts + excluded.alerts,
    last = max(coalesce(last, excluded.last), coalesce(excluded.last, last)), title = coalesce(excluded.title, title);`;

const REMOVE = `
  UPDATE incident_stats SET n = n - 1, alerts = alerts - coalesce(json_extract(old.doc, '$."alertCount"'), 0)
  WHERE agency = coalesce(old.agency, '') AND rule = coalesce(json_extract(old.doc, '$."ruleId"'), '')
    AND state = coalesce(json_extract(old.doc, '$."state"'), '');`;

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
    db.exec(`INSERT INTO incident_stats (agency, rule, state, n, alerts, last, title)
      SELECT coalesce(agency, ''), coalesce(json_extract(doc, '$."ruleId"'), ''),
        coalesce(json_extract(doc, '$."state"'), ''), count(*), total(json_extract(doc, '$."alertCount"')),
        max(json_extract(doc, '$."lastSeen"')), max(json_extract(doc, '$."title"'))
      FROM state WHERE coll = 'incidents' GROUP BY 1, 2, 3`);
    db.exec(TRIGGERS);
  })();
}

/** The summary's rows in a scope (agency '' holds incidents without one), for groupStats by ruleId and state. */
export function incidentStatRows(
  db: Database.Database,
  agency: string | undefined,
): { rule: string; state: string; n: number; alerts: number; last: number | null; title: string | null }[] {
  const where = agency === undefined ? 'n > 0' : 'agency = ? AND n > 0';
  return db
    .prepare(
      `SELECT rule, state, sum(n) AS n, sum(alerts) AS alerts, max(last) AS last, max(title) AS title
       FROM incident_stats WHERE ${where} GROUP BY rule, state`,
    )
    .all(...(agency === undefined ? [] : [agency])) as never;
}
