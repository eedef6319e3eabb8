/** Vietnamese (default) and English; dates d/M/yyyy HH:mm in Asia/Ho_Chi_Minh whatever the browser's zone. */
import { createContext, useContext } from 'react';
import {
  AUDIT_ACTION_TERMS,
  CLOSE_CATEGORY_TERMS,
  DISPOSITION_TERMS,
  ROLE_TERMS,
  RULE_SOURCE_TERMS,
  SEVERITY_TERMS,
  STATE_TERMS,
  TACTIC_TERMS,
} from '../../../core/glossary.js';
import { ADMIN_EN, ADMIN_VI } from './admin-strings.js';
import { fmtNumber, type Lang } from './format.js';
import { STRINGS_EN, STRINGS_VI } from './strings.js';
import { GROUPING_EN, GROUPING_VI } from './strings-grouping.js';
import { INVESTIGATE_EN, INVESTIGATE_VI } from './strings-investigate.js';

export type { Lang } from './format.js';

const vi = {
  ...STRINGS_VI,
  ...INVESTIGATE_VI,
  ...ADMIN_VI,
  ...GROUPING_VI,
  appName: 'Canh Gác SOC',
  login: 'Đăng nhập',
  logout: 'Đăng xuất',
  username: 'Tên đăng nhập',
  password: 'Mật khẩu',
  loginFailed: 'Sai tên đăng nhập hoặc mật khẩu',
  overview: 'Tổng quan',
  incidents: 'Sự cố',
  search: 'Tìm kiếm sự kiện',
  rules: 'Luật phát hiện',
  agencies: 'Đơn vị và máy',
  assets: 'Tài sản',
  threatIntel: 'Tình báo mối đe dọa',
  intakeHealth: 'Tiếp nhận log',
  reportsNav: 'Báo cáo',
  language: 'English',
  loading: 'Đang tải…',
  error: 'Lỗi',
  none: 'Không có',
  all: 'Tất cả',
  state: 'Trạng thái',
  severity: 'Mức độ',
  agency: 'Đơn vị',
  rule: 'Luật',
  assignee: 'Người xử lý',
  host: 'Máy',
  time: 'Thời gian',
  from: 'Từ',
  to: 'Đến',
  lastSeen: 'Lần cuối',
  firstSeen: 'Lần đầu',
  alerts: 'Cảnh báo',
  title: 'Tiêu đề',
  refresh: 'Làm mới',
  openQueue: 'Đang mở',
  selected: 'đã chọn',
  acknowledge: 'Tiếp nhận',
  assign: 'Giao',
  close: 'Đóng (đã khắc phục)',
  markFalsePositive: 'Cảnh báo nhầm',
  startWork: 'Bắt đầu xử lý',
  reopen: 'Mở lại',
  keyboardHelp:
    'Phím tắt: j/k di chuyển · x chọn · a tiếp nhận · m nhận về mình · c đóng · u hoàn tác · n hiện sự cố mới · Enter mở · r làm mới',
  assignMe: 'Nhận về mình',
  liveUpdates: 'Tự cập nhật mỗi 5 giây',
  last24h: '24 giờ qua',
  last7d: '7 ngày qua',
  last30d: '30 ngày qua',
  anyTime: 'Mọi lúc',
  custom: 'Tùy chọn',
  noIncidents: 'Không có sự cố nào khớp bộ lọc',
  back: 'Quay lại',
  timeline: 'Diễn biến',
  matchingEvents: 'Sự kiện khớp luật',
  matchedFields: 'Trường khớp được tô sáng',
  ruleYaml: 'Luật (YAML)',
  attack: 'MITRE ATT&CK',
  comments: 'Bình luận',
  addComment: 'Thêm bình luận',
  send: 'Gửi',
  audit: 'Lịch sử thao tác',
  sla: 'Thời hạn SLA',
  ackDue: 'Hạn tiếp nhận',
  resolveDue: 'Hạn xử lý',
  breached: 'Quá hạn',
  remaining: 'còn',
  overdue: 'trễ',
  met: 'Đạt',
  ruleHidden: 'Vai trò của bạn không xem được luật',
  assignTo: 'Giao cho',
  save: 'Lưu',
  cancel: 'Hủy',
  query: 'Truy vấn',
  queryPlaceholder: 'ví dụ: host.name:web01 AND "thất bại"',
  run: 'Tìm',
  histogram: 'Phân bố theo thời gian',
  fields: 'Trường',
  topValues: 'Giá trị hàng đầu',
  events: 'Sự kiện',
  noEvents: 'Không có sự kiện',
  more: 'Xem thêm',
  pivotHint: 'Bấm vào một giá trị để lọc theo nó',
  hits: 'Số lần khớp',
  fpRate: 'Tỉ lệ cảnh báo nhầm',
  enabled: 'Bật',
  disabled: 'Tắt',
  enable: 'Bật',
  disable: 'Tắt',
  upload: 'Tải luật lên',
  uploadHelp: 'Dán một luật Sigma (YAML)',
  edit: 'Sửa',
  validate: 'Kiểm tra và lưu',
  problems: 'Lỗi trong luật',
  testRule: 'Thử trên sự kiện dán vào',
  testHelp: 'Mỗi dòng một sự kiện JSON, hoặc một mảng JSON',
  test: 'Thử',
  matched: 'Khớp',
  notMatched: 'Không khớp',
  retroHunt: 'Săn hồi tố',
  hunt: 'Săn',
  found: 'Tìm thấy',
  saved: 'Đã lưu',
  badJson: 'JSON không hợp lệ',
  health: 'Tình trạng',
  silent: 'Im lặng',
  ok: 'Bình thường',
  silentHosts: 'Máy im lặng',
  eventsPerHour: 'Sự kiện/giờ',
  hostCount: 'Số máy',
  expected: 'Theo dõi',
  eps: 'Sự kiện mỗi giây (1 giờ qua)',
  bySeverity: 'Sự cố theo mức độ',
  byAgency: 'Sự cố theo đơn vị',
  byRule: 'Sự cố theo luật',
  overTime: 'Sự cố theo ngày (14 ngày)',
  aging: 'Tuổi sự cố đang mở',
  openIncidents: 'Sự cố đang mở',
  ageLt1h: '< 1 giờ',
  age1to24h: '1–24 giờ',
  age1to7d: '1–7 ngày',
  ageGt7d: '> 7 ngày',
  yourAgency: 'Đơn vị của bạn',
  role: 'Vai trò',
  notFound: 'Không tìm thấy trang',
  total: 'Tổng',
  partial: 'Số liệu một phần (quá nhiều sự cố)',
  groupBy: 'Nhóm theo',
  badDate: 'Ngày không hợp lệ (d/M/yyyy HH:mm)',
  agentKeys: 'Khóa gửi log của tác tử',
  keyName: 'Tên khóa (ví dụ: web01)',
  newKey: 'Tạo khóa',
  shownOnce: 'Chỉ hiện một lần, hãy lưu lại',
  lastUsed: 'dùng lần cuối',
  loginWith: 'Đăng nhập bằng',
  passwordOff: 'Đăng nhập bằng mật khẩu đã tắt',
  other: 'Khác',
  ago: 'trước',
  pipelineStalled: 'Hệ thống đang ngừng xử lý sự kiện.',
  pipelineStalledHint:
    'Sự kiện vẫn được nhận và lưu tạm nhưng chưa được phân tích trong {s} giây; hãy báo quản trị viên.',
  quarantined: '{n} bản ghi không xử lý được đang được cách ly (giữ nguyên văn, kèm lý do).',
  quarantineShow: 'Xem',
  quarantineHide: 'Ẩn',
  quarantinedAt: 'Cách ly lúc',
  quarantineSource: 'Địa chỉ gửi',
  quarantineReason: 'Lý do',
  quarantineData: 'Dữ liệu gốc (ký tự điều khiển hiện dạng \\u…)',
};

