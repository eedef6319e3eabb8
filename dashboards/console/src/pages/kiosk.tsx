/**
 * The operations-centre wall (/kiosk): the KPI feed (GET /api/v1/kpi) full screen, large enough to read across a
 * room, refreshing itself every 30 seconds. It shows no personal data: no user, assignee, address or incident
 * title, only counts, agency names, rule titles and ATT&CK technique ids. Words from the glossary (core/glossary.ts).
 */
import { useEffect, useState } from 'react';
import { SEVERITY_TERMS } from '../../../../core/glossary.js';
import { api } from '../api.js';
import { useApp } from '../i18n.js';
import { useData } from '../ui.js';
import './kiosk.css';

const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
type Sev = (typeof SEVERITIES)[number] | 'informational';
/** How often the wall reloads its figures (`/kiosk?refresh=SECONDS`, at least 5, changes it). */
export const KIOSK_REFRESH_MS = 30_000;

function refreshMs(): number {
  const s = Number(new URLSearchParams(location.search).get('refresh'));
  return Number.isFinite(s) && s >= 5 ? s * 1000 : KIOSK_REFRESH_MS;
}

interface Kpi {
  generatedAt: string;
  period: { title: { vi: string; en: string }; partial: boolean };
  scope: { agencyId: string | null; name: string | null };
  open: {
    total: number;
    bySeverity: Record<Sev, number>;
    byAgency: { agencyId: string; name: string | null; total: number; bySeverity: Record<Sev, number> }[];
  };
  incidents: { total: number; criticalHigh: number; previous: number };
  events: { total: number; previous: number };
  mttaSeconds: number | null;
  mttrSeconds: number | null;
  slaBreaches: { acknowledge: number; resolve: number };
  systems: { reporting: number; expected: number };
  silentHosts: { total: number; byAgency: { agencyId: string; name: string | null; count: number }[] };
  topThreats: { ruleId: string; title: { vi: string; en: string }; techniques: string[]; alerts: number }[];
  trend: { label: string; events: number | null; incidents: number | null }[];
}

const W = {
  vi: {
    heading: 'Giám sát an toàn thông tin',
    open: 'Sự cố đang mở',
    newThis: 'Sự cố mới trong kỳ',
    overdue: 'Quá hạn xử lý',
    systems: 'Máy chủ gửi log',
    silent: 'Máy chủ ngừng gửi log',
    mtta: 'Tiếp nhận trung bình',
    mttr: 'Khắc phục trung bình',
    byAgency: 'Sự cố đang mở theo đơn vị',
    threats: 'Hình thức tấn công nhiều nhất',
    trend: 'Sự cố mới theo ngày',
    agency: 'Đơn vị',
    total: 'Tổng',
    alerts: 'cảnh báo',
    none: 'Không có',
    notYet: 'chưa đến',
    updated: 'Cập nhật lúc',
    refresh: 'tự cập nhật mỗi {n} giây',
    stale: 'Mất kết nối, đang hiển thị số liệu cũ',
    province: 'Toàn tỉnh',
    h: 'giờ',
    m: 'phút',
  },
  en: {
    heading: 'Information security monitoring',
    open: 'Open incidents',
    newThis: 'New incidents this period',
    overdue: 'Deadlines missed',
    systems: 'Hosts sending logs',
    silent: 'Silent hosts',
    mtta: 'Mean time to acknowledge',
    mttr: 'Mean time to resolve',
    byAgency: 'Open incidents by agency',
    threats: 'Most frequent attacks',
    trend: 'New incidents by day',
    agency: 'Agency',
    total: 'Total',
    alerts: 'alerts',
    none: 'None',
    notYet: 'not yet',
    updated: 'Updated',
    refresh: 'refreshes every {n} s',
    stale: 'Connection lost, showing older figures',
    province: 'Province-wide',
    h: 'h',
    m: 'min',
  },
};

function duration(s: number | null, w: (typeof W)['vi']): string {
  if (s === null) return '—';
  const mins = Math.round(s / 60);
  const h = Math.floor(mins / 60);
  return h ? `${h} ${w.h} ${mins % 60} ${w.m}` : `${mins} ${w.m}`;
}

