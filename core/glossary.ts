/**
 * The glossary: the words for incident states, severities, roles, dispositions and ATT&CK tactics and techniques,
 * in Vietnamese and English, used alike by the console, e-mails, notifications and reports so that a leader reads
 * the same word for the same thing everywhere. Pure data and functions (no Node import): the console bundle
 * imports it too.
 */
import { ATTACK_SOURCE, ATTACK_TECHNIQUES, ATTACK_VERSION } from './attack-data.js';

export { ATTACK_SOURCE, ATTACK_VERSION };

/** Languages of the glossary. */
export type GlossaryLang = 'vi' | 'en';

/** A term in both languages. */
export interface Term {
  vi: string;
  en: string;
}

/** Incident states (incidents/types.ts IncidentState). */
export const STATE_TERMS = {
  new: { vi: 'Mới', en: 'New' },
  acknowledged: { vi: 'Đã tiếp nhận', en: 'Acknowledged' },
  in_progress: { vi: 'Đang xử lý', en: 'In progress' },
  resolved: { vi: 'Đã xử lý xong', en: 'Resolved' },
  false_positive: { vi: 'Cảnh báo nhầm', en: 'False positive' },
} as const satisfies Record<string, Term>;

/** Severities, lowest first (incidents/types.ts Severity). */
export const SEVERITY_TERMS = {
  informational: { vi: 'Thông tin', en: 'Informational' },
  low: { vi: 'Thấp', en: 'Low' },
  medium: { vi: 'Trung bình', en: 'Medium' },
  high: { vi: 'Cao', en: 'High' },
  critical: { vi: 'Nghiêm trọng', en: 'Critical' },
} as const satisfies Record<string, Term>;

/** User roles (api/auth/roles.ts Role). */
export const ROLE_TERMS = {
  admin: { vi: 'Quản trị hệ thống', en: 'Administrator' },
  analyst: { vi: 'Chuyên viên phân tích', en: 'Analyst' },
  agency_admin: { vi: 'Quản trị đơn vị', en: 'Agency administrator' },
  viewer: { vi: 'Người xem', en: 'Viewer' },
  intake: { vi: 'Tài khoản gửi log', en: 'Log intake' },
} as const satisfies Record<string, Term>;

/** How a closed incident was judged. */
export const DISPOSITION_TERMS = {
  true_positive: { vi: 'Tấn công thật', en: 'True positive' },
  benign: { vi: 'Đúng nhưng vô hại', en: 'Benign true positive' },
  false_positive: { vi: 'Cảnh báo nhầm', en: 'False positive' },
  duplicate: { vi: 'Trùng lặp', en: 'Duplicate' },
} as const satisfies Record<string, Term>;

/** ATT&CK Enterprise tactics in kill-chain order, keyed by their short name, with their TA id. */
export const TACTIC_TERMS = {
  reconnaissance: { id: 'TA0043', vi: 'Trinh sát', en: 'Reconnaissance' },
  'resource-development': { id: 'TA0042', vi: 'Chuẩn bị nguồn lực', en: 'Resource Development' },
  'initial-access': { id: 'TA0001', vi: 'Xâm nhập ban đầu', en: 'Initial Access' },
  execution: { id: 'TA0002', vi: 'Thực thi mã', en: 'Execution' },
  persistence: { id: 'TA0003', vi: 'Duy trì hiện diện', en: 'Persistence' },
  'privilege-escalation': { id: 'TA0004', vi: 'Leo thang đặc quyền', en: 'Privilege Escalation' },
  'defense-evasion': { id: 'TA0005', vi: 'Né tránh phòng thủ', en: 'Defense Evasion' },
  'credential-access': { id: 'TA0006', vi: 'Đánh cắp thông tin xác thực', en: 'Credential Access' },
  discovery: { id: 'TA0007', vi: 'Dò tìm hệ thống', en: 'Discovery' },
  'lateral-movement': { id: 'TA0008', vi: 'Di chuyển ngang', en: 'Lateral Movement' },
  collection: { id: 'TA0009', vi: 'Thu thập dữ liệu', en: 'Collection' },
  'command-and-control': { id: 'TA0011', vi: 'Điều khiển từ xa (C2)', en: 'Command and Control' },
  exfiltration: { id: 'TA0010', vi: 'Đánh cắp dữ liệu ra ngoài', en: 'Exfiltration' },
  impact: { id: 'TA0040', vi: 'Gây thiệt hại', en: 'Impact' },
} as const satisfies Record<string, Term & { id: string }>;

