/** Suppressions: an agency's alerts (a rule, a host, or all) kept but raising no incident until they expire. */
import { type FormEvent, useState } from 'react';
import { api, type Page, qs, type RuleException } from '../../api.js';
import { fmtDateTime, parseDateTime, useApp } from '../../i18n.js';
import { DateTimeInput, ErrorBox, LogText, Panel, useData } from '../../ui.js';
import { actorName, RecentChanges, useAgencyChoice } from './admin.js';

export function SuppressionsTab() {
  const { t, me } = useApp();
  const [tick, setTick] = useState(0);
  const [expired, setExpired] = useState(false);
  const list = useData(
    () => api<Page<RuleException>>('GET', `/api/v1/suppressions${qs({ expired: expired || undefined })}`),
    [tick, expired],
  );
  const [error, setError] = useState<unknown>();
  const agencies = useAgencyChoice();
  const act = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
    } catch (e) {
      setError(e);
    }
    setTick((n) => n + 1);
  };
  const now = Date.now();
  const items = list.data?.items ?? [];
  return (
    <>
      <ErrorBox error={list.error ?? error} />
      <Panel title={t('newSuppression')}>
        <p className="help">{t('suppressionHelp')}</p>
        <NewSuppression
          agencies={agencies.list}
          fixedAgency={me.agencyId}
          onCreate={(b) => act(() => api('POST', '/api/v1/suppressions', b))}
        />
      </Panel>
      <Panel title={t('adminSuppressions')}>
        <label className="small">
          <input type="checkbox" checked={expired} onChange={(e) => setExpired(e.target.checked)} /> {t('showExpired')}
        </label>
        {list.data && items.length === 0 ? <p className="muted">{t('noSuppressions')}</p> : null}
        <table className="grid" data-testid="suppressions">
          <thead>
            <tr>
              <th>{t('agency')}</th>
              <th>{t('rule')}</th>
              <th>{t('host')}</th>
              <th>{t('reasonLabel')}</th>
              <th>{t('expires')}</th>
              <th>{t('createdBy')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id} data-suppression={s.id}>
                <td>{agencies.label(s.agencyId)}</td>
                <td>{s.ruleId ?? <span className="muted">{t('anyRule')}</span>}</td>
                <td>{s.host ? <LogText text={s.host} /> : <span className="muted">{t('anyHost')}</span>}</td>
                <td>
                  <LogText text={s.reason} />
                </td>
                <td className="nowrap">
                  {s.expiresAt <= now ? <span className="state-off">{t('expired')} · </span> : null}
                  {fmtDateTime(s.expiresAt)}
                </td>
                <td>
                  {actorName(t, s.createdBy)} <span className="muted small">· {fmtDateTime(s.createdAt)}</span>
                </td>
                <td className="actions-cell">
                  <button
                    type="button"
                    data-testid="remove-suppression"
                    onClick={() =>
                      confirm(t('confirmRemove')) &&
                      act(() => api('DELETE', `/api/v1/suppressions/${encodeURIComponent(s.id)}`))
                    }
                  >
                    {t('remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      <RecentChanges collections={['suppressions']} reloadKey={tick} />
    </>
  );
}

/** d/M/yyyy HH:mm seven days from now (the form's suggested end). */
function inAWeek(): string {
  const d = new Date(Date.now() + 7 * 86_400_000);
  const p = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    day: 'numeric',
    month: 'numeric',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(d);
  const g = (k: string) => p.find((x) => x.type === k)?.value ?? '';
  return `${g('day')}/${g('month')}/${g('year')} ${g('hour')}:${g('minute')}`;
}

function NewSuppression({
  agencies,
  fixedAgency,
  onCreate,
}: {
  agencies: { id: string; name: string }[];
  fixedAgency: string | undefined;
  onCreate: (b: Record<string, unknown>) => Promise<void>;
}) {
  const { t } = useApp();
  const [agencyId, setAgencyId] = useState('');
  const [ruleId, setRuleId] = useState('');
  const [host, setHost] = useState('');
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState(inAWeek());
  const end = parseDateTime(until);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (end === undefined) return;
    await onCreate({
      ...(fixedAgency ? {} : { agencyId }),
      ...(ruleId.trim() ? { ruleId: ruleId.trim() } : {}),
      ...(host.trim() ? { host: host.trim() } : {}),
      reason: reason.trim(),
      expiresAt: new Date(end).toISOString(),
    });
    setReason('');
    setHost('');
    setRuleId('');
  };
  return (
    <form className="admin-form" onSubmit={submit} data-testid="new-suppression">
      {fixedAgency ? null : (
        <label>
          {t('agency')}
          <select value={agencyId} onChange={(e) => setAgencyId(e.target.value)} data-testid="supp-agency">
            <option value="">{t('chooseAgency')}</option>
            {agencies.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t('ruleIdLabel')}
        <input name="supp-rule" value={ruleId} onChange={(e) => setRuleId(e.target.value)} />
      </label>
      <label>
        {t('hostLabel')}
        <input name="supp-host" value={host} onChange={(e) => setHost(e.target.value)} />
      </label>
      <label className="wide">
        {t('reasonLabel')}
        <input name="supp-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <div className="field">
        <span>{t('expiresLabel')}</span>
        <DateTimeInput value={until} onChange={setUntil} label={t('expiresLabel')} testId="supp-until" />
      </div>
      <button type="submit" disabled={reason.trim().length < 3 || end === undefined || (!fixedAgency && !agencyId)}>
        {t('create')}
      </button>
    </form>
  );
}
