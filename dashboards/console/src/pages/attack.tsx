/**
 * The ATT&CK matrix: tactics as columns in kill-chain order, the techniques the rules name as cells, coloured by
 * hits over the period (incidents of their rules in the caller's scope), outlined when no enabled rule covers them.
 * A province account can look at one agency; an agency account always sees its own.
 */
import { type MouseEvent, useState } from 'react';
import { useAgencyNames } from '../agency-names.js';
import { api, qs } from '../api.js';
import { fmtNumber, incidentsCount, type Key, useApp } from '../i18n.js';
import { useRuleTitle } from '../rule-titles.js';
import { ErrorBox, Loading, LogText, useData } from '../ui.js';
import '../investigate.css';

interface Cell {
  id: string;
  name: { vi: string; en: string };
  enabledRules: number;
  rules: number;
  ruleList?: { id: string; title: string; enabled: boolean }[];
  incidents: number;
  alerts: number;
  open: number;
}
interface Matrix {
  window: { from: number; days: number };
  agencyId?: string;
  techniques: number;
  covered: number;
  hit: number;
  rulesEnabled: number;
  tactics: { id: string; ta: string; name: { vi: string; en: string }; techniques: Cell[] }[];
}

const PERIODS = [7, 30, 90, 365];

/** Heat class of a cell by its incidents against the busiest technique. */
function heat(c: Cell, top: number): string {
  if (c.enabledRules === 0) return 'heat-off';
  if (c.incidents === 0) return 'heat-0';
  const r = c.incidents / Math.max(1, top);
  return r > 0.66 ? 'heat-3' : r > 0.33 ? 'heat-2' : 'heat-1';
}

export function AttackPage() {
  const { t, lang, me, navigate } = useApp();
  const [days, setDays] = useState(30);
  const [agencyId, setAgencyId] = useState('');
  const [open, setOpen] = useState<string>();
  const agencies = useAgencyNames();
  const title = useRuleTitle();
  const { data, error } = useData(
    () => api<Matrix>('GET', `/api/v1/attack-matrix${qs({ days, agencyId: me.agencyId ? undefined : agencyId })}`),
    [days, agencyId],
  );
  const top = Math.max(0, ...(data?.tactics.flatMap((x) => x.techniques.map((c) => c.incidents)) ?? []));
  const chosen = data?.tactics.flatMap((x) => x.techniques).find((c) => c.id === open);
  const go = (to: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate(to);
  };
  return (
    <div className="attack" data-testid="attack">
      <h1>{t('attackMatrix')}</h1>
      <div className="filters">
        <label>
          {t('entityWindow')}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="attack-days">
            {PERIODS.map((d) => (
              <option key={d} value={d}>
                {t(`range_${d}d` as Key)}
              </option>
            ))}
          </select>
        </label>
        {me.agencyId ? null : (
          <label>
            {t('agency')}
            <select value={agencyId} onChange={(e) => setAgencyId(e.target.value)} data-testid="attack-agency">
              <option value="">{t('all')}</option>
              {agencies.list.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <ErrorBox error={error} />
      {!data && !error ? <Loading /> : null}
      {data ? (
        <>
          <p className="facts" data-testid="attack-facts">
            <span>
              {t('attackTechniques')}: <strong>{fmtNumber(data.techniques, lang)}</strong>
            </span>
            <span>
              {t('attackCovered')}: <strong>{fmtNumber(data.covered, lang)}</strong>
            </span>
            <span>
              {t('attackHit')}: <strong>{fmtNumber(data.hit, lang)}</strong>
            </span>
            <span>
              {t('attackRulesOn')}: <strong>{fmtNumber(data.rulesEnabled, lang)}</strong>
            </span>
            <span>{data.agencyId ? agencies.label(data.agencyId) : t('attackAllAgencies')}</span>
          </p>
          <p className="muted small legend">
            <span className="cell-sample heat-3" /> {t('attackLegendMany')} <span className="cell-sample heat-1" />{' '}
            {t('attackLegendFew')} <span className="cell-sample heat-0" /> {t('attackLegendNone')}{' '}
            <span className="cell-sample heat-off" /> {t('attackLegendOff')}
          </p>
          <div className="matrix" data-testid="matrix">
            {data.tactics.map((tac) => (
              <section key={tac.id} className="tactic" data-tactic={tac.id}>
                <h3 title={`${tac.ta} ${tac.name.en}`}>
                  {tac.name[lang]}
                  <span className="muted small"> · {tac.techniques.length}</span>
                </h3>
                {tac.techniques.map((c) => (
                  <button
                    type="button"
                    key={c.id}
                    className={`technique ${heat(c, top)} ${open === c.id ? 'chosen' : ''}`}
                    onClick={() => setOpen(open === c.id ? undefined : c.id)}
                    data-technique={c.id}
                    title={`${c.id} ${c.name.en}`}
                  >
                    <span className="tid">{c.id}</span>
                    <span className="tname">{c.name[lang]}</span>
                    <span className="tcount">{c.incidents ? incidentsCount(t, c.incidents, lang) : '—'}</span>
                  </button>
                ))}
              </section>
            ))}
          </div>
          {chosen ? (
            <div className="panel" data-testid="technique-detail">
              <h3>
                {chosen.id} {chosen.name[lang]}
              </h3>
              <p>
                {incidentsCount(t, chosen.incidents, lang)} · {fmtNumber(chosen.open, lang)} {t('entityOpen')} ·{' '}
                {fmtNumber(chosen.alerts, lang)} {t('alerts').toLowerCase()} · {fmtNumber(chosen.enabledRules, lang)}/
                {fmtNumber(chosen.rules, lang)} {t('attackRulesOnOf')}
              </p>
              {chosen.ruleList ? (
                <ul>
                  {chosen.ruleList.map((r) => (
                    <li key={r.id}>
                      <a
                        href={`/rules?q=${encodeURIComponent(r.id)}`}
                        onClick={go(`/rules?q=${encodeURIComponent(r.id)}`)}
                      >
                        <LogText text={title(r.id, r.title)} />
                      </a>
                      {r.enabled ? null : <span className="muted"> ({t('attackRuleOff')})</span>}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
