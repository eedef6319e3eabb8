/**
 * The context of an incident (issue 14): the asset it touches (owner, role, criticality, security level, and when
 * the severity was moved by the criticality, from what), the threat-intelligence indicators its alerts matched
 * (value, feed, confidence, TLP, first seen, description, found later), and where its addresses are (country,
 * city, network owner, or a label: private, gov-vn, the province's own ranges). Read from the alerts' and events'
 * fields the context stage wrote, and the agency's inventory when no alert carries the asset.
 */
import { type Alert, api, type EventDoc, type Incident, qs } from '../api.js';
import { fmtDateTime, sevLabel, useApp } from '../i18n.js';
import { LogText, Panel, useData } from '../ui.js';

const WORDS = {
  vi: {
    title: 'Bối cảnh',
    asset: 'Tài sản',
    noAsset: 'Máy này chưa có trong danh mục tài sản của đơn vị.',
    addAsset: 'Bổ sung vào danh mục',
    role: 'Vai trò',
    owner: 'Chủ quản',
    criticality: 'Mức quan trọng',
    securityLevel: 'Cấp độ (NĐ 85)',
    raised: 'Mức độ điều chỉnh theo mức quan trọng của tài sản',
    indicators: 'Chỉ báo mối đe dọa',
    feed: 'Nguồn',
    value: 'Chỉ báo',
    confidence: 'Độ tin cậy',
    firstSeen: 'Thấy lần đầu',
    matched: 'Khớp ở trường',
    foundLater: 'tìm thấy sau (dò lại sự kiện đã lưu)',
    where: 'Địa chỉ IP',
    country: 'Quốc gia',
    city: 'Thành phố',
    as: 'Mạng (AS)',
    label: 'Nhãn',
    label_private: 'mạng nội bộ',
    'label_gov-vn': 'mạng cơ quan nhà nước VN',
    label_reserved: 'dải dành riêng',
    'label_loopback/link-local': 'loopback/link-local',
  },
  en: {
    title: 'Context',
    asset: 'Asset',
    noAsset: "This host is not in the agency's asset inventory.",
    addAsset: 'Add it to the inventory',
    role: 'Role',
    owner: 'Owner',
    criticality: 'Criticality',
    securityLevel: 'Security level (Decree 85)',
    raised: "Severity adjusted by the asset's criticality",
    indicators: 'Threat indicators',
    feed: 'Feed',
    value: 'Indicator',
    confidence: 'Confidence',
    firstSeen: 'First seen',
    matched: 'Matched in',
    foundLater: 'found later (retro-match of stored events)',
    where: 'IP addresses',
    country: 'Country',
    city: 'City',
    as: 'Network (AS)',
    label: 'Label',
    label_private: 'private network',
    'label_gov-vn': 'VN government network',
    label_reserved: 'reserved range',
    'label_loopback/link-local': 'loopback/link-local',
  },
};

type Fields = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const PREFIXES = ['source', 'destination', 'client', 'server'];

interface AssetDoc {
  host: string;
  role?: string;
  owner?: string;
  criticality: number;
  securityLevel?: number;
}

