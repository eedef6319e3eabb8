import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createNormaliseContext, normaliseRecord } from '../ingest/normalise/normalise.js';
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

describe('silent hosts go by receipt time, not by the time lines carry', () => {
  const record = (data: string, source = '10.9.0.5') => ({
    id: `e-${Math.random()}`,
    receivedAt: clock,
    transport: 'udp' as const,
    source,
    data,
  });

  it('a line dated 2099 does not keep its host alive', async () => {
    const ctx = createNormaliseContext({ agencies: [{ id: A, name: 'Sở', networks: ['10.9.0.0/16'] }] });
    const e = normaliseRecord(record('<13>1 2099-01-01T00:00:00Z far01 app - - - clock is wrong'), ctx)!;
    expect(e['@timestamp']).toBe('2099-01-01T00:00:00.000Z');
    watcher.observeEvent(e);
    await watcher.flush();
    clock += 31 * 60_000;
    expect((await watcher.check()).map((h) => h.host)).toEqual(['far01']);
  });

  it('zone-less lines from a host on UTC do not make it look seven hours silent', async () => {
    const ctx = createNormaliseContext({ agencies: [{ id: A, name: 'Sở', networks: ['10.9.0.0/16'] }] });
    // Received at 08:26:40Z from a host whose clock says 08:26:40 UTC; read as Vietnam time it is 01:26:40Z.
    const e = normaliseRecord(record('<13>Nov 22 08:26:40 utc01 app: hello'), ctx)!;
    expect(e['@timestamp']).toBe('2025-11-22T01:26:40.000Z');
    watcher.observeEvent(e);
    await watcher.flush();
    clock += 60_000;
    expect(await watcher.check()).toEqual([]);
    const h = (await watcher.hosts.list(SCOPE_ALL, { filter: { host: 'utc01' } })).docs[0]!;
    expect(h.lastSeen).toBe(clock - 60_000);
  });

  it('a lastSeen stored in the future by an older version is counted from now, then silence is found', async () => {
    watcher.observe(A, 'old01', clock);
    await watcher.flush();
    const h = (await watcher.hosts.list(SCOPE_ALL, { filter: { host: 'old01' } })).docs[0]!;
    const { version, ...rest } = h;
    await watcher.hosts.put(
      SCOPE_ALL,
      { ...rest, lastSeen: Date.parse('2099-01-01T00:00:00Z') },
      { expectedVersion: version },
    );
    expect(await watcher.check()).toEqual([]);
    clock += 31 * 60_000;
    expect((await watcher.check()).map((x) => x.host)).toEqual(['old01']);
  });
});
