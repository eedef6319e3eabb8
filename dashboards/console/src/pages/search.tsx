/** Event search: query language box, time picker, histogram, field sidebar with top values, pivot on a value. */
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { api, type Bucket, type EventDoc, type Page, qs } from '../api.js';
import { download } from '../download.js';
import { EntityLink, FIELD_ENTITY } from '../entity-link.js';
import { toCsv } from '../export.js';
import { fmtDate, fmtDateTime, fmtNumber, fmtTime, parseDateTime, useApp } from '../i18n.js';
import { termFor } from '../query.js';
import { RecordValue } from '../record-value.js';
import { DateTimeInput, ErrorBox, fillBuckets, Loading, LogText, Panel, TimeBars, useData } from '../ui.js';
import { SavedSearches } from './saved-searches.js';

const PRESETS: Record<string, { ms: number; interval: number }> = {
  '1h': { ms: 3_600_000, interval: 1 },
  '24h': { ms: 86_400_000, interval: 30 },
  '7d': { ms: 7 * 86_400_000, interval: 360 },
  '30d': { ms: 30 * 86_400_000, interval: 1440 },
  '365d': { ms: 365 * 86_400_000, interval: 10080 },
};

/** A typed date (d/M/yyyy HH:mm, Hà Nội time) as ISO UTC. */
function localToIso(v: string): string | undefined {
  const ms = parseDateTime(v);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Entity fields, shown first in the field list and used for rows without a message. */
const ENTITY = [
  'source.ip',
  'source.port',
  'destination.ip',
  'destination.port',
  'user.name',
  'host.name',
  'host.ip',
  'url.original',
  'process.name',
  'process.command_line',
  'file.hash.sha256',
  'agency.id',
];
const ENVELOPE = /^(@timestamp|message|event\.|log\.|logsource\.|agency\.|observer\.)/;
const DEFAULT_COLUMNS = ['host.name', 'source.ip', 'user.name'];

function storedColumns(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem('canhgac.columns') ?? 'null') as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : DEFAULT_COLUMNS;
  } catch {
    return DEFAULT_COLUMNS;
  }
}

/** A one-line reading of an event: its message, else its entity and action fields as key=value. */
export function readable(e: EventDoc): string {
  if (typeof e.message === 'string' && e.message) return e.message;
  const keys = [...ENTITY, 'event.action', 'event.outcome', 'EventID', 'cs-method', 'cs-uri', 'sc-status'];
  const parts = keys.filter((k) => e[k] !== undefined && e[k] !== '').map((k) => `${k}=${text(e[k])}`);
  if (parts.length) return parts.join(' ');
  return Object.entries(e)
    .filter(([k]) => !ENVELOPE.test(k))
    .slice(0, 6)
    .map(([k, v]) => `${k}=${text(v)}`)
    .join(' ');
}

