/**
 * Threat-intel feeds an administrator adds, edits, pauses and removes here (stored beside the configuration file's
 * feeds, which stay read-only). Secrets are write-only: the API says whether one is set, never its value. A change
 * is applied without a restart. Its words live here, apart from the shared dictionary.
 */
import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { fmtDateTime, useApp } from '../i18n.js';
import { ErrorBox, Panel } from '../ui.js';

export const FEED_WORDS = {
  vi: {
    title: 'Quản lý nguồn tin',
    intro:
      'Nguồn tin thêm tại đây có hiệu lực ngay, không cần khởi động lại. Nguồn trong tệp cấu hình chỉ sửa được trong tệp.',
    fromFile: 'từ tệp cấu hình',
    fromConsole: 'thêm trên giao diện',
    paused: 'Tạm dừng',
    name: 'Tên nguồn',
    kind: 'Loại',
    url: 'Địa chỉ (URL)',
    refresh: 'Tải lại mỗi (phút)',
    expire: 'Chỉ báo hết hạn sau (ngày, 0: không)',
    confidence: 'Độ tin cậy (0-100)',
    username: 'Tên đăng nhập',
    password: 'Mật khẩu',
    token: 'Mã truy cập (Bearer)',
    set: 'đã đặt',
    keep: 'đã đặt: để trống để giữ nguyên',
    auth: 'Xác thực',
    none: 'không',
    add: 'Thêm nguồn tin',
    save: 'Lưu',
    cancel: 'Hủy',
    edit: 'Sửa',
    pause: 'Tạm dừng',
    resume: 'Tiếp tục',
    remove: 'Gỡ',
    removeAsk: 'Gỡ nguồn tin này? Các chỉ báo của nó thôi khớp ngay.',
    empty: 'Chưa có nguồn tin nào được thêm trên giao diện.',
    changed: 'Sửa lần cuối',
    defaults: 'Độ tin cậy · TLP · hết hạn',
    days: 'ngày',
    never: 'không hết hạn',
    list: 'danh sách',
    addTitle: 'Thêm nguồn tin mới',
    editTitle: 'Sửa nguồn tin',
  },
  en: {
    title: 'Manage feeds',
    intro:
      'Feeds added here apply at once, without a restart. Feeds in the configuration file are changed in the file only.',
    fromFile: 'from the configuration file',
    fromConsole: 'added in the console',
    paused: 'Paused',
    name: 'Source name',
    kind: 'Type',
    url: 'URL',
    refresh: 'Refresh every (minutes)',
    expire: 'Indicators expire after (days, 0: never)',
    confidence: 'Confidence (0-100)',
    username: 'Username',
    password: 'Password',
    token: 'Access token (Bearer)',
    set: 'set',
    keep: 'set: leave empty to keep',
    auth: 'Authentication',
    none: 'none',
    add: 'Add feed',
    save: 'Save',
    cancel: 'Cancel',
    edit: 'Edit',
    pause: 'Pause',
    resume: 'Resume',
    remove: 'Remove',
    removeAsk: 'Remove this feed? Its indicators stop matching at once.',
    empty: 'No feed has been added in the console yet.',
    changed: 'Last changed',
    defaults: 'Confidence · TLP · expiry',
    days: 'days',
    never: 'no expiry',
    list: 'list',
    addTitle: 'Add a feed',
    editTitle: 'Edit feed',
  },
};

/** A console feed's settings as the API returns them (no secrets). */
export interface FeedSettings {
  name: string;
  type: string;
  url?: string;
  enabled: boolean;
  refreshMinutes?: number;
  expireDays?: number;
  confidence?: number;
  tlp?: string;
  username?: string;
  passwordSet: boolean;
  tokenSet: boolean;
  updatedBy: string;
  updatedAt: number;
}

const KINDS = ['list', 'misp', 'stix', 'taxii'];
const TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red'];
const EMPTY = {
  name: '',
  type: 'list',
  url: '',
  refreshMinutes: '60',
  expireDays: '30',
  confidence: '70',
  tlp: 'amber',
  username: '',
  password: '',
  token: '',
};

