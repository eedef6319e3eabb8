/**
 * Version 2 -> 3 (issue 15 point 5, one field per entity): events stored before it hold the relay that sent the
 * line in `source.ip`. Each such event gets that address as `log.source.address`, and `source.ip` becomes the
 * attacker the line names (core/event/entity-fields.ts: client.ip, c-ip, SRC, IpAddress, ...) or goes away. In
 * slices by rowid inside one transaction; events that already have `log.source.address` are left as they are.
 */
import type Database from 'better-sqlite3';
import { attackerIn } from '../../core/event/entity-fields.js';

/** Rewrites the entity fields of events stored before schema version 3; returns how many changed. */
export function migrateEntities(db: Database.Database): number {
  const slice = db.prepare(
    `SELECT rid, json(doc) AS d FROM events
     WHERE rid > ? AND json_type(doc, '$."log.source.address"') IS NULL ORDER BY rid LIMIT 5000`,
  );
  const put = db.prepare('UPDATE events SET doc = jsonb(?) WHERE rid = ?');
  let changed = 0;
  db.transaction(() => {
    let last = -Infinity;
    for (;;) {
      const rows = slice.all(last) as { rid: number; d: string }[];
      if (rows.length === 0) break;
      for (const r of rows) {
        last = r.rid;
        const doc = JSON.parse(r.d) as Record<string, unknown>;
        const relay = doc['source.ip'];
        delete doc['source.ip'];
        const attacker = attackerIn(doc);
        if (attacker !== undefined) doc['source.ip'] = attacker;
        if (relay !== undefined && relay !== null) doc['log.source.address'] = relay;
        else if (attacker === undefined) continue;
        put.run(JSON.stringify(doc), r.rid);
        changed++;
      }
    }
  })();
  return changed;
}
