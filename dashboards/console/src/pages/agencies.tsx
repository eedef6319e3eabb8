/** Agencies and their hosts: last seen, events per hour, silent hosts. An agency admin sees its own agency only. */
import { useState } from 'react';
import { agencyLabel } from '../agency-names.js';
import { type Agency, api, type Bucket, type Host, type Page, qs } from '../api.js';
import { fmtDateTime, fmtDuration, fmtNumber, useApp } from '../i18n.js';
import { ErrorBox, Loading, LogText, Panel, useData } from '../ui.js';

async function load() {
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const [agencies, hosts, perHost, perAgency] = await Promise.all([
    api<Page<Agency>>('GET', '/api/v1/agencies?limit=1000'),
    api<Page<Host>>('GET', '/api/v1/hosts?limit=1000'),
    api<{ buckets: Bucket[] }>(
      'GET',
      `/api/v1/aggregations${qs({ kind: 'terms', field: 'host.name', from, size: 1000 })}`,
    ),
    api<{ buckets: Bucket[] }>(
      'GET',
      `/api/v1/aggregations${qs({ kind: 'terms', field: 'agency.id', from, size: 1000 })}`,
    ),
  ]);
  return {
    agencies: agencies.items,
    hosts: hosts.items,
    hostsTruncated: hosts.next !== undefined,
    perHost: new Map(perHost.buckets.map((b) => [String(b.key), b.count])),
    perAgency: new Map(perAgency.buckets.map((b) => [String(b.key), b.count])),
  };
}

interface AgentKey {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt?: number;
}

/** The agency's agent (intake) keys; a new key is shown once, here only. */
function AgentKeys({ agencyId }: { agencyId: string }) {
  const { t } = useApp();
  const path = `/api/v1/agencies/${encodeURIComponent(agencyId)}/keys`;
  const keys = useData(() => api<Page<AgentKey>>('GET', `${path}?limit=1000`), [path]);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string>();
  const [error, setError] = useState<unknown>();
  const create = async () => {
    setError(undefined);
    try {
      const r = await api<{ key: string }>('POST', path, { name: name.trim() });
      setCreated(r.key);
      setName('');
    } catch (e) {
      setError(e);
    }
    keys.reload();
  };
  return (
    <div className="agent-keys">
      <h3>{t('agentKeys')}</h3>
      <ErrorBox error={keys.error ?? error} />
      <ul>
        {(keys.data?.items ?? []).map((k) => (
          <li key={k.id}>
            {k.name} <span className="muted small">· {fmtDateTime(k.createdAt)}</span>
            {k.lastUsedAt ? (
              <span className="muted small">
                {' '}
                · {t('lastUsed')} {fmtDateTime(k.lastUsedAt)}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      <input
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder={t('keyName')}
        aria-label={t('keyName')}
      />{' '}
      <button type="button" onClick={create} disabled={!name.trim()}>
        {t('newKey')}
      </button>
      {created ? (
        <p className="shown-once" data-testid="new-key">
          {t('shownOnce')}: <code>{created}</code>
        </p>
      ) : null}
    </div>
  );
}

const HOSTS_WRITE = new Set(['admin', 'analyst', 'agency_admin']);
const KEYS = new Set(['admin', 'agency_admin']);

export function AgenciesPage() {
  const { t, lang, me } = useApp();
  const { data, error, reload } = useData(load, [], 30000);
  const [changeError, setChangeError] = useState<unknown>();
  const watch = async (h: Host & { version?: number }) => {
    setChangeError(undefined);
    try {
      await api('PATCH', `/api/v1/hosts/${encodeURIComponent(h.id)}`, { expected: !h.expected });
    } catch (e) {
      setChangeError(e);
    }
    reload();
  };
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const known = new Set(data.agencies.map((a) => a.id));
  const orphans = data.hosts.filter((h) => !known.has(h.agencyId));
  return (
    <div className="agencies">
      <h1>{me.agencyId ? t('yourAgency') : t('agencies')}</h1>
      <ErrorBox error={changeError} />
      {data.agencies.map((a) => {
        const hosts = data.hosts.filter((h) => h.agencyId === a.id);
        const silent = hosts.filter((h) => h.silentSince !== undefined);
        return (
          <Panel key={a.id} title={`${a.name} (${a.id})`} className="agency">
            {a.origin === 'config' ? <p className="muted small">{t('fromConfigFile')}</p> : null}
            <div className="facts" data-agency={a.id}>
              <span>
                {t('hostCount')}: <strong>{hosts.length}</strong>
              </span>
              <span className={silent.length ? 'sla-breached' : undefined}>
                {t('silentHosts')}: <strong>{silent.length}</strong>
              </span>
              <span>
                {t('eventsPerHour')}: <strong>{fmtNumber(data.perAgency.get(a.id) ?? 0, lang)}</strong>
              </span>
            </div>
            <table className="grid" data-testid="hosts">
              <thead>
                <tr>
                  <th>{t('host')}</th>
                  <th>{t('health')}</th>
                  <th>{t('lastSeen')}</th>
                  <th>{t('eventsPerHour')}</th>
                  <th>{t('events')}</th>
                  <th>{t('expected')}</th>
                </tr>
              </thead>
              <tbody>
                {hosts.map((h) => (
                  <tr key={h.id}>
                    <td>
                      <LogText text={h.host} />
                    </td>
                    <td>
                      {h.silentSince !== undefined ? (
                        <span className="sla-breached">
                          {t('silent')} ({fmtDateTime(h.silentSince)})
                        </span>
                      ) : (
                        <span className="sla-met">{t('ok')}</span>
                      )}
                    </td>
                    <td>
                      {fmtDateTime(h.lastSeen)}{' '}
                      <span className="muted small">
                        ({fmtDuration(Date.now() - h.lastSeen, lang)} {t('ago')})
                      </span>
                    </td>
                    <td className="num">{fmtNumber(data.perHost.get(h.host) ?? 0, lang)}</td>
                    <td className="num">{fmtNumber(h.events ?? 0, lang)}</td>
                    <td>
                      {HOSTS_WRITE.has(me.role) ? (
                        <button type="button" className={h.expected ? 'on' : 'off'} onClick={() => watch(h)}>
                          {h.expected ? t('enabled') : t('disabled')}
                        </button>
                      ) : h.expected ? (
                        '✓'
                      ) : (
                        ''
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {KEYS.has(me.role) ? <AgentKeys agencyId={a.id} /> : null}
          </Panel>
        );
      })}
      {orphans.length ? (
        <Panel title={t('unassignedHosts')} className="agency">
          <p className="muted small">{t('unassignedHelp')}</p>
          <table className="grid" data-testid="unassigned-hosts">
            <thead>
              <tr>
                <th>{t('host')}</th>
                <th>{t('agency')}</th>
                <th>{t('lastSeen')}</th>
                <th>{t('eventsPerHour')}</th>
              </tr>
            </thead>
            <tbody>
              {orphans.map((h) => (
                <tr key={h.id}>
                  <td>{h.host}</td>
                  <td>{agencyLabel(t, new Map(), h.agencyId)}</td>
                  <td>{fmtDateTime(h.lastSeen)}</td>
                  <td className="num">{fmtNumber(data.perHost.get(h.host) ?? 0, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      ) : null}
      {data.hostsTruncated ? <p className="muted">{t('partial')}</p> : null}
    </div>
  );
}
