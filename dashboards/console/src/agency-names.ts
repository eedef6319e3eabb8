/**
 * Agency names for every page: one listing shared by the pages of a session (read again after a minute), and the
 * label of an agency id (its name; senders matched to no agency read "Chưa xác định đơn vị", never "unassigned").
 */
import { useEffect, useState } from 'react';
import { type Agency, api, type Page } from './api.js';
import { type Key, useApp } from './i18n.js';

/** The agency id the pipeline gives senders matched to no agency (ingest/normalise/agency.ts UNASSIGNED). */
export const UNASSIGNED = 'unassigned';

let cached: { at: number; list: Promise<Agency[]> } | undefined;

/** The agencies the caller may see (one listing shared by the pages, read again after a minute). */
export function loadAgencies(): Promise<Agency[]> {
  if (!cached || Date.now() - cached.at > 60_000) {
    const list = api<Page<Agency>>('GET', '/api/v1/agencies?limit=1000').then((p) => p.items);
    cached = { at: Date.now(), list };
    list.catch(() => {
      cached = undefined;
    });
  }
  return cached.list;
}

/** Forgets the shared listing (after an agency is created or renamed). */
export function agenciesChanged(): void {
  cached = undefined;
}

/** The label of an agency id with the given names. */
export function agencyLabel(t: (k: Key) => string, names: ReadonlyMap<string, string>, id: string): string {
  if (id === UNASSIGNED || id === '') return t('unassignedAgency');
  return names.get(id) ?? id;
}

/** The agencies the caller may see and a label function for ids. */
export function useAgencyNames(): { list: Agency[]; label: (id: string) => string } {
  const { t } = useApp();
  const [list, setList] = useState<Agency[]>([]);
  useEffect(() => {
    let live = true;
    loadAgencies().then(
      (l) => live && setList(l),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);
  const names = new Map(list.map((a) => [a.id, a.name]));
  return { list, label: (id) => agencyLabel(t, names, id) };
}
