/**
 * An entity page: an address, a host, an account or an agency as the caller's scope sees it over a period: its
 * events (count, first and last seen, the latest ones), its incidents, what is seen with it, its context (GeoIP,
 * threat intelligence, asset record, host record, the agency) and a pivot to search. One API call
 * (GET /api/v1/entities/{kind}/{value}).
 */
import { type MouseEvent, useState } from 'react';
import { useAgencyNames } from '../agency-names.js';
import { ApiError, api, type EventDoc, type Incident, qs } from '../api.js';
import { type EntityKind, EntityLink, FIELD_ENTITY } from '../entity-link.js';
import { fmtDateTime, fmtNumber, type Key, sevLabel, stateLabel, useApp } from '../i18n.js';
import { IncidentTitle } from '../incident-title.js';
import { ErrorBox, Loading, LogText, Panel, sevClass, useData } from '../ui.js';
import { readable } from './search.js';
import '../investigate.css';

interface Entity {
  kind: EntityKind;
  value: string;
  query: string;
  window: { from: number; to: number; days: number };
  events: { total: number; firstSeen?: number; lastSeen?: number; recent: EventDoc[]; sampled: number };
  incidents: { items: Incident[]; total: number; open: number; complete: boolean };
  related: Record<string, { key: string; count: number }[]>;
  context: {
    geo?: { countryIso?: string; countryName?: string; city?: string; asn?: number; asOrg?: string; label?: string };
    threatIntel: {
      value: string;
      feed: string;
      type?: string;
      confidence?: number;
      description?: string;
      count: number;
      lastSeen: number;
    }[];
    assets: {
      host: string;
      agencyId: string;
      addresses: string[];
      owner?: string;
      role?: string;
      criticality: number;
      securityLevel?: number;
    }[];
    hosts?: { host: string; firstSeen: number; lastSeen: number; silentSince?: number; agencyId: string }[] | number;
    agency?: { id: string; name: string; networks: string[] };
  };
}

const PERIODS = [1, 7, 30, 90];
/** The period's words: 24 giờ qua, 7 ngày qua, ... */
const periodKey = (d: number) => (d === 1 ? 'range_24h' : `range_${d}d`) as Key;

/** `{n}` and `{total}` filled in. */
function fill(s: string, v: Record<string, string>): string {
  return s.replace(/\{(\w+)\}/g, (_, k: string) => v[k] ?? '');
}

function Related({ data }: { data: Entity }) {
  const { t, lang } = useApp();
  const agencies = useAgencyNames();
  const rows = Object.entries(data.related).filter(([, b]) => b.length);
  if (!rows.length) return null;
  return (
    <Panel title={t('entityRelated')}>
      <dl className="kvlist" data-testid="entity-related">
        {rows.map(([field, buckets]) => [
          <dt key={`${field}-t`}>{t(`f_${field.replace(/\./g, '_')}` as Key)}</dt>,
          <dd key={`${field}-d`}>
            {buckets.map((b, i) => {
              const kind = FIELD_ENTITY[field];
              return (
                <span key={b.key}>
                  {i > 0 ? ', ' : null}
                  {kind ? (
                    <EntityLink kind={kind} value={b.key}>
                      {kind === 'agency' ? agencies.label(b.key) : <LogText text={b.key} />}
                    </EntityLink>
                  ) : (
                    <LogText text={b.key} />
                  )}{' '}
                  <span className="muted">({fmtNumber(b.count, lang)})</span>
                </span>
              );
            })}
          </dd>,
        ])}
      </dl>
    </Panel>
  );
}

