/**
 * Incident notification reports (Circular 20/2017/TT-BTTTT forms, reports/notification): the high and critical
 * incidents of the last 30 days with the 5-day clock of their initial report, and for the chosen incident the form
 * (initial or follow-up) filled in here and downloaded as PDF or DOCX, then recorded as sent (to whom, when, by
 * whom, with the content). `/notifications?incident=ID` opens one incident.
 */
import { useState } from 'react';
import { useAgencyNames } from '../agency-names.js';
import { ApiError, api } from '../api.js';
import { fmtDateTime, sevLabel, stateLabel, useApp } from '../i18n.js';
import { ErrorBox, errorText, Loading, LogText, Panel, useData } from '../ui.js';
import { ReportTabs } from './reports-tabs.js';

interface Clock {
  dueAt: number;
  state: 'due' | 'overdue' | 'met' | 'late';
  sentAt?: number;
  remainingMs: number;
}
interface Row {
  id: string;
  title: string;
  titleVi?: string;
  severity: string;
  state: string;
  agencyId: string;
  host?: string;
  createdAt: number;
  clock: Clock;
  sent: number;
}
interface Rec {
  id: string;
  kind: 'initial' | 'followup';
  to: string[];
  sentAt: number;
  sentBy: string;
  deadline: 'met' | 'late' | 'n/a';
  contentSha256?: string;
}

const WORDS = {
  vi: {
    title: 'Báo cáo sự cố an toàn thông tin mạng',
    intro:
      'Sự cố mức cao và nghiêm trọng trong 30 ngày qua. Báo cáo ban đầu (Mẫu số 03) phải gửi trong 5 ngày kể từ khi phát hiện; khi xử lý xong, gửi báo cáo kết thúc ứng phó sự cố (Mẫu số 04). Biểu mẫu theo Phụ lục Thông tư 20/2017/TT-BTTTT (tệp mẫu thay được khi có mẫu mới).',
    none: 'Không có sự cố mức cao hoặc nghiêm trọng nào trong 30 ngày qua.',
    incident: 'Sự cố',
    detected: 'Phát hiện',
    deadline: 'Hạn báo cáo ban đầu',
    sent: 'Đã gửi',
    left: 'còn {t}',
    overdue: 'quá hạn {t}',
    met: 'đã gửi đúng hạn',
    late: 'đã gửi muộn',
    choose: 'Lập báo cáo',
    form: 'Lập báo cáo cho sự cố',
    kind: 'Loại báo cáo',
    initial: 'Báo cáo ban đầu (Mẫu 03)',
    followup: 'Báo cáo kết thúc ứng phó (Mẫu 04)',
    reporter: 'Người báo cáo (họ tên, chức vụ)',
    contact: 'Liên hệ (điện thoại, thư điện tử)',
    level: 'Cấp độ hệ thống (1-5)',
    actions: 'Biện pháp ban đầu đã thực hiện',
    proposal: 'Đề xuất hỗ trợ',
    progress: 'Tiến độ xử lý',
    result: 'Kết quả xử lý',
    to: 'Nơi nhận (cách nhau bởi dấu phẩy)',
    toHint: 'Ví dụ: Cơ quan điều phối quốc gia, Sở TT&TT, ir@vncert.vn',
    pdf: 'Tải PDF',
    docx: 'Tải DOCX',
    record: 'Ghi nhận đã gửi',
    recorded: 'Đã ghi nhận.',
    needTo: 'Cần ghi ít nhất một nơi nhận.',
    history: 'Các báo cáo đã gửi',
    noHistory: 'Chưa gửi báo cáo nào cho sự cố này.',
    when: 'Thời điểm',
    whom: 'Nơi nhận',
    by: 'Người gửi',
    onTime: 'Đúng hạn',
    days: '{d} ngày {h} giờ',
    hours: '{h} giờ',
    minutes: '{m} phút',
    busy: 'Đang tạo tệp…',
  },
  en: {
    title: 'Information security incident notifications',
    intro:
      'High and critical incidents of the last 30 days. The initial report (form 03) is due within 5 days of detection; when the response is over, the closing report (form 04) follows. Forms of the annex to Circular 20/2017/TT-BTTTT (the template file is replaceable when new forms are published).',
    none: 'No high or critical incident in the last 30 days.',
    incident: 'Incident',
    detected: 'Detected',
    deadline: 'Initial report due',
    sent: 'Sent',
    left: '{t} left',
    overdue: 'overdue by {t}',
    met: 'sent in time',
    late: 'sent late',
    choose: 'Prepare report',
    form: 'Report for incident',
    kind: 'Report',
    initial: 'Initial report (form 03)',
    followup: 'Closing report (form 04)',
    reporter: 'Reporter (name, position)',
    contact: 'Contact (phone, e-mail)',
    level: 'System security level (1-5)',
    actions: 'Initial measures taken',
    proposal: 'Support requested',
    progress: 'Progress',
    result: 'Result',
    to: 'Recipients (comma separated)',
    toHint: 'For example: national coordinator, provincial department, ir@vncert.vn',
    pdf: 'Download PDF',
    docx: 'Download DOCX',
    record: 'Record as sent',
    recorded: 'Recorded.',
    needTo: 'Name at least one recipient.',
    history: 'Reports sent',
    noHistory: 'No report sent for this incident yet.',
    when: 'When',
    whom: 'To',
    by: 'By',
    onTime: 'In time',
    days: '{d} d {h} h',
    hours: '{h} h',
    minutes: '{m} min',
    busy: 'Making the file…',
  },
};

