/**
 * Administration (issue 13 points 5 and 7): users and roles, notification channels and routes, SLA and retention,
 * suppressions. Province admins see everything; agency admins their own agency's users, channels, routes and
 * suppressions (the API scopes them). Every change is audited; each tab shows its recent changes.
 */
import type { MouseEvent } from 'react';
import { useAgencyNames } from '../../agency-names.js';
import { type AuditEntry, api, type Page, qs } from '../../api.js';
import { fmtDateTime, type Key, roleLabel, sevLabel, term, useApp } from '../../i18n.js';
import { ErrorBox, Panel, useData } from '../../ui.js';
import { ChannelsTab } from './channels.js';
import { SettingsTab } from './settings.js';
import { SuppressionsTab } from './suppressions.js';
import { UsersTab } from './users.js';
import './admin.css';

const TABS: { path: string; key: Key; roles: string[] }[] = [
  { path: '/admin/users', key: 'adminUsers', roles: ['admin', 'agency_admin'] },
  { path: '/admin/channels', key: 'adminChannels', roles: ['admin', 'agency_admin'] },
  { path: '/admin/suppressions', key: 'adminSuppressions', roles: ['admin', 'agency_admin'] },
  { path: '/admin/sla', key: 'adminSla', roles: ['admin'] },
];

/** Roles that see the administration pages. */
export const ADMIN_ROLES = ['admin', 'agency_admin'];

/** The administration pages under /admin/…. */
export function AdminPage({ path }: { path: string }) {
  const { t, me, navigate } = useApp();
  const tabs = TABS.filter((x) => x.roles.includes(me.role));
  const current = tabs.find((x) => path.startsWith(x.path)) ?? tabs[0];
  const go = (to: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate(to);
  };
  if (!current) return <p className="muted">404</p>;
  return (
    <div className="admin">
      <h1>
        {t('administration')} · {t(current.key)}
      </h1>
      <nav className="admin-tabs" aria-label={t('administration')}>
        {tabs.map((x) => (
          <a
            key={x.path}
            href={x.path}
            onClick={go(x.path)}
            className={x === current ? 'active' : undefined}
            aria-current={x === current ? 'page' : undefined}
          >
            {t(x.key)}
          </a>
        ))}
      </nav>
      {current.path === '/admin/users' ? <UsersTab /> : null}
      {current.path === '/admin/channels' ? <ChannelsTab /> : null}
      {current.path === '/admin/suppressions' ? <SuppressionsTab /> : null}
      {current.path === '/admin/sla' ? <SettingsTab /> : null}
    </div>
  );
}

/** An audit entry as the API lists it: with its target's name resolved in the caller's scope (audit-names.ts). */
type NamedEntry = AuditEntry & {
  target?: { name?: string; gone?: boolean; minSeverity?: string; channels?: string[]; role?: string };
  actorName?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
};

/** Settings keys in words (a settings change lists what it changed). */
const SETTING_KEYS: Record<string, Key> = {
  retentionDays: 'retentionDaysLabel',
  sessionHours: 'sessionHoursLabel',
  silentHostMinutes: 'silentHostLabel',
  defaultLanguage: 'defaultLanguageLabel',
  sla: 'slaLabel',
  retentionMinimumDays: 'retentionMinimumLabel',
};

/** Who changed what, when: the latest audit entries of some collections (in the caller's scope). */
export function RecentChanges({ collections, reloadKey }: { collections: string[]; reloadKey: unknown }) {
  const { t } = useApp();
  const { data, error } = useData(async () => {
    const pages = await Promise.all(
      collections.map((c) => api<Page<NamedEntry>>('GET', `/api/v1/audit${qs({ collection: c, limit: 15 })}`)),
    );
    return pages
      .flatMap((p) => p.items)
      .sort((a, b) => b.at - a.at)
      .slice(0, 15);
  }, [collections.join(','), reloadKey]);
  return (
    <Panel title={t('recentChanges')} className="recent-changes">
      <ErrorBox error={error} />
      {data && data.length === 0 ? <p className="muted">{t('noRecentChanges')}</p> : null}
      <table className="grid" data-testid="audit">
        <tbody>
          {(data ?? []).map((a) => (
            <tr key={a.id}>
              <td className="nowrap">{fmtDateTime(a.at)}</td>
              <td>{a.actorName ? `🔑 ${a.actorName}` : actorName(t, a.actor)}</td>
              <td>{actionWords(t, refined(a))}</td>
              <td data-testid="audit-target">
                <AuditTargetText t={t} a={a} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

/** A user change said as what it did: locked, unlocked or a new role (all are user.update in the audit). */
function refined(a: NamedEntry): string {
  if (a.action !== 'user.update' || !a.before || !a.after) return a.action;
  if (a.before.disabled !== a.after.disabled) return a.after.disabled ? 'user.disable' : 'user.enable';
  if (a.before.role !== a.after.role) return 'user.role';
  return a.action;
}

/** An action in words; an action the console has no words for says what kind of change it was, not its code. */
function actionWords(t: (k: Key) => string, action: string): string {
  const key = `act_${action.replace(/\./g, '_')}`;
  const w = term(t, key);
  if (w !== key) return w;
  const verb = action.split('.').pop();
  return t(verb === 'create' ? 'actGenericCreate' : verb === 'delete' ? 'actGenericDelete' : 'actGenericUpdate');
}

/** The target's name, role or route in words, "(đã xóa)" when gone; settings list the values they changed. */
function AuditTargetText({ t, a }: { t: (k: Key) => string; a: NamedEntry }) {
  if (a.collection === 'settings') {
    const before = a.before ?? {};
    const after = a.after ?? {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
      (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
    );
    return <span>{keys.map((k) => (SETTING_KEYS[k] ? t(SETTING_KEYS[k]) : k)).join(', ')}</span>;
  }
  const x = a.target;
  const name =
    a.collection === 'routes' && x
      ? `${x.minSeverity ? `≥ ${sevLabel(t, x.minSeverity)}` : ''} → ${(x.channels ?? []).join(', ') || '—'}`
      : (x?.name ?? t('unnamedTarget'));
  return (
    <>
      <span>{name}</span>
      {x?.role ? <span className="muted"> · {roleLabel(t, x.role)}</span> : null}
      {x?.gone ? <span className="muted"> ({t('goneTarget')})</span> : null}
    </>
  );
}

/** "user:lan" -> "lan", "system…" -> the system's name; keys keep their id. */
export function actorName(t: (k: Key) => string, actor: string): string {
  if (actor.startsWith('user:')) return actor.slice(5);
  if (actor === 'system' || actor.startsWith('system:') || actor === 'seed' || actor === 'bootstrap')
    return t('systemActor');
  return actor.replace(/^key:/, '🔑 ');
}

/** The agencies a form may choose from: an agency admin only its own. */
export function useAgencyChoice(): { list: { id: string; name: string }[]; label: (id: string) => string } {
  const { me } = useApp();
  const names = useAgencyNames();
  const list = me.agencyId ? names.list.filter((a) => a.id === me.agencyId) : names.list;
  return { list, label: names.label };
}