function Context({ data }: { data: Entity }) {
  const { t, lang } = useApp();
  const { geo, threatIntel, assets, hosts, agency } = data.context;
  return (
    <Panel title={t('entityContext')}>
      <dl className="kvlist" data-testid="entity-context">
        {data.kind === 'ip' ? (
          <>
            <dt>{t('entityGeo')}</dt>
            <dd data-testid="entity-geo">
              {geo?.countryName || geo?.countryIso ? (
                <>
                  <LogText text={[geo.city, geo.countryName ?? geo.countryIso].filter(Boolean).join(', ')} />
                  {geo.countryIso ? <span className="muted"> ({geo.countryIso})</span> : null}
                </>
              ) : (
                <span className="muted">{t('entityNoGeo')}</span>
              )}
            </dd>
            {geo?.asn || geo?.asOrg ? (
              <>
                <dt>{t('entityAsn')}</dt>
                <dd>
                  {geo.asn ? `AS${geo.asn} ` : ''}
                  <LogText text={geo.asOrg ?? ''} />
                </dd>
              </>
            ) : null}
            {geo?.label ? (
              <>
                <dt>{t('entityNetLabel')}</dt>
                <dd>
                  <LogText text={geo.label} />
                </dd>
              </>
            ) : null}
          </>
        ) : null}
        {agency ? (
          <>
            <dt>{t('agency')}</dt>
            <dd>
              <LogText text={agency.name} /> <span className="muted">({agency.id})</span>
            </dd>
            <dt>{t('entityNetworks')}</dt>
            <dd>{agency.networks.length ? agency.networks.join(', ') : '—'}</dd>
          </>
        ) : null}
        {typeof hosts === 'number' ? (
          <>
            <dt>{t('entityHostsWatched')}</dt>
            <dd>{fmtNumber(hosts, lang)}</dd>
          </>
        ) : null}
        {Array.isArray(hosts)
          ? hosts.map((h) => [
              <dt key={`${h.agencyId}-t`}>{t('entityHostRecord')}</dt>,
              <dd key={`${h.agencyId}-d`}>
                {h.silentSince ? (
                  <span className="sla-breached">
                    {t('entitySilentSince')} {fmtDateTime(h.silentSince)}
                  </span>
                ) : (
                  <span className="ok-text">{t('entityAlive')}</span>
                )}{' '}
                · {t('firstSeen')} {fmtDateTime(h.firstSeen)} · {t('lastSeen')} {fmtDateTime(h.lastSeen)}
              </dd>,
            ])
          : null}
        <dt>
          {t('entityTi')}
          {data.kind !== 'ip' && threatIntel.length ? <div className="muted small">{t('entityTiInEvents')}</div> : null}
        </dt>
        <dd data-testid="entity-ti">
          {threatIntel.length === 0 ? (
            <span className="muted">{t('entityTiNone')}</span>
          ) : (
            <ul className="plain">
              {threatIntel.map((x) => (
                <li key={`${x.value}-${x.feed}`} className="ti-hit">
                  <strong>
                    <LogText text={x.feed} />
                  </strong>
                  : <LogText text={x.value} />
                  {x.confidence !== undefined ? ` · ${t('entityConfidence')} ${x.confidence}` : ''} ·{' '}
                  {fmtNumber(x.count, lang)} {t('entityMatches')} · {fmtDateTime(x.lastSeen)}
                  {x.description ? (
                    <div className="muted small">
                      <LogText text={x.description} />
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </dd>
        {data.kind === 'ip' || data.kind === 'host' ? (
          <>
            <dt>{t('entityAsset')}</dt>
            <dd data-testid="entity-asset">
              {assets.length === 0 ? (
                <span className="muted">{t('entityAssetNone')}</span>
              ) : (
                assets.map((a) => (
                  <div key={`${a.agencyId}-${a.host}`}>
                    <EntityLink kind="host" value={a.host} />
                    {a.role ? (
                      <>
                        {' '}
                        · <LogText text={a.role} />
                      </>
                    ) : null}{' '}
                    · {t('entityCriticality')} {a.criticality}/5
                    {a.securityLevel ? ` · ${t('entitySecurityLevel')} ${a.securityLevel}` : ''}
                    {a.owner ? (
                      <>
                        {' '}
                        · {t('entityOwner')} <LogText text={a.owner} />
                      </>
                    ) : null}
                  </div>
                ))
              )}
            </dd>
          </>
        ) : null}
      </dl>
    </Panel>
  );
}

function IncidentRows({ items }: { items: Incident[] }) {
  const { t, navigate } = useApp();
  const agencies = useAgencyNames();
  const open = (id: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate(`/incidents/${encodeURIComponent(id)}`);
  };
  return (
    <table className="grid" data-testid="entity-incidents">
      <thead>
        <tr>
          <th>{t('severity')}</th>
          <th>{t('title')}</th>
          <th>{t('agency')}</th>
          <th>{t('host')}</th>
          <th>{t('state')}</th>
          <th>{t('lastSeen')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr key={i.id}>
            <td>
              <span className={sevClass(i.severity)}>{sevLabel(t, i.severity)}</span>
            </td>
            <td>
              <a href={`/incidents/${encodeURIComponent(i.id)}`} onClick={open(i.id)}>
                <IncidentTitle ruleId={i.ruleId} title={i.title} host={i.host} />
              </a>
            </td>
            <td title={i.agencyId}>{agencies.label(i.agencyId)}</td>
            <td>{i.host ? <EntityLink kind="host" value={i.host} /> : '—'}</td>
            <td>
              <span className={`state state-${i.state}`}>{stateLabel(t, i.state)}</span>
            </td>
            <td>{fmtDateTime(i.lastSeen)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EntityPage({ kind, value }: { kind: EntityKind; value: string }) {
  const { t, lang, navigate } = useApp();
  const [days, setDays] = useState(7);
  const agencies = useAgencyNames();
  const { data, error } = useData(
    () => api<Entity>('GET', `/api/v1/entities/${kind}/${encodeURIComponent(value)}${qs({ days })}`),
    [kind, value, days],
  );
  const pivot = data ? `/search${qs({ q: data.query, range: days <= 1 ? '24h' : days <= 7 ? '7d' : '30d' })}` : '';
  const go = (to: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate(to);
  };
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <div className="entity" data-testid="entity">
      <p className="muted small">{t(`entity_${kind}` as Key)}</p>
      <h1 data-testid="entity-title">
        {kind === 'agency' ? agencies.label(value) : <LogText text={value} />}
        {kind === 'agency' && agencies.label(value) !== value ? <span className="muted small"> {value}</span> : null}
      </h1>
      <div className="facts">
        <label className="inline">
          {t('entityWindow')}{' '}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="entity-days">
            {PERIODS.map((d) => (
              <option key={d} value={d}>
                {t(periodKey(d))}
              </option>
            ))}
          </select>
        </label>
        {data ? (
          <>
            <span data-testid="entity-count">
              {t('entityEvents')}: <strong>{fmtNumber(data.events.total, lang)}</strong>
            </span>
            <span>
              {t('firstSeen')}: {data.events.firstSeen ? fmtDateTime(data.events.firstSeen) : '—'}
            </span>
            <span>
              {t('lastSeen')}: {data.events.lastSeen ? fmtDateTime(data.events.lastSeen) : '—'}
            </span>
            <span data-testid="entity-incident-count">
              {t('incidents')}: <strong>{fmtNumber(data.incidents.total, lang)}</strong> ·{' '}
              {fmtNumber(data.incidents.open, lang)} {t('entityOpen')}
            </span>
            {kind !== 'agency' ? (
              <a href={pivot} onClick={go(pivot)} className="button" data-testid="entity-pivot">
                {t('entityPivot')} →
              </a>
            ) : null}
          </>
        ) : null}
      </div>
      {notFound ? <p className="error">{t('entityNotFound')}</p> : <ErrorBox error={error} />}
      {!data && !error ? <Loading /> : null}
      {data ? (
        <>
          <div className="cols">
            <Context data={data} />
            <Related data={data} />
          </div>
          <Panel title={t('entityIncidents')}>
            {data.kind === 'ip' || data.kind === 'user' ? (
              <p className="muted small">{t('entityIncidentsVia')}</p>
            ) : null}
            {data.incidents.complete ? null : (
              <p className="note small" data-testid="entity-incidents-partial">
                {t('entityIncidentsPartial')}
              </p>
            )}
            {data.incidents.items.length ? (
              <>
                <IncidentRows items={data.incidents.items} />
                {data.incidents.total > data.incidents.items.length ? (
                  <p className="muted small">
                    {fill(t('entityShownOf'), {
                      n: fmtNumber(data.incidents.items.length, lang),
                      total: fmtNumber(data.incidents.total, lang),
                    })}
                  </p>
                ) : null}
              </>
            ) : (
              <p className="muted">{t('entityNoIncidents')}</p>
            )}
          </Panel>
          <Panel title={t('entityRecent')}>
            {data.events.recent.length ? (
              <table className="grid events" data-testid="entity-events">
                <tbody>
                  {data.events.recent.map((e) => (
                    <tr key={String(e['event.id'])}>
                      <td className="nowrap">{fmtDateTime(Date.parse(String(e['@timestamp'])))}</td>
                      <td>
                        {/* On a host's page its own name would fill the column: the address it heard from instead. */}
                        {kind === 'host' ? (
                          <EntityLink kind="ip" value={e['source.ip']} />
                        ) : (
                          <EntityLink kind="host" value={e['host.name']} />
                        )}
                      </td>
                      <td>
                        <LogText text={readable(e)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="muted">{t('entityNoEvents')}</p>
            )}
          </Panel>
        </>
      ) : null}
    </div>
  );
}
