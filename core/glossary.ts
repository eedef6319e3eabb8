/**
 * The one glossary of the terms canhgac shows people: incident states, severities, roles, closure categories,
 * ATT&CK tactics and rule sources, in Vietnamese and English. The console, the e-mails and the reports import it,
 * so "Đã tiếp nhận" means the same thing in all three and no raw value (`in_progress`, `agency_admin`) is shown.
 * Plain data, no imports: the console bundles it as is.
 */

/** Languages of the glossary. */
export type GlossaryLang = 'vi' | 'en';

type Terms = Record<string, { vi: string; en: string }>;

/** Incident states. */
export const STATE_TERMS: Terms = {
  new: { vi: 'Mới', en: 'New' },
  acknowledged: { vi: 'Đã tiếp nhận', en: 'Acknowledged' },
  in_progress: { vi: 'Đang xử lý', en: 'In progress' },
  resolved: { vi: 'Đã khắc phục', en: 'Resolved' },
  false_positive: { vi: 'Cảnh báo nhầm', en: 'False positive' },
};

/** Severities (Sigma levels). */
export const SEVERITY_TERMS: Terms = {
  informational: { vi: 'Thông tin', en: 'Informational' },
  low: { vi: 'Thấp', en: 'Low' },
  medium: { vi: 'Trung bình', en: 'Medium' },
  high: { vi: 'Cao', en: 'High' },
  critical: { vi: 'Nghiêm trọng', en: 'Critical' },
};

/** Roles of people and keys. */
export const ROLE_TERMS: Terms = {
  admin: { vi: 'Quản trị hệ thống', en: 'Administrator' },
  analyst: { vi: 'Chuyên viên phân tích', en: 'Analyst' },
  agency_admin: { vi: 'Quản trị đơn vị', en: 'Agency administrator' },
  viewer: { vi: 'Chỉ xem', en: 'Viewer' },
  intake: { vi: 'Khóa gửi log', en: 'Log intake key' },
};

/** Why an incident was closed (CloseCategory of incidents/types.ts). */
export const CLOSE_CATEGORY_TERMS: Terms = {
  remediated: { vi: 'Đã khắc phục', en: 'Remediated' },
  contained: { vi: 'Đã ngăn chặn, đang theo dõi', en: 'Contained, being watched' },
  accepted_risk: { vi: 'Chấp nhận rủi ro', en: 'Risk accepted' },
  duplicate: { vi: 'Trùng với sự cố khác', en: 'Duplicate of another incident' },
  benign_known: { vi: 'Hoạt động hợp lệ đã biết', en: 'Known legitimate activity' },
  rule_too_broad: { vi: 'Luật bắt quá rộng', en: 'Rule too broad' },
  authorised_test: { vi: 'Kiểm thử được phép', en: 'Authorised test' },
  other: { vi: 'Khác', en: 'Other' },
};

/** ATT&CK Enterprise tactics (tag spelling with '-' or '_'). */
export const TACTIC_TERMS: Terms = {
  reconnaissance: { vi: 'Trinh sát', en: 'Reconnaissance' },
  resource_development: { vi: 'Chuẩn bị hạ tầng', en: 'Resource development' },
  initial_access: { vi: 'Xâm nhập ban đầu', en: 'Initial access' },
  execution: { vi: 'Thực thi mã', en: 'Execution' },
  persistence: { vi: 'Duy trì hiện diện', en: 'Persistence' },
  privilege_escalation: { vi: 'Leo thang đặc quyền', en: 'Privilege escalation' },
  defense_evasion: { vi: 'Né tránh phòng thủ', en: 'Defense evasion' },
  credential_access: { vi: 'Đánh cắp thông tin xác thực', en: 'Credential access' },
  discovery: { vi: 'Khám phá hệ thống', en: 'Discovery' },
  lateral_movement: { vi: 'Di chuyển ngang', en: 'Lateral movement' },
  collection: { vi: 'Thu thập dữ liệu', en: 'Collection' },
  command_and_control: { vi: 'Điều khiển từ xa (C2)', en: 'Command and control' },
  exfiltration: { vi: 'Đánh cắp dữ liệu ra ngoài', en: 'Exfiltration' },
  impact: { vi: 'Phá hoại', en: 'Impact' },
};

/** Where a rule comes from. */
export const RULE_SOURCE_TERMS: Terms = {
  shipped: { vi: 'Kèm theo phần mềm', en: 'Shipped' },
  dir: { vi: 'Thư mục cấu hình', en: 'Configured folder' },
  uploaded: { vi: 'Tải lên', en: 'Uploaded' },
};

/** ATT&CK tactics in matrix order. */
export const TACTIC_ORDER: readonly string[] = Object.keys(TACTIC_TERMS);

function term(terms: Terms, value: string, lang: GlossaryLang): string {
  return terms[value]?.[lang] ?? value;
}

/** The label of an incident state. */
export const stateTerm = (s: string, lang: GlossaryLang = 'vi'): string => term(STATE_TERMS, s, lang);
/** The label of a severity. */
export const severityTerm = (s: string, lang: GlossaryLang = 'vi'): string => term(SEVERITY_TERMS, s, lang);
/** The label of a role. */
export const roleTerm = (r: string, lang: GlossaryLang = 'vi'): string => term(ROLE_TERMS, r, lang);
/** The label of a closure category. */
export const closeCategoryTerm = (c: string, lang: GlossaryLang = 'vi'): string => term(CLOSE_CATEGORY_TERMS, c, lang);
/** The label of a tactic (`credential-access`, `attack.credential_access` and `credential_access` alike). */
export const tacticTerm = (t: string, lang: GlossaryLang = 'vi'): string =>
  term(TACTIC_TERMS, t.replace(/^attack\./, '').replace(/-/g, '_'), lang);
/** The label of a rule source. */
export const ruleSourceTerm = (s: string, lang: GlossaryLang = 'vi'): string => term(RULE_SOURCE_TERMS, s, lang);