/** The context panel of an incident. */
export function IncidentContext({
  incident,
  alerts,
  events,
}: {
  incident: Incident;
  alerts: (Alert & { fields?: Fields })[];
  events: EventDoc[];
}) {
  const { lang, t, navigate } = useApp();
  const w = WORDS[lang];
  const carried = alerts.find((a) => a.fields?.['asset.host'])?.fields;
  const host = incident.host?.toLowerCase();
  const inventory = useData(
    () =>
      carried || !host
        ? Promise.resolve(undefined)
        : api<{ items: AssetDoc[] }>('GET', `/api/v1/assets${qs({ agencyId: incident.agencyId })}`).then(
            // null: looked, not in the inventory (undefined is still loading).
            (r) => r.items.find((a) => a.host === host) ?? null,
            () => null,
          ),
    [incident.id],
  );
  const asset: AssetDoc | undefined = carried
    ? {
        host: str(carried['asset.host']),
        criticality: Number(carried['asset.criticality']),
        ...(carried['asset.role'] ? { role: str(carried['asset.role']) } : {}),
        ...(carried['asset.owner'] ? { owner: str(carried['asset.owner']) } : {}),
        ...(carried['asset.security_level'] ? { securityLevel: Number(carried['asset.security_level']) } : {}),
      }
    : (inventory.data ?? undefined);
  const original = alerts.find((a) => a.fields?.['severity.original'])?.fields?.['severity.original'];
  const tiAlerts = alerts.filter((a) => a.fields?.['threat.indicator.value']);
  const seen = new Set<string>();
  const indicators = tiAlerts.filter((a) => {
    const k = `${str(a.fields!['threat.indicator.feed'])}:${str(a.fields!['threat.indicator.value'])}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const addresses = new Map<string, Fields>();
  for (const e of events)
    for (const p of PREFIXES) {
      const ip = str(e[`${p}.ip`]);
      if (ip && !addresses.has(ip) && (e[`${p}.geo.country_iso_code`] || e[`${p}.geo.label`] || e[`${p}.as.number`]))
        addresses.set(ip, {
          country: e[`${p}.geo.country_name`] ?? e[`${p}.geo.country_iso_code`],
          iso: e[`${p}.geo.country_iso_code`],
          city: e[`${p}.geo.city_name`],
          asn: e[`${p}.as.number`],
          org: e[`${p}.as.organization.name`],
          label: e[`${p}.geo.label`],
        });
    }
  const regions = new Intl.DisplayNames([lang], { type: 'region' });
  const countryOf = (iso: unknown, name: unknown) => {
    try {
      return (iso ? regions.of(str(iso)) : undefined) ?? str(name);
    } catch {
      return str(name);
    }
  };
  const labelOf = (l: unknown) => (w as Record<string, string>)[`label_${str(l)}`] ?? str(l);
  return (
    <Panel title={w.title} className="incident-context">
      <div data-testid="incident-asset">
        <h3>{w.asset}</h3>
        {asset ? (
          <dl className="kvlist">
            <dt>{t('host')}</dt>
            <dd>
              <LogText text={asset.host} />
            </dd>
            {asset.role ? (
              <>
                <dt>{w.role}</dt>
                <dd>
                  <LogText text={asset.role} />
                </dd>
              </>
            ) : null}
            {asset.owner ? (
              <>
                <dt>{w.owner}</dt>
                <dd>
                  <LogText text={asset.owner} />
                </dd>
              </>
            ) : null}
            <dt>{w.criticality}</dt>
            <dd>
              <span className={`crit crit-${asset.criticality}`}>{asset.criticality}</span> / 5
            </dd>
            {asset.securityLevel ? (
              <>
                <dt>{w.securityLevel}</dt>
                <dd>{asset.securityLevel}</dd>
              </>
            ) : null}
          </dl>
        ) : inventory.data === undefined && !carried && host && !inventory.error ? null : (
          <p className="muted small">
            {w.noAsset}{' '}
            <button
              type="button"
              className="link small"
              onClick={() => navigate(`/assets${qs({ agency: incident.agencyId })}`)}
            >
              {w.addAsset}
            </button>
          </p>
        )}
        {original ? (
          <p className="small" data-testid="severity-original">
            {w.raised}: <strong>{sevLabel(t, str(original))}</strong> →{' '}
            <strong>{sevLabel(t, incident.severity)}</strong>.
          </p>
        ) : null}
      </div>
      {indicators.length ? (
        <div data-testid="incident-indicators">
          <h3>{w.indicators}</h3>
          <table className="grid">
            <thead>
              <tr>
                <th>{w.feed}</th>
                <th>{w.value}</th>
                <th>{w.confidence}</th>
                <th>TLP</th>
                <th>{w.firstSeen}</th>
                <th>{w.matched}</th>
              </tr>
            </thead>
            <tbody>
              {indicators.map((a) => {
                const f = a.fields!;
                return (
                  <tr key={a.id}>
                    <td>{str(f['threat.indicator.feed'])}</td>
                    <td>
                      <code>
                        <LogText text={str(f['threat.indicator.value'])} />
                      </code>{' '}
                      <span className="small muted">{str(f['threat.indicator.type'])}</span>
                      {f['threat.indicator.description'] ? (
                        <div className="small">
                          <LogText text={str(f['threat.indicator.description'])} />
                        </div>
                      ) : null}
                      {f['threat.found_later'] ? <div className="small ti-later">{w.foundLater}</div> : null}
                    </td>
                    <td className="num">{str(f['threat.indicator.confidence'])}</td>
                    <td>{str(f['threat.indicator.tlp']).toUpperCase()}</td>
                    <td className="small">
                      {f['threat.indicator.first_seen']
                        ? fmtDateTime(Date.parse(str(f['threat.indicator.first_seen'])))
                        : ''}
                    </td>
                    <td className="small">
                      <code>{str(f['threat.indicator.matched.field'])}</code>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {addresses.size ? (
        <div data-testid="incident-geo">
          <h3>{w.where}</h3>
          <table className="grid">
            <thead>
              <tr>
                <th>IP</th>
                <th>{w.country}</th>
                <th>{w.city}</th>
                <th>{w.as}</th>
                <th>{w.label}</th>
              </tr>
            </thead>
            <tbody>
              {[...addresses].map(([ip, g]) => (
                <tr key={ip}>
                  <td>
                    <code>{ip}</code>
                  </td>
                  <td>
                    {countryOf(g.iso, g.country)} {g.iso ? <span className="small muted">({str(g.iso)})</span> : null}
                  </td>
                  <td>
                    <LogText text={str(g.city)} />
                  </td>
                  <td>
                    {g.asn ? `AS${str(g.asn)} ` : ''}
                    <LogText text={str(g.org)} />
                  </td>
                  <td>{g.label ? labelOf(g.label) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Panel>
  );
}
