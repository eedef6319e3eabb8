/**
 * Compliance per agency (GET /api/v1/compliance): each information system of the asset inventory with its
 * security level, the log types that level must keep centrally (Circular 12/2022/TT-BTTTT) checked against what
 * arrived in the period, and its retention (3 months; 12 months where Decree 53/2022/NĐ-CP applies, a switch per
 * system for those who may edit the inventory). An agency admin sees only its own agency.
 */
import { useState } from 'react';
import { useAgencyNames } from '../agency-names.js';
import { api, qs } from '../api.js';
import { fmtNumber, useApp } from '../i18n.js';
import { ErrorBox, errorText, Loading, Panel, useData } from '../ui.js';
import { halfYear, isoWeek } from './reports.js';
import { ReportTabs } from './reports-tabs.js';

interface LogCheck {
  id: string;
  required: boolean;
  events: number;
  hostsWith: number;
  status: 'ok' | 'missing' | 'partial' | 'not_required';
}
interface System {
  agencyId: string;
  name: string;
  level?: number;
  levelsDiffer: boolean;
  hosts: { host: string; securityLevel?: number; events: number }[];
  central: boolean;
  logs: LogCheck[];
  decree53: boolean;
  retention: { requiredDays: number; label: string; effectiveDays?: number; ok: boolean };
  ok: boolean;
}
interface Compliance {
  period: string;
  requirements: { id: string; title: string };
  logTypes: { id: string; vi: string; en: string }[];
  agencies: { id: string; name?: string; systems: System[] }[];
  retentionDays?: number;
  retentionMinimumDays?: number;
  summary: { systems: number; compliant: number; withoutLevel: number; missingLogTypes: number };
}

const WORDS = {
  vi: {
    title: 'Tuân thủ giám sát nhật ký theo cấp độ',
    intro:
      'Mỗi hệ thống thông tin trong danh mục tài sản (các máy cùng chức năng là một hệ thống), cấp độ an toàn và các loại nhật ký cấp độ đó phải thu thập tập trung theo {req}, đối chiếu với nhật ký thực tế nhận được trong kỳ.',
    unsure:
      'Bảng yêu cầu theo cấp độ (reports/compliance/tt12-2022.yml) là cách hiểu của canh gác về Thông tư, cần đối chiếu văn bản chính thức; đơn vị vận hành có thể thay tệp này.',
    period: 'Kỳ',
    halfCurrent: '6 tháng hiện tại',
    halfPrev: '6 tháng trước',
    weekCurrent: 'Tuần này',
    agency: 'Đơn vị',
    all: 'Tất cả đơn vị',
    systems: 'Hệ thống',
    compliant: 'Đạt yêu cầu',
    missingTypes: 'Loại nhật ký bắt buộc chưa nhận',
    noLevel: 'Chưa khai báo cấp độ',
    retentionNow: 'Lưu trữ hiện tại',
    days: '{d} ngày',
    atLeast: 'tối thiểu {m} tháng',
    forever: 'Không tự xóa',
    minimum: 'tối thiểu theo quy định: {m} tháng ({d} ngày)',
    system: 'Hệ thống',
    level: 'Cấp độ',
    hosts: 'Máy',
    retention: 'Lưu trữ',
    decree53: 'Thuộc NĐ 53/2022 (12 tháng)',
    ok: 'Đạt',
    missing: 'Chưa nhận',
    partial: 'Thiếu {k}/{n} máy',
    notRequired: 'Không bắt buộc',
    levelMissing: 'Chưa khai báo',
    levelsDiffer: 'các máy khai báo cấp độ khác nhau',
    central: 'bắt buộc thu thập tập trung',
    recommended: 'khuyến nghị thu thập tập trung',
    under: 'dưới mức tối thiểu',
    none: 'Danh mục tài sản chưa có hệ thống nào. Khai báo máy chủ, chức năng và cấp độ ở trang Đơn vị và máy (tài sản) để đánh giá tuân thủ.',
    events: 'sự kiện',
    hostList: 'Các máy',
  },
  en: {
    title: 'Log monitoring compliance by security level',
    intro:
      'Each information system of the asset inventory (hosts with one role form a system), its security level and the log types that level must collect centrally per {req}, checked against the logs received in the period.',
    unsure:
      "The table of requirements per level (reports/compliance/tt12-2022.yml) is canhgac's reading of the Circular, to be checked against the official text; operators may replace the file.",
    period: 'Period',
    halfCurrent: 'Current half-year',
    halfPrev: 'Previous half-year',
    weekCurrent: 'This week',
    agency: 'Agency',
    all: 'All agencies',
    systems: 'Systems',
    compliant: 'Compliant',
    missingTypes: 'Required log types not received',
    noLevel: 'Without a declared level',
    retentionNow: 'Retention now',
    days: '{d} days',
    atLeast: 'at least {m} months',
    forever: 'Never deleted',
    minimum: 'legal minimum: {m} months ({d} days)',
    system: 'System',
    level: 'Level',
    hosts: 'Hosts',
    retention: 'Retention',
    decree53: 'Under Decree 53/2022 (12 months)',
    ok: 'OK',
    missing: 'Not received',
    partial: 'Missing on {k}/{n}',
    notRequired: 'Not required',
    levelMissing: 'Not declared',
    levelsDiffer: 'hosts declare different levels',
    central: 'central collection required',
    recommended: 'central collection recommended',
    under: 'below the minimum',
    none: 'The asset inventory has no system yet. Declare servers, their role and level (Agencies and hosts, assets) to assess compliance.',
    events: 'events',
    hostList: 'Hosts',
  },
};

