/**
 * Export to the monitoring centre (GET /api/v1/export, /api/v1/export/dry-run): the target, the sharing policy
 * per agency (profile and TLP; "monitoring only" explained field by field), the delivery log (what, to whom, when,
 * result, attempt), the outbox with a retry for bundles given up, and a dry run showing exactly the STIX bundle the
 * next run would send. Province-wide analysts and administrators only (the API requires settings.read).
 */
import { useState } from 'react';
import { api } from '../api.js';
import { DeliveryError } from '../delivery-error.js';
import { download } from '../download.js';
import { fmtDateTime, fmtNumber, useApp } from '../i18n.js';
import { ErrorBox, errorText, Loading, Panel, useData } from '../ui.js';
import { ReportTabs } from './reports-tabs.js';

interface Status {
  configured: boolean;
  enabled: boolean;
  target?: {
    kind: 'https' | 'taxii';
    name: string;
    url?: string;
    apiRoot?: string;
    collectionId?: string;
    mutualTls: boolean;
  };
  policy?: {
    producer: string;
    defaultProfile: string;
    defaultTlp: string;
    maxTlp: string;
    agencies: { id: string; name: string; profile: string; tlp: string; securityLevel?: number }[];
  };
  outbox: {
    id: string;
    bundleId: string;
    objects: number;
    state: string;
    attempts: number;
    nextAt: number;
    createdAt: number;
    lastError?: string;
  }[];
  deliveries: {
    id: string;
    at: number;
    target: string;
    bundleId: string;
    objects: number;
    attempt: number;
    ok: boolean;
    status: number;
    error?: string;
  }[];
}
interface DryRun {
  incidents: number;
  objects: number;
  byType: Record<string, number>;
  bundle: unknown;
}

const WORDS = {
  vi: {
    title: 'Chia sẻ lên trung tâm giám sát',
    intro:
      'Sự cố, dấu hiệu tấn công (ATT&CK) và chỉ báo địa chỉ công khai được gửi lên trung tâm giám sát dưới dạng gói STIX 2.1, lọc theo chính sách chia sẻ từng đơn vị và nhãn TLP.',
    off: 'Chưa bật: không có gì được gửi đi. Bật trong mục export của tệp cấu hình (docs/configuration.md).',
    notConfigured: 'Tệp cấu hình chưa có mục export.',
    on: 'Đang bật',
    target: 'Nơi nhận',
    https: 'HTTPS (xác thực hai chiều bằng chứng thư)',
    taxii: 'TAXII 2.1',
    mtls: 'Chứng thư máy khách',
    yes: 'có',
    no: 'không',
    producer: 'Bên gửi',
    policy: 'Chính sách chia sẻ theo đơn vị',
    agency: 'Đơn vị',
    profile: 'Mức chia sẻ',
    level: 'Cấp độ',
    full: 'Đầy đủ',
    monitoring_only: 'Chỉ giám sát',
    none: 'Không chia sẻ',
    maxTlp: 'TLP cao nhất nơi nhận chấp nhận',
    profilesHelp:
      '“Chỉ giám sát” (bắt buộc với hệ thống cấp độ 5): chỉ gửi tên luật (tiếng Việt), thời điểm, mức độ, kỹ thuật và giai đoạn ATT&CK, số lần ghi nhận; không gửi tên máy, địa chỉ, tài khoản hay nội dung log. “Đầy đủ”: thêm tên máy trong mô tả và chỉ báo địa chỉ công khai của nguồn tấn công; địa chỉ nội bộ không bao giờ được gửi. Đơn vị có nhãn TLP cao hơn mức nơi nhận chấp nhận thì không gửi.',
    deliveries: 'Nhật ký gửi',
    noDeliveries: 'Chưa có lần gửi nào.',
    when: 'Thời điểm',
    bundle: 'Gói',
    objects: 'Số đối tượng',
    attempt: 'Lần thử',
    result: 'Kết quả',
    ok: 'Thành công',
    failed: 'Lỗi',
    outbox: 'Hàng đợi gửi',
    noOutbox: 'Hàng đợi trống.',
    state: 'Trạng thái',
    pending: 'Đang chờ',
    sent: 'Đã gửi',
    givenUp: 'Đã dừng thử',
    next: 'Thử lại lúc',
    retry: 'Gửi lại',
    dry: 'Chạy thử (không gửi)',
    dryHelp: 'Tạo đúng gói sẽ được gửi ở lần chạy tới, không gửi và không ghi gì.',
    dryNothing: 'Không có gì mới để gửi.',
    dryFacts: '{i} sự cố, {o} đối tượng STIX',
    downloadJson: 'Tải gói JSON',
  },
  en: {
    title: 'Monitoring centre export',
    intro:
      'Incidents, ATT&CK sightings and public-address indicators go to the monitoring centre as STIX 2.1 bundles, filtered by a sharing policy per agency and TLP marking.',
    off: 'Off: nothing is sent. Turn it on in the export section of the configuration file (docs/configuration.md).',
    notConfigured: 'The configuration has no export section.',
    on: 'On',
    target: 'Target',
    https: 'HTTPS (mutual TLS)',
    taxii: 'TAXII 2.1',
    mtls: 'Client certificate',
    yes: 'yes',
    no: 'no',
    producer: 'Producer',
    policy: 'Sharing policy per agency',
    agency: 'Agency',
    profile: 'Profile',
    level: 'Level',
    full: 'Full',
    monitoring_only: 'Monitoring only',
    none: 'Nothing',
    maxTlp: 'Highest TLP the target accepts',
    profilesHelp:
      '“Monitoring only” (forced for level 5 systems): the rule title, time, severity, ATT&CK techniques and tactics and sighting counts only; no host, address, account or log content. “Full”: adds the host in the description and indicators of public attacking addresses; internal addresses never leave. An agency marked above the TLP the target accepts is not sent.',
    deliveries: 'Delivery log',
    noDeliveries: 'Nothing delivered yet.',
    when: 'When',
    bundle: 'Bundle',
    objects: 'Objects',
    attempt: 'Attempt',
    result: 'Result',
    ok: 'Delivered',
    failed: 'Failed',
    outbox: 'Outbox',
    noOutbox: 'The outbox is empty.',
    state: 'State',
    pending: 'Waiting',
    sent: 'Sent',
    givenUp: 'Given up',
    next: 'Next attempt',
    retry: 'Retry',
    dry: 'Dry run (sends nothing)',
    dryHelp: 'Builds exactly the bundle the next run would send; sends and writes nothing.',
    dryNothing: 'Nothing new to send.',
    dryFacts: '{i} incidents, {o} STIX objects',
    downloadJson: 'Download the bundle (JSON)',
  },
};
const fill = (s: string, v: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k) => String(v[k] ?? ''));

