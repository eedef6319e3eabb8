/** The incident queue: filters, keyboard triage (j/k/x/a/c/Enter/r), bulk acknowledge/assign/close, polling. */
import { type MouseEvent, useEffect, useMemo, useState } from 'react';
import { type Agency, api, type Incident, type Page, qs } from '../api.js';
import { fmtDateTime, sevLabel, stateLabel, useApp } from '../i18n.js';
import { ErrorBox, Loading, LogText, sevClass, useData } from '../ui.js';

const STATES = ['new', 'acknowledged', 'in_progress', 'resolved', 'false_positive'];
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'];
const OPEN = 'new,acknowledged,in_progress';
const RANGES: Record<string, number> = { last24h: 86_400_000, last7d: 7 * 86_400_000, last30d: 30 * 86_400_000 };

interface Filters {
  state: string;
  severity: string;
  agencyId: string;
  ruleId: string;
  assignee: string;
  range: string;
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return (
    !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
  );
}

export function QueuePage() {
  const { t, navigate, me } = useApp();
  const [f, setF] = useState<Filters>({ state: OPEN, severity: '', agencyId: '', ruleId: '', assignee: '', range: '' });
  const [cursor, setCursor] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [assignTo, setAssignTo] = useState('');
  const [message, setMessage] = useState('');
  const [busyError, setBusyError] = useState<unknown>();
  const agencies = useData(() => api<Page<Agency>>('GET', '/api/v1/agencies?limit=1000'), []);
  const { data, error, reload } = useData(
    () =>
      api<Page<Incident>>(
        'GET',
        `/api/v1/incidents${qs({
          state: f.state,
          severity: f.severity,
          agencyId: f.agencyId,
          ruleId: f.ruleId.trim(),
          assignee: f.assignee.trim(),
          sort: '-lastSeen',
          limit: 200,
        })}`,
      ),
    [f.state, f.severity, f.agencyId, f.ruleId, f.assignee],
    5000,
  );
  const items = useMemo(() => {
    const all = data?.items ?? [];
    const span = RANGES[f.range];
    if (!span) return all;
    const from = Date.now() - span;
    return all.filter((i) => i.lastSeen >= from);
  }, [data, f.range]);
  const clamp = Math.min(cursor, Math.max(0, items.length - 1));

  const targets = (): string[] => (selected.size ? [...selected] : items[clamp] ? [items[clamp]!.id] : []);
  const bulk = async (change: { state?: string; assignee?: string | null }) => {
    const ids = targets();
    if (ids.length === 0) return;
    setBusyError(undefined);
    try {
      const r = await api<{ results: { id: string; ok: boolean; error?: { error: { message: string } } }[] }>(
        'POST',
        '/api/v1/incidents/bulk',
        { ids, ...change },
      );
      const failed = r.results.filter((x) => !x.ok);
      setMessage(
        `${r.results.length - failed.length}/${r.results.length} ✓${failed.length ? ` — ${failed.map((x) => `${x.id}: ${x.error?.error.message ?? '?'}`).join('; ')}` : ''}`,
      );
      setSelected(new Set());
    } catch (e) {
      setBusyError(e);
    }
    reload();
  };

  // (No dependency list: the handler is re-bound each render and reads that render's values.)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const cur = items[clamp];
      if (e.key === 'j') setCursor(Math.min(items.length - 1, clamp + 1));
      else if (e.key === 'k') setCursor(Math.max(0, clamp - 1));
      else if (e.key === 'x' && cur)
        setSelected((s) => {
          const n = new Set(s);
          if (n.has(cur.id)) n.delete(cur.id);
          else n.add(cur.id);
          return n;
        });
      else if (e.key === 'a') void bulk({ state: 'acknowledged' });
      else if (e.key === 'c') void bulk({ state: 'resolved' });
      else if (e.key === 'm') void bulk({ assignee: me.id });
      else if (e.key === 'Enter' && cur) navigate(`/incidents/${encodeURIComponent(cur.id)}`);
      else if (e.key === 'r') reload();
      else return;
      e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  const set = (k: keyof Filters) => (e: { target: { value: string } }) => {
    setF({ ...f, [k]: e.target.value });
    setCursor(0);
  };
  const open = (id: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate(`/incidents/${encodeURIComponent(id)}`);
  };
  const agencyName = new Map((agencies.data?.items ?? []).map((a) => [a.id, a.name]));
  const allSelected = items.length > 0 && items.every((i) => selected.has(i.id));
  return (
    <div className="queue">
      <h1>{t('incidents')}</h1>
      <div className="filters">
        <label>
          {t('state')}
          <select value={f.state} onChange={set('state')} data-testid="f-state">
            <option value={OPEN}>{t('openQueue')}</option>
            <option value="">{t('all')}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {stateLabel(t, s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('severity')}
          <select value={f.severity} onChange={set('severity')} data-testid="f-severity">
            <option value="">{t('all')}</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {sevLabel(t, s)}
              </option>
            ))}
          </select>
        </label>
        {me.agencyId ? null : (
          <label>
            {t('agency')}
            <select value={f.agencyId} onChange={set('agencyId')} data-testid="f-agency">
              <option value="">{t('all')}</option>
              {(agencies.data?.items ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('rule')}
          <input value={f.ruleId} onChange={set('ruleId')} list="queue-rules" data-testid="f-rule" />
          <datalist id="queue-rules">
            {[...new Map((data?.items ?? []).map((i) => [i.ruleId, i.title]))].map(([id, title]) => (
              <option key={id} value={id}>
                {title}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          {t('assignee')}
          <input value={f.assignee} onChange={set('assignee')} data-testid="f-assignee" />
        </label>
        <label>
          {t('time')}
          <select value={f.range} onChange={set('range')} data-testid="f-time">
            <option value="">{t('anyTime')}</option>
            {Object.keys(RANGES).map((r) => (
              <option key={r} value={r}>
                {t(r as 'last24h')}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="bulk">
        <span className="muted">
          {selected.size} {t('selected')}
        </span>
        <button type="button" onClick={() => bulk({ state: 'acknowledged' })} data-testid="bulk-ack">
          {t('acknowledge')}
        </button>
        <input
          value={assignTo}
          onChange={(e) => setAssignTo(e.target.value)}
          placeholder={t('assignTo')}
          aria-label={t('assignTo')}
          data-testid="bulk-assignee"
        />
        <button type="button" onClick={() => assignTo.trim() && bulk({ assignee: assignTo.trim() })}>
          {t('assign')}
        </button>
        <button type="button" onClick={() => bulk({ assignee: me.id })} data-testid="bulk-me">
          {t('assignMe')}
        </button>
        <button type="button" onClick={() => bulk({ state: 'resolved' })} data-testid="bulk-close">
          {t('close')}
        </button>
        <button type="button" onClick={() => bulk({ state: 'false_positive' })}>
          {t('markFalsePositive')}
        </button>
        <button type="button" className="link" onClick={reload}>
          {t('refresh')}
        </button>
        {message ? <span className="ok-text">{message}</span> : null}
      </div>
      <p className="muted small">
        {t('keyboardHelp')} · {t('liveUpdates')}
      </p>
      <ErrorBox error={error ?? busyError} />
      {!data && !error ? <Loading /> : null}
      {data && items.length === 0 ? <p className="muted">{t('noIncidents')}</p> : null}
      {items.length > 0 ? (
        <table className="grid" data-testid="queue">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label={t('all')}
                  checked={allSelected}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((i) => i.id)))}
                />
              </th>
              <th>{t('severity')}</th>
              <th>{t('title')}</th>
              <th>{t('agency')}</th>
              <th>{t('host')}</th>
              <th>{t('state')}</th>
              <th>{t('assignee')}</th>
              <th>{t('alerts')}</th>
              <th>{t('lastSeen')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i, n) => (
              <tr
                key={i.id}
                className={`${n === clamp ? 'cursor' : ''} ${selected.has(i.id) ? 'selected' : ''}`}
                data-id={i.id}
                onClick={() => setCursor(n)}
              >
                <td>
                  <input
                    type="checkbox"
                    aria-label={i.id}
                    checked={selected.has(i.id)}
                    onChange={() =>
                      setSelected((s) => {
                        const x = new Set(s);
                        if (x.has(i.id)) x.delete(i.id);
                        else x.add(i.id);
                        return x;
                      })
                    }
                  />
                </td>
                <td>
                  <span className={sevClass(i.severity)}>{sevLabel(t, i.severity)}</span>
                </td>
                <td>
                  <a href={`/incidents/${encodeURIComponent(i.id)}`} onClick={open(i.id)}>
                    <LogText text={i.title} />
                  </a>
                </td>
                <td>{agencyName.get(i.agencyId) ?? i.agencyId}</td>
                <td>
                  <LogText text={i.host} />
                </td>
                <td>
                  <span className={`state state-${i.state}`}>{stateLabel(t, i.state)}</span>
                </td>
                <td>{i.assignee ?? ''}</td>
                <td className="num">{i.alertCount}</td>
                <td>{fmtDateTime(i.lastSeen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
