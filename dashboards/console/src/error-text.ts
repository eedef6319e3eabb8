/**
 * Server errors in the user's language: the catalogue's console wording (core/catalogue/console.ts) filled with
 * the error's params, and the field an API body error names given its label ("Hết hạn", not "body/expiresAt").
 */
import { CONSOLE_MESSAGES } from '../../../core/catalogue/console.js';
import { SEVERITY_TERMS } from '../../../core/glossary.js';
import { ApiError } from './api-error.js';
import type { Lang } from './format.js';

const FIELDS: Record<string, { vi: string; en: string }> = {
  username: { vi: 'Tên đăng nhập', en: 'Username' },
  password: { vi: 'Mật khẩu', en: 'Password' },
  currentPassword: { vi: 'Mật khẩu hiện tại', en: 'Current password' },
  role: { vi: 'Vai trò', en: 'Role' },
  agencyId: { vi: 'Đơn vị', en: 'Agency' },
  name: { vi: 'Tên', en: 'Name' },
  reason: { vi: 'Lý do', en: 'Reason' },
  expiresAt: { vi: 'Hết hạn lúc', en: 'Expires at' },
  host: { vi: 'Máy', en: 'Host' },
  ruleId: { vi: 'Luật', en: 'Rule' },
  type: { vi: 'Loại kênh', en: 'Channel type' },
  settings: { vi: 'Cấu hình kênh', en: 'Channel settings' },
  to: { vi: 'Địa chỉ e-mail nhận', en: 'Recipient e-mail addresses' },
  url: { vi: 'Địa chỉ URL', en: 'URL' },
  token: { vi: 'Mã bot (token)', en: 'Bot token' },
  chatId: { vi: 'Mã nhóm chat', en: 'Chat id' },
  secret: { vi: 'Khóa ký (secret)', en: 'Signing secret' },
  minSeverity: { vi: 'Mức độ tối thiểu', en: 'Lowest severity' },
  channelIds: { vi: 'Kênh nhận', en: 'Channels' },
  kinds: { vi: 'Loại thông báo', en: 'Notice kinds' },
  language: { vi: 'Ngôn ngữ', en: 'Language' },
  realertMinutes: { vi: 'Nhắc lại sau (phút)', en: 'Re-alert after (minutes)' },
  retentionDays: { vi: 'Số ngày lưu sự kiện', en: 'Days events are kept' },
  ackMinutes: { vi: 'Hạn tiếp nhận (phút)', en: 'Acknowledge within (minutes)' },
  resolveMinutes: { vi: 'Hạn xử lý (phút)', en: 'Resolve within (minutes)' },
  sessionHours: { vi: 'Thời hạn phiên đăng nhập (giờ)', en: 'Session lifetime (hours)' },
  silentHostMinutes: { vi: 'Máy im lặng sau (phút)', en: 'Host silent after (minutes)' },
};

