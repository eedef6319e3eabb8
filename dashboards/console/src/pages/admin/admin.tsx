/**
 * Administration (issue 13 points 5 and 7): users and roles, notification channels and routes, SLA and retention,
 * suppressions. Province admins see everything; agency admins their own agency's users, channels, routes and
 * suppressions (the API scopes them). Every change is audited; each tab shows its recent changes.
 */
import type { MouseEvent } from 'react';
import { useAgencyNames } from '../../agency-names.js';
import { type AuditEntry, api, type Page, qs } from '../../api.js';
import { fmtDateTime, type Key, term, useApp } from '../../i18n.js';
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

/** Who changed what, when: the latest audit entries of some collections (in the caller's scope). */
export function RecentChanges({ collections, reloadKey }: { collections: string[]; reloadKey: unknown }) {
  const { t } = useApp();
  const { data, error } = useData(async () => {
    const pages = await Promise.all(
      collections.map((c) => api<Page<AuditEntry>>('GET', `/api/v1/audit${qs({ collection: c, limit: 15 })}`)),
    );
    return pages
      .flatMap((p) => p.items)
      .sort((a, b) => b.at - a.at)
      .slice(0, 15);
  }, [collections.join(','), reloadKey]);
  return (
    <Panel title={t('recentChanges')} className="recent-changes">
      <ErrorBox error={error} />
      {data && data.length === 0 ? <p className="muted">{t('none')}</p> : null}
      <table className="grid" data-testid="audit">
        <tbody>
          {(data ?? []).map((a) => (
            <tr key={a.id}>
              <td className="nowrap">{fmtDateTime(a.at)}</td>
              <td>{actorName(t, a.actor)}</td>
              <td>{term(t, `act_${a.action.replace(/\./g, '_')}`)}</td>
              <td className="muted">{a.targetId.length > 40 ? `${a.targetId.slice(0, 12)}…` : a.targetId}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
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
