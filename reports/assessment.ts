/**
 * Page one of a report: an assessment in plain words, generated from the model's figures by the rules below and
 * by nothing else. Each sentence carries the figures it was made from (`facts`), so a test can check every
 * sentence against the model; no sentence is written without a figure behind it.
 *
 * The rules, in the order a leader reads them:
 * - Situation: (1) what was watched and found: events, hosts sending of those expected, incidents and how many
 *   critical/high; (2) the change in incidents against the previous period: "tăng"/"giảm" when it moved by at
 *   least 20% and at least 3 incidents, else "tương đương"; (3) the verdict: "đáng lo ngại" when a critical
 *   incident of the period is still open, "cần chú ý" when any critical/high incident, SLA breach or silent host
 *   exists, else "ổn định".
 * - What matters: the candidates below that hold, highest priority first, at most three: open critical/high
 *   incidents (100), deadlines missed (90), silent hosts (80), a rise in incidents (75), the most frequent attack
 *   with its technique (70), the most targeted host (60).
 * - What was done: incidents acknowledged and their mean time, incidents resolved and false positives closed in the
 *   period, mean time to resolve.
 * - Recommendations: one per point that matters, in the same order; for the most frequent attack, the advice of its
 *   ATT&CK tactic (TACTIC_ADVICE); when nothing matters, keep watching.
 */
import { type TACTIC_TERMS, tacticKey, technique } from '../core/glossary.js';
import type { Language } from '../notify/types.js';
import type { ReportModel } from './model.js';
import { formatDate } from './period.js';
import { agencyName, formatDuration, num, ruleName, techniques } from './words.js';

/** One sentence of the assessment and the figures it states. */
export interface Sentence {
  /** Which rule made it. */
  rule: string;
  vi: string;
  en: string;
  facts: Record<string, number | string>;
  /** Figures the sentence judges by without stating them (the verdict). */
  basis?: Record<string, number>;
}

/** The four parts of page one. */
export interface Assessment {
  verdict: 'concerning' | 'attention' | 'stable';
  situation: Sentence[];
  keyPoints: Sentence[];
  done: Sentence[];
  recommendations: Sentence[];
}

/** What to do against the most frequent kind of attack, by ATT&CK tactic. */
export const TACTIC_ADVICE: Partial<Record<keyof typeof TACTIC_TERMS, { vi: string; en: string }>> = {
  'credential-access': {
    vi: 'bắt buộc mật khẩu mạnh và xác thực hai yếu tố cho truy cập quản trị từ xa (SSH, RDP), chặn các địa chỉ đang dò mật khẩu',
    en: 'require strong passwords and two-factor authentication for remote administration (SSH, RDP) and block the addresses guessing passwords',
  },
  'initial-access': {
    vi: 'rà soát và vá lỗ hổng các ứng dụng web công khai, bật tường lửa ứng dụng web',
    en: 'review and patch the public web applications and enable a web application firewall',
  },
  persistence: {
    vi: 'kiểm tra các tài khoản và quyền quản trị mới tạo, thu hồi những gì không qua quy trình thay đổi',
    en: 'check new accounts and administrator rights and revoke whatever did not go through the change process',
  },
  'privilege-escalation': {
    vi: 'rà soát danh sách người có quyền quản trị (sudo, Administrators) và mật khẩu tài khoản root',
    en: 'review who holds administrator rights (sudo, Administrators) and the root passwords',
  },
  'defense-evasion': {
    vi: 'điều tra các máy có nhật ký bị xóa hoặc lớp bảo vệ bị tắt, coi đó là dấu hiệu đã bị xâm nhập',
    en: 'investigate the hosts whose logs were cleared or defences switched off as probably compromised',
  },
  execution: {
    vi: 'giới hạn PowerShell và các trình thông dịch lệnh trên máy chủ, điều tra các lệnh tải mã từ Internet',
    en: 'restrict PowerShell and command interpreters on servers and investigate commands that download code',
  },
  discovery: {
    vi: 'chặn các địa chỉ dò quét tại tường lửa và thu hẹp các cổng dịch vụ mở ra Internet',
    en: 'block the scanning addresses at the firewall and close service ports exposed to the Internet',
  },
  reconnaissance: {
    vi: 'chặn các địa chỉ dò quét tại tường lửa và thu hẹp các cổng dịch vụ mở ra Internet',
    en: 'block the scanning addresses at the firewall and close service ports exposed to the Internet',
  },
  'command-and-control': {
    vi: 'cách ly các máy có kết nối điều khiển từ xa đáng ngờ và kiểm tra mã độc',
    en: 'isolate the hosts with suspicious remote-control traffic and check them for malware',
  },
  impact: {
    vi: 'kiểm tra ngay bản sao lưu và kế hoạch khôi phục của các hệ thống bị ảnh hưởng',
    en: 'check the backups and recovery plans of the affected systems at once',
  },
};

