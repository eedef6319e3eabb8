/**
 * Charts of a report in two forms: inline SVG for the PDF (chromium draws it exactly) and plain HTML tables with
 * coloured cells for e-mail (clients such as Gmail and Outlook drop SVG; a table survives everywhere). A bar marked
 * `future` (a day or month of the current period not reached yet) is labelled, never drawn as zero.
 */
import { escapeHtml } from '../notify/templates.js';

/** One bar. */
export interface Bar {
  label: string;
  value: number;
  colour: string;
  future?: boolean;
}

/** Where the chart goes. */
export type ChartTarget = 'pdf' | 'email';

const FONT = 'DejaVu Sans,Noto Sans,Arial,sans-serif';

/** Vertical bars with labels under them and values over them (the trend of a period). */
function columnsSvg(data: Bar[], title: string, futureWord: string): string {
  const width = 640;
  const height = 170;
  const top = 24;
  const bottom = 22;
  const max = Math.max(1, ...data.map((d) => (d.future ? 0 : d.value)));
  const slot = width / Math.max(1, data.length);
  const bw = Math.min(56, slot * 0.6);
  const bars = data
    .map((d, i) => {
      const cx = Math.round(i * slot + slot / 2);
      const label = `<text x="${cx}" y="${height - 6}" font-size="11" text-anchor="middle" fill="#555">${escapeHtml(d.label)}</text>`;
      if (d.future)
        return `${label}<text x="${cx}" y="${height - bottom - 6}" font-size="10" text-anchor="middle" fill="#999">${escapeHtml(futureWord)}</text>`;
      const h = Math.round(((height - top - bottom) * d.value) / max);
      const x = Math.round(i * slot + (slot - bw) / 2);
      const y = height - bottom - h;
      return (
        `<rect x="${x}" y="${y}" width="${Math.round(bw)}" height="${h}" fill="${d.colour}"/>` +
        `<text x="${cx}" y="${y - 4}" font-size="11" text-anchor="middle" fill="#222">${d.value}</text>${label}`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}" style="font-family:${FONT}">` +
    `<line x1="0" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="#999"/>${bars}</svg>`
  );
}

/** Horizontal bars (severity breakdown, top rules). */
function barsSvg(data: Bar[], title: string): string {
  const width = 640;
  const row = 22;
  const labelW = 250;
  const height = row * data.length + 4;
  const max = Math.max(1, ...data.map((d) => d.value));
  const rows = data
    .map((d, i) => {
      const y = i * row + 2;
      const w = Math.round(((width - labelW - 60) * d.value) / max);
      const label = d.label.length > 34 ? `${d.label.slice(0, 33)}…` : d.label;
      return (
        `<text x="${labelW - 6}" y="${y + 15}" font-size="12" text-anchor="end" fill="#222">${escapeHtml(label)}</text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${row - 6}" fill="${d.colour}"/>` +
        `<text x="${labelW + w + 6}" y="${y + 15}" font-size="12" fill="#222">${d.value}</text>`
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}" style="font-family:${FONT}">${rows}</svg>`;
}

/** Bars as a table: label, a coloured cell as wide as the value, the value. */
function barsTable(data: Bar[], title: string, futureWord: string): string {
  const max = Math.max(1, ...data.map((d) => (d.future ? 0 : d.value)));
  const rows = data
    .map((d) => {
      const pct = d.future ? 0 : Math.max(d.value > 0 ? 1 : 0, Math.round((d.value / max) * 100));
      const bar = d.future
        ? `<span style="color:#999;font-size:11px">${escapeHtml(futureWord)}</span>`
        : pct > 0
          ? `<table role="presentation" cellspacing="0" cellpadding="0" width="${pct}%"><tr><td bgcolor="${d.colour}" style="background:${d.colour};height:12px;font-size:1px;line-height:1px">&nbsp;</td></tr></table>`
          : '';
      return (
        `<tr><td style="padding:2px 8px 2px 0;font-size:12px;white-space:nowrap;width:30%">${escapeHtml(d.label)}</td>` +
        `<td style="padding:2px 0;width:60%">${bar}</td>` +
        `<td style="padding:2px 0 2px 8px;font-size:12px;text-align:right;width:10%">${d.future ? '' : d.value}</td></tr>`
      );
    })
    .join('');
  return `<table role="presentation" aria-label="${escapeHtml(title)}" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%;margin:4px 0 10px">${rows}</table>`;
}

/** The trend over a period: columns in the PDF, a table in e-mail. */
export function trendChart(data: Bar[], title: string, futureWord: string, target: ChartTarget): string {
  return target === 'pdf' ? columnsSvg(data, title, futureWord) : barsTable(data, title, futureWord);
}

/** A breakdown: horizontal bars in the PDF, a table in e-mail. */
export function barChart(data: Bar[], title: string, target: ChartTarget): string {
  return target === 'pdf' ? barsSvg(data, title) : barsTable(data, title, '');
}