/** The console feeds' table and the add / edit form (administrators only). */
export function FeedAdmin({ feeds, onChange }: { feeds: FeedSettings[]; onChange: () => void }) {
  const { lang } = useApp();
  const w = FEED_WORDS[lang];
  const [form, setForm] = useState(EMPTY);
  const [editing, setEditing] = useState<FeedSettings>();
  const [error, setError] = useState<unknown>();
  const call = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      onChange();
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = { type: form.type, url: form.url.trim(), tlp: form.tlp };
    for (const k of ['refreshMinutes', 'expireDays', 'confidence'] as const)
      if (form[k].trim()) body[k] = Number(form[k]);
    body.username = form.username.trim();
    // A secret left empty while editing stays as it is; a new one replaces it.
    for (const k of ['password', 'token'] as const) if (form[k]) body[k] = form[k];
    const ok = await call(() =>
      editing
        ? api('PUT', `/api/v1/threat-intel/feeds/${encodeURIComponent(editing.name)}`, body)
        : api('POST', '/api/v1/threat-intel/feeds', { ...body, name: form.name.trim() }),
    );
    if (ok) {
      setForm(EMPTY);
      setEditing(undefined);
    }
  };
  const edit = (f: FeedSettings) => {
    setEditing(f);
    setForm({
      name: f.name,
      type: f.type,
      url: f.url ?? '',
      refreshMinutes: String(f.refreshMinutes ?? ''),
      expireDays: String(f.expireDays ?? ''),
      confidence: String(f.confidence ?? ''),
      tlp: f.tlp ?? 'amber',
      username: f.username ?? '',
      password: '',
      token: '',
    });
  };
  const field = (k: keyof typeof EMPTY) => ({
    name: k,
    value: form[k],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value }),
  });
  const kind = (k: string) => (k === 'list' ? w.list : k.toUpperCase());
  const enc = (n: string) => `/api/v1/threat-intel/feeds/${encodeURIComponent(n)}`;
  return (
    <Panel title={w.title}>
      <p className="muted small">{w.intro}</p>
      {feeds.length === 0 ? (
        <p className="muted">{w.empty}</p>
      ) : (
        <table className="grid" data-testid="ti-console-feeds">
          <thead>
            <tr>
              <th>{w.name}</th>
              <th>{w.url}</th>
              <th className="num">{w.refresh}</th>
              <th>{w.defaults}</th>
              <th>{w.auth}</th>
              <th>{w.changed}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {feeds.map((f) => (
              <tr key={f.name} data-feed={f.name}>
                <td>
                  <strong>{f.name}</strong> <span className="small muted">{kind(f.type)}</span>{' '}
                  {f.enabled ? null : <span className="ti-badge">{w.paused}</span>}
                </td>
                <td className="small">
                  <code>{f.url}</code>
                </td>
                <td className="num">{f.refreshMinutes ?? 60}</td>
                <td className="small">
                  {f.confidence ?? 70} · {(f.tlp ?? 'amber').toUpperCase()} ·{' '}
                  {(f.expireDays ?? 30) === 0 ? w.never : `${f.expireDays ?? 30} ${w.days}`}
                </td>
                <td className="small">
                  {[
                    f.username ? `${w.username}: ${f.username}` : '',
                    f.passwordSet ? `${w.password}: ${w.set}` : '',
                    f.tokenSet ? `${w.token}: ${w.set}` : '',
                  ]
                    .filter(Boolean)
                    .join(' · ') || w.none}
                </td>
                <td className="small">
                  {fmtDateTime(f.updatedAt)} · {f.updatedBy.replace(/^(user|key):/, '')}
                </td>
                <td className="small">
                  <button type="button" className="link" onClick={() => edit(f)}>
                    {w.edit}
                  </button>{' '}
                  <button
                    type="button"
                    className="link"
                    onClick={() => call(() => api('PUT', enc(f.name), { enabled: !f.enabled }))}
                  >
                    {f.enabled ? w.pause : w.resume}
                  </button>{' '}
                  <button
                    type="button"
                    className="link"
                    onClick={() => confirm(`${w.removeAsk}\n${f.name}`) && call(() => api('DELETE', enc(f.name)))}
                  >
                    {w.remove}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{editing ? `${w.editTitle} ${editing.name}` : w.addTitle}</h3>
      <form className="filters ti-add" onSubmit={submit} data-testid="ti-feed-form">
        <label>
          {w.name}
          <input {...field('name')} size={20} disabled={!!editing} />
        </label>
        <label>
          {w.kind}
          <select {...field('type')}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {kind(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {w.url}
          <input {...field('url')} size={40} placeholder="https://" />
        </label>
        <label>
          {w.refresh}
          <input {...field('refreshMinutes')} size={5} inputMode="numeric" />
        </label>
        <label>
          {w.expire}
          <input {...field('expireDays')} size={5} inputMode="numeric" />
        </label>
        <label>
          {w.confidence}
          <input {...field('confidence')} size={4} inputMode="numeric" />
        </label>
        <label>
          TLP
          <select {...field('tlp')}>
            {TLPS.map((t) => (
              <option key={t} value={t}>
                {t.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          {w.username}
          <input {...field('username')} size={14} autoComplete="off" />
        </label>
        <label>
          {w.password}
          <input
            {...field('password')}
            type="password"
            size={26}
            autoComplete="new-password"
            placeholder={editing?.passwordSet ? w.keep : ''}
          />
        </label>
        <label>
          {w.token}
          <input
            {...field('token')}
            type="password"
            size={26}
            autoComplete="off"
            placeholder={editing?.tokenSet ? w.keep : ''}
          />
        </label>
        <button type="submit" disabled={!form.url.trim() || (!editing && !form.name.trim())}>
          {editing ? w.save : w.add}
        </button>
        {editing ? (
          <button
            type="button"
            onClick={() => {
              setEditing(undefined);
              setForm(EMPTY);
            }}
          >
            {w.cancel}
          </button>
        ) : null}
      </form>
      <ErrorBox error={error} />
    </Panel>
  );
}
