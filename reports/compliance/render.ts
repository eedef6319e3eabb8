/**
 * The compliance view as a section of the six-monthly report (HTML for e-mail and PDF): per agency, each system
 * with its level, the required log types (arrived, missing, partly) and its retention. Every stored string escaped.
 */

import { escapeHtml as e } from '../../notify/templates.js';
import type { Language } from '../../notify/types.js';
import type { ComplianceModel, LogCheck, SystemCompliance } from './compliance.js';

const W = {
  vi: {
    title: 'Tuân thủ giám sát nhật ký theo cấp độ',
    intro:
      'Mỗi hệ thống thông tin trong danh mục tài sản, cấp độ an toàn và các loại nhật ký cấp độ đó phải thu thập (theo {req}), đối chiếu với nhật ký thực tế đã gửi về trong kỳ; thời gian lưu trữ tối thiểu 3 tháng, 12 tháng với hệ thống thuộc phạm vi Nghị định 53/2022/NĐ-CP.',
    summary:
      '{ok}/{n} hệ thống đạt yêu cầu; {missing} loại nhật ký bắt buộc chưa nhận được; {nolevel} hệ thống chưa khai báo cấp độ.',
    system: 'Hệ thống',
    level: 'Cấp độ',
    hosts: 'Số máy',
    retention: 'Lưu trữ',
    none: 'Danh mục tài sản chưa có hệ thống nào: cần khai báo máy chủ, chức năng và cấp độ để đánh giá tuân thủ.',
    noLevel: 'chưa khai báo',
    ok: 'Đạt',
    missing: 'Chưa nhận',
    partial: 'Thiếu ở {k}/{n} máy',
    notRequired: 'Không bắt buộc',
    keptDays: 'đang giữ {d} ngày',
    keptForever: 'đang giữ: không tự xoá',
    atLeast: 'tối thiểu {m} tháng',
    under: 'dưới mức tối thiểu',
    legend: 'Đạt: đã nhận từ mọi máy của hệ thống. Cột loại nhật ký: số sự kiện nhận được trong kỳ.',
  },
  en: {
    title: 'Log monitoring compliance by security level',
    intro:
      'Each information system of the asset inventory, its security level and the log types that level must collect (per {req}), checked against the logs that actually arrived in the period; retention at least 3 months, 12 months for systems under Decree 53/2022/ND-CP.',
    summary:
      '{ok}/{n} systems compliant; {missing} required log types not received; {nolevel} systems without a declared level.',
    system: 'System',
    level: 'Level',
    hosts: 'Hosts',
    retention: 'Retention',
    none: 'The asset inventory has no system yet: declare servers, their role and level to assess compliance.',
    noLevel: 'not declared',
    ok: 'OK',
    missing: 'Not received',
    partial: 'Missing on {k}/{n} hosts',
    notRequired: 'Not required',
    keptDays: 'kept {d} days now',
    keptForever: 'kept: never deleted',
    atLeast: 'at least {m} months',
    under: 'below the minimum',
    legend: 'OK: received from every host of the system. Log type columns: events received in the period.',
  },
};

const fill = (s: string, v: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k) => String(v[k] ?? ''));
const TH = 'text-align:left;border-bottom:1px solid #bbb;padding:3px 5px;background:#f2f4f7;font-size:11px';
const TD = 'border-bottom:1px solid #e3e3e3;padding:3px 5px;vertical-align:top;font-size:11.5px';
const COLOUR: Record<LogCheck['status'], string> = {
  ok: '#1a7f37',
  missing: '#b42318',
  partial: '#b54708',
  not_required: '#777',
};

function cell(l: LogCheck, s: SystemCompliance, lang: Language): string {
  const w = W[lang];
  const word =
    l.status === 'ok'
      ? w.ok
      : l.status === 'missing'
        ? w.missing
        : l.status === 'partial'
          ? fill(w.partial, { k: s.hosts.length - l.hostsWith, n: s.hosts.length })
          : w.notRequired;
  const n = l.events.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');
  return `<td style="${TD};color:${COLOUR[l.status]}">${e(word)}<br><span style="color:#555">${e(n)}</span></td>`;
}

/** The section's HTML. */
export function complianceHtml(m: ComplianceModel, lang: Language): string {
  const w = W[lang];
  const out: string[] = [
    `<div style="page-break-before:always;break-before:page"><h2 style="font-size:17px;margin:18px 0 6px;color:#0d3b66">${e(w.title)}</h2></div>`,
    `<p style="font-size:12.5px;margin:4px 0 8px">${e(fill(w.intro, { req: m.requirements.title }))}</p>`,
  ];
  if (m.summary.systems === 0) {
    out.push(`<p style="font-size:13px">${e(w.none)}</p>`);
    return out.join('\n');
  }
  out.push(
    `<p style="font-size:13px;margin:4px 0 10px"><b>${e(
      fill(w.summary, {
        ok: m.summary.compliant,
        n: m.summary.systems,
        missing: m.summary.missingLogTypes,
        nolevel: m.summary.withoutLevel,
      }),
    )}</b></p>`,
  );
  const head = [w.system, w.level, w.hosts, ...m.logTypes.map((t) => (lang === 'vi' ? t.vi : t.en)), w.retention];
  for (const a of m.agencies) {
    const rows = a.systems.map((s) => {
      const r = s.retention;
      const kept = r.effectiveDays === undefined ? w.keptForever : fill(w.keptDays, { d: r.effectiveDays });
      return `<tr style="page-break-inside:avoid">${[
        `<td style="${TD}"><b>${e(s.name)}</b></td>`,
        `<td style="${TD}">${s.level !== undefined ? e(String(s.level)) : `<span style="color:#b42318">${e(w.noLevel)}</span>`}</td>`,
        `<td style="${TD}">${e(String(s.hosts.length))}</td>`,
        ...s.logs.map((l) => cell(l, s, lang)),
        `<td style="${TD};color:${r.ok ? '#1a7f37' : '#b42318'}">${e(fill(w.atLeast, { m: Math.round(r.requiredDays / 30.5) }))}<br><span style="color:#555">${e(kept)}${r.ok ? '' : ` (${e(w.under)})`}</span></td>`,
      ].join('')}</tr>`;
    });
    out.push(
      `<div style="page-break-inside:avoid;break-inside:avoid;margin:10px 0 14px"><h3 style="font-size:14px;margin:8px 0 4px">${e(a.name ?? a.id)}</h3>`,
      `<table style="width:100%;border-collapse:collapse"><thead><tr>${head.map((h) => `<th style="${TH}">${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`,
    );
  }
  out.push(`<p style="font-size:11px;color:#555">${e(w.legend)}</p>`);
  return out.join('\n');
}
