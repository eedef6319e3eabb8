/** Event search: query language box, time picker, histogram, field sidebar with top values, pivot on a value. */
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { api, type Bucket, type EventDoc, type Page, qs } from '../api.js';
import { fmtDate, fmtDateTime, fmtTime, parseDateTime, useApp } from '../i18n.js';
import { termFor } from '../query.js';
import { DateTimeInput, ErrorBox, fillBuckets, Loading, LogText, Panel, TimeBars, useData } from '../ui.js';

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

export function SearchPage() {
  const { t, navigate } = useApp();
  const params = new URLSearchParams(location.search);
  const q = params.get('q') ?? '';
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
      `/api/v1/events${qs({ q, from: window_.from, to: window_.to, limit: 50 })}`,
    );
    setExtra([]);
    setNext(page.next);
    return page;
  }, [q, window_]);
  const histogram = useData(
    () =>
      api<{ buckets: Bucket[] }>(
        'GET',
        `/api/v1/aggregations${qs({ kind: 'date_histogram', q, from: window_.from, to: window_.to, intervalMinutes: window_.interval })}`,
      ),
    [q, window_],
  );
  const top = useData(
    () =>
      field
        ? api<{ buckets: Bucket[] }>(
            'GET',
            `/api/v1/aggregations${qs({ kind: 'terms', field, q, from: window_.from, to: window_.to, size: 10 })}`,
          )
        : Promise.resolve(undefined),
    [field, q, window_],
  );

  const go = (nq: string, nr = rangeBox, f = fromBox, to = toBox) => {
    navigate(`/search${qs(nr === 'custom' ? { q: nq, range: nr, from: f, to } : { q: nq, range: nr })}`);
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
      `/api/v1/events${qs({ q, from: window_.from, to: window_.to, limit: 50, cursor: next })}`,
    );
    setExtra((x) => [...x, ...page.items]);
    setNext(page.next);
  };
  const all = [...(events.data?.items ?? []), ...extra];
  const fieldNames = [...new Set(all.flatMap((e) => Object.keys(e)))].sort();
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
              {p}
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
      <ErrorBox error={events.error ?? histogram.error} />
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
          <ul>
            {fieldNames.map((n) => (
              <li key={n}>
                <button
                  type="button"
                  className={`link ${n === field ? 'active' : ''}`}
                  onClick={() => setField(n === field ? undefined : n)}
                  data-field={n}
                >
                  {n}
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
        </aside>
        <section className="results">
          {events.data && all.length === 0 ? <p className="muted">{t('noEvents')}</p> : null}
          <table className="grid events" data-testid="results">
            <tbody>
              {all.map((e) => (
                <tr key={text(e['event.id'])}>
                  <td className="nowrap">{fmtDateTime(Date.parse(text(e['@timestamp'])))}</td>
                  <td className="nowrap">
                    <LogText text={e['host.name']} />
                  </td>
                  <td className="msg">
                    <LogText text={e.message} />
                    <details>
                      <summary className="muted small">{text(e['event.id'])}</summary>
                      <table className="kv">
                        <tbody>
                          {Object.entries(e).map(([k, v]) => (
                            <tr key={k}>
                              <th>{k}</th>
                              <td>
                                <LogText text={v} />
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