/** The kinds of term. */
export const GLOSSARY = {
  state: STATE_TERMS,
  severity: SEVERITY_TERMS,
  role: ROLE_TERMS,
  disposition: DISPOSITION_TERMS,
  tactic: TACTIC_TERMS,
} as const;

/** A kind of term. */
export type TermKind = keyof typeof GLOSSARY;

/** The word for a value in a language; an unknown value is returned as it is (never hidden, never invented). */
export function term(kind: TermKind, value: string, lang: GlossaryLang = 'vi'): string {
  const t = (GLOSSARY[kind] as Record<string, Term>)[value];
  return t ? t[lang] : value;
}

/** A technique id in canonical form (`t1059.001` -> `T1059.001`), or undefined when it is not one. */
export function techniqueId(s: string): string | undefined {
  const m = /^t(\d{4})(?:[._/](\d{3}))?$/i.exec(s.trim());
  return m ? `T${m[1]}${m[2] ? `.${m[2]}` : ''}` : undefined;
}

/** A technique's entry in ATT&CK Enterprise (revoked and deprecated techniques are not shipped). */
export function technique(
  id: string,
): { id: string; en: string; vi: string; tactics: string[]; parent?: { en: string; vi: string } } | undefined {
  const key = techniqueId(id);
  const t = key ? ATTACK_TECHNIQUES[key] : undefined;
  if (!key || !t) return undefined;
  const dot = key.indexOf('.');
  const p = dot > 0 ? ATTACK_TECHNIQUES[key.slice(0, dot)] : undefined;
  return {
    id: key,
    en: t[0],
    vi: t[1],
    tactics: t[2] ? t[2].split(',') : [],
    ...(p ? { parent: { en: p[0], vi: p[1] } } : {}),
  };
}

/**
 * The full name of a technique: a sub-technique carries its parent's name (`T1110.003 Dò mật khẩu: Rải mật khẩu`);
 * an id not in the shipped release is shown as the id alone.
 */
export function techniqueName(id: string, lang: GlossaryLang = 'vi'): string {
  const t = technique(id);
  if (!t) return techniqueId(id) ?? id;
  return `${t.id} ${t.parent ? `${t.parent[lang]}: ` : ''}${t[lang]}`;
}

/** The tactic of a short name in any of the spellings rules use (`credential_access`, `Credential Access`). */
export function tacticKey(s: string): keyof typeof TACTIC_TERMS | undefined {
  const k = s
    .trim()
    .toLowerCase()
    .replace(/[_\s]+/g, '-');
  return k in TACTIC_TERMS ? (k as keyof typeof TACTIC_TERMS) : undefined;
}

/** What a Sigma `attack.*` tag names, in words: a technique, a tactic, or the tag itself when neither. */
export function attackTagLabel(tag: string, lang: GlossaryLang = 'vi'): string {
  const body = tag.replace(/^attack\./i, '');
  if (techniqueId(body)) return techniqueName(body, lang);
  const tactic = tacticKey(body);
  return tactic ? TACTIC_TERMS[tactic][lang] : tag;
}

/** The ATT&CK techniques and tactics of a rule's tags, in words, techniques first, duplicates removed. */
export function attackLabels(tags: readonly string[], lang: GlossaryLang = 'vi'): string[] {
  const attack = tags.filter((t) => /^attack\./i.test(t));
  const techniques = attack.filter((t) => techniqueId(t.slice(7)));
  const tactics = attack.filter((t) => !techniqueId(t.slice(7)) && tacticKey(t.slice(7)));
  return [...new Set([...techniques, ...tactics].map((t) => attackTagLabel(t, lang)))];
}

/** How many techniques the shipped release names (sub-techniques included). */
export function techniqueCount(): number {
  return Object.keys(ATTACK_TECHNIQUES).length;
}

