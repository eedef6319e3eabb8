import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { registry } from '../../core/metrics.js';
import { AgencyDirectory } from '../../ingest/normalise/agency-directory.js';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { SCOPE_ALL, type StateStore } from '../../store/types.js';

const H40 = '000.00.31.H40';
const H41 = '000.00.32.H41';

async function rejectedCount(origin: string): Promise<number> {
  const m = registry.getSingleMetric('canhgac_agency_directory_rejected_total');
  const v = (await m?.get())?.values.find((x) => x.labels.origin === origin);
  return v?.value ?? 0;
}

let stores: SqliteStores;
let dir: AgencyDirectory | undefined;
const agencies = () => stores.state.collection<Record<string, unknown>>('agencies');
const put = (doc: Record<string, unknown>) =>
  agencies().put(SCOPE_ALL, { agencyId: doc.id as string, networks: [], certificateNames: [], ...doc } as never);

beforeEach(() => {
  stores = openSqliteStores({ path: ':memory:' });
});
afterEach(async () => {
  dir?.close();
  dir = undefined;
  await stores.close();
});

describe('AgencyDirectory', () => {
  it('merges configured and stored agencies, the stored entry winning by id', async () => {
    await put({ id: H40, name: 'Sở TT&TT (API)', networks: ['10.40.0.0/16'], certificateNames: ['Relay.H40.example'] });
    await put({ id: H41, name: 'Sở Y tế', networks: ['2001:db8:41::/48'] });
    dir = await AgencyDirectory.open(
      {
        agencies: [
          { id: H40, name: 'Sở TT&TT (config)', networks: ['10.1.0.0/16'] },
          { id: 'cfg-only', name: 'Chỉ cấu hình', certNames: ['cfg.example'] },
        ],
      },
      stores.state,
      { refreshMs: 0 },
    );
    expect(dir.list().map((a) => [a.id, a.name, a.networks])).toEqual([
      [H40, 'Sở TT&TT (API)', ['10.40.0.0/16']],
      [H41, 'Sở Y tế', ['2001:db8:41::/48']],
      ['cfg-only', 'Chỉ cấu hình', []],
    ]);
    expect(dir.certAgency('relay.h40.example')).toBe(H40);
    expect(dir.certAgency('CFG.example')).toBe('cfg-only');
    expect(dir.certAgency('nobody.example')).toBeUndefined();
  });

  it('sees changes on refresh, tells listeners once per change, and keeps the fingerprint stable otherwise', async () => {
    dir = await AgencyDirectory.open({ agencies: [] }, stores.state, { refreshMs: 0 });
    const before = dir.fingerprint();
    const seen: string[][] = [];
    const off = dir.onChange((list) => seen.push(list.map((a) => a.id)));
    expect(await dir.refresh()).toBe(false);

    const doc = await put({ id: H40, name: 'Sở TT&TT', certificateNames: ['relay.h40.example'] });
    expect(dir.certAgency('relay.h40.example')).toBeUndefined();
    expect(await dir.refresh()).toBe(true);
    expect(dir.certAgency('relay.h40.example')).toBe(H40);
    expect(dir.fingerprint()).not.toBe(before);
    expect(await dir.refresh()).toBe(false);
    expect(seen).toEqual([[H40]]);

    await agencies().delete(SCOPE_ALL, doc.id);
    expect(await dir.refresh()).toBe(true);
    expect(dir.list()).toEqual([]);
    expect(dir.fingerprint()).toBe(before);
    off();
    await put({ id: H41, name: 'Sở Y tế' });
    expect(await dir.refresh()).toBe(true);
    expect(seen).toEqual([[H40], []]);
  });

  it('skips a bad stored entry with a log and a count, once per version, keeping the configured one', async () => {
    const before = await rejectedCount('api');
    await put({ id: H40, name: 'API', networks: ['10.0.0.0/33'] });
    await put({ id: H41, name: 'ok', networks: ['10.41.0.0/16'] });
    dir = await AgencyDirectory.open(
      { agencies: [{ id: H40, name: 'config', networks: ['10.1.0.0/16'] }] },
      stores.state,
      {
        refreshMs: 0,
      },
    );
    expect(dir.list().map((a) => [a.id, a.name])).toEqual([
      [H40, 'config'],
      [H41, 'ok'],
    ]);
    expect(await rejectedCount('api')).toBe(before + 1);
    await dir.refresh();
    expect(await rejectedCount('api')).toBe(before + 1);
    // Another bad version is reported again; a fixed one replaces the configured entry.
    await put({ id: H40, name: 'API', networks: ['not an address'] });
    await dir.refresh();
    expect(await rejectedCount('api')).toBe(before + 2);
    await put({ id: H40, name: 'API', networks: ['10.40.0.0/16'] });
    expect(await dir.refresh()).toBe(true);
    expect(dir.list()[0]).toMatchObject({ id: H40, name: 'API', networks: ['10.40.0.0/16'] });
  });

  it('skips a bad configured entry and survives a store that cannot be read', async () => {
    const cfgBefore = await rejectedCount('config');
    const broken: StateStore = {
      collection: () => ({
        get: async () => undefined,
        put: async () => {
          throw new Error('read only');
        },
        delete: async () => false,
        list: async () => {
          throw new Error('disk gone');
        },
      }),
      close: async () => undefined,
    };
    dir = await AgencyDirectory.open(
      { agencies: [{ id: H40, name: 'ok', networks: ['10.1.0.0/16'] }, { id: '', name: 'x' }, 'junk'] },
      broken,
      { refreshMs: 0 },
    );
    expect(dir.list().map((a) => a.id)).toEqual([H40]);
    expect(await rejectedCount('config')).toBe(cfgBefore + 2);
    const errs = registry.getSingleMetric('canhgac_agency_directory_refresh_errors_total');
    const n = (await errs!.get()).values[0]!.value;
    expect(await dir.refresh()).toBe(false);
    expect((await errs!.get()).values[0]!.value).toBe(n + 1);
  });

  it('gives a certificate name claimed by two agencies to the first by id, whichever came first', async () => {
    await put({ id: H41, name: 'Sở Y tế', certificateNames: ['shared.example'] });
    dir = await AgencyDirectory.open({}, stores.state, { refreshMs: 0 });
    expect(dir.certAgency('shared.example')).toBe(H41);
    await put({ id: H40, name: 'Sở TT&TT', certificateNames: ['Shared.example'] });
    await dir.refresh();
    expect(dir.certAgency('shared.example')).toBe(H40);
  });

  it('polls the store on its own', async () => {
    dir = await AgencyDirectory.open({}, stores.state, { refreshMs: 20 });
    const changed = new Promise<string[]>((resolve) => dir!.onChange((l) => resolve(l.map((a) => a.id))));
    await put({ id: H41, name: 'Sở Y tế' });
    expect(await changed).toEqual([H41]);
  });

  it('carries the time zone of agencies made through the API (and skips an unknown zone)', async () => {
    await put({ id: H40, name: 'Sở TT&TT', networks: ['10.40.0.0/16'], timezone: 'UTC' });
    await put({ id: H41, name: 'Sở Y tế', networks: ['10.41.0.0/16'], timezone: 'Mars/Olympus' });
    dir = await AgencyDirectory.open(
      { agencies: [{ id: 'cfg', name: 'Cấu hình', timezone: '+08:00' }] },
      stores.state,
      {
        refreshMs: 0,
      },
    );
    expect(dir.list().map((a) => [a.id, a.timezone])).toEqual([
      [H40, 'UTC'],
      ['cfg', '+08:00'],
    ]);
  });
});
