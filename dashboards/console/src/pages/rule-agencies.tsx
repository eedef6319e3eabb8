/**
 * The per-agency switches of a rule from the installed SigmaHQ package (GET/PATCH /api/v1/agency-rules): one row
 * per agency the caller may see, its state, and a button that switches the rule off (or back on) for that agency
 * only. Agencies keep their own choice; the province-wide switch stays on the rules list.
 */
import { useState } from 'react';
import { type Agency, api, type Page, type Rule } from '../api.js';
import { useApp } from '../i18n.js';
import { ErrorBox, Panel, useData } from '../ui.js';

interface AgencyRulesPage {
  items: { id: string; disabledFor?: string[]; agencyEnabled: boolean }[];
}

/** Rows of agencies with the rule on or off for each. */
export function RuleAgencySwitches({ rule }: { rule: Rule }) {
  const { t, me } = useApp();
  const agencies = useData(() => api<Page<Agency>>('GET', '/api/v1/agencies?limit=1000'), []);
  // A province caller: which agencies switched it off; an agency-bound one: its own state.
  const state = useData(
    () => api<AgencyRulesPage>('GET', `/api/v1/agency-rules?q=${encodeURIComponent(rule.id)}&limit=5`),
    [rule.id],
  );
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState('');
  const row = state.data?.items.find((r) => r.id === rule.id);
  const offFor = (agencyId: string) =>
    me.agencyId ? row?.agencyEnabled === false : (row?.disabledFor ?? []).includes(agencyId);
  const flip = async (agencyId: string, enabled: boolean) => {
    setError(undefined);
    setBusy(agencyId);
    try {
      await api('PATCH', `/api/v1/agency-rules/${encodeURIComponent(agencyId)}`, { enabled, ids: [rule.id] });
    } catch (err) {
      setError(err);
    }
    setBusy('');
    state.reload();
  };
  const list = (agencies.data?.items ?? []).filter((a) => !me.agencyId || a.id === me.agencyId);
  return (
    <Panel title={t('agencySwitches')}>
      <p className="muted small">{t('agencySwitchesHelp')}</p>
      <table className="grid small" data-testid="agency-switches">
        <tbody>
          {list.map((a) => {
            const off = offFor(a.id);
            return (
              <tr key={a.id} data-agency={a.id}>
                <td>{a.name}</td>
                <td className={off ? 'off' : 'on'}>{off ? t('offForAgency') : t('onForAgency')}</td>
                <td>
                  <button
                    type="button"
                    className="link"
                    disabled={busy === a.id}
                    onClick={() => flip(a.id, off)}
                    data-testid="agency-switch"
                  >
                    {off ? t('switchOn') : t('switchOff')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <ErrorBox error={error ?? state.error ?? agencies.error} />
    </Panel>
  );
}
