/**
 * Threat intelligence: every feed with its state (a failing or stale feed stands out, with its error and since
 * when), indicator counts by type, last update and matches per day over the last two weeks (a feed that stops
 * matching shows as a run of empty days); an indicator search; and the analysts' local list (who added what, why,
 * until when), which analysts and administrators edit here. Its words live here, apart from the shared dictionary.
 */
import { type FormEvent, useState } from 'react';
import { api, qs } from '../api.js';
import { DeliveryError } from '../delivery-error.js';
import { fmtDateTime, fmtNumber, useApp } from '../i18n.js';
import { ErrorBox, Loading, LogText, Panel, useData } from '../ui.js';
import { FEED_WORDS, FeedAdmin, type FeedSettings } from './ti-feeds.js';

const WORDS = {
  vi: {
    title: 'Tình báo mối đe dọa',
    feeds: 'Nguồn tin',
    feed: 'Nguồn',
    kind: 'Loại',
    status: 'Trạng thái',
    ok: 'Bình thường',
    stale: 'Không cập nhật được',
    never: 'Chưa tải được lần nào',
    since: 'từ',
    indicators: 'Số chỉ báo',
    byType: 'Theo loại',
    lastUpdate: 'Cập nhật lần cuối',
    matches: 'Số lần khớp 14 ngày qua',
    noMatches14: 'không khớp lần nào',
    refused: 'bị loại',
    staleBanner: 'nguồn tin không cập nhật được: vẫn đang dùng bộ chỉ báo tốt gần nhất.',
    staleBannerOne: 'nguồn tin không cập nhật được: vẫn đang dùng bộ chỉ báo tốt gần nhất.',
    noFeeds: 'Chưa cấu hình nguồn tin nào (threatIntel.feeds).',
    search: 'Tra cứu chỉ báo',
    searchHint: 'Địa chỉ IP, dải mạng, tên miền, URL hoặc mã băm',
    find: 'Tra cứu',
    notFound: 'Không nguồn nào có giá trị này.',
    found: 'Có trong',
    local: 'Danh sách nội bộ',
    localIntro:
      'Chỉ báo do chuyên viên thêm tay. Có hiệu lực ngay với sự kiện mới và được dò lại trong sự kiện đã lưu.',
    value: 'Giá trị',
    reason: 'Lý do',
    expireDays: 'Hết hạn sau (ngày)',
    noExpiry: 'để trống: không hết hạn',
    confidence: 'Độ tin cậy',
    add: 'Thêm chỉ báo',
    addedBy: 'Người thêm',
    addedAt: 'Thêm lúc',
    expires: 'Hết hạn',
    remove: 'Gỡ',
    removeAsk: 'Gỡ chỉ báo này khỏi danh sách nội bộ?',
    emptyLocal: 'Danh sách nội bộ đang trống.',
    description: 'Mô tả',
    firstSeen: 'Thấy lần đầu',
    attribution: 'Vị trí địa lý và chủ mạng (AS) của địa chỉ IP: DB-IP.com, RouteViews (CC BY 4.0).',
    type_local: 'nội bộ',
    type_list: 'danh sách',
  },
  en: {
    title: 'Threat intelligence',
    feeds: 'Feeds',
    feed: 'Feed',
    kind: 'Type',
    status: 'Status',
    ok: 'OK',
    stale: 'Failing',
    never: 'Never loaded',
    since: 'since',
    indicators: 'Indicators',
    byType: 'By type',
    lastUpdate: 'Last update',
    matches: 'Matches, last 14 days',
    noMatches14: 'no match',
    refused: 'refused',
    staleBanner: 'feeds are failing: their last good indicator set is still in use.',
    staleBannerOne: 'feed is failing: its last good indicator set is still in use.',
    noFeeds: 'No feed is configured (threatIntel.feeds).',
    search: 'Search an indicator',
    searchHint: 'IP address, network, domain, URL or hash',
    find: 'Search',
    notFound: 'No feed holds this value.',
    found: 'Found in',
    local: 'Local list',
    localIntro: 'Indicators added by analysts. They match new events at once and are searched for in stored events.',
    value: 'Value',
    reason: 'Reason',
    expireDays: 'Expires after (days)',
    noExpiry: 'empty: never',
    confidence: 'Confidence',
    add: 'Add indicator',
    addedBy: 'Added by',
    addedAt: 'Added',
    expires: 'Expires',
    remove: 'Remove',
    removeAsk: 'Remove this indicator from the local list?',
    emptyLocal: 'The local list is empty.',
    description: 'Description',
    firstSeen: 'First seen',
    attribution: 'IP geolocation and network owner (AS): DB-IP.com, RouteViews (CC BY 4.0).',
    type_local: 'local',
    type_list: 'list',
  },
};
type Words = (typeof WORDS)['vi'];

