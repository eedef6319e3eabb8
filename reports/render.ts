/**
 * Renders a report model as self-contained HTML, in Vietnamese (default) or English, for two targets: `pdf`
 * (inline SVG charts, page one the assessment, the figures from page two, no table split across pages) and
 * `email` (the same content, charts as tables that every mail client shows). Every untrusted value (host names,
 * incident and rule titles, agency names) goes through escapeHtml (notify/templates.ts); dates are d/M/yyyy in
 * Asia/Ho_Chi_Minh. An empty period is one short page.
 */
import { SEVERITIES, type Severity } from '../incidents/types.js';
import { escapeHtml, oneLine } from '../notify/templates.js';
import type { Language } from '../notify/types.js';
import { type Assessment, assess, type Sentence } from './assessment.js';
import { barChart, type ChartTarget, trendChart } from './charts.js';
import type { Change, ReportModel } from './model.js';
import { noiseLine, noiseSection } from './noise-section.js';
import { formatDateTime } from './period.js';
import {
  agencyName,
  assetLine,
  fill,
  formatChange,
  formatDuration,
  num,
  periodTitle,
  reportTitle,
  ruleName,
  scopeName,
  severityWord,
  stateWord,
  summaryLine,
  techniques,
  type Words,
  words,
} from './words.js';

export {
  formatChange,
  formatDuration,
  periodTitle,
  reportTitle,
  scopeName,
  summaryLine,
  words,
} from './words.js';

const SEVERITY_COLOUR: Record<Severity, string> = {
  critical: '#b71c1c',
  high: '#e65100',
  medium: '#f9a825',
  low: '#1565c0',
  informational: '#607d8b',
};
const STATES = ['new', 'acknowledged', 'in_progress', 'resolved', 'false_positive'] as const;
const FONT = "'DejaVu Sans','Noto Sans',Arial,sans-serif";
const KEEP = 'page-break-inside:avoid;break-inside:avoid';
const TH = 'text-align:left;border-bottom:1px solid #bbb;padding:4px 8px;background:#f2f4f7';
const TD = 'border-bottom:1px solid #e3e3e3;padding:4px 8px;vertical-align:top';

/** A table that is never split across pages (rows are not, and the header repeats if one must be). */
function table(head: string[], rows: string[][], numeric: number[] = []): string {
  if (rows.length === 0) return '';
  const align = (i: number) => (numeric.includes(i) ? ';text-align:right' : '');
  return (
    `<table cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%;font-size:13px;margin:6px 0 12px;${rows.length <= 30 ? KEEP : ''}">` +
    `<thead style="display:table-header-group"><tr>${head.map((h, i) => `<th style="${TH}${align(i)}">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows
      .map((r) => `<tr style="${KEEP}">${r.map((c, i) => `<td style="${TD}${align(i)}">${c}</td>`).join('')}</tr>`)
      .join('') +
    '</tbody></table>'
  );
}

/** A section kept on one page: its heading never ends a page alone. */
function section(title: string, body: string): string {
  return `<div style="${KEEP}">${h2(title)}${body}</div>`;
}

function h2(t: string): string {
  return `<h2 style="font-size:16px;color:#0d3b66;border-bottom:2px solid #0d3b66;padding-bottom:3px;margin:20px 0 8px;page-break-after:avoid">${escapeHtml(t)}</h2>`;
}

function h3(t: string): string {
  return `<h3 style="font-size:14px;color:#0d3b66;margin:14px 0 4px;page-break-after:avoid">${escapeHtml(t)}</h3>`;
}

function nothing(w: Words): string {
  return `<p style="color:#555;font-size:13px">${escapeHtml(w.nothing!)}</p>`;
}