function clock(d: Date): string {
  const local = new Date(d.getTime() + 7 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(local.getUTCHours())}:${p(local.getUTCMinutes())}:${p(local.getUTCSeconds())}`;
}

export function KioskPage() {
  const { lang } = useApp();
  const w = W[lang];
  const [every] = useState(refreshMs);
  const { data, error } = useData(() => api<Kpi>('GET', '/api/v1/kpi'), [], every);
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(t);
  }, []);
  if (!data) return <div className="kiosk kiosk-wait">{error ? w.stale : '…'}</div>;
  const k = data;
  const maxThreat = Math.max(1, ...k.topThreats.map((t) => t.alerts));
  const maxDay = Math.max(1, ...k.trend.map((t) => t.incidents ?? 0));
  const overdue = k.slaBreaches.acknowledge + k.slaBreaches.resolve;
  return (
    <div className="kiosk" data-testid="kiosk">
      <header className="kiosk-head">
        <div>
          <h1>{w.heading}</h1>
          <p>
            {k.scope.name ?? w.province} · {k.period.title[lang]}
          </p>
        </div>
        <div className="kiosk-clock">
          <b>{clock(now)}</b>
          <span>
            {w.updated} {clock(new Date(k.generatedAt))} · {w.refresh.replace('{n}', String(every / 1000))}
          </span>
          {error ? <span className="kiosk-stale">{w.stale}</span> : null}
        </div>
      </header>
      <section className="kiosk-tiles">
        <div className={`tile ${k.open.bySeverity.critical ? 'alarm' : ''}`} data-testid="kiosk-open">
          <span className="label">{w.open}</span>
          <b>{k.open.total}</b>
          <span className="sevs">
            {SEVERITIES.map((s) => (
              <span key={s} className={`sev sev-${s}`}>
                {SEVERITY_TERMS[s][lang]} {k.open.bySeverity[s]}
              </span>
            ))}
          </span>
        </div>
        <div className="tile">
          <span className="label">{w.newThis}</span>
          <b>{k.incidents.total}</b>
        </div>
        <div className={`tile ${overdue ? 'warn' : ''}`}>
          <span className="label">{w.overdue}</span>
          <b>{overdue}</b>
        </div>
        <div className={`tile ${k.systems.reporting < k.systems.expected ? 'warn' : ''}`}>
          <span className="label">{w.systems}</span>
          <b>
            {k.systems.reporting}/{k.systems.expected}
          </b>
        </div>
        <div className={`tile ${k.silentHosts.total ? 'warn' : ''}`}>
          <span className="label">{w.silent}</span>
          <b>{k.silentHosts.total}</b>
        </div>
        <div className="tile">
          <span className="label">{w.mtta}</span>
          <b className="small-b">{duration(k.mttaSeconds, w)}</b>
        </div>
        <div className="tile">
          <span className="label">{w.mttr}</span>
          <b className="small-b">{duration(k.mttrSeconds, w)}</b>
        </div>
      </section>
      <section className="kiosk-panels">
        <div className="kpanel">
          <h2>{w.byAgency}</h2>
          {k.open.byAgency.length ? (
            <table>
              <thead>
                <tr>
                  <th>{w.agency}</th>
                  {SEVERITIES.map((s) => (
                    <th key={s} className={`num sev-text-${s}`}>
                      {SEVERITY_TERMS[s][lang]}
                    </th>
                  ))}
                  <th className="num">{w.total}</th>
                </tr>
              </thead>
              <tbody>
                {k.open.byAgency.slice(0, 8).map((a) => (
                  <tr key={a.agencyId}>
                    <td>{a.name ?? a.agencyId}</td>
                    {SEVERITIES.map((s) => (
                      <td key={s} className="num">
                        {a.bySeverity[s] || ''}
                      </td>
                    ))}
                    <td className="num">
                      <b>{a.total}</b>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="kiosk-none">{w.none}</p>
          )}
        </div>
        <div className="kpanel">
          <h2>{w.threats}</h2>
          {k.topThreats.length ? (
            <ul className="threats">
              {k.topThreats.map((t) => (
                <li key={t.ruleId}>
                  <span className="t-title">{t.title[lang]}</span>
                  <span className="t-tech">{t.techniques.join(' · ')}</span>
                  <span className="bar">
                    <span style={{ width: `${Math.round((t.alerts / maxThreat) * 100)}%` }} />
                  </span>
                  <span className="t-n">
                    {t.alerts} {w.alerts}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="kiosk-none">{w.none}</p>
          )}
        </div>
      </section>
      <section className="kpanel kiosk-trend">
        <h2>{w.trend}</h2>
        <div className="days">
          {k.trend.map((t) => (
            <div key={t.label} className="day">
              <span className="v">{t.incidents === null ? '' : t.incidents}</span>
              <span className="col">
                {t.incidents === null ? (
                  <em>{w.notYet}</em>
                ) : (
                  <span style={{ height: `${Math.round((t.incidents / maxDay) * 100)}%` }} />
                )}
              </span>
              <span className="d">{t.label}</span>
            </div>
          ))}
        </div>
      </section>
    </div>
  );
}
