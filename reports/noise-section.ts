/**
 * The report's rule-tuning section: the noisiest rules of the period by the analysts' verdicts (incidents/noise.ts),
 * as a table render.ts lays out like its others, and one line for the text part. A leader reads where analyst time
 * went on alerts that were not attacks, and which rules the SOC should tune.
 */
import type { Language } from '../notify/types.js';
import type { ReportModel } from './model.js';
import { agencyName, num, ruleName } from './words.js';

const W = {
  vi: {
    title: 'Tinh chỉnh luật: cảnh báo nhầm và thời gian xử lý',
    intro:
      'Trong kỳ, chuyên viên đã đánh giá {judged}/{incidents} sự cố: {tp} tấn công thật, {benign} vô hại, {fp} cảnh báo nhầm ({ratio} số đã đánh giá). Các sự cố vô hại hoặc nhầm tốn khoảng {wasted} phút xử lý.',
    none: 'Chưa có sự cố nào được chuyên viên đánh giá trong kỳ; tỉ lệ cảnh báo nhầm chưa tính được.',
    head: ['Luật', 'Đơn vị', 'Sự cố', 'Nhầm', 'Vô hại', 'Tỉ lệ nhầm', 'Phút xử lý'],
    text: 'Tinh chỉnh luật: {fp} cảnh báo nhầm, {benign} vô hại trên {judged} sự cố đã đánh giá, {wasted} phút xử lý cảnh báo nhầm hoặc vô hại',
  },
  en: {
    title: 'Rule tuning: false positives and analyst time',
    intro:
      'Analysts judged {judged} of {incidents} incidents in the period: {tp} true positives, {benign} benign, {fp} false positives ({ratio} of those judged). Benign and false-positive incidents took about {wasted} analyst minutes.',
    none: 'No incident was judged by an analyst in the period; the false-positive ratio cannot be given yet.',
    head: ['Rule', 'Agency', 'Incidents', 'False positive', 'Benign', 'FP ratio', 'Analyst minutes'],
    text: 'Rule tuning: {fp} false positives, {benign} benign of {judged} judged incidents, {wasted} analyst minutes on them',
  },
} as const;

function fillIn(s: string, v: Record<string, string>): string {
  return s.replace(/\{(\w+)\}/g, (_, k: string) => v[k] ?? '');
}

function pct(x: number, lang: Language): string {
  return `${num(Math.round(x * 100), lang)} %`;
}

/** The section's parts (texts are plain: render.ts escapes them), or undefined when the model has none. */
export function noiseSection(
  m: ReportModel,
  lang: Language,
): { title: string; intro: string; head: string[]; rows: string[][]; numeric: number[] } | undefined {
  const n = m.noise;
  if (!n || n.totals.incidents === 0) return undefined;
  const w = W[lang === 'en' ? 'en' : 'vi'];
  const t = n.totals;
  const values = {
    judged: num(t.judged, lang),
    incidents: num(t.incidents, lang),
    tp: num(t.truePositives, lang),
    benign: num(t.benign, lang),
    fp: num(t.falsePositives, lang),
    ratio: pct(t.falsePositiveRatio, lang),
    wasted: num(Math.round(t.wastedMinutes), lang),
  };
  const rows = n.rows
    .filter((r) => r.falsePositives + r.benign > 0)
    .map((r) => [
      ruleName(r.ruleId, r.title, lang),
      agencyName(m, r.agencyId),
      num(r.incidents, lang),
      num(r.falsePositives, lang),
      num(r.benign, lang),
      pct(r.falsePositiveRatio, lang),
      num(Math.round(r.wastedMinutes), lang),
    ]);
  return {
    title: w.title,
    intro: t.judged ? fillIn(w.intro, values) : w.none,
    head: [...w.head],
    rows,
    numeric: [2, 3, 4, 5, 6],
  };
}

/** One line for the text part (empty when nothing was judged). */
export function noiseLine(m: ReportModel, lang: Language): string {
  const t = m.noise?.totals;
  if (!t || t.judged === 0) return '';
  const w = W[lang === 'en' ? 'en' : 'vi'];
  return fillIn(w.text, {
    judged: num(t.judged, lang),
    benign: num(t.benign, lang),
    fp: num(t.falsePositives, lang),
    wasted: num(Math.round(t.wastedMinutes), lang),
  });
}