/** Why an incident was closed, resolved or false positive (incidents/types.ts CloseCategory). */
export const CLOSE_CATEGORY_TERMS = {
  remediated: { vi: 'Đã khắc phục', en: 'Remediated' },
  contained: { vi: 'Đã ngăn chặn, đang theo dõi', en: 'Contained, being watched' },
  accepted_risk: { vi: 'Chấp nhận rủi ro', en: 'Risk accepted' },
  duplicate: { vi: 'Trùng với sự cố khác', en: 'Duplicate of another incident' },
  benign_known: { vi: 'Hoạt động hợp lệ đã biết', en: 'Known legitimate activity' },
  rule_too_broad: { vi: 'Luật bắt quá rộng', en: 'Rule too broad' },
  authorised_test: { vi: 'Kiểm thử được phép', en: 'Authorised test' },
  other: { vi: 'Khác', en: 'Other' },
} as const satisfies Record<string, Term>;

/** Where a rule comes from (api/rule-catalog.ts RuleSource). */
export const RULE_SOURCE_TERMS = {
  shipped: { vi: 'Kèm theo phần mềm', en: 'Shipped' },
  dir: { vi: 'Thư mục cấu hình', en: 'Configured folder' },
  uploaded: { vi: 'Tải lên', en: 'Uploaded' },
} as const satisfies Record<string, Term>;

/**
 * What an audited change did (the audit entry's action, dots as underscores: `user.create` -> user_create), as the
 * administration pages' recent changes say it.
 */
export const AUDIT_ACTION_TERMS = {
  user_create: { vi: 'tạo tài khoản', en: 'created the user' },
  user_update: { vi: 'sửa tài khoản', en: 'changed the user' },
  user_delete: { vi: 'xóa tài khoản', en: 'deleted the user' },
  user_password: { vi: 'đặt lại mật khẩu', en: 'reset the password' },
  user_unlock: { vi: 'mở khóa tài khoản', en: 'unlocked the user' },
  user_lock: { vi: 'tự khóa do nhập sai', en: 'locked after failures' },
  user_disable: { vi: 'khóa tài khoản', en: 'locked the user' },
  user_enable: { vi: 'mở lại tài khoản', en: 're-enabled the user' },
  user_role: { vi: 'đổi vai trò', en: 'changed the role' },
  api_key_create: { vi: 'tạo khóa API', en: 'created an API key' },
  api_key_revoke: { vi: 'thu hồi khóa API', en: 'revoked an API key' },
  channel_create: { vi: 'thêm kênh', en: 'added a channel' },
  channel_update: { vi: 'sửa kênh', en: 'changed a channel' },
  channel_delete: { vi: 'xóa kênh', en: 'removed a channel' },
  channel_test: { vi: 'gửi thử kênh', en: 'tested a channel' },
  route_create: { vi: 'thêm tuyến', en: 'added a route' },
  route_update: { vi: 'sửa tuyến', en: 'changed a route' },
  route_delete: { vi: 'xóa tuyến', en: 'removed a route' },
  settings_update: { vi: 'sửa cài đặt', en: 'changed settings' },
  suppression_create: { vi: 'tạm ẩn cảnh báo', en: 'suppressed alerts' },
  suppression_delete: { vi: 'bỏ tạm ẩn', en: 'removed a suppression' },
  agency_create: { vi: 'thêm đơn vị', en: 'added an agency' },
  agency_update: { vi: 'sửa đơn vị', en: 'changed an agency' },
  agency_delete: { vi: 'xóa đơn vị', en: 'removed an agency' },
  asset_create: { vi: 'thêm tài sản', en: 'added an asset' },
  asset_update: { vi: 'sửa tài sản', en: 'changed an asset' },
  asset_delete: { vi: 'xóa tài sản', en: 'removed an asset' },
  asset_import: { vi: 'nhập danh mục tài sản', en: 'imported assets' },
  indicator_create: { vi: 'thêm chỉ báo', en: 'added an indicator' },
  indicator_update: { vi: 'sửa chỉ báo', en: 'changed an indicator' },
  indicator_delete: { vi: 'gỡ chỉ báo', en: 'removed an indicator' },
  compliance_system: { vi: 'khai báo hệ thống thông tin', en: 'declared an information system' },
} as const satisfies Record<string, Term>;
