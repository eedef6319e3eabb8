/** Agencies and their hosts: last seen, events per hour, silent hosts. An agency admin sees its own agency only. */
import { type Agency, api, type Bucket, type Host, type Page, qs } from '../api.js';
import { fmtDateTime, fmtDuration, fmtNumber, useApp } from '../i18n.js';
import { ErrorBox, Loading, Panel, useData } from '../ui.js';

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

export function AgenciesPage() {
  const { t, lang, me } = useApp();
  const { data, error } = useData(load, [], 30000);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <div className="agencies">
      <h1>{me.agencyId ? t('yourAgency') : t('agencies')}</h1>
      {data.agencies.map((a) => {
        const hosts = data.hosts.filter((h) => h.agencyId === a.id);
        const silent = hosts.filter((h) => h.silentSince !== undefined);
        return (
          <Panel key={a.id} title={`${a.name} (${a.id})`} className="agency">
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
                    <td>{h.host}</td>
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
                    <td>{h.expected ? '✓' : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Panel>
        );
      })}
      {data.hostsTruncated ? <p className="muted">{t('partial')}</p> : null}
    </div>
  );
}
