/**
 * The incident queue: filters, keyboard triage (j/k/x/a/c/m/u/n/Enter/r), bulk acknowledge/assign/close, polling.
 * Rows keep their place: new incidents are announced, not inserted under the cursor (triage.ts).
 */
import { type MouseEvent, useEffect, useMemo, useState } from 'react';
import { useAgencyNames } from '../agency-names.js';
import { api, type Incident, type Page, qs } from '../api.js';
import { EntityLink } from '../entity-link.js';
import { fmtDateTime, incidentsCount, roleLabel, sevLabel, stateLabel, useApp } from '../i18n.js';
import { IncidentTitle } from '../incident-title.js';
import { useLive } from '../live.js';
import { downloadQueue, fetchQueue, queueRows } from '../queue-export.js';
import { useRuleTitle } from '../rule-titles.js';
import { allows, CLOSING, cursorAfter, mergeQueue, needsReason } from '../triage.js';
import { ReasonDialog, sendChange, UndoBar, usePendingChange } from '../triage-ui.js';
import { ErrorBox, Loading, sevClass, useData } from '../ui.js';

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

/** People who may be assigned incidents of an agency (province-wide analysts and admins, its own admins). */
export interface Assignee {
  username: string;
  role: string;
  agencyId?: string;
}

export function QueuePage() {
  const { t, lang, navigate, me } = useApp();
  const [f, setF] = useState<Filters>({ state: OPEN, severity: '', agencyId: '', ruleId: '', assignee: '', range: '' });
  // The cursor and the selection are incident ids, never row positions; `seen` is the order rows were shown in,
  // for the filters it was taken under (another view: take the next listing whole).
  const [cursorId, setCursorId] = useState<string>();
  const [seen, setSeen] = useState<{ view: string; ids: string[] }>();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [assignTo, setAssignTo] = useState('');
  const [message, setMessage] = useState('');
  const [busyError, setBusyError] = useState<unknown>();
  const [asking, setAsking] = useState<{ ids: string[]; to: string }>();
  const { pending, hold, undo, now } = usePendingChange();
  const agencies = useAgencyNames();
  const title = useRuleTitle();
  const [exporting, setExporting] = useState(false);
  const query = qs({
    state: f.state,
    severity: f.severity,
    agencyId: f.agencyId,
    ruleId: f.ruleId.trim(),
    assignee: f.assignee.trim(),
    sort: '-lastSeen',
    limit: 200,
  });
  // Each answer carries the query it answers: rows of the previous filters never seed the new order.
  const { data, error, reload } = useData(
    async () => ({ query, page: await api<Page<Incident>>('GET', `/api/v1/incidents${query}`) }),
    [query],
    30000,
  );
  // Pushed: the queue reloads as soon as an incident is stored or changed (the 30 s poll is a fallback).
  const live = useLive(reload);
  const current = data?.query === query;
  // The order belongs to its filters: one taken under others (a listing answered, and its order about to be taken,
  // as the analyst changed a filter) never orders this view's rows.
  const view = `${query}#${f.range}`;
  const shown = seen?.view === view ? seen.ids : null;
  const listing = useMemo(() => {
    const all = current ? (data?.page.items ?? []) : [];
    const span = RANGES[f.range];
    if (!span) return all;
    const from = Date.now() - span;
    return all.filter((i) => i.lastSeen >= from);
  }, [data, current, f.range]);
  useEffect(() => {
    if (current && shown === null) setSeen({ view, ids: listing.map((i) => i.id) });
  }, [current, listing, shown, view]);
  const { rows: items, fresh } = useMemo(
    () => (shown ? mergeQueue(shown, listing) : { rows: [] as Incident[], fresh: [] as Incident[] }),
    [shown, listing],
  );
  const cursor = cursorAfter(shown ?? [], items, cursorId);
  useEffect(() => {
    if (cursor !== cursorId) setCursorId(cursor);
  }, [cursor, cursorId]);
  const cur = items.find((i) => i.id === cursor);
  const showFresh = () => setSeen({ view, ids: listing.map((i) => i.id) });

  const targets = (): Incident[] => (selected.size ? items.filter((i) => selected.has(i.id)) : cur ? [cur] : []);
  const targetAgency = (() => {
    const ts = targets();
    const a = new Set(ts.map((i) => i.agencyId));
    return a.size === 1 ? [...a][0] : f.agencyId || undefined;
  })();
  const people = useData(
    () => api<{ items: Assignee[] }>('GET', `/api/v1/assignees${qs({ agencyId: targetAgency })}`),
    [targetAgency],
  );

  const report = (r: { ok: number; failed: { id: string; message: string }[] }, skipped: number) => {
    const parts = [`${r.ok} ${t('doneCount')}`];
    if (skipped) parts.push(`${skipped} ${t('skippedState')}`);
    if (r.failed.length) parts.push(r.failed.map((x) => `${x.id}: ${x.message}`).join('; '));
    setMessage(parts.join(' · '));
  };
  const run = async (ids: string[], change: Parameters<typeof sendChange>[1], skipped: number) => {
    setBusyError(undefined);
    try {
      report(await sendChange(ids, change), skipped);
    } catch (e) {
      setBusyError(e);
    }
    reload();
  };
  /** A state change for the targets the state allows; closings are held for undo, high/critical ask why. */
  const change = (to: string, reasoned?: { ids: string[]; reason: string; category: string }) => {
    const ts = reasoned ? items.filter((i) => reasoned.ids.includes(i.id)) : targets();
    const ok = ts.filter((i) => allows(i.state, to));
    const skipped = ts.length - ok.length;
    if (ok.length === 0) {
      setMessage(ts.length ? t('notAllowed') : t('nothingSelected'));
      return;
    }
    const ids = ok.map((i) => i.id);
    if (!(CLOSING as readonly string[]).includes(to)) {
      void run(ids, { state: to }, skipped);
      setSelected(new Set());
      return;
    }
    if (!reasoned && needsReason(ok, to)) {
      setAsking({ ids, to });
      return;
    }
    setSelected(new Set());
    const note = reasoned ? { reason: reasoned.reason, category: reasoned.category } : {};
    hold({
      ids,
      to,
      label: `${to === 'false_positive' ? t('markedFp') : t('closed')} ${incidentsCount(t, ids.length, lang)}`,
      run: () => run(ids, { state: to, ...note }, skipped),
    });
  };
  const assign = (assignee: string) => {
    const ids = targets().map((i) => i.id);
    if (ids.length === 0) return setMessage(t('nothingSelected'));
    void run(ids, { assignee }, 0);
    setSelected(new Set());
  };

  // (No dependency list: the handler is re-bound each render and reads that render's values.)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (asking || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const at = items.findIndex((i) => i.id === cursor);
      if (e.key === 'j') setCursorId(items[Math.min(items.length - 1, at + 1)]?.id);
      else if (e.key === 'k') setCursorId(items[Math.max(0, at - 1)]?.id);
      else if (e.key === 'x' && cur)
        setSelected((s) => {
          const n = new Set(s);
          if (n.has(cur.id)) n.delete(cur.id);
          else n.add(cur.id);
          return n;
        });
      else if (e.key === 'a') change('acknowledged');
      else if (e.key === 'c') change('resolved');
      else if (e.key === 'm') assign(me.id);
      else if (e.key === 'u' && pending) undo();
      else if (e.key === 'n' && fresh.length) showFresh();
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
    setCursorId(undefined);
    setSelected(new Set());
  };
  const open = (id: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate(`/incidents/${encodeURIComponent(id)}`);
  };

  /** Every incident the filters match (not only the rows shown), as a file. */
  const exportAs = async (kind: 'csv' | 'json') => {
    setExporting(true);
    setBusyError(undefined);
    try {
      const span = RANGES[f.range];
      const from = span ? Date.now() - span : 0;
      const list = await fetchQueue(query, (i) => i.lastSeen >= from);
      downloadQueue(kind, list, () => queueRows(list, t, agencies.label, title), t);
      setMessage(`${list.length} ${t('exportedCount')}`);
    } catch (e) {
      setBusyError(e);
    } finally {
      setExporting(false);
    }
  };
  const canDo = (to: string) => targets().some((i) => allows(i.state, to));
  const held = new Set(pending?.ids ?? []);
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
              {agencies.list.map((a) => (
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
            {[...new Map((data?.page.items ?? []).map((i) => [i.ruleId, title(i.ruleId, i.title)]))].map(
              ([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ),
            )}
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
        <span className="muted" data-testid="selected-count">
          {selected.size} {t('selected')}
        </span>
        <button
          type="button"
          onClick={() => change('acknowledged')}
          disabled={!canDo('acknowledged')}
          data-testid="bulk-ack"
        >
          {t('acknowledge')}
        </button>
        <select
          value={assignTo}
          onChange={(e) => setAssignTo(e.target.value)}
          aria-label={t('assignTo')}
          data-testid="bulk-assignee"
        >
          <option value="">{t('assignTo')}…</option>
          {(people.data?.items ?? []).map((p) => (
            <option key={p.username} value={p.username}>
              {p.username} · {roleLabel(t, p.role)}
            </option>
          ))}
        </select>
        <button type="button" disabled={!assignTo} onClick={() => assign(assignTo)} data-testid="bulk-assign">
          {t('assign')}
        </button>
        <button type="button" onClick={() => assign(me.id)} data-testid="bulk-me">
          {t('assignMe')}
        </button>
        <button type="button" onClick={() => change('resolved')} disabled={!canDo('resolved')} data-testid="bulk-close">
          {t('close')}
        </button>
        <button
          type="button"
          onClick={() => change('false_positive')}
          disabled={!canDo('false_positive')}
          data-testid="bulk-fp"
        >
          {t('markFalsePositive')}
        </button>
        <button type="button" className="link" onClick={reload}>
          {t('refresh')}
        </button>
        <button
          type="button"
          className="link"
          onClick={() => exportAs('csv')}
          disabled={exporting}
          data-testid="queue-export-csv"
        >
          {exporting ? t('exporting') : t('exportCsv')}
        </button>
        <button
          type="button"
          className="link"
          onClick={() => exportAs('json')}
          disabled={exporting}
          data-testid="queue-export-json"
        >
          {t('exportJson')}
        </button>
        {message ? (
          <span className="ok-text" data-testid="queue-message">
            {message}
          </span>
        ) : null}
      </div>
      <UndoBar pending={pending} now={now} undo={undo} />
      {fresh.length ? (
        <button type="button" className="fresh-banner" onClick={showFresh} data-testid="fresh">
          {incidentsCount(t, fresh.length, lang, true)} — {t('showThem')} (n)
        </button>
      ) : null}
      {asking ? (
        <ReasonDialog
          to={asking.to}
          count={asking.ids.length}
          onCancel={() => setAsking(undefined)}
          onConfirm={(reason, category) => {
            const a = asking;
            setAsking(undefined);
            change(a.to, { ids: a.ids, reason, category });
          }}
        />
      ) : null}
      <p className="muted small">
        {t('keyboardHelp')} · {live ? t('livePush') : t('liveUpdates')}
      </p>
      <ErrorBox error={error ?? busyError} />
      {!current && !error ? <Loading /> : null}
      {shown && items.length === 0 ? <p className="muted">{t('noIncidents')}</p> : null}
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
            {items.map((i) => (
              <tr
                key={i.id}
                className={`${i.id === cursor ? 'cursor' : ''} ${selected.has(i.id) ? 'selected' : ''} ${held.has(i.id) ? 'held' : ''}`}
                data-id={i.id}
                onClick={() => setCursorId(i.id)}
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
                    <IncidentTitle ruleId={i.ruleId} title={i.title} host={i.host} />
                  </a>
                </td>
                <td title={i.agencyId}>
                  <EntityLink kind="agency" value={i.agencyId}>
                    {agencies.label(i.agencyId)}
                  </EntityLink>
                </td>
                <td>{i.host ? <EntityLink kind="host" value={i.host} /> : null}</td>
                <td>
                  <span className={`state state-${i.state}`}>{stateLabel(t, i.state)}</span>
                  {held.has(i.id) && pending ? <span className="muted"> → {stateLabel(t, pending.to)}</span> : null}
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
