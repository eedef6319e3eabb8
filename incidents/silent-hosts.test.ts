import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { openSqliteStores, type SqliteStores } from '../store/sqlite/index.js';
import { agencyScope, SCOPE_ALL } from '../store/types.js';
import { IncidentService } from './service.js';
import { SILENT_HOST_RULE, SilentHostWatcher } from './silent-hosts.js';

const A = '000.00.31.H40';
let stores: SqliteStores;
let clock = 1_763_800_000_000;
let incidents: IncidentService;
let watcher: SilentHostWatcher;

beforeEach(() => {
  stores = openSqliteStores({ path: ':memory:' });
  clock = 1_763_800_000_000;
  incidents = new IncidentService(stores.state, { now: () => clock });
  watcher = new SilentHostWatcher(stores.state, incidents, {
    now: () => clock,
    defaultThresholdMinutes: 30,
    agencyThresholdMinutes: { 'agency-slow': 240 },
  });
});
afterEach(async () => {
  await stores.close();
});

describe('silent hosts', () => {
  it('learns hosts from traffic, raises an incident when one stops and resolves it when it resumes', async () => {
    watcher.observe(A, 'web01', clock);
    watcher.observe(A, 'web01', clock + 10);
    watcher.observe(A, 'db01', clock);
    expect(await watcher.flush()).toBe(2);
    const web = (await watcher.hosts.list(SCOPE_ALL, { filter: { host: 'web01' } })).docs[0]!;
    expect(web.events).toBe(2);

    clock += 29 * 60_000;
    watcher.observe(A, 'db01', clock);
    await watcher.flush();
    expect(await watcher.check()).toEqual([]);
    clock += 2 * 60_000;
    const silent = await watcher.check();
    expect(silent.map((h) => h.host)).toEqual(['web01']);
    expect(await watcher.check()).toEqual([]); // raised once
    const open = (await incidents.incidents.list(agencyScope(A), { filter: { ruleId: SILENT_HOST_RULE } })).docs;
    expect(open.map((i) => [i.host, i.state])).toEqual([['web01', 'new']]);

    watcher.observe(A, 'web01', clock);
    await watcher.flush();
    const after = await incidents.incidents.get(SCOPE_ALL, open[0]!.id);
    expect(after!.state).toBe('resolved');
    expect((await watcher.hosts.get(SCOPE_ALL, web.id))!.silentSince).toBeUndefined();
  });

  it('honours per-agency and per-host thresholds and hosts not watched', async () => {
    watcher.observe('agency-slow', 'h1', clock);
    watcher.observe(A, 'h2', clock);
    watcher.observe(A, 'h3', clock);
    await watcher.flush();
    const h3 = (await watcher.hosts.list(SCOPE_ALL, { filter: { host: 'h3' } })).docs[0]!;
    const { version, ...rest } = h3;
    await watcher.hosts.put(SCOPE_ALL, { ...rest, expected: false }, { expectedVersion: version });
    clock += 60 * 60_000;
    expect((await watcher.check()).map((h) => h.host)).toEqual(['h2']);
  });
});
