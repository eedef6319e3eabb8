/**
 * Notification channels (e-mail, webhook, Telegram, Slack, Teams) with their last delivery and "send a test"
 * showing the real outcome; routes (which agency, from which severity, through which channels). Secrets are
 * write-only: the API shows "[hidden]" and the form keeps a stored secret when its field is left empty.
 */
import { type FormEvent, useState } from 'react';
import { api, type Page } from '../../api.js';
import { DeliveryError } from '../../delivery-error.js';
import { translateError } from '../../error-text.js';
import { fmtDateTime, type Key, sevLabel, term, useApp } from '../../i18n.js';
import { ErrorBox, Panel, useData } from '../../ui.js';
import { RecentChanges, useAgencyChoice } from './admin.js';

interface Channel {
  id: string;
  version: number;
  type: 'email' | 'webhook' | 'telegram' | 'slack' | 'teams';
  name: string;
  agencyId?: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  status?: {
    lastAttemptAt: number;
    lastOk: boolean;
    lastError?: string;
    lastErrorCode?: string;
    failures: number;
    test?: boolean;
  };
}

interface Route {
  id: string;
  agencyId?: string;
  minSeverity: string;
  channelIds: string[];
  language?: 'vi' | 'en';
}

const TYPES = ['email', 'webhook', 'telegram', 'slack', 'teams'] as const;
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'];
const HIDDEN = '[hidden]';

/** The channel's settings fields, in form order (secret: write-only). */
const FIELDS: Record<Channel['type'], { key: string; label: Key; secret?: boolean }[]> = {
  email: [{ key: 'to', label: 'recipients' }],
  webhook: [
    { key: 'url', label: 'webhookUrl', secret: true },
    { key: 'secret', label: 'signingSecret', secret: true },
  ],
  telegram: [
    { key: 'token', label: 'botToken', secret: true },
    { key: 'chatId', label: 'chatId' },
  ],
  slack: [{ key: 'url', label: 'webhookUrl', secret: true }],
  teams: [{ key: 'url', label: 'webhookUrl', secret: true }],
};