/** The export page. */
export function ExportPage() {
  const { lang, me } = useApp();
  const w = WORDS[lang];
  const { data, error, reload } = useData(() => api<Status>('GET', '/api/v1/export'), [], 30_000);
  const [dry, setDry] = useState<DryRun>();
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>();
  const profile = (p: string) => (p === 'full' ? w.full : p === 'monitoring_only' ? w.monitoring_only : w.none);
  const runDry = async () => {
    setBusy(true);
    setErr(undefined);
    try {
      setDry(await api<DryRun>('GET', '/api/v1/export/dry-run'));
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(false);
    }
  };
  const retry = async (id: string) => {
    setErr(undefined);
    try {
      await api('POST', `/api/v1/export/outbox/${encodeURIComponent(id)}/retry`, {});
      reload();
    } catch (e) {
      setErr(e);
    }
  };
  const stateWord = (s: string) => (s === 'sent' ? w.sent : s === 'failed' ? w.givenUp : w.pending);
  return (
    <div className="export-page">
      <ReportTabs active="/export" />
      <h1>{w.title}</h1>
      <p className="muted">{w.intro}</p>
      <ErrorBox error={error} />
      {err ? <div className="error">{errorText(err)}</div> : null}
      {!data ? (
        error ? null : (
          <Loading />
        )
      ) : (
        <>
          <Panel title={w.target}>
            {!data.configured ? (
              <p>{w.notConfigured}</p>
            ) : (
              <>
                <p data-testid="export-state">
                  <span className={data.enabled ? 'pill pill-ok' : 'pill pill-warn'}>
                    {data.enabled ? w.on : w.off}
                  </span>
                </p>
                {data.target ? (
                  <table className="grid target">
                    <tbody>
                      <tr>
                        <th>{w.target}</th>
                        <td>
                          {data.target.kind === 'https' ? w.https : w.taxii} · {data.target.name}
                          <br />
                          <code>
                            {data.target.kind === 'https'
                              ? data.target.url
                              : `${data.target.apiRoot} · ${data.target.collectionId}`}
                          </code>
                        </td>
                      </tr>
                      <tr>
                        <th>{w.mtls}</th>
                        <td>{data.target.mutualTls ? w.yes : w.no}</td>
                      </tr>
                      <tr>
                        <th>{w.producer}</th>
                        <td>{data.policy?.producer}</td>
                      </tr>
                      <tr>
                        <th>{w.maxTlp}</th>
                        <td>TLP:{data.policy?.maxTlp.toUpperCase()}</td>
                      </tr>
                    </tbody>
                  </table>
                ) : null}
              </>
            )}
          </Panel>
          {data.policy ? (
            <Panel title={w.policy}>
              <table className="grid" data-testid="export-policy">
                <thead>
                  <tr>
                    <th>{w.agency}</th>
                    <th>{w.profile}</th>
                    <th>TLP</th>
                    <th>{w.level}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.policy.agencies.map((a) => (
                    <tr key={a.id} data-profile={a.profile}>
                      <td>{a.name}</td>
                      <td>
                        <span
                          className={
                            a.profile === 'full'
                              ? 'pill pill-ok'
                              : a.profile === 'none'
                                ? 'pill pill-none'
                                : 'pill pill-warn'
                          }
                        >
                          {profile(a.profile)}
                        </span>
                      </td>
                      <td>TLP:{a.tlp.toUpperCase()}</td>
                      <td>{a.securityLevel ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted small">{w.profilesHelp}</p>
            </Panel>
          ) : null}
          <Panel title={w.dry}>
            <p className="muted">{w.dryHelp}</p>
            <button type="button" onClick={runDry} disabled={busy || !data.configured} data-testid="export-dry">
              {w.dry}
            </button>
            {dry ? (
              dry.objects === 0 ? (
                <p data-testid="export-dry-result">{w.dryNothing}</p>
              ) : (
                <div data-testid="export-dry-result">
                  <p>
                    <b>{fill(w.dryFacts, { i: fmtNumber(dry.incidents, lang), o: fmtNumber(dry.objects, lang) })}</b>:{' '}
                    {Object.entries(dry.byType)
                      .map(([k, n]) => `${k} ${n}`)
                      .join(' · ')}
                  </p>
                  <button
                    type="button"
                    onClick={() =>
                      download('stix-bundle.json', 'application/json', JSON.stringify(dry.bundle, null, 2))
                    }
                  >
                    {w.downloadJson}
                  </button>
                  <pre className="bundle">{JSON.stringify(dry.bundle, null, 2)}</pre>
                </div>
              )
            ) : null}
          </Panel>
          <Panel title={w.deliveries}>
            {data.deliveries.length === 0 ? (
              <p className="muted">{w.noDeliveries}</p>
            ) : (
              <table className="grid" data-testid="export-deliveries">
                <thead>
                  <tr>
                    <th>{w.when}</th>
                    <th>{w.target}</th>
                    <th>{w.bundle}</th>
                    <th>{w.objects}</th>
                    <th>{w.attempt}</th>
                    <th>{w.result}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.deliveries.map((d) => (
                    <tr key={d.id}>
                      <td className="nowrap">{fmtDateTime(d.at)}</td>
                      <td>{d.target}</td>
                      <td>
                        <code className="small">{d.bundleId.replace(/^bundle--/, '').slice(0, 8)}</code>
                      </td>
                      <td className="num">{d.objects}</td>
                      <td className="num">{d.attempt}</td>
                      <td>
                        {d.ok ? (
                          <span className="pill pill-ok">{w.ok}</span>
                        ) : (
                          <>
                            <span className="pill pill-bad">
                              {w.failed}
                              {d.status ? ` (HTTP ${d.status})` : ''}
                            </span>
                            <div className="small">
                              <DeliveryError text={d.error} status={d.status} />
                            </div>
                          </>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Panel>
          <Panel title={w.outbox}>
            {data.outbox.length === 0 ? (
              <p className="muted">{w.noOutbox}</p>
            ) : (
              <table className="grid" data-testid="export-outbox">
                <thead>
                  <tr>
                    <th>{w.when}</th>
                    <th>{w.bundle}</th>
                    <th>{w.objects}</th>
                    <th>{w.state}</th>
                    <th>{w.attempt}</th>
                    <th>{w.next}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {data.outbox.map((o) => (
                    <tr key={o.id} data-state={o.state}>
                      <td className="nowrap">{fmtDateTime(o.createdAt)}</td>
                      <td>
                        <code className="small">{o.bundleId.replace(/^bundle--/, '').slice(0, 8)}</code>
                      </td>
                      <td className="num">{o.objects}</td>
                      <td>
                        <span
                          className={
                            o.state === 'sent'
                              ? 'pill pill-ok'
                              : o.state === 'failed'
                                ? 'pill pill-bad'
                                : 'pill pill-warn'
                          }
                        >
                          {stateWord(o.state)}
                        </span>
                        {o.lastError && o.state !== 'sent' ? (
                          <div className="small">
                            <DeliveryError text={o.lastError} />
                          </div>
                        ) : null}
                      </td>
                      <td className="num">{o.attempts}</td>
                      <td className="nowrap">{o.state === 'pending' ? fmtDateTime(o.nextAt) : '—'}</td>
                      <td>
                        {o.state !== 'sent' && me.role === 'admin' ? (
                          <button type="button" onClick={() => void retry(o.id)} data-testid="export-retry">
                            {w.retry}
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Panel>
        </>
      )}
    </div>
  );
}