function header(m: ReportModel, lang: Language): string {
  const w = words(lang);
  const e = escapeHtml;
  return (
    `<h1 style="font-size:20px;color:#0d3b66;margin:0 0 2px;text-transform:uppercase">${e(w.heading!)}</h1>` +
    `<p style="margin:0 0 4px;font-size:15px;font-weight:bold">${e(periodTitle(m.period, lang, m.partial ? m.asOf : undefined))}</p>` +
    `<p style="margin:0 0 12px;font-size:12px;color:#555">${e(w.scope!)}: ${e(scopeName(m, lang))} · ${e(w.generated!)}: ${e(formatDateTime(m.generatedAt))}</p>`
  );
}

function sentences(xs: Sentence[], lang: Language, numbered: boolean): string {
  const items = xs.map((s) => `<li style="margin:3px 0">${escapeHtml(s[lang])}</li>`).join('');
  return numbered
    ? `<ol style="font-size:13.5px;margin:4px 0 8px;padding-left:22px;line-height:1.45">${items}</ol>`
    : `<ul style="font-size:13.5px;margin:4px 0 8px;padding-left:18px;line-height:1.45;list-style:disc">${items}</ul>`;
}

function assessmentHtml(a: Assessment, lang: Language): string {
  const w = words(lang);
  const out = [h2(w.assessment!), h3(`1. ${w.situation}`), sentences(a.situation, lang, false)];
  let k = 2;
  if (a.keyPoints.length) out.push(h3(`${k++}. ${w.keyPoints}`), sentences(a.keyPoints, lang, true));
  if (a.done.length) out.push(h3(`${k++}. ${w.done}`), sentences(a.done, lang, false));
  out.push(h3(`${k}. ${w.recommendations}`), sentences(a.recommendations, lang, true));
  return out.join('');
}

/** The period had nothing at all: no event, no alert, no incident, no deadline missed. */
export function isEmpty(m: ReportModel): boolean {
  return (
    m.headline.events.current === 0 &&
    m.headline.incidents.current === 0 &&
    m.alerts === 0 &&
    m.headline.slaBreaches.current === 0
  );
}

function document(m: ReportModel, lang: Language, body: string): string {
  const title = reportTitle(m, lang);
  return [
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    `<body style="margin:0;padding:16px;font-family:${FONT};color:#222;background:#fff">`,
    `<div style="max-width:720px;margin:0 auto">${body}</div></body></html>`,
  ].join('\n');
}

