import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { parseQuery } from '../query/parse.js';
import { SCOPE_ALL } from '../types.js';
import { SCHEMA_VERSION } from './db.js';
import { openSqliteStores } from './index.js';

describe('sqlite migration to one field per entity (schema 3)', () => {
  it('moves the relay to log.source.address and puts each source’s attacker in source.ip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-ent-'));
    const path = join(dir, 'canhgac.db');
    try {
      const t = Date.parse('2026-11-20T03:00:00Z');
      const ev = (id: string, fields: Record<string, unknown>) => ({
        'event.id': id,
        '@timestamp': new Date(t).toISOString(),
        'agency.id': 'a1',
        'host.name': 'web01',
        message: id,
        'source.ip': '10.8.0.2',
        ...fields,
      });
      // Written as version 2 wrote them: source.ip is the relay.
      const s1 = openSqliteStores({ path });
      await s1.events.write(SCOPE_ALL, [
        ev('ssh', { 'client.ip': '203.0.113.5', 'user.name': 'root' }),
        ev('web', { 'c-ip': '198.51.100.7' }),
        ev('fw', { SRC: '192.0.2.44' }),
        ev('win', { IpAddress: '-', TargetUserName: 'x' }),
        ev('cron', {}),
      ]);
      await s1.close();
      const raw = new Database(path);
      raw.exec(`UPDATE events SET doc = jsonb(json_remove(json(doc), '$."log.source.address"'));
        PRAGMA user_version = 2;`);
      raw.close();

      const s2 = openSqliteStores({ path });
      const all = (await s2.events.search(SCOPE_ALL, { query: parseQuery('*'), size: 10 })).events;
      const by = Object.fromEntries(all.map((e) => [e['event.id'], [e['source.ip'], e['log.source.address']]]));
      expect(by).toEqual({
        ssh: ['203.0.113.5', '10.8.0.2'],
        web: ['198.51.100.7', '10.8.0.2'],
        fw: ['192.0.2.44', '10.8.0.2'],
        win: [undefined, '10.8.0.2'],
        cron: [undefined, '10.8.0.2'],
      });
      // The Sigma names stay; search by the entity name finds every source's attacker.
      expect(all.find((e) => e['event.id'] === 'ssh')!['client.ip']).toBe('203.0.113.5');
      const hits = await s2.events.search(SCOPE_ALL, { query: parseQuery('source.ip:"203.0.113.5"'), size: 10 });
      expect(hits.events.map((e) => e['event.id'])).toEqual(['ssh']);
      await s2.close();
      const after = new Database(path, { readonly: true });
      expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      after.close();
      // Opening again changes nothing more.
      const s3 = openSqliteStores({ path });
      const again = (await s3.events.search(SCOPE_ALL, { query: parseQuery('*'), size: 10 })).events;
      expect(again.find((e) => e['event.id'] === 'ssh')!['log.source.address']).toBe('10.8.0.2');
      await s3.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
