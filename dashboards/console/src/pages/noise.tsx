/**
 * The noise report: per rule and agency, how analysts judged its incidents and what they cost, noisiest (most
 * minutes spent on benign and false-positive incidents) first. GET /api/v1/noise; links to the rule's page.
 */
import { type MouseEvent, useState } from 'react';
import { useAgencyNames } from '../agency-names.js';
import { api } from '../api.js';
import { fmtNumber, useApp } from '../i18n.js';
import { categoryLabel, tuningWords } from '../tuning-words.js';
import { ErrorBox, Loading, LogText, Panel, useData } from '../ui.js';

interface Counts {
  incidents: number;
  alerts: number;
  judged: number;
  truePositives: number;
  benign: number;
  falsePositives: number;
  falsePositiveRatio: number;
  minutes: number;
  wastedMinutes: number;
}

interface Row extends Counts {
  ruleId: string;
  title: string;
  agencyId: string;
  categories: Array<{ category: string; count: number }>;
}

interface Report {
  from: number;
  to: number;
  rows: Row[];
  totals: Counts;
  truncated: boolean;
}

const DAYS = [7, 30, 90] as const;

function pct(x: number, lang: string): string {
  return `${(x * 100).toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 0 })} %`;
}

/** The noise page. */
export function NoisePage() {
  const { lang, navigate } = useApp();
  const w = tuningWords(lang);
  const agencies = useAgencyNames();
  const [days, setDays] = useState<number>(30);
  const { data, error } = useData(
    () => api<Report>('GET', `/api/v1/noise?from=${new Date(Date.now() - days * 86_400_000).toISOString()}&limit=200`),
    [days],
  );
  const open = (ruleId: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate(`/rules?q=${encodeURIComponent(ruleId)}`);
  };
  return (
    <div className="noise" data-testid="noise">
      <h1>{w.noise}</h1>
      <p className="muted">{w.noiseHelp}</p>
      <div className="filters">
        {w.period}:{' '}
        {DAYS.map((d) => (
          <button
            key={d}
            type="button"
            className={d === days ? 'active' : undefined}
            aria-pressed={d === days}
            onClick={() => setDays(d)}
          >
            {w[`days${d}` as 'days7']}
          </button>
        ))}
      </div>
      <ErrorBox error={error} />
      {!data ? (
        error ? null : (
          <Loading />
        )
      ) : data.rows.length === 0 ? (
        <p className="muted">{w.empty}</p>
      ) : (
        <Panel title={`${fmtNumber(data.totals.incidents, lang)} ${w.incidents.toLowerCase()}`}>
          <table className="grid" data-testid="noise-table">
            <thead>
              <tr>
                <th>{w.rule}</th>
                <th>{w.agency}</th>
                <th className="num">{w.incidents}</th>
                <th className="num">{w.judged}</th>
                <th className="num">{w.tp}</th>
                <th className="num">{w.benign}</th>
                <th className="num">{w.fp}</th>
                <th className="num">{w.fpRatio}</th>
                <th className="num">{w.analystMinutes}</th>
                <th className="num">{w.wasted}</th>
                <th>{w.topCategories}</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((r) => (
                <tr key={`${r.ruleId} ${r.agencyId}`}>
                  <td>
                    <a href={`/rules?q=${encodeURIComponent(r.ruleId)}`} onClick={open(r.ruleId)}>
                      <LogText text={r.title} />
                    </a>
                  </td>
                  <td title={r.agencyId}>{agencies.label(r.agencyId)}</td>
                  <td className="num">{fmtNumber(r.incidents, lang)}</td>
                  <td className="num">{fmtNumber(r.judged, lang)}</td>
                  <td className="num">{fmtNumber(r.truePositives, lang)}</td>
                  <td className="num">{fmtNumber(r.benign, lang)}</td>
                  <td className="num">{fmtNumber(r.falsePositives, lang)}</td>
                  <td className={`num ${r.falsePositiveRatio >= 0.5 ? 'warn' : ''}`}>
                    {r.judged ? pct(r.falsePositiveRatio, lang) : '—'}
                  </td>
                  <td className="num">{fmtNumber(Math.round(r.minutes), lang)}</td>
                  <td className="num">{fmtNumber(Math.round(r.wastedMinutes), lang)}</td>
                  <td>
                    {r.categories
                      .slice(0, 3)
                      .map((c) => `${categoryLabel(lang, c.category)} (${c.count})`)
                      .join(', ') || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th colSpan={2}>{w.total}</th>
                <th className="num">{fmtNumber(data.totals.incidents, lang)}</th>
                <th className="num">{fmtNumber(data.totals.judged, lang)}</th>
                <th className="num">{fmtNumber(data.totals.truePositives, lang)}</th>
                <th className="num">{fmtNumber(data.totals.benign, lang)}</th>
                <th className="num">{fmtNumber(data.totals.falsePositives, lang)}</th>
                <th className="num">{data.totals.judged ? pct(data.totals.falsePositiveRatio, lang) : '—'}</th>
                <th className="num">{fmtNumber(Math.round(data.totals.minutes), lang)}</th>
                <th className="num">{fmtNumber(Math.round(data.totals.wastedMinutes), lang)}</th>
                <th />
              </tr>
            </tfoot>
          </table>
        </Panel>
      )}
    </div>
  );
}
