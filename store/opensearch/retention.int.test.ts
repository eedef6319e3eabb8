/**
 * The retentionDays setting on the real OpenSearch test node (no ISM plugin there: retention is the deletion
 * job): a store opened with store.retentionDays 90 deletes by the setting as soon as it changes, keeps more when
 * it is raised, and goes back to the configured days when the setting is reset.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { settingsFor } from '../../core/settings.js';
import { q } from '../../core/event/query.js';
import { SCOPE_ALL, type StoredEvent } from '../types.js';
import { rest } from './client.js';
import { openOpenSearchStores, type OpenSearchStores } from './index.js';
import { describeOpenSearch, testPrefix } from '../../tests/kit/opensearch.js';

const DAY = 86_400_000;
const A = '000.00.31.H40';

describeOpenSearch('OpenSearch retention follows the retentionDays setting', (url) => {
  let s: OpenSearchStores;
  const prefix = testPrefix();

  beforeAll(async () => {
    s = await openOpenSearchStores({ node: url, prefix, retentionDays: 90, retentionCheckMs: 50 });
  });
  afterAll(async () => {
    await rest(s.client, 'DELETE', `/${prefix}-*`, undefined, { ok: [404] });
    await rest(s.client, 'DELETE', `/_index_template/${prefix}-*`, undefined, { ok: [404] });
    await s.close();
  });

  async function setRetention(days: number | null): Promise<void> {
    const coll = s.state.collection<{ id: string; values: Record<string, unknown> }>('settings');
    const values = { ...((await coll.get(SCOPE_ALL, 'global'))?.values ?? {}) };
    if (days === null) delete values.retentionDays;
    else values.retentionDays = days;
    await coll.put(SCOPE_ALL, { id: 'global', values });
    settingsFor(s.state).invalidate();
  }

  async function until(what: string, ok: () => boolean): Promise<void> {
    const end = Date.now() + 20_000;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function ids(): Promise<string[]> {
    await s.events.refresh();
    const page = await s.events.search(SCOPE_ALL, { query: q.all(), size: 100 });
    return page.events.map((e) => String(e['event.id'])).sort();
  }

  const ev = (id: string, ageDays: number): StoredEvent => ({
    '@timestamp': new Date(Date.now() - ageDays * DAY).toISOString(),
    'event.id': id,
    'agency.id': A,
  });

  it('deletes by the setting after it changes, on the deletion job', async () => {
    expect(s.retention).toBe('job');
    expect(s.retentionTimer?.days).toBe(90);
    const w = await s.events.write(SCOPE_ALL, [ev('d10', 10), ev('d40', 40), ev('d100', 100), ev('d200', 200)]);
    expect(w.written).toBe(4);
    expect(await ids()).toEqual(['d10', 'd100', 'd200', 'd40']);

    await setRetention(30);
    await until('30 days', () => s.retentionTimer?.days === 30);
    expect(await ids()).toEqual(['d10']);

    await setRetention(365);
    await until('365 days', () => s.retentionTimer?.days === 365);
    expect((await s.events.write(SCOPE_ALL, [ev('d200b', 200), ev('d400', 400)])).written).toBe(2);
    await setRetention(300);
    await until('300 days', () => s.retentionTimer?.days === 300);
    expect(await ids()).toEqual(['d10', 'd200b']);

    await setRetention(null);
    await until('the configured 90 days', () => s.retentionTimer?.days === 90);
    expect(await ids()).toEqual(['d10']);
  });
});
