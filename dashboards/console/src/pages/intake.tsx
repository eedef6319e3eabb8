/**
 * Intake health: JSON documents canhgac stored but cannot detect on (no program, no log source: a shipper sending
 * a shape canhgac does not know, ingest/normalise/unknown-shape.ts), grouped by shape fingerprint, each with its
 * count, last arrival, agency, sender address and one sample, refreshed every 15 s. Its own words live here so the
 * page stays apart from the shared dictionary.
 */
import { api, type Bucket, type EventDoc, type Page, qs } from '../api.js';
import { fmtDateTime, fmtNumber, useApp } from '../i18n.js';
import { ErrorBox, Loading, Panel, useData } from '../ui.js';

const WORDS = {
  vi: {
    title: 'Tình trạng tiếp nhận log',
    intro:
      'Các tài liệu JSON đã được lưu nhưng không phát hiện được gì trên chúng: không có trường nào cho biết chương trình hoặc nguồn log. Thường là do bộ gửi log (syslog-ng, rsyslog, Vector, Fluent Bit, Filebeat...) cấu hình mẫu JSON khác với hướng dẫn vận hành.',
    none: 'Không có tài liệu nào có dạng lạ trong 24 giờ qua.',
    shape: 'Dạng lạ',
    keys: 'Các trường',
    count: 'Số tài liệu (24 giờ)',
    last: 'Lần cuối',
    agency: 'Đơn vị',
    sender: 'Địa chỉ gửi',
    agent: 'Tác tử',
    sample: 'Mẫu',
    search: 'Xem trong tìm kiếm',
    fix: 'Cách sửa: dùng cấu hình mẫu cho bộ gửi log trong docs/operations.md (mục “Log shippers”).',
  },
  en: {
    title: 'Intake health',
    intro:
      'JSON documents that were stored but cannot be detected on: no field names their program or log source. Usually a log shipper (syslog-ng, rsyslog, Vector, Fluent Bit, Filebeat...) sends a JSON template other than the operations guide’s.',
    none: 'No document of an unknown shape in the last 24 hours.',
    shape: 'Unknown shape',
    keys: 'Fields',
    count: 'Documents (24 h)',
    last: 'Last',
    agency: 'Agency',
    sender: 'Sender address',
    agent: 'Agent',
    sample: 'Sample',
    search: 'Open in search',
    fix: 'To fix: use the shipper configuration in docs/operations.md (section “Log shippers”).',
  },
};

const UNKNOWN = 'canhgac.decode_error:"json_unknown_shape"';
const MAX_SHAPES = 20;
const SAMPLE_CHARS = 600;

interface ShapeRow {
  shape: string;
  count: number;
  sample: EventDoc | undefined;
}

async function load(): Promise<ShapeRow[]> {
  const from = new Date(Date.now() - 86_400_000).toISOString();
  const agg = await api<{ buckets: Bucket[] }>(
    'GET',
    `/api/v1/aggregations${qs({ kind: 'terms', field: 'canhgac.shape', q: UNKNOWN, from, size: MAX_SHAPES })}`,
  );
  return Promise.all(
    agg.buckets.map(async (b) => {
      const shape = String(b.key);
      const page = await api<Page<EventDoc>>(
        'GET',
        `/api/v1/events${qs({ q: `${UNKNOWN} AND canhgac.shape:"${shape}"`, from, limit: 1 })}`,
      );
      return { shape, count: b.count, sample: page.items[0] };
    }),
  );
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** The intake health page. */
export function IntakePage() {
  const { lang, navigate } = useApp();
  const w = WORDS[lang];
  const { data, error } = useData(load, [], 15_000);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <div className="intake">
      <h1>{w.title}</h1>
      <p className="muted">{w.intro}</p>
      {data.length === 0 ? (
        <p data-testid="intake-none">{w.none}</p>
      ) : (
        <>
          <p>{w.fix}</p>
          {data.map((r) => {
            const s = r.sample ?? {};
            const original = text(s['event.original'] ?? s.message);
            const agent = [text(s['agent.type']), text(s['agent.name'])].filter(Boolean).join(' ');
            return (
              <Panel key={r.shape} title={`${w.shape} ${r.shape}`} className="intake-shape">
                <dl className="intake-facts" data-shape={r.shape}>
                  <dt>{w.count}</dt>
                  <dd>{fmtNumber(r.count, lang)}</dd>
                  <dt>{w.last}</dt>
                  <dd>{s['@timestamp'] ? fmtDateTime(Date.parse(text(s['@timestamp']))) : ''}</dd>
                  <dt>{w.agency}</dt>
                  <dd>
                    {text(s['agency.name'])} ({text(s['agency.id'])})
                  </dd>
                  <dt>{w.sender}</dt>
                  <dd>{text(s['log.source.address'] ?? s['source.ip'])}</dd>
                  {agent ? (
                    <>
                      <dt>{w.agent}</dt>
                      <dd>{agent}</dd>
                    </>
                  ) : null}
                  <dt>{w.keys}</dt>
                  <dd>
                    <code>{text(s['canhgac.shape_keys'])}</code>
                  </dd>
                </dl>
                <h3>{w.sample}</h3>
                <pre className="sample" data-testid="intake-sample">
                  {original.length > SAMPLE_CHARS ? `${original.slice(0, SAMPLE_CHARS)}…` : original}
                </pre>
                <button
                  type="button"
                  className="link"
                  onClick={() => navigate(`/search${qs({ q: `${UNKNOWN} AND canhgac.shape:"${r.shape}"` })}`)}
                >
                  {w.search}
                </button>
              </Panel>
            );
          })}
        </>
      )}
    </div>
  );
}