export function SearchPage() {
  const { t, lang, navigate } = useApp();
  const params = new URLSearchParams(location.search);
  const q = params.get('q') ?? '';
  const incident = params.get('incident') ?? undefined;
  const range = params.get('range') ?? (params.get('from') ? 'custom' : '24h');
  const fromLocal = params.get('from') ?? '';
  const toLocal = params.get('to') ?? '';
  const [box, setBox] = useState(q);
  const [rangeBox, setRangeBox] = useState(range);
  const [fromBox, setFromBox] = useState(fromLocal);
  const [toBox, setToBox] = useState(toLocal);
  const [field, setField] = useState<string>();
  const [extra, setExtra] = useState<EventDoc[]>([]);
  const [next, setNext] = useState<string>();
  const [columns, setColumns] = useState<string[]>(storedColumns);
  const chooseColumns = (c: string[]) => {
    setColumns(c);
    try {
      localStorage.setItem('canhgac.columns', JSON.stringify(c));
    } catch {
      // Private mode: the choice lasts for the page only.
    }
  };
  useEffect(() => {
    setBox(q);
    setRangeBox(range);
  }, [q, range]);

  const window_ = useMemo(() => {
    const now = Date.now();
    if (range === 'custom') {
      const from = localToIso(fromLocal);
      const to = localToIso(toLocal);
      const span = (to ? Date.parse(to) : now) - (from ? Date.parse(from) : now - 86_400_000);
      const interval = Math.max(1, Math.ceil(span / 60_000 / 60));
      return { from, to, interval };
    }
    const p = PRESETS[range] ?? PRESETS['24h']!;
    return { from: new Date(now - p.ms).toISOString(), to: undefined, interval: p.interval };
  }, [range, fromLocal, toLocal]);

  const events = useData(async () => {
    const page = await api<Page<EventDoc>>(
      'GET',
      `/api/v1/events${qs({ q, incidentId: incident, from: window_.from, to: window_.to, limit: 50 })}`,
    );
    setExtra([]);
    setNext(page.next);
    return page;
  }, [q, incident, window_]);
  const histogram = useData(
    () =>
      api<{ buckets: Bucket[] }>(
        'GET',
        `/api/v1/aggregations${qs({ kind: 'date_histogram', q, incidentId: incident, from: window_.from, to: window_.to, intervalMinutes: window_.interval })}`,
      ),
    [q, incident, window_],
  );
  // The total is the histogram's sum (same query and period): one pass over the events instead of two.
  const total = {
    data: histogram.data ? { count: histogram.data.buckets.reduce((n, b) => n + b.count, 0) } : undefined,
    error: histogram.error,
  };
  const top = useData(
    () =>
      field
        ? api<{ buckets: Bucket[] }>(
            'GET',
            `/api/v1/aggregations${qs({ kind: 'terms', field, q, incidentId: incident, from: window_.from, to: window_.to, size: 10 })}`,
          )
        : Promise.resolve(undefined),
    [field, q, incident, window_],
  );

  const go = (nq: string, nr = rangeBox, f = fromBox, to = toBox, inc = incident) => {
    navigate(
      `/search${qs(nr === 'custom' ? { q: nq, range: nr, from: f, to, incident: inc } : { q: nq, range: nr, incident: inc })}`,
    );
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go(box);
  };
  const pivot = (value: string) => {
    const term = termFor(field!, value);
    go(q.trim() && q.trim() !== '*' ? `(${q}) AND ${term}` : term);
  };
  const more = async () => {
    if (!next) return;
    const page = await api<Page<EventDoc>>(
      'GET',
      `/api/v1/events${qs({ q, incidentId: incident, from: window_.from, to: window_.to, limit: 50, cursor: next })}`,
    );
    setExtra((x) => [...x, ...page.items]);
    setNext(page.next);
  };
  // After an error the previous results are not shown: they would answer another question.
  const failed = events.error !== undefined;
  const all = failed ? [] : [...(events.data?.items ?? []), ...extra];
  const seen = new Map<string, number>();
  for (const e of all) for (const k of Object.keys(e)) seen.set(k, (seen.get(k) ?? 0) + 1);
  const groups = [
    { key: 'entityFields' as const, names: ENTITY.filter((n) => seen.has(n)) },
    {
      key: 'eventFields' as const,
      names: [...seen.keys()].filter((n) => !ENTITY.includes(n) && ENVELOPE.test(n)).sort(),
    },
    {
      key: 'otherFields' as const,
      names: [...seen.keys()].filter((n) => !ENTITY.includes(n) && !ENVELOPE.test(n)).sort(),
    },
  ];
  const exportAs = (kind: 'csv' | 'json') => {
    const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
    if (kind === 'json')
      download(`canhgac-events-${stamp}.json`, 'application/json', `${JSON.stringify(all, null, 1)}\n`);
    else
      download(
        `canhgac-events-${stamp}.csv`,
        'text/csv;charset=utf-8',
        // ('@timestamp' as a header would read as a formula in a spreadsheet, and be neutralised with a quote.)
        toCsv(all, ['@timestamp', ...columns, 'message', 'event.id'], ['timestamp', ...columns, 'message', 'event.id']),
      );
  };
  const spanDays = window_.interval >= 1440;
  return (
    <div className="search">
      <h1>{t('search')}</h1>
      <form onSubmit={submit} className="searchbar">
        <input
          className="query"
          value={box}
          onChange={(e) => setBox(e.target.value)}
          placeholder={t('queryPlaceholder')}
          aria-label={t('query')}
          data-testid="query"
        />
        <select
          value={rangeBox}
          onChange={(e) => {
            setRangeBox(e.target.value);
            if (e.target.value !== 'custom') go(box, e.target.value);
          }}
          aria-label={t('time')}
          data-testid="range"
        >
          {Object.keys(PRESETS).map((p) => (
            <option key={p} value={p}>
              {t(`range_${p}` as 'range_1h')}
            </option>
          ))}
          <option value="custom">{t('custom')}</option>
        </select>
        {rangeBox === 'custom' ? (
          <>
            <DateTimeInput value={fromBox} onChange={setFromBox} label={t('from')} testId="from" />
            <DateTimeInput value={toBox} onChange={setToBox} label={t('to')} testId="to" />
          </>
        ) : null}
        <button type="submit" data-testid="run">
          {t('run')}
        </button>
      </form>
      <SavedSearches current={{ q, range, columns }} onColumns={chooseColumns} />
      {incident ? (
        <p className="chip" data-testid="incident-filter">
          {t('eventsOfIncident')} {incident}{' '}
          <button type="button" className="link" onClick={() => go(q, rangeBox, fromBox, toBox, '')}>
            ✕ {t('remove')}
          </button>
        </p>
      ) : null}
      <ErrorBox error={events.error ?? total.error ?? histogram.error} />
      <Panel title={t('histogram')}>
        {histogram.data ? (
          <TimeBars
            label={t('histogram')}
            buckets={fillBuckets(
              histogram.data.buckets,
              window_.from ? Date.parse(window_.from) : Date.now() - 86_400_000,
              window_.to ? Date.parse(window_.to) : Date.now(),
              window_.interval * 60_000,
            )}
            series={[{ name: t('events'), cls: 'series-0' }]}
            tickLabel={(ms) => (spanDays ? fmtDate(ms) : fmtTime(ms))}
          />
        ) : (
          <Loading />
        )}
      </Panel>
      <div className="search-body">
        <aside className="fields panel">
          <h2>{t('fields')}</h2>
          <p className="muted small">{t('pivotHint')}</p>
          {groups.map((g) =>
            g.names.length ? (
              <div key={g.key} data-testid={`fields-${g.key}`}>
                <h3>{t(g.key)}</h3>
                <ul>
                  {g.names.map((n) => (
                    <li key={n}>
                      <button
                        type="button"
                        className={`link ${n === field ? 'active' : ''}`}
                        onClick={() => setField(n === field ? undefined : n)}
                        data-field={n}
                      >
                        {n}
                      </button>{' '}
                      <span className="muted small" title={t('fieldCountHint')}>
                        {seen.get(n)}
                      </span>{' '}
                      <button
                        type="button"
                        className={`link small ${columns.includes(n) ? 'active' : ''}`}
                        onClick={() =>
                          chooseColumns(columns.includes(n) ? columns.filter((c) => c !== n) : [...columns, n])
                        }
                        aria-label={`${t('column')} ${n}`}
                        data-column={n}
                      >
                        {columns.includes(n) ? '−' : '+'}
                        {t('column')}
                      </button>
                      {n === field ? (
                        <ul className="top-values" data-testid="top-values">
                          {top.data?.buckets.map((b) => (
                            <li key={String(b.key)}>
                              <button type="button" className="link" onClick={() => pivot(String(b.key))}>
                                {String(b.key)}
                              </button>{' '}
                              <span className="muted">{b.count}</span>
                            </li>
                          ))}
                        </ul>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null,
          )}
        </aside>
        <section className="results">
          <div className="result-bar">
            <strong data-testid="hit-count">
              {failed ? '—' : total.data ? fmtNumber(total.data.count, lang) : '…'} {t('eventsWord')}
            </strong>
            <span className="muted small">
              {' '}
              · {t('shown')} {fmtNumber(all.length, lang)}
            </span>
            <button
              type="button"
              className="link"
              onClick={() => exportAs('csv')}
              disabled={!all.length}
              data-testid="export-csv"
            >
              CSV
            </button>
            <button
              type="button"
              className="link"
              onClick={() => exportAs('json')}
              disabled={!all.length}
              data-testid="export-json"
            >
              JSON
            </button>
          </div>
          {events.data && !failed && all.length === 0 ? <p className="muted">{t('noEvents')}</p> : null}
          <table className="grid events" data-testid="results">
            <thead>
              <tr>
                <th>{t('time')}</th>
                {columns.map((c) => (
                  <th key={c}>{c}</th>
                ))}
                <th>{t('event')}</th>
              </tr>
            </thead>
            <tbody>
              {all.map((e) => (
                <tr key={text(e['event.id'])}>
                  <td className="nowrap">{fmtDateTime(Date.parse(text(e['@timestamp'])))}</td>
                  {columns.map((c) => (
                    <td key={c} className="nowrap">
                      {e[c] === undefined ? (
                        ''
                      ) : FIELD_ENTITY[c] && typeof e[c] === 'string' ? (
                        <EntityLink kind={FIELD_ENTITY[c]} value={e[c]} />
                      ) : (
                        <LogText text={text(e[c])} />
                      )}
                    </td>
                  ))}
                  <td className="msg">
                    <LogText text={readable(e)} />
                    <details>
                      <summary className="muted small">{t('fullRecord')}</summary>
                      <table className="kv">
                        <tbody>
                          {Object.entries(e).map(([k, v]) => (
                            <tr key={k}>
                              <th>{k}</th>
                              <td>
                                <RecordValue k={k} v={v} />
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {next ? (
            <button type="button" onClick={more}>
              {t('more')}
            </button>
          ) : null}
        </section>
      </div>
    </div>
  );
}