/** A feed's status as GET /api/v1/threat-intel/feeds answers it (context/ti/manager.ts FeedStatus). */
interface Feed {
  name: string;
  type: string;
  source: string;
  indicators: number;
  counts: Record<string, number>;
  lastSuccessAt?: number;
  lastError?: string;
  stale: boolean;
  failingSince?: number;
  rejected: number;
  skipped: number;
  matchesByDay: Record<string, number>;
  /** file: the configuration file (read-only here); console: added here (its settings in config). */
  origin?: 'file' | 'console' | 'local';
  config?: FeedSettings;
}

/** A paused console feed has no status: shown from its settings. */
const asFeed = (f: Feed): Feed =>
  f.type
    ? f
    : {
        ...f,
        type: f.config?.type ?? '',
        source: f.config?.url ?? '',
        indicators: 0,
        counts: {},
        stale: false,
        rejected: 0,
        skipped: 0,
        matchesByDay: {},
      };

interface LocalEntry {
  id: string;
  type: string;
  value: string;
  reason: string;
  addedBy: string;
  addedAt: number;
  expiresAt?: number;
  confidence: number;
  tlp: string;
}

interface Hit {
  type: string;
  value: string;
  feed: string;
  confidence: number;
  tlp: string;
  firstSeen: number;
  description?: string;
}

const DAYS = 14;