/** Rules of the validator's English, worded in each language ({n}: the number, {x}: the value). */
const RULES: [RegExp, { vi: string; en: string }][] = [
  [/^is in the past$/, { vi: 'đã ở quá khứ', en: 'is in the past' }],
  [/^is more than a year away$/, { vi: 'xa hơn một năm', en: 'is more than a year away' }],
  [/^is too short$/, { vi: 'quá ngắn', en: 'is too short' }],
  [/^is required$/, { vi: 'cần nhập', en: 'is required' }],
  [
    /^must NOT have fewer than (\d+) characters?$/,
    { vi: 'cần ít nhất {n} ký tự', en: 'needs at least {n} characters' },
  ],
  [/^must NOT have more than (\d+) characters?$/, { vi: 'dài quá {n} ký tự', en: 'is longer than {n} characters' }],
  [/^must NOT have fewer than (\d+) items?$/, { vi: 'cần chọn ít nhất {n}', en: 'needs at least {n}' }],
  [/^must be >= (\d+)$/, { vi: 'phải từ {n} trở lên', en: 'must be at least {n}' }],
  [/^must be <= (\d+)$/, { vi: 'không được quá {n}', en: 'must be at most {n}' }],
  [/^must be integer$/, { vi: 'phải là số nguyên', en: 'must be a whole number' }],
  [/^must match format "email"$/, { vi: 'không phải địa chỉ e-mail hợp lệ', en: 'is not a valid e-mail address' }],
  [/^must match format "uri"$/, { vi: 'không phải địa chỉ URL hợp lệ', en: 'is not a valid URL' }],
  [/^must match format "date-time"$/, { vi: 'không phải thời điểm hợp lệ', en: 'is not a valid date and time' }],
  [/^must match pattern .*$/, { vi: 'có ký tự không được phép', en: 'has characters that are not allowed' }],
  [
    /^must be equal to one of the allowed values.*$/,
    { vi: 'không thuộc các giá trị được chọn', en: 'is not one of the choices' },
  ],
  [/^must have required property '(\w+)'$/, { vi: 'thiếu {x}', en: 'misses {x}' }],
];

function fieldLabel(path: string, lang: Lang): string {
  const parts = path.split('/').filter((p) => p && p !== 'body' && !/^\d+$/.test(p));
  const last = parts[parts.length - 1];
  if (!last) return lang === 'vi' ? 'Dữ liệu' : 'The data';
  const label = FIELDS[last]?.[lang] ?? last;
  // An SLA target names its severity ("Nghiêm trọng · Hạn tiếp nhận (phút)").
  const sev = parts.find((p): p is keyof typeof SEVERITY_TERMS => p in SEVERITY_TERMS);
  return sev ? `${SEVERITY_TERMS[sev][lang]} · ${label}` : label;
}

/** A validation reason ("body/expiresAt is in the past") worded with the field's label in the language. */
export function reasonText(reason: string, lang: Lang): string {
  const m = /^(body(?:\/[\w.-]*)*|(?:path|query)\/[\w.-]+)(?:\s+|: )(.*)$/.exec(reason);
  if (!m) return reason;
  const [, path, rest] = m;
  for (const [re, w] of RULES) {
    const r = re.exec(rest!);
    if (!r) continue;
    const x = r[1] !== undefined ? (FIELDS[r[1]]?.[lang] ?? r[1]) : '';
    const said = w[lang].replace('{n}', r[1] ?? '').replace('{x}', x);
    return `${fieldLabel(path!, lang)}: ${said}`;
  }
  return `${fieldLabel(path!, lang)}: ${rest}`;
}

/** The error as the user should read it: translated message, field named; the code kept for support. */
export function translateError(e: unknown, lang: Lang): string {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  const m = CONSOLE_MESSAGES[e.code];
  if (!m) return `${e.message} (${e.code})`;
  const params = (e.params ?? {}) as Record<string, unknown>;
  const text = m[lang].replace(/\{(\w+)\}/g, (all, k: string) => {
    const v = params[k];
    if (v === undefined) return all === '{reason}' ? '' : all;
    if (k === 'reason' && typeof v === 'string') return reasonText(v, lang);
    if (k === 'what' && typeof v === 'string') return WHAT[v.toLowerCase()]?.[lang] ?? v;
    return String(v);
  });
  return text;
}

const WHAT: Record<string, { vi: string; en: string }> = {
  user: { vi: 'tài khoản', en: 'user' },
  channel: { vi: 'kênh', en: 'channel' },
  route: { vi: 'tuyến thông báo', en: 'route' },
  suppression: { vi: 'quy tắc tạm ẩn', en: 'suppression' },
  'api key': { vi: 'khóa API', en: 'API key' },
  agency: { vi: 'đơn vị', en: 'agency' },
  incident: { vi: 'sự cố', en: 'incident' },
  rule: { vi: 'luật', en: 'rule' },
};
