/** Saved searches on the search page: open one, save the current search (private or shared), delete one. */
import { useState } from 'react';
import { api, qs } from '../api.js';
import { useApp } from '../i18n.js';
import { ErrorBox, useData } from '../ui.js';

interface SavedSearch {
  id: string;
  owner: string;
  name: string;
  q: string;
  range?: string;
  columns?: string[];
  shared: boolean;
}

/** The saved-search bar; `current` is what would be saved, `onOpen` applies a saved one. */
export function SavedSearches({
  current,
  onColumns,
}: {
  current: { q: string; range: string; columns: string[] };
  onColumns: (c: string[]) => void;
}) {
  const { t, navigate, me } = useApp();
  const list = useData(() => api<{ items: SavedSearch[] }>('GET', '/api/v1/saved-searches'), []);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [error, setError] = useState<unknown>();
  const save = async () => {
    setError(undefined);
    try {
      await api('POST', '/api/v1/saved-searches', { name: name.trim(), ...current, shared });
      setName('');
    } catch (e) {
      setError(e);
    }
    list.reload();
  };
  const open = (id: string) => {
    const s = list.data?.items.find((x) => x.id === id);
    if (!s) return;
    if (s.columns) onColumns(s.columns);
    navigate(`/search${qs({ q: s.q, range: s.range ?? '24h' })}`);
  };
  const remove = async (id: string) => {
    setError(undefined);
    try {
      await api('DELETE', `/api/v1/saved-searches/${encodeURIComponent(id)}`);
    } catch (e) {
      setError(e);
    }
    list.reload();
  };
  const mine = (s: SavedSearch) => s.owner.replace(/^(user|key):/, '') === me.id;
  return (
    <div className="filters saved" data-testid="saved-searches">
      <label>
        {t('savedSearches')}
        <select value="" onChange={(e) => open(e.target.value)} data-testid="saved-open">
          <option value="">{`${list.data?.items.length ?? 0} ${t('savedCount')}`}</option>
          {(list.data?.items ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
              {s.shared ? ` · ${t('shared')}` : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('saveAs')}
        <input value={name} onChange={(e) => setName(e.target.value)} data-testid="saved-name" />
      </label>
      <label className="inline">
        <input
          type="checkbox"
          checked={shared}
          onChange={(e) => setShared(e.target.checked)}
          data-testid="saved-shared"
        />{' '}
        {t('shareWithTeam')}
      </label>
      <button type="button" disabled={!name.trim()} onClick={save} data-testid="saved-save">
        {t('save')}
      </button>
      {(list.data?.items ?? []).filter(mine).length ? (
        <span className="muted small">
          {(list.data?.items ?? []).filter(mine).map((s) => (
            <button key={s.id} type="button" className="link small" onClick={() => remove(s.id)} title={t('remove')}>
              ✕ {s.name}
            </button>
          ))}
        </span>
      ) : null}
      <ErrorBox error={error ?? list.error} />
    </div>
  );
}
