import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { registry } from '../core/metrics.js';
import { storeError } from '../store/errors.js';
import { openSqliteStores, type SqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL, type StateStore } from '../store/types.js';
import { IncidentService } from './service.js';
import { SilentHostWatcher } from './silent-hosts.js';

const A = '000.00.31.H40';
let stores: SqliteStores;
let clock = 1_763_800_000_000;
/** What the next write of a silentSince mark throws (undefined: write normally). */
let failMark: (() => Error) | undefined;

/** The SQLite state store, with writes that mark hosts silent failing on demand. */
function faulty(state: StateStore): StateStore {
  return {
    close: () => state.close(),
    collection: (name: string) => {
      const c = state.collection<Record<string, unknown>>(name);
      if (name !== 'hosts') return c as never;
      const wrapped: typeof c = {
        get: (s, id) => c.get(s, id),
        list: (s, o) => c.list(s, o),
        delete: (s, id, o) => c.delete(s, id, o),
        put: (s, doc, o) => {
          if (failMark && (doc as { silentSince?: number }).silentSince !== undefined)
            return Promise.reject(failMark());
          return c.put(s, doc, o);
        },
      };
      return wrapped as never;
    },
  };
}

const errorsCount = async () =>
  (await registry.getSingleMetric('canhgac_silent_host_check_errors_total')?.get())?.values[0]?.value ?? 0;

beforeEach(() => {
  stores = openSqliteStores({ path: ':memory:' });
  failMark = undefined;
});
afterEach(async () => {
  await stores.close();
});

describe('silent hosts: write errors while marking', () => {
  it('skips a host changed meanwhile, but logs, counts and rethrows any other error', async () => {
    const state = faulty(stores.state);
    const watcher = new SilentHostWatcher(state, new IncidentService(state, { now: () => clock }), {
      now: () => clock,
      defaultThresholdMinutes: 30,
      settings: false,
    });
    watcher.observe(A, 'web01', clock);
    await watcher.flush();
    clock += 31 * 60_000;
    const before = await errorsCount();

    failMark = () => storeError('CANHGAC_ERR_STORE_CONFLICT', { collection: 'hosts', id: 'x', expected: 1, actual: 2 });
    expect(await watcher.check()).toEqual([]);
    expect(await errorsCount()).toBe(before);

    failMark = () => storeError('CANHGAC_ERR_STORE_UNAVAILABLE', { reason: 'disk full' });
    await expect(watcher.check()).rejects.toMatchObject({ code: 'CANHGAC_ERR_STORE_UNAVAILABLE' });
    expect(await errorsCount()).toBe(before + 1);
    expect((await stores.state.collection('hosts').list(SCOPE_ALL)).docs[0]).not.toHaveProperty('silentSince');

    failMark = undefined;
    expect((await watcher.check()).map((h) => h.host)).toEqual(['web01']);
  });
});