/** The last DAYS UTC days, oldest first (YYYY-MM-DD, as the feed status keys them). */
function lastDays(now = Date.now()): string[] {
  return Array.from({ length: DAYS }, (_, i) => new Date(now - (DAYS - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

const who = (actor: string) => actor.replace(/^(user|key):/, '');

function MatchDays({ feed, w }: { feed: Feed; w: Words }) {
  const days = lastDays();
  const counts = days.map((d) => feed.matchesByDay[d] ?? 0);
  const max = Math.max(1, ...counts);
  const total = counts.reduce((a, b) => a + b, 0);
  return (
    <span className="ti-days" title={days.map((d, i) => `${d}: ${counts[i]}`).join('\n')}>
      {counts.map((c, i) => (
        <span
          key={days[i]}
          className={c === 0 ? 'ti-day empty' : 'ti-day'}
          style={c === 0 ? undefined : { height: `${4 + Math.round((16 * c) / max)}px` }}
        />
      ))}
      <span className="small muted ti-days-total">{total === 0 ? w.noMatches14 : total}</span>
    </span>
  );
}

function FeedRow({ f, w }: { f: Feed; w: Words }) {
  const { lang } = useApp();
  const never = f.lastSuccessAt === undefined && f.type !== 'local';
  const fw = FEED_WORDS[lang];
  const paused = f.config?.enabled === false;
  return (
    <tr className={f.stale ? 'ti-stale' : undefined} data-feed={f.name} data-stale={f.stale}>
      <td>
        <strong>{f.name}</strong>
        <div className="small muted">{f.source}</div>
        {f.origin === 'file' || f.origin === 'console' ? (
          <div className="small muted" data-origin={f.origin}>
            {f.origin === 'file' ? fw.fromFile : fw.fromConsole}
          </div>
        ) : null}
      </td>
      <td>{f.type === 'local' ? w.type_local : f.type === 'list' ? w.type_list : f.type.toUpperCase()}</td>
      <td>
        {paused ? (
          <span className="ti-badge">{fw.paused}</span>
        ) : f.stale ? (
          <>
            <span className="ti-badge bad">{never ? w.never : w.stale}</span>{' '}
            {f.failingSince ? (
              <span className="small">
                {w.since} {fmtDateTime(f.failingSince)}
              </span>
            ) : null}
            {f.lastError ? (
              <div className="small error-text">
                <DeliveryError text={f.lastError} peer="source" />
              </div>
            ) : null}
          </>
        ) : (
          <span className="ti-badge good">{w.ok}</span>
        )}
      </td>
      <td className="num">{fmtNumber(f.indicators, lang)}</td>
      <td className="small">
        {Object.entries(f.counts)
          .map(([k, v]) => `${k} ${fmtNumber(v, lang)}`)
          .join(' · ')}
        {f.rejected ? ` · ${w.refused} ${fmtNumber(f.rejected, lang)}` : ''}
      </td>
      <td className="small">{f.lastSuccessAt ? fmtDateTime(f.lastSuccessAt) : '—'}</td>
      <td>
        <MatchDays feed={f} w={w} />
      </td>
    </tr>
  );
}

function Search({ w }: { w: Words }) {
  const [value, setValue] = useState('');
  const [result, setResult] = useState<{ type: string; value: string; hits: Hit[] }>();
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await api('GET', `/api/v1/threat-intel/search${qs({ value: value.trim() })}`));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Panel title={w.search}>
      <form className="filters" onSubmit={submit}>
        <input
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder={w.searchHint}
          aria-label={w.search}
          size={48}
          data-testid="ti-search"
        />
        <button type="submit" disabled={!value.trim()}>
          {w.find}
        </button>
      </form>
      <ErrorBox error={error} />
      {result ? (
        result.hits.length === 0 ? (
          <p data-testid="ti-search-none">{w.notFound}</p>
        ) : (
          <table className="grid" data-testid="ti-search-hits">
            <thead>
              <tr>
                <th>{w.found}</th>
                <th>{w.value}</th>
                <th>{w.confidence}</th>
                <th>TLP</th>
                <th>{w.firstSeen}</th>
                <th>{w.description}</th>
              </tr>
            </thead>
            <tbody>
              {result.hits.map((h) => (
                <tr key={`${h.feed}:${h.type}:${h.value}`}>
                  <td>{h.feed}</td>
                  <td>
                    <code>
                      <LogText text={h.value} />
                    </code>
                  </td>
                  <td className="num">{h.confidence}</td>
                  <td>{h.tlp.toUpperCase()}</td>
                  <td className="small">{fmtDateTime(h.firstSeen)}</td>
                  <td className="small">
                    <LogText text={h.description ?? ''} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </Panel>
  );
}

function LocalList({ w, canEdit, onChange }: { w: Words; canEdit: boolean; onChange: () => void }) {
  const list = useData(() => api<{ items: LocalEntry[] }>('GET', '/api/v1/threat-intel/local'), []);
  const [form, setForm] = useState({ value: '', reason: '', expireDays: '30', confidence: '90' });
  const [error, setError] = useState<unknown>();
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api('POST', '/api/v1/threat-intel/local', {
        value: form.value.trim(),
        reason: form.reason.trim(),
        ...(form.expireDays.trim() ? { expireDays: Number(form.expireDays) } : {}),
        confidence: Number(form.confidence),
      });
      setForm({ ...form, value: '', reason: '' });
    } catch (err) {
      setError(err);
    }
    list.reload();
    onChange();
  };
  const remove = async (entry: LocalEntry) => {
    if (!confirm(`${w.removeAsk}\n${entry.value}`)) return;
    setError(undefined);
    try {
      await api('DELETE', `/api/v1/threat-intel/local/${encodeURIComponent(entry.id)}`);
    } catch (err) {
      setError(err);
    }
    list.reload();
    onChange();
  };
  const field = (k: keyof typeof form) => ({
    value: form[k],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value }),
  });
  return (
    <Panel title={w.local}>
      <p className="muted small">{w.localIntro}</p>
      {canEdit ? (
        <form className="filters ti-add" onSubmit={add} data-testid="ti-local-form">
          <label>
            {w.value}
            <input {...field('value')} placeholder={w.searchHint} size={36} name="value" />
          </label>
          <label>
            {w.reason}
            <input {...field('reason')} size={40} name="reason" />
          </label>
          <label>
            {w.expireDays}
            <input {...field('expireDays')} size={5} inputMode="numeric" name="expireDays" title={w.noExpiry} />
          </label>
          <label>
            {w.confidence}
            <input {...field('confidence')} size={4} inputMode="numeric" name="confidence" />
          </label>
          <button type="submit" disabled={!form.value.trim() || !form.reason.trim()}>
            {w.add}
          </button>
        </form>
      ) : null}
      <ErrorBox error={error ?? list.error} />
      {!list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <p className="muted">{w.emptyLocal}</p>
      ) : (
        <table className="grid" data-testid="ti-local">
          <thead>
            <tr>
              <th>{w.value}</th>
              <th>{w.reason}</th>
              <th>{w.addedBy}</th>
              <th>{w.addedAt}</th>
              <th>{w.expires}</th>
              <th>{w.confidence}</th>
              {canEdit ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((e) => (
              <tr key={e.id} data-value={e.value}>
                <td>
                  <code>
                    <LogText text={e.value} />
                  </code>{' '}
                  <span className="small muted">{e.type}</span>
                </td>
                <td>
                  <LogText text={e.reason} />
                </td>
                <td>{who(e.addedBy)}</td>
                <td className="small">{fmtDateTime(e.addedAt)}</td>
                <td className="small">{e.expiresAt ? fmtDateTime(e.expiresAt) : '—'}</td>
                <td className="num">{e.confidence}</td>
                {canEdit ? (
                  <td>
                    <button type="button" className="link small" onClick={() => remove(e)}>
                      {w.remove}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/** The threat-intelligence page. */
export function ThreatIntelPage() {
  const { lang, me } = useApp();
  const w = WORDS[lang];
  const feeds = useData(() => api<{ items: Feed[] }>('GET', '/api/v1/threat-intel/feeds'), [], 30_000);
  const canEdit = me.role === 'admin' || me.role === 'analyst';
  if (feeds.error) return <ErrorBox error={feeds.error} />;
  if (!feeds.data) return <Loading />;
  const items = feeds.data.items.map(asFeed);
  const stale = items.filter((f) => f.stale);
  return (
    <div className="threat-intel">
      <h1>{w.title}</h1>
      {stale.length > 0 ? (
        <div className="error" role="alert" data-testid="ti-stale-banner">
          {stale.length} {stale.length === 1 ? w.staleBannerOne : w.staleBanner} ({stale.map((f) => f.name).join(', ')})
        </div>
      ) : null}
      <Panel title={w.feeds}>
        {items.length === 0 ? (
          <p className="muted">{w.noFeeds}</p>
        ) : (
          <table className="grid" data-testid="ti-feeds">
            <thead>
              <tr>
                <th>{w.feed}</th>
                <th>{w.kind}</th>
                <th>{w.status}</th>
                <th className="num">{w.indicators}</th>
                <th>{w.byType}</th>
                <th>{w.lastUpdate}</th>
                <th>{w.matches}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((f) => (
                <FeedRow key={f.name} f={f} w={w} />
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      {me.role === 'admin' ? (
        <FeedAdmin feeds={items.flatMap((f) => (f.config ? [f.config] : []))} onChange={feeds.reload} />
      ) : null}
      <Search w={w} />
      <LocalList w={w} canEdit={canEdit} onChange={feeds.reload} />
      <p className="small muted">
        {w.attribution}{' '}
        <a href="https://db-ip.com" target="_blank" rel="noreferrer">
          IP Geolocation by DB-IP
        </a>
      </p>
    </div>
  );
}