export type Key = keyof typeof vi;

const en: Record<Key, string> = {
  ...STRINGS_EN,
  ...INVESTIGATE_EN,
  ...ADMIN_EN,
  ...GROUPING_EN,
  appName: 'Canh Gác SOC',
  login: 'Log in',
  logout: 'Log out',
  username: 'Username',
  password: 'Password',
  loginFailed: 'Wrong username or password',
  overview: 'Overview',
  incidents: 'Incidents',
  search: 'Event search',
  rules: 'Detection rules',
  agencies: 'Agencies and hosts',
  assets: 'Assets',
  threatIntel: 'Threat intel',
  intakeHealth: 'Intake health',
  reportsNav: 'Reports',
  language: 'Tiếng Việt',
  loading: 'Loading…',
  error: 'Error',
  none: 'None',
  all: 'All',
  state: 'State',
  severity: 'Severity',
  agency: 'Agency',
  rule: 'Rule',
  assignee: 'Assignee',
  host: 'Host',
  time: 'Time',
  from: 'From',
  to: 'To',
  lastSeen: 'Last seen',
  firstSeen: 'First seen',
  alerts: 'Alerts',
  title: 'Title',
  refresh: 'Refresh',
  openQueue: 'Open',
  selected: 'selected',
  acknowledge: 'Acknowledge',
  assign: 'Assign',
  close: 'Close (resolved)',
  markFalsePositive: 'False positive',
  startWork: 'Start work',
  reopen: 'Reopen',
  keyboardHelp:
    'Keys: j/k move · x select · a acknowledge · m assign to me · c close · u undo · n show new · Enter open · r refresh',
  assignMe: 'Assign to me',
  liveUpdates: 'Updates every 5 seconds',
  last24h: 'Last 24 hours',
  last7d: 'Last 7 days',
  last30d: 'Last 30 days',
  anyTime: 'Any time',
  custom: 'Custom',
  noIncidents: 'No incident matches the filters',
  back: 'Back',
  timeline: 'Timeline',
  matchingEvents: 'Matching events',
  matchedFields: 'Matched fields are highlighted',
  ruleYaml: 'Rule (YAML)',
  attack: 'MITRE ATT&CK',
  comments: 'Comments',
  addComment: 'Add a comment',
  send: 'Send',
  audit: 'Audit history',
  sla: 'SLA clocks',
  ackDue: 'Acknowledge by',
  resolveDue: 'Resolve by',
  breached: 'Breached',
  remaining: 'left',
  overdue: 'late',
  met: 'Met',
  ruleHidden: 'Your role cannot read rules',
  assignTo: 'Assign to',
  save: 'Save',
  cancel: 'Cancel',
  query: 'Query',
  queryPlaceholder: 'e.g. host.name:web01 AND "failed"',
  run: 'Search',
  histogram: 'Events over time',
  fields: 'Fields',
  topValues: 'Top values',
  events: 'Events',
  noEvents: 'No events',
  more: 'More',
  pivotHint: 'Click a value to filter on it',
  hits: 'Hits',
  fpRate: 'False-positive rate',
  enabled: 'On',
  disabled: 'Off',
  enable: 'Enable',
  disable: 'Disable',
  upload: 'Upload a rule',
  uploadHelp: 'Paste one Sigma rule (YAML)',
  edit: 'Edit',
  validate: 'Validate and save',
  problems: 'Problems in the rule',
  testRule: 'Test on pasted events',
  testHelp: 'One JSON event per line, or a JSON array',
  test: 'Test',
  matched: 'Matched',
  notMatched: 'No match',
  retroHunt: 'Retro-hunt',
  hunt: 'Hunt',
  found: 'Found',
  saved: 'Saved',
  badJson: 'Invalid JSON',
  health: 'Health',
  silent: 'Silent',
  ok: 'OK',
  silentHosts: 'Silent hosts',
  eventsPerHour: 'Events/hour',
  hostCount: 'Hosts',
  expected: 'Watched',
  eps: 'Events per second (last hour)',
  bySeverity: 'Incidents by severity',
  byAgency: 'Incidents by agency',
  byRule: 'Incidents by rule',
  overTime: 'Incidents per day (14 days)',
  aging: 'Open incidents aging',
  openIncidents: 'Open incidents',
  ageLt1h: '< 1 hour',
  age1to24h: '1–24 hours',
  age1to7d: '1–7 days',
  ageGt7d: '> 7 days',
  yourAgency: 'Your agency',
  role: 'Role',
  notFound: 'Page not found',
  total: 'Total',
  partial: 'Partial figures (too many incidents)',
  groupBy: 'Group by',
  badDate: 'Not a date (d/M/yyyy HH:mm)',
  agentKeys: 'Agent intake keys',
  keyName: 'Key name (e.g. web01)',
  newKey: 'Create key',
  shownOnce: 'Shown once only, keep it now',
  lastUsed: 'last used',
  loginWith: 'Sign in with',
  passwordOff: 'Password sign-in is turned off',
  other: 'Other',
  ago: 'ago',
  pipelineStalled: 'Event processing has stopped.',
  pipelineStalledHint:
    'Events are still received and spooled but none has been analysed for {s} s; tell an administrator.',
  quarantined: '{n} record(s) that could not be processed are quarantined (kept raw, with the reason).',
  quarantineShow: 'Show',
  quarantineHide: 'Hide',
  quarantinedAt: 'Quarantined at',
  quarantineSource: 'Sender',
  quarantineReason: 'Reason',
  quarantineData: 'Raw data (control characters shown as \\u…)',
};

