/**
 * Events schema 3 on a real OpenSearch (skipped without CANHGAC_TEST_OPENSEARCH_URL): events indexed with the
 * relay in source.ip get it as log.source.address and the attacker their line names as source.ip, through the
 * update-by-query that the schema upgrade starts.
 */
import { expect, it } from '@jest/globals';
import { describeOpenSearch, testPrefix } from '../../tests/kit/opensearch.js';
import { parseQuery } from '../query/parse.js';
import { SCOPE_ALL } from '../types.js';
import { rest } from './client.js';
import { openOpenSearchStores } from './index.js';
import { migrateEntities } from './migrate-entities.js';

const T0 = Date.UTC(2026, 10, 20, 3);
const ev = (id: string, fields: Record<string, unknown>) => ({
  '@timestamp': new Date(T0).toISOString(),
  'event.id': id,
  'agency.id': 'a1',
  'host.name': 'web01',
  message: id,
  'source.ip': '10.8.0.2',
  ...fields,
});

describeOpenSearch('OpenSearch migration to one field per entity', (url) => {
  it('moves the relay to log.source.address and the attacker to source.ip, once', async () => {
    const prefix = testPrefix();
    const s = await openOpenSearchStores({ node: url, prefix });
    try {
      await s.events.write(SCOPE_ALL, [
        ev('ssh', { 'client.ip': '203.0.113.5' }),
        ev('web', { 'c-ip': '198.51.100.7' }),
        ev('fw', { SRC: '192.0.2.44:5060' }),
        ev('win', { IpAddress: '-' }),
      ]);
      await s.events.refresh();
      const index = `${prefix}-events-2026.11.20`;
      expect(await migrateEntities(s.client, index, true)).toBe('done');
      await s.events.refresh();
      const all = (await s.events.search(SCOPE_ALL, { query: parseQuery('*'), size: 10 })).events;
      const by = Object.fromEntries(all.map((e) => [e['event.id'], [e['source.ip'], e['log.source.address']]]));
      expect(by).toEqual({
        ssh: ['203.0.113.5', '10.8.0.2'],
        web: ['198.51.100.7', '10.8.0.2'],
        fw: ['192.0.2.44', '10.8.0.2'],
        win: [undefined, '10.8.0.2'],
      });
      const hits = await s.events.search(SCOPE_ALL, { query: parseQuery('source.ip:"203.0.113.5"'), size: 10 });
      expect(hits.events.map((e) => e['event.id'])).toEqual(['ssh']);
      // A second run finds nothing to change.
      await migrateEntities(s.client, index, true);
      await s.events.refresh();
      expect((await s.events.get(SCOPE_ALL, 'ssh'))!['source.ip']).toBe('203.0.113.5');
    } finally {
      await rest(s.client, 'DELETE', `/${prefix}-*`, undefined, { ok: [404] });
      await rest(s.client, 'DELETE', `/_index_template/${prefix}-*`, undefined, { ok: [404] });
      await s.close();
    }
  });
});
