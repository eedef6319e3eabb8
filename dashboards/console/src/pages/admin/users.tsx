/** Users and roles: create, reset a password, lock and unlock; API keys shown once (the server keeps a hash). */
import { type FormEvent, useState } from 'react';
import { api, type Page } from '../../api.js';
import { fmtDateTime, roleLabel, useApp } from '../../i18n.js';
import { ErrorBox, Panel, useData } from '../../ui.js';
import { RecentChanges, useAgencyChoice } from './admin.js';

interface UserRow {
  id: string;
  username: string;
  role: string;
  agencyId?: string;
  disabled: boolean;
  createdAt: number;
  lockedUntil?: number;
  failedLogins?: number;
  external?: { issuer: string };
}

interface KeyRow {
  id: string;
  name: string;
  role: string;
  agencyId?: string;
  createdAt: number;
  createdBy: string;
  lastUsedAt?: number;
}

const PROVINCE_ROLES = ['admin', 'analyst', 'agency_admin', 'viewer'];
const AGENCY_ROLES = ['agency_admin', 'viewer'];

export function UsersTab() {
  const { t, me } = useApp();
  const [tick, setTick] = useState(0);
  const users = useData(() => api<Page<UserRow>>('GET', '/api/v1/users?limit=1000'), [tick]);
  const keys = useData(() => api<Page<KeyRow>>('GET', '/api/v1/api-keys?limit=1000'), [tick]);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const [newKey, setNewKey] = useState('');
  const agencies = useAgencyChoice();
  const roles = me.agencyId ? AGENCY_ROLES : PROVINCE_ROLES;
  const act = async (fn: () => Promise<unknown>, done = '') => {
    setError(undefined);
    setNotice('');
    try {
      await fn();
      setNotice(done);
    } catch (e) {
      setError(e);
    }
    setTick((n) => n + 1);
  };
  const agencyText = (id?: string) => (id ? agencies.label(id) : t('provinceWide'));
  const now = Date.now();
  return (
    <>
      <ErrorBox error={users.error ?? error} />
      {notice ? (
        <p className="note" role="status">
          {notice}
        </p>
      ) : null}
      <Panel title={t('adminUsers')}>
        <table className="grid" data-testid="users">
          <thead>
            <tr>
              <th>{t('username')}</th>
              <th>{t('role')}</th>
              <th>{t('agency')}</th>
              <th>{t('accountState')}</th>
              <th>{t('createdAt')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(users.data?.items ?? []).map((u) => {
              const self = u.id === me.id;
              const locked = u.lockedUntil !== undefined && u.lockedUntil > now;
              return (
                <tr key={u.id} data-user={u.id}>
                  <td>
                    {u.username}
                    {self ? <span className="muted"> ({t('you')})</span> : null}
                  </td>
                  <td>{roleLabel(t, u.role)}</td>
                  <td>{agencyText(u.agencyId)}</td>
                  <td>
                    {u.disabled ? (
                      <span className="state-bad">{t('lockedByAdmin')}</span>
                    ) : locked ? (
                      <span className="state-bad">
                        {t('lockedAfterFailures')} {fmtDateTime(u.lockedUntil!)}
                      </span>
                    ) : (
                      <span className="state-ok">{t('active')}</span>
                    )}
                  </td>
                  <td className="nowrap">{fmtDateTime(u.createdAt)}</td>
                  <td className="actions-cell">
                    {u.disabled || locked ? (
                      <button
                        type="button"
                        data-testid="unlock"
                        onClick={() =>
                          act(async () => {
                            if (u.disabled)
                              await api('PATCH', `/api/v1/users/${encodeURIComponent(u.id)}`, { disabled: false });
                            if (locked) await api('POST', `/api/v1/users/${encodeURIComponent(u.id)}/unlock`);
                          })
                        }
                      >
                        {t('unlockAccount')}
                      </button>
                    ) : self ? null : (
                      <button
                        type="button"
                        data-testid="lock"
                        onClick={() =>
                          confirm(t('confirmLock')) &&
                          act(() => api('PATCH', `/api/v1/users/${encodeURIComponent(u.id)}`, { disabled: true }))
                        }
                      >
                        {t('lockAccount')}
                      </button>
                    )}
                    {u.external || self ? null : (
                      <ResetPassword
                        user={u.id}
                        onDone={(pw) =>
                          act(
                            () => api('POST', `/api/v1/users/${encodeURIComponent(u.id)}/password`, { password: pw }),
                            `${t('passwordReset')} ${u.username}`,
                          )
                        }
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Panel>
      <Panel title={t('newUser')}>
        <NewUser
          roles={roles}
          agencies={agencies.list}
          fixedAgency={me.agencyId}
          onCreate={(b) => act(() => api('POST', '/api/v1/users', b))}
        />
      </Panel>
      <Panel title={t('apiKeys')}>
        {newKey ? (
          <p className="shown-once" data-testid="new-api-key">
            {t('keyShownOnce')}: <code>{newKey}</code>
          </p>
        ) : null}
        <table className="grid" data-testid="api-keys">
          <thead>
            <tr>
              <th>{t('name')}</th>
              <th>{t('role')}</th>
              <th>{t('agency')}</th>
              <th>{t('createdAt')}</th>
              <th>{t('keyLastUsed')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(keys.data?.items ?? []).map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>{roleLabel(t, k.role)}</td>
                <td>{agencyText(k.agencyId)}</td>
                <td className="nowrap">{fmtDateTime(k.createdAt)}</td>
                <td className="nowrap">{k.lastUsedAt ? fmtDateTime(k.lastUsedAt) : '—'}</td>
                <td className="actions-cell">
                  <button
                    type="button"
                    onClick={() =>
                      confirm(t('confirmRevoke')) &&
                      act(() => api('DELETE', `/api/v1/api-keys/${encodeURIComponent(k.id)}`))
                    }
                  >
                    {t('revoke')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <NewKey
          roles={roles}
          agencies={agencies.list}
          fixedAgency={me.agencyId}
          onCreate={(b) =>
            act(async () => {
              setNewKey((await api<{ key: string }>('POST', '/api/v1/api-keys', b)).key);
            })
          }
        />
      </Panel>
      <RecentChanges collections={['users', 'api_keys']} reloadKey={tick} />
    </>
  );
}

function ResetPassword({ user, onDone }: { user: string; onDone: (pw: string) => void }) {
  const { t } = useApp();
  const [open, setOpen] = useState(false);
  const [pw, setPw] = useState('');
  if (!open)
    return (
      <button type="button" data-testid="reset" onClick={() => setOpen(true)}>
        {t('resetPassword')}
      </button>
    );
  return (
    <form
      className="admin-form inline"
      onSubmit={(e) => {
        e.preventDefault();
        onDone(pw);
        setOpen(false);
        setPw('');
      }}
    >
      <input
        type="password"
        autoComplete="new-password"
        aria-label={`${t('newPassword')} ${user}`}
        placeholder={t('newPassword')}
        value={pw}
        onChange={(e) => setPw(e.target.value)}
      />
      <button type="submit" disabled={pw.length < 12}>
        {t('save')}
      </button>
      <button type="button" className="link" onClick={() => setOpen(false)}>
        {t('cancel')}
      </button>
    </form>
  );
}

type Grant = { role: string; agencyId?: string };

function RoleAgency({
  roles,
  agencies,
  fixedAgency,
  value,
  onChange,
}: {
  roles: string[];
  agencies: { id: string; name: string }[];
  fixedAgency: string | undefined;
  value: Grant;
  onChange: (g: Grant) => void;
}) {
  const { t } = useApp();
  const needsAgency = value.role === 'agency_admin' || (value.role === 'viewer' && value.agencyId !== undefined);
  const provinceRole = value.role === 'admin' || value.role === 'analyst';
  return (
    <>
      <label>
        {t('role')}
        <select value={value.role} onChange={(e) => onChange({ ...value, role: e.target.value })} data-testid="role">
          {roles.map((r) => (
            <option key={r} value={r}>
              {roleLabel(t, r)}
            </option>
          ))}
        </select>
      </label>
      {fixedAgency || provinceRole ? null : (
        <label>
          {t('agency')}
          <select
            value={value.agencyId ?? ''}
            data-testid="agency"
            onChange={(e) =>
              onChange({ ...value, ...(e.target.value ? { agencyId: e.target.value } : { agencyId: undefined }) })
            }
          >
            <option value="">{needsAgency ? t('chooseAgency') : t('provinceWide')}</option>
            {agencies.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}

function body(g: Grant): Grant {
  if (g.role === 'admin' || g.role === 'analyst') return { role: g.role };
  return g.agencyId ? { role: g.role, agencyId: g.agencyId } : { role: g.role };
}

function NewUser({
  roles,
  agencies,
  fixedAgency,
  onCreate,
}: {
  roles: string[];
  agencies: { id: string; name: string }[];
  fixedAgency: string | undefined;
  onCreate: (b: Record<string, unknown>) => Promise<void>;
}) {
  const { t } = useApp();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [grant, setGrant] = useState<Grant>({ role: roles.includes('analyst') ? 'analyst' : 'viewer' });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await onCreate({ username: username.trim(), password, ...body(grant) });
    setUsername('');
    setPassword('');
  };
  return (
    <form className="admin-form" onSubmit={submit} data-testid="new-user">
      <label>
        {t('username')}
        <input name="new-username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
      </label>
      <label>
        {t('newPassword')}
        <input
          name="new-password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <RoleAgency roles={roles} agencies={agencies} fixedAgency={fixedAgency} value={grant} onChange={setGrant} />
      <button type="submit" disabled={!username.trim() || password.length < 12}>
        {t('create')}
      </button>
    </form>
  );
}

function NewKey({
  roles,
  agencies,
  fixedAgency,
  onCreate,
}: {
  roles: string[];
  agencies: { id: string; name: string }[];
  fixedAgency: string | undefined;
  onCreate: (b: Record<string, unknown>) => Promise<void>;
}) {
  const { t } = useApp();
  const [name, setName] = useState('');
  const [grant, setGrant] = useState<Grant>({ role: 'viewer' });
  return (
    <form
      className="admin-form"
      data-testid="new-key-form"
      onSubmit={async (e) => {
        e.preventDefault();
        await onCreate({ name: name.trim(), ...body(grant) });
        setName('');
      }}
    >
      <label>
        {t('name')}
        <input name="key-name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <RoleAgency roles={roles} agencies={agencies} fixedAgency={fixedAgency} value={grant} onChange={setGrant} />
      <button type="submit" disabled={!name.trim()}>
        {t('create')}
      </button>
    </form>
  );
}