/** The report as one self-contained HTML document: `pdf` (SVG charts, page breaks) or `email` (table charts). */
export function renderHtml(
  m: ReportModel,
  lang: Language = 'vi',
  target: ChartTarget = 'email',
  /** Sections added before the notes (the six-monthly report's compliance view). */
  extra = '',
): string {
  const w = words(lang);
  const e = escapeHtml;
  const n = (x: number) => num(x, lang);
  const out: string[] = [header(m, lang)];

  if (isEmpty(m)) {
    const missing = m.coverage.hostsExpected;
    out.push(
      `<p style="font-size:14px;margin:18px 0 8px"><b>${e(w.emptyTitle!)}</b></p>`,
      `<p style="font-size:13.5px;margin:4px 0">${e(missing > 0 ? fill(w.emptyExpected!, { n: n(missing) }) : w.emptyNone!)}</p>`,
      extra,
      `<p style="font-size:11px;color:#555;margin-top:18px">${e(w.notesText!)}</p>`,
    );
    return document(m, lang, out.join('\n'));
  }

  out.push(assessmentHtml(assess(m), lang));
  // The figures start on page two of the PDF.
  out.push(
    `<div style="${target === 'pdf' ? 'page-break-before:always;break-before:page' : ''}">${h2(w.figures!)}</div>`,
  );

  const weekly = m.kind === 'weekly';
  const prevWord = m.partial ? (weekly ? w.samePartBefore! : w.samePartHalf!) : weekly ? w.lastWeek! : w.lastHalf!;
  const hl: [string, Change][] = [
    [w.events!, m.headline.events],
    [w.incidents!, m.headline.incidents],
    [w.criticalHigh!, m.headline.criticalHigh],
    [w.slaBreaches!, m.headline.slaBreaches],
  ];
  out.push(
    section(
      w.headline!,
      table(
        [w.metric!, weekly ? w.thisWeek! : w.thisHalf!, prevWord, w.change!],
        hl.map(([k, c]) => [e(k), `<b>${n(c.current)}</b>`, n(c.previous), e(formatChange(c, lang))]),
        [1, 2, 3],
      ),
    ),
  );

  const trendTitle = weekly ? w.trendWeek! : w.trendHalf!;
  const trend = (pick: (t: ReportModel['trend'][number]) => number, colour: string, label: string) =>
    `<p style="margin:4px 0;font-size:13px">${e(label)}</p>` +
    trendChart(
      m.trend.map((t) => ({ label: t.label, value: pick(t), colour, ...(t.future ? { future: true } : {}) })),
      label,
      w.notYet!,
      target,
    );
  out.push(
    section(
      trendTitle,
      trend((t) => t.events, '#1f77b4', w.eventsPer!) + trend((t) => t.incidents, '#d62728', w.incidentsPer!),
    ),
  );

  const sev = [...SEVERITIES].reverse();
  out.push(
    section(
      w.bySeverity!,
      barChart(
        sev.map((s) => ({ label: severityWord(s, lang), value: m.bySeverity[s], colour: SEVERITY_COLOUR[s] })),
        w.bySeverity!,
        target,
      ),
    ),
  );
  out.push(
    section(
      w.byState!,
      table(
        [w.state!, w.count!],
        STATES.map((s) => [e(stateWord(s, lang)), n(m.byState[s])]),
        [1],
      ),
    ),
  );

  const avg = (v: number | undefined, c: number) =>
    v === undefined
      ? e(w.none!)
      : `${e(formatDuration(v, lang))} <span style="color:#666">(${e(fill(w.over!, { n: c }))})</span>`;
  out.push(
    section(
      w.handling!,
      table(
        [w.metric!, w.value!],
        [
          [e(w.mtta!), avg(m.mtta, m.mttaCount)],
          [e(w.mttr!), avg(m.mttr, m.mttrCount)],
          [e(w.slaAck!), n(m.slaBreaches.acknowledge)],
          [e(w.slaResolve!), n(m.slaBreaches.resolve)],
        ],
      ),
    ),
  );

  out.push(
    section(
      w.topRules!,
      m.topRules.length
        ? table(
            [w.rule!, w.technique!, w.alerts!],
            m.topRules.map((r) => [
              e(ruleName(r.ruleId, r.title, lang)),
              techniques(r.tags, lang)
                .map((t) => e(t))
                .join('<br>') || '<span style="color:#777">—</span>',
              n(r.alerts),
            ]),
            [2],
          )
        : nothing(w),
    ),
  );

  out.push(
    section(
      w.topHosts!,
      m.topHosts.length
        ? // The asset column only when the inventory knows one of these hosts; a host it does not know says so.
          m.topHosts.some((h) => h.asset)
          ? table(
              [w.host!, w.agency!, w.asset!, w.alerts!],
              m.topHosts.map((h) => [
                e(h.host),
                e(agencyName(m, h.agencyId)),
                h.asset ? e(assetLine(h.asset, lang)) : e(w.notInInventory!),
                n(h.alerts),
              ]),
              [3],
            )
          : table(
              [w.host!, w.agency!, w.alerts!],
              m.topHosts.map((h) => [e(h.host), e(agencyName(m, h.agencyId)), n(h.alerts)]),
              [2],
            )
        : nothing(w),
    ),
  );

  out.push(
    section(
      w.notable!,
      m.notable.length
        ? `<ul style="font-size:13px;padding-left:18px;margin:6px 0">${m.notable
            .map(
              (i) =>
                `<li style="margin:3px 0;${KEEP}"><span style="display:inline-block;width:10px;height:10px;background:${SEVERITY_COLOUR[i.severity]};margin-right:6px"></span>${e(summaryLine(i, lang))}${m.agency ? '' : ` <span style="color:#555">(${e(agencyName(m, i.agencyId))})</span>`}</li>`,
            )
            .join('')}</ul>`
        : nothing(w),
    ),
  );

  out.push(
    section(
      w.silentHosts!,
      m.silentHosts.length
        ? table(
            [w.host!, w.agency!, w.lastSeen!, w.silentSince!],
            m.silentHosts.map((h) => [
              e(h.host),
              e(agencyName(m, h.agencyId)),
              e(formatDateTime(h.lastSeen)),
              h.silentSince !== undefined ? e(formatDateTime(h.silentSince)) : '',
            ]),
          )
        : nothing(w),
    ),
  );

  const cov =
    `<p style="font-size:13px;margin:4px 0">${e(w.hostsSending!)}: <b>${n(m.coverage.hostsSending)}</b> · ${e(w.hostsExpected!)}: <b>${n(m.coverage.hostsExpected)}</b></p>` +
    table(
      [w.agency!, w.events!, w.hostsSending!, w.hostsExpected!],
      m.coverage.agencies.map((a) => [e(a.name ?? a.id), n(a.events), n(a.hostsSending), n(a.hostsExpected)]),
      [1, 2, 3],
    ) +
    `<p style="font-size:13px;margin:8px 0 2px"><b>${e(w.agenciesSilent!)}</b></p>` +
    (m.coverage.agenciesSilent.length
      ? `<p style="font-size:13px;margin:2px 0">${m.coverage.agenciesSilent.map((id) => e(agencyName(m, id))).join(', ')}</p>`
      : nothing(w));
  out.push(section(w.coverage!, cov));
  const noise = noiseSection(m, lang);
  if (noise)
    out.push(
      section(
        noise.title,
        `<p style="font-size:13px;margin:4px 0">${e(noise.intro)}</p>${table(
          noise.head,
          noise.rows.map((r) => r.map(e)),
          noise.numeric,
        )}`,
      ),
    );

  if (extra) out.push(extra);
  out.push(section(w.notes!, `<p style="font-size:11px;color:#555">${e(w.notesText!)}</p>`));
  return document(m, lang, out.join('\n'));
}