function pct(cur: number, prev: number): number {
  return prev > 0 ? Math.round(((cur - prev) / prev) * 100) : 0;
}

/** An English count with its noun (`1 host`, `2 hosts`). */
function en(x: number, noun: string, plural = `${noun}s`): string {
  return `${num(x, 'en')} ${x === 1 ? noun : plural}`;
}

function list(names: string[], lang: Language): string {
  if (names.length <= 1) return names.join('');
  const and = lang === 'en' ? ' and ' : ' và ';
  return `${names.slice(0, -1).join(', ')}${and}${names[names.length - 1]}`;
}

/** The assessment of a report model. */
export function assess(m: ReportModel): Assessment {
  const n = (x: number, lang: Language) => num(x, lang);
  const inc = m.headline.incidents;
  const critHigh = m.headline.criticalHigh.current;
  const openCH = m.openBySeverity.critical + m.openBySeverity.high;
  const openCritical = m.openBySeverity.critical;
  const sla = m.slaBreaches.acknowledge + m.slaBreaches.resolve;
  const silent = m.silentHosts.length;
  const silentAgencies = [...new Set(m.silentHosts.map((h) => h.agencyId))];
  const trendPct = pct(inc.current, inc.previous);
  const moved = Math.abs(inc.current - inc.previous) >= 3 && (inc.previous === 0 || Math.abs(trendPct) >= 20);
  const direction = !moved ? 'same' : inc.current > inc.previous ? 'up' : 'down';

  const situation: Sentence[] = [];
  const watched = {
    events: m.headline.events.current,
    hostsSending: m.coverage.hostsSending,
    hostsExpected: m.coverage.hostsExpected,
    incidents: inc.current,
    criticalHigh: critHigh,
  };
  // "0 sự cố, trong đó 0 ..." reads badly: no incident, or none critical/high, is said in words (and not as a fact).
  const foundVi =
    inc.current === 0
      ? 'không phát hiện sự cố nào'
      : critHigh === 0
        ? `phát hiện ${n(inc.current, 'vi')} sự cố, không có sự cố nào ở mức nghiêm trọng hoặc cao`
        : `phát hiện ${n(inc.current, 'vi')} sự cố, trong đó ${n(critHigh, 'vi')} sự cố ở mức nghiêm trọng hoặc cao`;
  const foundEn =
    inc.current === 0
      ? 'found no incident'
      : critHigh === 0
        ? `found ${en(inc.current, 'incident')}, none critical or high`
        : `found ${en(inc.current, 'incident')}, ${n(critHigh, 'en')} of them critical or high`;
  const { incidents: _i, criticalHigh: _c, ...always } = watched;
  situation.push({
    rule: 'watched',
    vi: `Trong kỳ, hệ thống giám sát đã tiếp nhận ${n(watched.events, 'vi')} sự kiện log từ ${n(watched.hostsSending, 'vi')} máy chủ (trên ${n(watched.hostsExpected, 'vi')} máy chủ cần giám sát), ${foundVi}.`,
    en: `In the period the monitoring received ${n(watched.events, 'en')} log events from ${n(watched.hostsSending, 'en')} hosts (of ${n(watched.hostsExpected, 'en')} expected) and ${foundEn}.`,
    facts: {
      ...always,
      ...(inc.current > 0 ? { incidents: inc.current } : {}),
      ...(inc.current > 0 && critHigh > 0 ? { criticalHigh: critHigh } : {}),
    },
    basis: { incidents: inc.current, criticalHigh: critHigh },
  });
  const trendFacts = { current: inc.current, previous: inc.previous, percent: trendPct, direction };
  // Nothing in either period: no comparison to make.
  if (inc.current > 0 || inc.previous > 0)
    situation.push(
      direction === 'same'
        ? {
            rule: 'trend',
            vi: `Số sự cố tương đương kỳ trước (${n(inc.current, 'vi')} so với ${n(inc.previous, 'vi')}).`,
            en: `Incidents are about the same as in the previous period (${n(inc.current, 'en')} against ${n(inc.previous, 'en')}).`,
            facts: trendFacts,
          }
        : {
            rule: 'trend',
            vi: `Số sự cố ${direction === 'up' ? 'tăng' : 'giảm'} ${inc.previous > 0 ? `${Math.abs(trendPct)}% ` : ''}so với kỳ trước (${n(inc.current, 'vi')} so với ${n(inc.previous, 'vi')}).`,
            en: `Incidents ${direction === 'up' ? 'rose' : 'fell'} ${inc.previous > 0 ? `${Math.abs(trendPct)}% ` : ''}against the previous period (${n(inc.current, 'en')} against ${n(inc.previous, 'en')}).`,
            facts: trendFacts,
          },
    );
  const verdict: Assessment['verdict'] =
    openCritical > 0 ? 'concerning' : critHigh > 0 || sla > 0 || silent > 0 ? 'attention' : 'stable';
  const verdictFacts = { openCritical, criticalHigh: critHigh, slaBreaches: sla, silentHosts: silent };
  situation.push({
    rule: 'verdict',
    vi:
      verdict === 'concerning'
        ? `Đánh giá: tình hình đáng lo ngại, còn ${n(openCritical, 'vi')} sự cố nghiêm trọng chưa xử lý xong.`
        : verdict === 'attention'
          ? 'Đánh giá: tình hình cần chú ý, chưa có sự cố nghiêm trọng nào còn mở.'
          : 'Đánh giá: tình hình ổn định, không có sự cố nghiêm trọng hoặc cao, không quá hạn xử lý, không máy chủ nào ngừng gửi log.',
    en:
      verdict === 'concerning'
        ? `Assessment: concerning, ${en(openCritical, 'critical incident')} still open.`
        : verdict === 'attention'
          ? 'Assessment: needs attention; no critical incident is still open.'
          : 'Assessment: stable, with no critical or high incident, no missed deadline and no silent host.',
    facts: verdict === 'concerning' ? { openCritical } : {},
    basis: verdictFacts,
  });

  // What matters: candidates with a priority; the three highest are kept.
  const cands: (Sentence & { priority: number; advice: Sentence })[] = [];
  if (openCH > 0) {
    const agencies = m.openCriticalHighAgencies;
    const names = agencies.map((id) => agencyName(m, id));
    cands.push({
      priority: 100,
      rule: 'open-critical-high',
      vi: `${n(openCH, 'vi')} sự cố mức nghiêm trọng hoặc cao phát sinh trong kỳ chưa được xử lý xong${names.length ? ` (${list(names, 'vi')})` : ''}.`,
      en: `${en(openCH, 'critical or high incident')} of the period not yet resolved${names.length ? ` (${list(names, 'en')})` : ''}.`,
      facts: { openCriticalHigh: openCH, agencies: names.join('; ') },
      advice: {
        rule: 'advice-open',
        vi: `Chỉ đạo ${names.length ? list(names, 'vi') : 'các đơn vị liên quan'} tập trung xử lý dứt điểm ${n(openCH, 'vi')} sự cố mức nghiêm trọng hoặc cao còn mở.`,
        en: `Direct ${names.length ? list(names, 'en') : 'the agencies concerned'} to resolve the ${n(openCH, 'en')} open critical or high incidents.`,
        facts: { openCriticalHigh: openCH },
      },
    });
  }
  if (sla > 0)
    cands.push({
      priority: 90,
      rule: 'sla',
      vi: `${n(sla, 'vi')} lần quá hạn xử lý (${n(m.slaBreaches.acknowledge, 'vi')} quá hạn tiếp nhận, ${n(m.slaBreaches.resolve, 'vi')} quá hạn khắc phục).`,
      en: `${en(sla, 'deadline')} missed (${n(m.slaBreaches.acknowledge, 'en')} to acknowledge, ${n(m.slaBreaches.resolve, 'en')} to resolve).`,
      facts: { slaBreaches: sla, acknowledge: m.slaBreaches.acknowledge, resolve: m.slaBreaches.resolve },
      advice: {
        rule: 'advice-sla',
        vi: 'Rà soát phân công trực giám sát để mọi sự cố được tiếp nhận và khắc phục đúng hạn.',
        en: 'Review the monitoring rota so that every incident is acknowledged and resolved on time.',
        facts: {},
        basis: { slaBreaches: sla },
      },
    });
  if (silent > 0) {
    const names = silentAgencies.map((id) => agencyName(m, id));
    // The earliest time the watcher marked one silent (hosts that merely sent nothing have no such time).
    const since = Math.min(...m.silentHosts.map((h) => h.silentSince ?? Number.POSITIVE_INFINITY));
    const sinceVi = Number.isFinite(since) ? ` từ ngày ${formatDate(since)}` : '';
    const sinceEn = Number.isFinite(since) ? ` since ${formatDate(since)}` : '';
    cands.push({
      priority: 80,
      rule: 'silent',
      vi: `${n(silent, 'vi')} máy chủ ngừng gửi log${sinceVi} (${list(names, 'vi')}): ${silent === 1 ? 'máy này' : 'các máy này'} hiện không được giám sát.`,
      en: `${en(silent, 'host')} stopped sending logs${sinceEn} (${list(names, 'en')}): ${silent === 1 ? 'it is' : 'they are'} not being watched.`,
      facts: {
        silentHosts: silent,
        agencies: names.join('; '),
        since: Number.isFinite(since) ? formatDate(since) : '',
      },
      advice: {
        rule: 'advice-silent',
        vi: `Yêu cầu ${list(names, 'vi')} kiểm tra và khôi phục việc gửi log của ${n(silent, 'vi')} máy chủ.`,
        en: `Ask ${list(names, 'en')} to restore log forwarding from ${en(silent, 'host')}.`,
        facts: { silentHosts: silent },
      },
    });
  }
  if (direction === 'up')
    cands.push({
      priority: 75,
      rule: 'rise',
      vi: `Số sự cố tăng so với kỳ trước (${n(inc.current, 'vi')} so với ${n(inc.previous, 'vi')}).`,
      en: `Incidents rose against the previous period (${n(inc.current, 'en')} against ${n(inc.previous, 'en')}).`,
      facts: { current: inc.current, previous: inc.previous },
      advice: {
        rule: 'advice-rise',
        vi: 'Theo dõi sát diễn biến trong kỳ tới và báo cáo ngay khi có sự cố nghiêm trọng.',
        en: 'Watch the next period closely and report any critical incident at once.',
        facts: {},
        basis: { current: inc.current, previous: inc.previous },
      },
    });
  const topRule = m.topRules[0];
  if (topRule) {
    const techVi = techniques(topRule.tags, 'vi')[0];
    const techEn = techniques(topRule.tags, 'en')[0];
    const tactic = topRule.tags
      .map((t) => technique(t.replace(/^attack\./i, ''))?.tactics[0] ?? tacticKey(t.replace(/^attack\./i, '')))
      .find((t): t is keyof typeof TACTIC_TERMS => t !== undefined && t in TACTIC_ADVICE);
    const adv = tactic ? TACTIC_ADVICE[tactic]! : undefined;
    const titleVi = ruleName(topRule.ruleId, topRule.title, 'vi');
    const titleEn = ruleName(topRule.ruleId, topRule.title, 'en');
    cands.push({
      priority: 70,
      rule: 'top-attack',
      vi: `Hình thức tấn công phát hiện nhiều nhất: ${titleVi}${techVi ? ` (kỹ thuật ${techVi})` : ''}, ${n(topRule.alerts, 'vi')} cảnh báo.`,
      en: `Most frequent attack: ${titleEn}${techEn ? ` (technique ${techEn})` : ''}, ${en(topRule.alerts, 'alert')}.`,
      facts: { rule: topRule.ruleId, alerts: topRule.alerts, tactic: tactic ?? '' },
      advice: adv
        ? {
            rule: 'advice-tactic',
            vi: `Trước hình thức tấn công phổ biến nhất, đề nghị ${adv.vi}.`,
            en: `Against the most frequent attack, ${adv.en}.`,
            facts: { tactic: tactic! },
          }
        : {
            rule: 'advice-tactic',
            vi: `Đề nghị các đơn vị rà soát các máy chủ bị nhắm bởi "${titleVi}".`,
            en: `Ask the agencies to review the hosts targeted by "${titleEn}".`,
            facts: { rule: topRule.ruleId },
          },
    });
  }
  const topHost = m.topHosts[0];
  if (topHost) {
    const agency = agencyName(m, topHost.agencyId);
    cands.push({
      priority: 60,
      rule: 'top-host',
      vi: `Máy chủ bị nhắm đến nhiều nhất: ${topHost.host} (${agency}), ${n(topHost.alerts, 'vi')} cảnh báo.`,
      en: `Most targeted host: ${topHost.host} (${agency}), ${en(topHost.alerts, 'alert')}.`,
      facts: { host: topHost.host, agency, alerts: topHost.alerts },
      advice: {
        rule: 'advice-host',
        vi: `Đề nghị ${agency} kiểm tra cấu hình bảo mật của máy chủ ${topHost.host}.`,
        en: `Ask ${agency} to check the security configuration of ${topHost.host}.`,
        facts: { host: topHost.host },
      },
    });
  }
  const chosen = cands.sort((a, b) => b.priority - a.priority).slice(0, 3);
  const keyPoints = chosen.map(({ priority: _p, advice: _a, ...s }) => s);
  const recommendations = chosen.map((c) => c.advice);
  if (recommendations.length === 0)
    recommendations.push({
      rule: 'advice-keep',
      vi: 'Duy trì giám sát thường xuyên; kỳ này không có kiến nghị mới.',
      en: 'Keep monitoring; nothing new to recommend this period.',
      facts: {},
    });

  const done: Sentence[] = [];
  const acked = m.mttaCount;
  done.push({
    rule: 'acknowledged',
    vi:
      acked > 0
        ? `Đã tiếp nhận ${n(acked, 'vi')}/${n(inc.current, 'vi')} sự cố phát sinh trong kỳ, thời gian tiếp nhận trung bình ${formatDuration(m.mtta!, 'vi')}.`
        : `Chưa sự cố nào trong ${n(inc.current, 'vi')} sự cố phát sinh trong kỳ được tiếp nhận.`,
    en:
      acked > 0
        ? `${n(acked, 'en')} of the ${n(inc.current, 'en')} incidents of the period were acknowledged, in ${formatDuration(m.mtta!, 'en')} on average.`
        : `None of the ${n(inc.current, 'en')} incidents of the period has been acknowledged.`,
    facts: {
      acknowledged: acked,
      incidents: inc.current,
      mttaMinutes: m.mtta !== undefined ? Math.round(m.mtta / 60_000) : -1,
    },
  });
  const { resolved, falsePositive } = m.closedInPeriod;
  done.push({
    rule: 'closed',
    vi: `Trong kỳ đã khắc phục ${n(resolved, 'vi')} sự cố và loại ${n(falsePositive, 'vi')} cảnh báo nhầm${m.mttr !== undefined ? `; thời gian khắc phục trung bình ${formatDuration(m.mttr, 'vi')}` : ''}.`,
    en: `${en(resolved, 'incident')} resolved and ${en(falsePositive, 'false positive')} closed in the period${m.mttr !== undefined ? `; mean time to resolve ${formatDuration(m.mttr, 'en')}` : ''}.`,
    facts: { resolved, falsePositive, mttrMinutes: m.mttr !== undefined ? Math.round(m.mttr / 60_000) : -1 },
  });
  if (inc.current === 0 && resolved + falsePositive === 0) done.splice(0, done.length);
  return {
    verdict,
    situation: inc.current === 0 && watched.events === 0 ? situation.slice(0, 1) : situation,
    keyPoints,
    done,
    recommendations,
  };
}