const fill = (s: string, v: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k) => String(v[k] ?? ''));
const PILL: Record<LogCheck['status'], string> = {
  ok: 'pill pill-ok',
  missing: 'pill pill-bad',
  partial: 'pill pill-warn',
  not_required: 'pill pill-none',
};
const EDITORS = ['admin', 'analyst', 'agency_admin'];

/** The compliance page. */
export function CompliancePage() {
  const { lang, me } = useApp();
  const w = WORDS[lang];
  const agencies = useAgencyNames();
  const now = Date.now();
  const options = [
    { v: halfYear(now).label, l: w.halfCurrent },
    { v: halfYear(halfYear(now).from - 86_400_000).label, l: w.halfPrev },
    { v: isoWeek(now).label, l: w.weekCurrent },
  ];
  const [period, setPeriod] = useState(options[0]!.v);
  const [agency, setAgency] = useState('all');
  const [flagError, setFlagError] = useState<unknown>();
  const { data, error, reload } = useData(
    () => api<Compliance>('GET', `/api/v1/compliance${qs({ period, agencyId: me.agencyId ? undefined : agency })}`),
    [period, agency],
  );
  const canEdit = EDITORS.includes(me.role);
  // The box ticks at once (what the analyst clicked), then the figures reload; a refusal unticks it again.
  const [ticked, setTicked] = useState<Record<string, boolean>>({});
  const keyOf = (s: System) => `${s.agencyId}\u0000${s.name}`;
  const flag = async (s: System, decree53: boolean) => {
    setFlagError(undefined);
    setTicked((t) => ({ ...t, [keyOf(s)]: decree53 }));
    try {
      await api('PUT', '/api/v1/compliance/systems', { agencyId: s.agencyId, system: s.name, decree53 });
      reload();
    } catch (e) {
      setTicked(({ [keyOf(s)]: _, ...rest }) => rest);
      setFlagError(e);
    }
  };
  const status = (l: LogCheck, s: System) =>
    l.status === 'ok'
      ? w.ok
      : l.status === 'missing'
        ? w.missing
        : l.status === 'partial'
          ? fill(w.partial, { k: s.hosts.length - l.hostsWith, n: s.hosts.length })
          : w.notRequired;
  return (
    <div className="compliance-page">
      <ReportTabs active="/compliance" />
      <h1>{w.title}</h1>
      <p className="muted">{fill(w.intro, { req: data?.requirements.title ?? 'Thông tư 12/2022/TT-BTTTT' })}</p>
      <div className="report-controls">
        <label>
          {w.period}
          <select value={period} onChange={(e) => setPeriod(e.target.value)} data-testid="compliance-period">
            {options.map((o) => (
              <option key={o.v} value={o.v}>
                {o.l}
              </option>
            ))}
          </select>
        </label>
        {me.agencyId ? null : (
          <label>
            {w.agency}
            <select value={agency} onChange={(e) => setAgency(e.target.value)}>
              <option value="all">{w.all}</option>
              {agencies.list.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name || a.id}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <ErrorBox error={error} />
      {flagError ? <div className="error">{errorText(flagError)}</div> : null}
      {!data ? (
        error ? null : (
          <Loading />
        )
      ) : (
        <>
          <div className="facts" data-testid="compliance-summary">
            <div className="fact">
              <b>{fmtNumber(data.summary.systems, lang)}</b>
              {w.systems}
            </div>
            <div className="fact">
              <b className={data.summary.compliant < data.summary.systems ? 'warn-text' : 'ok-text'}>
                {fmtNumber(data.summary.compliant, lang)}
              </b>
              {w.compliant}
            </div>
            <div className="fact">
              <b>{fmtNumber(data.summary.missingLogTypes, lang)}</b>
              {w.missingTypes}
            </div>
            <div className="fact">
              <b>{fmtNumber(data.summary.withoutLevel, lang)}</b>
              {w.noLevel}
            </div>
            <div className="fact">
              <b>{data.retentionDays === undefined ? w.forever : fill(w.days, { d: data.retentionDays })}</b>
              {w.retentionNow}
              {data.retentionMinimumDays ? (
                <span className="muted small block">
                  {fill(w.minimum, {
                    d: data.retentionMinimumDays,
                    // The legal minimum is set in months (3, 12): say it in months, the days after.
                    m: Math.round(data.retentionMinimumDays / 30.5),
                  })}
                </span>
              ) : null}
            </div>
          </div>
          {data.agencies.length === 0 ? <p data-testid="compliance-none">{w.none}</p> : null}
          {data.agencies.map((a) => (
            <Panel key={a.id} title={a.name ?? agencies.label(a.id)} className="compliance-agency">
              <table className="grid compliance" data-agency={a.id}>
                <thead>
                  <tr>
                    <th>{w.system}</th>
                    <th>{w.level}</th>
                    {data.logTypes.map((t) => (
                      <th key={t.id}>{t[lang]}</th>
                    ))}
                    <th>{w.retention}</th>
                  </tr>
                </thead>
                <tbody>
                  {a.systems.map((s) => (
                    <tr key={s.name} data-system={s.name}>
                      <td>
                        <b>{s.name}</b>
                        <span className="count muted small">
                          {w.hostList}: {s.hosts.map((h) => h.host).join(', ')}
                        </span>
                      </td>
                      <td>
                        {s.level !== undefined ? (
                          <>
                            <b>{s.level}</b>
                            <span className="count">{s.central ? w.central : w.recommended}</span>
                            {s.levelsDiffer ? <span className="count warn-text">{w.levelsDiffer}</span> : null}
                          </>
                        ) : (
                          <span className="pill pill-bad">{w.levelMissing}</span>
                        )}
                      </td>
                      {s.logs.map((l) => (
                        <td key={l.id} data-log={l.id} data-status={l.status}>
                          <span className={PILL[l.status]}>{status(l, s)}</span>
                          {l.status !== 'not_required' || l.events > 0 ? (
                            <span className="count">
                              {fmtNumber(l.events, lang)} {w.events}
                            </span>
                          ) : null}
                        </td>
                      ))}
                      <td data-retention={s.retention.ok ? 'ok' : 'under'}>
                        <span className={s.retention.ok ? 'pill pill-ok' : 'pill pill-bad'}>
                          {fill(w.atLeast, { m: Math.round(s.retention.requiredDays / 30.5) })}
                        </span>
                        {s.retention.ok ? null : <span className="count warn-text">{w.under}</span>}
                        <label className="count">
                          <input
                            type="checkbox"
                            checked={ticked[keyOf(s)] ?? s.decree53}
                            disabled={!canEdit}
                            onChange={(e) => void flag(s, e.target.checked)}
                            data-testid="decree53"
                          />{' '}
                          {w.decree53}
                        </label>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Panel>
          ))}
          <p className="muted small">{w.unsure}</p>
        </>
      )}
    </div>
  );
}
