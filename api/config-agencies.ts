/**
 * Agencies of the configuration file and agencies made through the API are one model: at start the file's
 * agencies are written to the state collection `agencies` (marked `origin: config`), so the Agencies page, the
 * filters, agent intake keys and an agency admin's scope see them like any other. A file agency later edited
 * through the API becomes `origin: api` and is no longer rewritten from the file (the API's entry wins, as in
 * the agency directory the pipeline reads).
 */
import { SCOPE_ALL, type StateStore } from '../store/types.js';
import type { AgencyDoc } from './routes/agencies.js';

/** A stored agency with where it came from. */
export type AgencyWithOrigin = AgencyDoc & { agencyId: string; origin?: 'config' | 'api' };

interface FileAgency {
  id: string;
  name: string;
  networks?: string[];
  certNames?: string[];
  timezone?: string;
}

/** Writes the configuration's agencies to the store (new ones created, file-owned ones updated); returns changes. */
export async function syncConfigAgencies(
  state: StateStore,
  list: readonly unknown[] | undefined,
  audit: (action: string, id: string, before: unknown, after: unknown) => Promise<void>,
): Promise<number> {
  const coll = state.collection<AgencyWithOrigin>('agencies');
  let changed = 0;
  for (const raw of list ?? []) {
    const a = raw as FileAgency;
    if (!a || typeof a.id !== 'string' || typeof a.name !== 'string') continue;
    const want: AgencyWithOrigin = {
      id: a.id,
      agencyId: a.id,
      name: a.name,
      networks: [...(a.networks ?? [])],
      certificateNames: [...(a.certNames ?? [])],
      ...(a.timezone ? { timezone: a.timezone } : {}),
      origin: 'config',
    };
    const cur = await coll.get(SCOPE_ALL, a.id);
    if (cur && cur.origin !== 'config') continue;
    if (cur) {
      const { version: _v, ...was } = cur;
      if (JSON.stringify(was) === JSON.stringify(want)) continue;
    }
    await coll.put(SCOPE_ALL, want, { expectedVersion: cur?.version ?? 0 });
    await audit(cur ? 'agency.update' : 'agency.create', a.id, cur, want);
    changed++;
  }
  return changed;
}
