/**
 * Events schema 3 (issue 15 point 5, one field per entity) on OpenSearch: events indexed before it hold the relay
 * in `source.ip`. An update-by-query over the live event indices below version 3 moves it to `log.source.address`
 * and puts the attacker the line names (the first of core/event/entity-fields.ts ATTACKER_FIELDS holding an
 * address) in `source.ip`. It runs as a cluster task (a large index takes a while; the service starts meanwhile);
 * events that already have `log.source.address` are not touched, so running it twice changes nothing.
 */
import type { Client } from '@opensearch-project/opensearch';
import { ATTACKER_FIELDS } from '../../core/event/entity-fields.js';
import { logger } from '../../core/log.js';
import { rest } from './client.js';

const log = logger('store');

/**
 * Painless without regular expressions (off by default on clusters): a value is an address when it is made of
 * hex digits, dots and colons only and has a dot or a colon; an IPv4 `:port` is cut off.
 */
const SCRIPT = `
def s = ctx._source;
if (s.containsKey('log.source.address')) { ctx.op = 'noop'; return; }
def relay = s.remove('source.ip');
if (relay != null) { s['log.source.address'] = relay; }
for (f in params.fields) {
  def v = s[f];
  if (!(v instanceof String)) { continue; }
  String t = v.trim();
  if (t.length() < 2 || t.length() > 45) { continue; }
  boolean ok = true; int dots = 0; int colons = 0;
  for (int i = 0; i < t.length(); i++) {
    char c = t.charAt(i);
    if (c == (char) '.') { dots++; } else if (c == (char) ':') { colons++; }
    else if (!Character.isDigit(c) && !((c >= (char) 'a' && c <= (char) 'f') || (c >= (char) 'A' && c <= (char) 'F'))) { ok = false; break; }
  }
  if (!ok || (dots == 0 && colons == 0)) { continue; }
  if (dots == 3 && colons == 1) { t = t.substring(0, t.indexOf(':')); }
  s['source.ip'] = t.toLowerCase();
  break;
}
`;

/** The update-by-query body of the migration. */
export function entityMigrationBody(): Record<string, unknown> {
  return {
    query: { bool: { must_not: { exists: { field: 'log.source.address' } } } },
    script: { lang: 'painless', source: SCRIPT, params: { fields: [...ATTACKER_FIELDS] } },
  };
}

/** Starts the migration on an event index (a task); returns the task id, or undefined when it could not start. */
export async function migrateEntities(client: Client, index: string, wait = false): Promise<string | undefined> {
  const res = await rest(client, 'POST', `/${index}/_update_by_query`, entityMigrationBody(), {
    querystring: { conflicts: 'proceed', wait_for_completion: wait, refresh: true },
    ok: [400, 404],
  });
  if (res.status >= 400) {
    log.error({ index, status: res.status }, 'Could not start the entity-field migration of an event index.');
    return undefined;
  }
  const task = typeof res.body.task === 'string' ? res.body.task : undefined;
  log.info({ index, task, updated: res.body.updated }, 'Entity-field migration of an event index (schema 3).');
  return task ?? 'done';
}
