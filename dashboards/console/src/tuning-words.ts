/** Words of the tuning loop (dispositions, noise report) in Vietnamese and English, kept beside their pages. */
import { DISPOSITION_TERMS } from '../../../core/glossary.js';
import type { Lang } from './format.js';

/** Categories per verdict, as the API accepts them (api/openapi.yaml DispositionUpdate). */
export const CATEGORIES: Record<string, readonly string[]> = {
  true_positive: ['attack_blocked', 'attack_succeeded', 'attempt_only', 'other'],
  benign: ['admin_activity', 'authorised_test', 'known_scanner', 'accepted_risk', 'other'],
  false_positive: ['rule_too_broad', 'misparsed_log', 'known_scanner', 'admin_activity', 'duplicate', 'other'],
};

const CATEGORY_WORDS: Record<string, { vi: string; en: string }> = {
  attack_blocked: { vi: 'Tấn công bị chặn', en: 'Attack blocked' },
  attack_succeeded: { vi: 'Tấn công thành công', en: 'Attack succeeded' },
  attempt_only: { vi: 'Mới dừng ở thử', en: 'Attempt only' },
  admin_activity: { vi: 'Thao tác của quản trị viên', en: 'Administrator activity' },
  authorised_test: { vi: 'Kiểm thử được phép', en: 'Authorised test' },
  known_scanner: { vi: 'Máy quét đã biết', en: 'Known scanner' },
  accepted_risk: { vi: 'Rủi ro đã chấp nhận', en: 'Accepted risk' },
  rule_too_broad: { vi: 'Luật quá rộng', en: 'Rule too broad' },
  misparsed_log: { vi: 'Log bị đọc sai', en: 'Log read wrongly' },
  duplicate: { vi: 'Trùng lặp', en: 'Duplicate' },
  benign_known: { vi: 'Hoạt động bình thường đã biết', en: 'Known benign activity' },
  other: { vi: 'Khác', en: 'Other' },
};

const WORDS = {
  vi: {
    disposition: 'Đánh giá của chuyên viên',
    verdict: 'Kết luận',
    category: 'Phân loại',
    note: 'Ghi chú',
    minutes: 'Số phút đã xử lý',
    save: 'Lưu đánh giá',
    saved: 'Đã lưu',
    notJudged: 'Chưa đánh giá',
    categoryNeeded: 'Cảnh báo nhầm cần chọn phân loại',
    judgedBy: 'đánh giá bởi',
    noise: 'Nhiễu cảnh báo',
    noiseHelp:
      'Luật nào mở nhiều sự cố bị đánh giá là nhầm hoặc vô hại, theo đơn vị, và tốn bao nhiêu phút của chuyên viên. Sự cố chưa ghi số phút được tính 3 phút.',
    rule: 'Luật',
    agency: 'Đơn vị',
    incidents: 'Sự cố',
    judged: 'Đã đánh giá',
    tp: 'Tấn công thật',
    benign: 'Vô hại',
    fp: 'Nhầm',
    fpRatio: 'Tỉ lệ nhầm',
    analystMinutes: 'Phút xử lý',
    wasted: 'Phút cho cảnh báo nhầm',
    topCategories: 'Lý do chính',
    period: 'Khoảng thời gian',
    days7: '7 ngày',
    days30: '30 ngày',
    days90: '90 ngày',
    total: 'Tổng',
    empty: 'Chưa có sự cố nào trong khoảng thời gian này.',
  },
  en: {
    disposition: "Analyst's verdict",
    verdict: 'Verdict',
    category: 'Category',
    note: 'Note',
    minutes: 'Minutes spent',
    save: 'Save verdict',
    saved: 'Saved',
    notJudged: 'Not judged yet',
    categoryNeeded: 'A false positive needs a category',
    judgedBy: 'judged by',
    noise: 'Alert noise',
    noiseHelp:
      'Which rules open incidents judged false or benign, per agency, and how many analyst minutes they cost. Incidents without recorded minutes count 3 minutes.',
    rule: 'Rule',
    agency: 'Agency',
    incidents: 'Incidents',
    judged: 'Judged',
    tp: 'True positive',
    benign: 'Benign',
    fp: 'False positive',
    fpRatio: 'FP ratio',
    analystMinutes: 'Analyst minutes',
    wasted: 'Minutes on false alarms',
    topCategories: 'Main reasons',
    period: 'Period',
    days7: '7 days',
    days30: '30 days',
    days90: '90 days',
    total: 'Total',
    empty: 'No incidents in this period.',
  },
} as const;

/** The tuning words of a language. */
export function tuningWords(lang: Lang): Record<keyof (typeof WORDS)['vi'], string> {
  return WORDS[lang === 'en' ? 'en' : 'vi'];
}

/** A verdict's label (the glossary's). */
export function verdictLabel(lang: Lang, v: string): string {
  const term = (DISPOSITION_TERMS as Record<string, { vi: string; en: string }>)[v];
  return term ? term[lang === 'en' ? 'en' : 'vi'] : v;
}

/** A category's label. */
export function categoryLabel(lang: Lang, c: string): string {
  const w = CATEGORY_WORDS[c];
  return w ? w[lang === 'en' ? 'en' : 'vi'] : c;
}
