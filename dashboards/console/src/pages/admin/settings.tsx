/** SLA targets per severity and event retention (the `settings` document; province admins only). */
import { useEffect, useState } from 'react';
import { api } from '../../api.js';
import { sevLabel, useApp } from '../../i18n.js';
import { ErrorBox, Panel, useData } from '../../ui.js';
import { RecentChanges } from './admin.js';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'] as const;
type Sla = Partial<Record<(typeof SEVERITIES)[number], { ackMinutes?: number; resolveMinutes?: number }>>;
interface Settings {
  version: number;
  values: { sla?: Sla; retentionDays?: number; [k: string]: unknown };
}

/** The built-in policy (incidents/policy.ts DEFAULT_SLA), shown as placeholders; informational has none. */
const DEFAULTS: Record<string, [number, number] | undefined> = {
  critical: [15, 240],
  high: [60, 1440],
  medium: [240, 4320],
  low: [1440, 10080],
};

type Form = Record<string, { ack: string; resolve: string }>;

export function SettingsTab() {
  const { t } = useApp();
  const [tick, setTick] = useState(0);
  const { data, error } = useData(() => api<Settings>('GET', '/api/v1/settings'), [tick]);
  const [form, setForm] = useState<Form>({});
  const [days, setDays] = useState('');
  const [saveError, setSaveError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!data) return;
    const f: Form = {};
    for (const s of SEVERITIES) {
      const v = data.values.sla?.[s];
      f[s] = { ack: v?.ackMinutes?.toString() ?? '', resolve: v?.resolveMinutes?.toString() ?? '' };
    }
    setForm(f);
    setDays(data.values.retentionDays?.toString() ?? '');
  }, [data]);
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s.trim()));
  const save = async () => {
    setSaveError(undefined);
    setSaved(false);
    const sla: Record<string, Record<string, number | undefined>> = {};
    for (const s of SEVERITIES) {
      const ack = num(form[s]?.ack ?? '');
      const resolve = num(form[s]?.resolve ?? '');
      if (ack !== undefined || resolve !== undefined)
        sla[s] = {
          ...(ack !== undefined ? { ackMinutes: ack } : {}),
          ...(resolve !== undefined ? { resolveMinutes: resolve } : {}),
        };
    }
    const retention = num(days);
    try {
      await api('PUT', '/api/v1/settings', {
        values: { sla: Object.keys(sla).length ? sla : null, retentionDays: retention ?? null },
        // A document never saved has version 0, which the API does not take: no version check then.
        ...(data && data.version > 0 ? { version: data.version } : {}),
      });
      setSaved(true);
    } catch (e) {
      setSaveError(e);
    }
    setTick((n) => n + 1);
  };
  return (
    <>
      <ErrorBox error={error ?? saveError} />
      {saved ? (
        <p className="note" role="status">
          {t('saved')}
        </p>
      ) : null}
      <Panel title={t('slaTargets')}>
        <p className="help">{t('slaHelp')}</p>
        <table className="grid sla-targets" data-testid="sla">
          <thead>
            <tr>
              <th>{t('severity')}</th>
              <th>{t('ackWithin')}</th>
              <th>{t('resolveWithin')}</th>
            </tr>
          </thead>
          <tbody>
            {SEVERITIES.map((s) => (
              <tr key={s}>
                <td>{sevLabel(t, s)}</td>
                {(['ack', 'resolve'] as const).map((k, i) => (
                  <td key={k}>
                    <input
                      inputMode="numeric"
                      name={`sla-${s}-${k}`}
                      aria-label={`${sevLabel(t, s)} ${k === 'ack' ? t('ackWithin') : t('resolveWithin')}`}
                      placeholder={DEFAULTS[s] ? `${DEFAULTS[s][i]} (${t('defaultValue')})` : t('none')}
                      value={form[s]?.[k] ?? ''}
                      onChange={(e) => setForm({ ...form, [s]: { ...form[s]!, [k]: e.target.value } })}
                    />{' '}
                    <span className="muted small">{t('minutesShort')}</span>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      <Panel title={t('retention')}>
        <p className="help">{t('retentionHelp')}</p>
        <div className="admin-form">
          <label>
            {t('retentionDays')}
            <input inputMode="numeric" name="retention-days" value={days} onChange={(e) => setDays(e.target.value)} />
          </label>
        </div>
      </Panel>
      <p>
        <button type="button" onClick={save} data-testid="save-settings">
          {t('save')}
        </button>
      </p>
      <RecentChanges collections={['settings']} reloadKey={tick} />
    </>
  );
}