const DICTS: Record<Lang, Record<Key, string>> = { vi: { ...vi, ...glossary('vi') }, en: { ...en, ...glossary('en') } };

/** The language remembered in this browser (Vietnamese by default). */
export function storedLang(): Lang {
  try {
    return localStorage.getItem('canhgac.lang') === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

/** Remembers the language. */
export function rememberLang(l: Lang): void {
  try {
    localStorage.setItem('canhgac.lang', l);
  } catch {
    // Private mode: the choice lasts for the page only.
  }
}

/** A translator for a language. */
export function translator(lang: Lang): (k: Key) => string {
  const d = DICTS[lang] as Record<string, string>;
  return (k) => d[k] ?? k;
}

export { fmtDate, fmtDateTime, fmtDuration, fmtNumber, fmtTime, parseDateTime, TIME_ZONE } from './format.js';

/** The context every page reads: the translator, language and caller. */
export interface AppCtx {
  t: (k: Key) => string;
  lang: Lang;
  me: { id: string; role: string; agencyId?: string };
  navigate: (to: string) => void;
}

export const App = createContext<AppCtx | null>(null);

/** The app context (inside the logged-in shell). */
export function useApp(): AppCtx {
  const c = useContext(App);
  if (!c) throw new Error('useApp outside the app');
  return c;
}

/** The glossary's terms (core/glossary.ts, shared with e-mails and reports) under the console's keys. */
function glossary(lang: Lang): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (prefix: string, terms: Record<string, { vi: string; en: string }>) => {
    for (const [k, v] of Object.entries(terms)) out[`${prefix}${k}`] = v[lang];
  };
  add('s_', STATE_TERMS);
  add('sev_', SEVERITY_TERMS);
  add('r_', ROLE_TERMS);
  add('cat_', CLOSE_CATEGORY_TERMS);
  add('tac_', TACTIC_TERMS);
  add('src_', RULE_SOURCE_TERMS);
  add('v_', DISPOSITION_TERMS);
  add('act_', AUDIT_ACTION_TERMS);
  return out;
}

/** A glossary term by its console key (`s_new`, `sev_high`, `r_analyst`, `cat_duplicate`, `tac_impact`). */
export function term(t: (k: Key) => string, key: string): string {
  return (t as (k: string) => string)(key) ?? key;
}

/** Label of a state or severity value. */
export function stateLabel(t: (k: Key) => string, s: string): string {
  return term(t, `s_${s}`) ?? s;
}
/** Label of a role (never shown raw). */
export function roleLabel(t: (k: Key) => string, r: string): string {
  return term(t, `r_${r}`) ?? r;
}
export function sevLabel(t: (k: Key) => string, s: string): string {
  return term(t, `sev_${s}`) ?? s;
}

/** "1 incident", "2 incidents" (Vietnamese has one form): the count, formatted, and the word. */
export function incidentsCount(t: (k: Key) => string, n: number, lang: Lang, fresh = false): string {
  const one = n === 1;
  const word = fresh ? t(one ? 'newIncident' : 'newIncidents') : t(one ? 'incidentWord' : 'incidentsWord');
  return `${fmtNumber(n, lang)} ${word}`;
}