export function ChannelsTab() {
  const { t, lang } = useApp();
  const [tick, setTick] = useState(0);
  const channels = useData(() => api<Page<Channel>>('GET', '/api/v1/channels?limit=1000'), [tick]);
  const routes = useData(() => api<Page<Route>>('GET', '/api/v1/routes?limit=1000'), [tick]);
  const [error, setError] = useState<unknown>();
  const [tests, setTests] = useState<
    Record<string, { busy?: boolean; ok?: boolean; text?: string; error?: { text: string; code?: string } }>
  >({});
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
  const test = async (c: Channel) => {
    setTests((s) => ({ ...s, [c.id]: { busy: true } }));
    try {
      const r = await api<{ ok: boolean; ms: number; error?: string; code?: string }>(
        'POST',
        `/api/v1/channels/${encodeURIComponent(c.id)}/test?language=${lang}`,
      );
      // A failure is worded by its class (the raw text on demand), never the sender's English.
      const text = r.ok ? `${t('testOk')} (${r.ms} ms)` : `${t('testFailed')}:`;
      const error = r.ok ? undefined : { text: r.error ?? '', ...(r.code ? { code: r.code } : {}) };
      setTests((s) => ({ ...s, [c.id]: { ok: r.ok, text, ...(error ? { error } : {}) } }));
    } catch (e) {
      setTests((s) => ({ ...s, [c.id]: { ok: false, text: `${t('testFailed')}: ${translateError(e, lang)}` } }));
    }
    setTick((n) => n + 1);
  };
  const chName = new Map((channels.data?.items ?? []).map((c) => [c.id, c.name]));
  const agencyText = (id?: string) => (id ? agencies.label(id) : t('allAgencies'));
  return (
    <>
      <ErrorBox error={channels.error ?? routes.error ?? error} />
      <Panel title={t('channels')}>
        {channels.data && channels.data.items.length === 0 ? <p className="muted">{t('noChannels')}</p> : null}
        <table className="grid" data-testid="channels">
          <thead>
            <tr>
              <th>{t('name')}</th>
              <th>{t('channelType')}</th>
              <th>{t('agency')}</th>
              <th>{t('lastDelivery')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(channels.data?.items ?? []).map((c) => {
              const s = c.status;
              const tr = tests[c.id];
              return (
                <tr key={c.id} data-channel={c.id} className={s && !s.lastOk ? 'failing' : undefined}>
                  <td>
                    {c.name}
                    <div className="muted small">{describe(c)}</div>
                  </td>
                  <td>{t(`ch_${c.type}` as Key)}</td>
                  <td>{agencyText(c.agencyId)}</td>
                  <td data-testid="last-delivery">
                    {!c.enabled ? (
                      <span className="state-off">{t('chOff')}</span>
                    ) : !s ? (
                      <span className="muted">{t('neverSent')}</span>
                    ) : s.lastOk ? (
                      <span className="state-ok">
                        {t('deliveryOk')} · {fmtDateTime(s.lastAttemptAt)}
                      </span>
                    ) : (
                      <>
                        <span className="state-bad">
                          ⚠ {t('deliveryFailed')} · {fmtDateTime(s.lastAttemptAt)}
                          {s.failures > 1 ? ` · ${s.failures} ${t('failuresInRow')}` : ''}
                        </span>
                        <div className="failure">
                          <DeliveryError text={s.lastError} {...(s.lastErrorCode ? { code: s.lastErrorCode } : {})} />
                        </div>
                      </>
                    )}
                    {tr?.text ? (
                      <div
                        className={`test-result ${tr.ok ? 'state-ok' : 'state-bad'}`}
                        role="status"
                        data-testid="test-result"
                      >
                        {tr.text}{' '}
                        {tr.error ? (
                          <DeliveryError text={tr.error.text} {...(tr.error.code ? { code: tr.error.code } : {})} />
                        ) : null}
                      </div>
                    ) : null}
                  </td>
                  <td className="actions-cell">
                    <button type="button" data-testid="send-test" disabled={tr?.busy} onClick={() => test(c)}>
                      {tr?.busy ? t('sending') : t('sendTest')}
                    </button>
                    <button
                      type="button"
                      onClick={() =>
                        act(() => api('PATCH', `/api/v1/channels/${encodeURIComponent(c.id)}`, { enabled: !c.enabled }))
                      }
                    >
                      {c.enabled ? t('turnOff') : t('turnOn')}
                    </button>
                    <button
                      type="button"
                      onClick={() =>
                        confirm(t('confirmRemove')) &&
                        act(() => api('DELETE', `/api/v1/channels/${encodeURIComponent(c.id)}`))
                      }
                    >
                      {t('remove')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <h3>{t('newChannel')}</h3>
        <NewChannel agencies={agencies.list} onCreate={(b) => act(() => api('POST', '/api/v1/channels', b))} />
      </Panel>
      <Panel title={t('routes')}>
        {routes.data && routes.data.items.length === 0 ? <p className="note">{t('noRoutes')}</p> : null}
        <table className="grid" data-testid="routes">
          <thead>
            <tr>
              <th>{t('agency')}</th>
              <th>{t('minSeverity')}</th>
              <th>{t('routeChannels')}</th>
              <th>{t('noticeLanguage')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(routes.data?.items ?? []).map((r) => (
              <tr key={r.id}>
                <td>{agencyText(r.agencyId)}</td>
                <td>{sevLabel(t, r.minSeverity)}</td>
                <td>{r.channelIds.map((id) => chName.get(id) ?? id).join(', ')}</td>
                <td>{r.language === 'vi' ? t('langVi') : r.language === 'en' ? t('langEn') : t('langDefault')}</td>
                <td className="actions-cell">
                  <button
                    type="button"
                    onClick={() =>
                      confirm(t('confirmRemove')) &&
                      act(() => api('DELETE', `/api/v1/routes/${encodeURIComponent(r.id)}`))
                    }
                  >
                    {t('remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>{t('newRoute')}</h3>
        <NewRoute
          channels={channels.data?.items ?? []}
          agencies={agencies.list}
          onCreate={(b) => act(() => api('POST', '/api/v1/routes', b))}
        />
      </Panel>
      <RecentChanges collections={['channels', 'routes']} reloadKey={tick} />
    </>
  );
}

/** One line on where the channel sends (secrets stay hidden). */
function describe(c: Channel): string {
  if (c.type === 'email' && Array.isArray(c.settings.to)) return c.settings.to.join(', ');
  if (c.type === 'telegram' && typeof c.settings.chatId === 'string') return `chat ${c.settings.chatId}`;
  return Object.values(c.settings).includes(HIDDEN) ? '••••••' : '';
}

function NewChannel({
  agencies,
  onCreate,
}: {
  agencies: { id: string; name: string }[];
  onCreate: (b: Record<string, unknown>) => Promise<void>;
}) {
  const { t, me } = useApp();
  const [type, setType] = useState<Channel['type']>('email');
  const [name, setName] = useState('');
  const [agencyId, setAgencyId] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const settings: Record<string, unknown> = {};
    for (const f of FIELDS[type]) {
      const v = (values[f.key] ?? '').trim();
      if (!v) continue;
      settings[f.key] = f.key === 'to' ? v.split(/[,;\s]+/).filter(Boolean) : v;
    }
    await onCreate({ type, name: name.trim(), settings, ...(agencyId && !me.agencyId ? { agencyId } : {}) });
    setName('');
    setValues({});
  };
  return (
    <form className="admin-form" onSubmit={submit} data-testid="new-channel">
      <label>
        {t('channelType')}
        <select value={type} onChange={(e) => setType(e.target.value as Channel['type'])} data-testid="channel-type">
          {TYPES.map((x) => (
            <option key={x} value={x}>
              {t(`ch_${x}` as Key)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('name')}
        <input name="channel-name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      {me.agencyId ? null : (
        <label>
          {t('agency')}
          <select value={agencyId} onChange={(e) => setAgencyId(e.target.value)}>
            <option value="">{t('allAgencies')}</option>
            {agencies.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {FIELDS[type].map((f) => (
        <label key={f.key} className={f.key === 'to' || f.key === 'url' ? 'wide' : undefined}>
          {t(f.label)}
          <input
            name={`setting-${f.key}`}
            type={f.secret && f.key !== 'url' ? 'password' : 'text'}
            autoComplete="off"
            value={values[f.key] ?? ''}
            onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
          />
        </label>
      ))}
      <button type="submit" disabled={!name.trim()}>
        {t('create')}
      </button>
    </form>
  );
}

function NewRoute({
  channels,
  agencies,
  onCreate,
}: {
  channels: Channel[];
  agencies: { id: string; name: string }[];
  onCreate: (b: Record<string, unknown>) => Promise<void>;
}) {
  const { t, me } = useApp();
  const [minSeverity, setMin] = useState('high');
  const [agencyId, setAgencyId] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [language, setLanguage] = useState('');
  return (
    <form
      className="admin-form"
      data-testid="new-route"
      onSubmit={async (e) => {
        e.preventDefault();
        await onCreate({
          minSeverity,
          channelIds: chosen,
          ...(agencyId && !me.agencyId ? { agencyId } : {}),
          ...(language ? { language } : {}),
        });
        setChosen([]);
      }}
    >
      {me.agencyId ? null : (
        <label>
          {t('agency')}
          <select value={agencyId} onChange={(e) => setAgencyId(e.target.value)}>
            <option value="">{t('allAgencies')}</option>
            {agencies.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t('minSeverity')}
        <select value={minSeverity} onChange={(e) => setMin(e.target.value)} data-testid="route-severity">
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {sevLabel(t, s)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('routeChannels')}
        <select
          multiple
          value={chosen}
          data-testid="route-channels"
          onChange={(e) => setChosen([...e.target.selectedOptions].map((o) => o.value))}
        >
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({term(t, `ch_${c.type}`)})
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('noticeLanguage')}
        <select value={language} onChange={(e) => setLanguage(e.target.value)}>
          <option value="">{t('langDefault')}</option>
          <option value="vi">{t('langVi')}</option>
          <option value="en">{t('langEn')}</option>
        </select>
      </label>
      <button type="submit" disabled={chosen.length === 0}>
        {t('create')}
      </button>
    </form>
  );
}