/** The report as plain text (the email's text part): the assessment, then the headline figures. */
export function renderText(m: ReportModel, lang: Language = 'vi'): string {
  const w = words(lang);
  const lines = [reportTitle(m, lang), `${w.scope}: ${scopeName(m, lang)}`, ''];
  if (isEmpty(m)) lines.push(w.emptyTitle!);
  else {
    const a = assess(m);
    lines.push(`${w.situation}:`, ...a.situation.map((s) => `- ${s[lang]}`));
    if (a.keyPoints.length) lines.push('', `${w.keyPoints}:`, ...a.keyPoints.map((s, i) => `${i + 1}. ${s[lang]}`));
    if (a.done.length) lines.push('', `${w.done}:`, ...a.done.map((s) => `- ${s[lang]}`));
    lines.push('', `${w.recommendations}:`, ...a.recommendations.map((s, i) => `${i + 1}. ${s[lang]}`));
    lines.push(
      '',
      `${w.events}: ${m.headline.events.current} (${formatChange(m.headline.events, lang)})`,
      `${w.incidents}: ${m.headline.incidents.current} (${formatChange(m.headline.incidents, lang)})`,
      `${w.criticalHigh}: ${m.headline.criticalHigh.current} (${formatChange(m.headline.criticalHigh, lang)})`,
      `${w.slaBreaches}: ${m.headline.slaBreaches.current} (${formatChange(m.headline.slaBreaches, lang)})`,
    );
    const noise = noiseLine(m, lang);
    if (noise) lines.push(noise);
  }
  return lines.map((l) => oneLine(l, 600)).join('\n');
}

/** The email subject. */
export function reportSubject(m: ReportModel, lang: Language = 'vi'): string {
  return oneLine(`[canhgac] ${reportTitle(m, lang)} - ${scopeName(m, lang)}`);
}