const fill = (s: string, v: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k) => String(v[k] ?? ''));
const H = 3_600_000;

function span(ms: number, w: (typeof WORDS)['vi']): string {
  if (Math.abs(ms) < H) return fill(w.minutes, { m: Math.max(1, Math.round(Math.abs(ms) / 60_000)) });
  const h = Math.floor(Math.abs(ms) / H);
  return h >= 24 ? fill(w.days, { d: Math.floor(h / 24), h: h % 24 }) : fill(w.hours, { h });
}

/** The clock as a pill. */
function ClockPill({ c, w }: { c: Clock; w: (typeof WORDS)['vi'] }) {
  const cls =
    c.state === 'met'
      ? 'pill pill-ok'
      : c.state === 'late' || c.state === 'overdue'
        ? 'pill pill-bad'
        : c.remainingMs < 24 * H
          ? 'pill pill-warn'
          : 'pill pill-none';
  const text =
    c.state === 'met'
      ? w.met
      : c.state === 'late'
        ? w.late
        : c.state === 'overdue'
          ? fill(w.overdue, { t: span(c.remainingMs, w) })
          : fill(w.left, { t: span(c.remainingMs, w) });
  return (
    <span className={cls} data-clock={c.state}>
      {text}
    </span>
  );
}

async function fetchFile(id: string, body: Record<string, unknown>): Promise<void> {
  const csrf =
    document.cookie
      .split(';')
      .map((p) => p.trim().split('='))
      .find(([k]) => k === 'canhgac_csrf')?.[1] ?? '';
  const res = await fetch(`/api/v1/incidents/${encodeURIComponent(id)}/notifications/form`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    const j = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(res.status, j.error?.code ?? 'HTTP', j.error?.message ?? `HTTP ${res.status}`);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'bao-cao';
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Form({ row, onSent }: { row: Row; onSent: () => void }) {
  const { lang } = useApp();
  const w = WORDS[lang];
  const [f, setF] = useState({
    kind: row.sent > 0 ? 'followup' : 'initial',
    reporter: '',
    contact: '',
    securityLevel: '',
    actions: '',
    proposal: '',
    progress: '',
    result: '',
    to: '',
  });
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState('');
  const [err, setErr] = useState<unknown>();
  const hist = useData(
    () => api<{ records: Rec[]; clock: Clock }>('GET', `/api/v1/incidents/${encodeURIComponent(row.id)}/notifications`),
    [row.id],
  );
  const body = (extra: Record<string, unknown>) => {
    const out: Record<string, unknown> = { kind: f.kind, ...extra };
    for (const k of ['reporter', 'contact', 'actions', 'proposal', 'progress', 'result'] as const)
      if (f[k].trim()) out[k] = f[k].trim();
    const lvl = Number(f.securityLevel);
    if (Number.isInteger(lvl) && lvl >= 1 && lvl <= 5) out.securityLevel = lvl;
    const to = f.to
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (to.length) out.to = to;
    return out;
  };
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setErr(undefined);
    setMsg('');
    try {
      await fn();
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(false);
    }
  };
  const input = (k: keyof typeof f, label: string, area = false, hint?: string) =>
    area ? (
      <label className="wide">
        {label}
        <textarea rows={3} value={f[k]} onChange={(e) => setF({ ...f, [k]: e.target.value })} name={k} />
      </label>
    ) : (
      <label>
        {label}
        <input value={f[k]} onChange={(e) => setF({ ...f, [k]: e.target.value })} name={k} placeholder={hint} />
      </label>
    );
  return (
    <Panel title={`${w.form}: ${lang === 'vi' ? (row.titleVi ?? row.title) : row.title}`} className="notif-panel">
      <div className="notif-form" data-testid="notif-form">
        <label>
          {w.kind}
          <select value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value })} name="kind">
            <option value="initial">{w.initial}</option>
            <option value="followup">{w.followup}</option>
          </select>
        </label>
        {input('securityLevel', w.level)}
        {input('reporter', w.reporter)}
        {input('contact', w.contact)}
        {f.kind === 'initial' ? (
          <>
            {input('actions', w.actions, true)}
            {input('proposal', w.proposal, true)}
          </>
        ) : (
          <>
            {input('progress', w.progress, true)}
            {input('result', w.result, true)}
          </>
        )}
        {input('to', w.to, false, w.toHint)}
      </div>
      <div className="notif-actions">
        <button type="button" disabled={busy} onClick={() => run(() => fetchFile(row.id, body({ format: 'pdf' })))}>
          {w.pdf}
        </button>
        <button type="button" disabled={busy} onClick={() => run(() => fetchFile(row.id, body({ format: 'docx' })))}>
          {w.docx}
        </button>
        <button
          type="button"
          disabled={busy}
          data-testid="notif-record"
          onClick={() =>
            run(async () => {
              const b = body({});
              if (!b.to) {
                setMsg(w.needTo);
                return;
              }
              await api('POST', `/api/v1/incidents/${encodeURIComponent(row.id)}/notifications`, b);
              setMsg(w.recorded);
              hist.reload();
              onSent();
            })
          }
        >
          {w.record}
        </button>
        {busy ? <span className="muted">{w.busy}</span> : null}
        {msg ? <span role="status">{msg}</span> : null}
      </div>
      {err ? <div className="error">{errorText(err)}</div> : null}
      <h3>{w.history}</h3>
      {!hist.data ? (
        <Loading />
      ) : hist.data.records.length === 0 ? (
        <p className="muted">{w.noHistory}</p>
      ) : (
        <table className="grid" data-testid="notif-history">
          <thead>
            <tr>
              <th>{w.when}</th>
              <th>{w.kind}</th>
              <th>{w.whom}</th>
              <th>{w.by}</th>
              <th>{w.deadline}</th>
            </tr>
          </thead>
          <tbody>
            {hist.data.records.map((r) => (
              <tr key={r.id}>
                <td className="nowrap">{fmtDateTime(r.sentAt)}</td>
                <td>{r.kind === 'initial' ? w.initial : w.followup}</td>
                <td>
                  <LogText text={r.to.join(', ')} />
                </td>
                <td>{r.sentBy.replace(/^(user|key):/, '')}</td>
                <td>
                  {r.deadline === 'met' ? (
                    <span className="pill pill-ok">{w.onTime}</span>
                  ) : r.deadline === 'late' ? (
                    <span className="pill pill-bad">{w.late}</span>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/** The incident notification page. */
export function NotificationReportsPage() {
  const { lang, t } = useApp();
  const w = WORDS[lang];
  const agencies = useAgencyNames();
  const [chosen, setChosen] = useState<string | undefined>(
    () => new URLSearchParams(location.search).get('incident') ?? undefined,
  );
  const { data, error, reload } = useData(
    () => api<{ items: Row[] }>('GET', '/api/v1/notification-reports'),
    [],
    60_000,
  );
  const row = data?.items.find((r) => r.id === chosen);
  return (
    <div className="notifications-page">
      <ReportTabs active="/notifications" />
      <h1>{w.title}</h1>
      <p className="muted">{w.intro}</p>
      <ErrorBox error={error} />
      {!data ? (
        error ? null : (
          <Loading />
        )
      ) : data.items.length === 0 ? (
        <p data-testid="notif-none">{w.none}</p>
      ) : (
        <table className="grid" data-testid="notif-list">
          <thead>
            <tr>
              <th>{w.incident}</th>
              <th>{t('severity')}</th>
              <th>{t('state')}</th>
              <th>{t('agency')}</th>
              <th>{w.detected}</th>
              <th>{w.deadline}</th>
              <th>{w.sent}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.items.map((r) => (
              <tr key={r.id} className={r.id === chosen ? 'selected' : undefined} data-incident={r.id}>
                <td>
                  <LogText text={lang === 'vi' ? (r.titleVi ?? r.title) : r.title} />
                  {r.host ? (
                    <span className="muted small">
                      {' '}
                      · <LogText text={r.host} />
                    </span>
                  ) : null}
                </td>
                <td>
                  <span className={`sev sev-${r.severity}`}>{sevLabel(t, r.severity)}</span>
                </td>
                <td>{stateLabel(t, r.state)}</td>
                <td>{agencies.label(r.agencyId)}</td>
                <td className="nowrap">{fmtDateTime(r.createdAt)}</td>
                <td className="nowrap">
                  {fmtDateTime(r.clock.dueAt)} <ClockPill c={r.clock} w={w} />
                </td>
                <td className="num">{r.sent}</td>
                <td>
                  <button type="button" onClick={() => setChosen(r.id)} data-testid="notif-choose">
                    {w.choose}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {row ? <Form key={row.id} row={row} onSent={reload} /> : null}
    </div>
  );
}
