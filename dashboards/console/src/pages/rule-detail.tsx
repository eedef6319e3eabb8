/**
 * One rule: what it means (description, false positives, references, response guide, ATT&CK, log source, the
 * fields it compares), its exceptions per agency, and for admins and analysts the test and retro-hunt tools.
 * RuleAbout is shown on the rule's incidents too.
 */
import { type FormEvent, useState } from 'react';
import { type Agency, api, type Page, type Rule, type RuleException } from '../api.js';
import { guideFor } from '../guides.js';
import { fmtDateTime, sevLabel, term, useApp } from '../i18n.js';
import { useRuleWords } from '../rule-titles.js';
import { attackLinks } from '../rulefields.js';
import { ErrorBox, Panel, useData } from '../ui.js';

/** The rule's meaning and response guide (every role that reads its incidents sees this). */
export function RuleAbout({ rule }: { rule: Rule }) {
  const { t, lang } = useApp();
  const guide = guideFor(rule, lang);
  // The shipped rules' Vietnamese words (rules/vi.yml) in the Vietnamese console.
  const words = useRuleWords();
  const vi = lang === 'vi' ? words.get(rule.id) : undefined;
  const description = vi?.description ?? rule.description;
  const falsepositives = vi?.falsepositives ?? rule.falsepositives;
  const ls = rule.logsource ? [rule.logsource.product, rule.logsource.category, rule.logsource.service] : [];
  return (
    <div className="rule-about" data-testid="rule-about">
      {description ? <p data-testid="rule-description">{description}</p> : null}
      <dl className="kvlist">
        <dt>{t('severity')}</dt>
        <dd>{rule.level ? sevLabel(t, rule.level) : <span className="muted">{t('notSet')}</span>}</dd>
        <dt>{t('ruleSource')}</dt>
        <dd>
          {rule.package ? t('pkgSigmahq') : term(t, `src_${rule.source}`)}
          {rule.file ? <span className="muted"> · {rule.file}</span> : null}
        </dd>
        <dt>{t('logSource')}</dt>
        <dd>{ls.filter(Boolean).join(' / ') || <span className="muted">{t('notSet')}</span>}</dd>
        <dt>ATT&amp;CK</dt>
        <dd>
          {rule.tags.some((x) => x.startsWith('attack.')) ? null : <span className="muted">{t('noAttackTags')}</span>}
          {attackLinks(rule.tags.filter((x) => x.startsWith('attack.'))).map((l) =>
            l.href ? (
              <a key={l.label} className="tag" href={l.href} target="_blank" rel="noopener noreferrer">
                {l.label}
              </a>
            ) : (
              <span key={l.label} className="tag">
                {term(t, `tac_${l.label.replace(/_/g, '-')}`)}
              </span>
            ),
          )}
        </dd>
        <dt>{t('ruleId')}</dt>
        <dd className="mono small">{rule.id}</dd>
      </dl>
      <h3>{t('responseGuide')}</h3>
      {guide.length ? (
        <ol data-testid="response-guide">
          {guide.map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ol>
      ) : (
        <p className="muted">{t('noGuide')}</p>
      )}
      <h3>{t('falsePositives')}</h3>
      {falsepositives.length ? (
        <ul data-testid="rule-fps">
          {falsepositives.map((x) => (
            <li key={x}>{x}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('noFalsePositives')}</p>
      )}
      {rule.references.length ? (
        <>
          <h3>{t('references')}</h3>
          <ul>
            {rule.references.map((r) => (
              <li key={r}>
                {/^https?:\/\//.test(r) ? (
                  <a href={r} target="_blank" rel="noopener noreferrer">
                    {r}
                  </a>
                ) : (
                  r
                )}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {Object.keys(rule.fields).length ? (
        <p className="muted small">
          {t('comparedFields')}: {Object.keys(rule.fields).join(', ')}
        </p>
      ) : null}
    </div>
  );
}

/** Exceptions of a rule per agency (and host): alerts they cover raise no incident. */
export function RuleExceptions({ rule }: { rule: Rule }) {
  const { t, me } = useApp();
  const list = useData(
    () => api<{ items: RuleException[] }>('GET', `/api/v1/rules/${encodeURIComponent(rule.id)}/exceptions`),
    [rule.id],
  );
  const agencies = useData(() => api<Page<Agency>>('GET', '/api/v1/agencies?limit=1000'), []);
  const [agencyId, setAgencyId] = useState(me.agencyId ?? '');
  const [host, setHost] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const names = new Map((agencies.data?.items ?? []).map((a) => [a.id, a.name]));
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api('POST', `/api/v1/rules/${encodeURIComponent(rule.id)}/exceptions`, {
        agencyId,
        ...(host.trim() ? { host: host.trim() } : {}),
        reason: reason.trim(),
      });
      setHost('');
      setReason('');
    } catch (err) {
      setError(err);
    }
    list.reload();
  };
  const remove = async (x: RuleException) => {
    setError(undefined);
    try {
      await api('DELETE', `/api/v1/rules/${encodeURIComponent(rule.id)}/exceptions/${encodeURIComponent(x.id)}`);
    } catch (err) {
      setError(err);
    }
    list.reload();
  };
  return (
    <Panel title={t('exceptions')}>
      <p className="muted small">{t('exceptionsHelp')}</p>
      <table className="grid small" data-testid="exceptions">
        <tbody>
          {(list.data?.items ?? []).map((x) => (
            <tr key={x.id} data-exception={x.id}>
              <td>{names.get(x.agencyId) ?? x.agencyId}</td>
              <td>{x.host ?? t('allHosts')}</td>
              <td>{x.reason}</td>
              <td className="muted">
                {x.createdBy} · {fmtDateTime(x.createdAt)}
              </td>
              <td>
                <button type="button" className="link" onClick={() => remove(x)}>
                  {t('remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="filters" onSubmit={add} data-testid="exception-form">
        <label>
          {t('agency')}
          <select value={agencyId} onChange={(e) => setAgencyId(e.target.value)} data-testid="exc-agency">
            <option value="">—</option>
            {(agencies.data?.items ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('host')}
          <input
            value={host}
            onChange={(e) => setHost(e.target.value)}
            placeholder={t('allHosts')}
            data-testid="exc-host"
          />
        </label>
        <label>
          {t('reason')}
          <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid="exc-reason" />
        </label>
        <button type="submit" disabled={!agencyId || !reason.trim()} data-testid="exc-add">
          {t('addException')}
        </button>
      </form>
      <ErrorBox error={error ?? list.error} />
    </Panel>
  );
}
