/**
 * A notification form laid out as the annex draws it: the form's number and basis in a box at the top right, the
 * heading, each section's heading and lines in order (a value, or a dotted blank for a person; tick lists as ☒/☐;
 * descriptions in a box across the page with the form's guidance in italics), the signature block and the notes.
 * HTML (the PDF's source) and DOCX from the same walk. Untrusted values (titles, host names) are escaped in HTML
 * and plain text runs in DOCX.
 */
import type { Incident } from '../../incidents/types.js';
import { escapeHtml } from '../../notify/templates.js';
import { type Block, docx } from './docx.js';
import type { FormLine, FormTemplate } from './template.js';
import { type FormInput, formValues, holds } from './values.js';

/** The dotted blank a person fills in. */
export const BLANK = '…………………………………………';
const TICK = '☒';
const BOX = '☐';

/** One line as the form shows it. */
type Row =
  | { kind: 'value'; label: string; hint?: string; value?: string }
  | { kind: 'block'; label: string; hint?: string; value?: string }
  | { kind: 'choices'; label: string; hint?: string; inline: boolean; items: { text: string; ticked: boolean }[] };

function row(l: FormLine, v: Record<string, string>, inc: Incident, input: FormInput): Row {
  const base = { label: l.label, ...(l.hint ? { hint: l.hint } : {}) };
  if (l.choices)
    return {
      kind: 'choices',
      ...base,
      inline: l.inline === true,
      items: l.choices.map((c) => {
        const ticked = holds(c.when, inc, input);
        const after = ticked && c.text ? c.text : c.other ? BLANK : undefined;
        return { text: after ? `${c.label} ${after}` : c.label, ticked };
      }),
    };
  const value = l.field ? v[l.field] : undefined;
  return { kind: l.block ? 'block' : 'value', ...base, ...(value !== undefined ? { value } : {}) };
}

/** The form's sections as rows, in the template's order. */
export function formRows(
  t: FormTemplate,
  inc: Incident,
  input: FormInput,
): { title?: string; hint?: string; rows: Row[] }[] {
  const v = formValues(inc, input);
  return t.forms[input.kind].sections.map((s) => ({
    ...(s.title ? { title: s.title } : {}),
    ...(s.hint ? { hint: s.hint } : {}),
    rows: s.lines.map((l) => row(l, v, inc, input)),
  }));
}

const e = escapeHtml;
const text = (s: string) => e(s).replace(/\n/g, '<br>');
const hintHtml = (h?: string) => (h ? `<div style="font-style:italic;font-size:11px;color:#333">${e(h)}</div>` : '');
const CELL = 'border:1px solid #555;padding:4px 7px;vertical-align:top';

/** A tick box and its text. */
const tick = (i: { text: string; ticked: boolean }) =>
  `<span style="white-space:nowrap;margin-right:14px"><span style="font-size:15px">${i.ticked ? TICK : BOX}</span> ${e(i.text)}</span>`;

/** The rows as HTML chunks: runs of label/value rows (inline tick lists among them) as one table, then each box. */
function rowsHtml(rows: Row[]): string[] {
  const out: string[] = [];
  let table: string[] = [];
  const flush = () => {
    if (table.length)
      out.push(
        `<table style="width:100%;border-collapse:collapse;font-size:12.5px;margin:4px 0">${table.join('')}</table>`,
      );
    table = [];
  };
  for (const r of rows) {
    if (r.kind === 'value' || (r.kind === 'choices' && r.inline)) {
      const value =
        r.kind === 'choices'
          ? r.items.map(tick).join(' ')
          : r.value !== undefined
            ? text(r.value)
            : `<span style="color:#555">${BLANK}</span>`;
      table.push(
        `<tr style="page-break-inside:avoid"><td style="${CELL};width:40%">${e(r.label)}${hintHtml(r.hint)}</td><td style="${CELL}">${value}</td></tr>`,
      );
      continue;
    }
    flush();
    if (r.kind === 'block') {
      const body = r.value !== undefined ? text(r.value) : `${BLANK}${BLANK}<br>${BLANK}${BLANK}`;
      out.push(
        `<table style="width:100%;border-collapse:collapse;font-size:12.5px;margin:6px 0;page-break-inside:avoid"><tr><td style="${CELL}">${e(r.label)}${hintHtml(r.hint)}</td></tr><tr><td style="${CELL};min-height:40px">${body}</td></tr></table>`,
      );
    } else {
      out.push(
        `<div style="font-size:12.5px;margin:6px 0;page-break-inside:avoid">${r.label ? `<div>${e(r.label)}</div>` : ''}${hintHtml(r.hint)}${r.items.map((i) => `<div style="margin:3px 0 3px 14px">${tick(i)}</div>`).join('')}</div>`,
      );
    }
  }
  flush();
  return out;
}

/** The form as a self-contained HTML document (the PDF's source). */
export function formHtml(t: FormTemplate, inc: Incident, input: FormInput): string {
  const f = t.forms[input.kind];
  const sig = f.signature
    ? `<table style="width:100%;font-size:12.5px;margin-top:8px;page-break-inside:avoid;border-collapse:collapse"><tr><td style="width:50%"></td><td style="text-align:center;vertical-align:top"><b>${e(f.signature.title)}</b>${f.signature.note ? `<br><i>${e(f.signature.note)}</i>` : ''}<br><br><br><br></td></tr></table>`
    : '';
  const all = formRows(t, inc, input);
  const sections = all
    .map((s, si) => {
      // The heading stays on the page of its first lines (never alone at the foot of a page).
      const [first = '', ...rest] = rowsHtml(s.rows);
      const title = s.title
        ? `<div style="font-weight:bold;font-size:13px;line-height:1.35;padding-top:2px;margin:4px 0 3px">${e(s.title)}</div>`
        : '';
      const keep = (html: string) => `<div style="page-break-inside:avoid;break-inside:avoid">${html}</div>`;
      // The signature stays with the form's last block (never alone on a page of its own).
      const last = si === all.length - 1 && sig;
      const head = `${title}${s.hint ? hintHtml(s.hint) : ''}${first}`;
      const body = !last
        ? `${keep(head)}${rest.join('')}`
        : rest.length
          ? `${keep(head)}${rest.slice(0, -1).join('')}${keep(`${rest.at(-1)}${sig}`)}`
          : keep(`${head}${sig}`);
      // Padding, not margin, above: at the top of a page the stacked diacritics (Ế, Ị, Ỗ) stay inside the page.
      return `<div style="padding-top:4px">${body}</div>`;
    })
    .join('\n');
  const box = f.number
    ? `<table style="width:100%;border-collapse:collapse;font-size:11.5px"><tr><td style="width:45%"></td><td style="border:1px solid #333;padding:4px 8px;text-align:center"><b>${e(f.number)}</b>${t.basis ? `<br><i>${e(t.basis)}</i>` : ''}</td></tr></table>`
    : '';
  const notes = (f.notes ?? []).map((n) => `<div>${e(n)}</div>`).join('');
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${e(f.heading)}</title></head><body style="font-family:'DejaVu Sans','Noto Sans',sans-serif;color:#111;padding:6px 10px">
${box}
<h1 style="text-align:center;font-size:15px;margin:18px 0 6px">${e(f.heading)}</h1>
${sections}
${all.length ? '' : sig}
${notes ? `<div style="font-size:11px;font-style:italic;margin-top:16px;page-break-inside:avoid">${notes}</div>` : ''}
</body></html>`;
}

/** The form as DOCX bytes (Word, LibreOffice), the same sections and lines as the HTML. */
export function formDocx(t: FormTemplate, inc: Incident, input: FormInput): Buffer {
  const f = t.forms[input.kind];
  const blocks: Block[] = [];
  if (f.number) {
    blocks.push({ kind: 'para', text: f.number, bold: true, right: true });
    if (t.basis) blocks.push({ kind: 'para', text: t.basis, italic: true, right: true });
  }
  blocks.push({ kind: 'heading', text: f.heading, level: 1, center: true });
  for (const s of formRows(t, inc, input)) {
    if (s.title) blocks.push({ kind: 'heading', text: s.title, level: 2 });
    if (s.hint) blocks.push({ kind: 'para', text: s.hint, italic: true });
    let table: [string, string, string?][] = [];
    const flush = () => {
      if (table.length) blocks.push({ kind: 'table', rows: table });
      table = [];
    };
    for (const r of s.rows) {
      if (r.kind === 'value') {
        table.push([r.label, r.value ?? BLANK, r.hint]);
        continue;
      }
      if (r.kind === 'choices' && r.inline) {
        table.push([r.label, r.items.map((i) => `${i.ticked ? TICK : BOX} ${i.text}`).join('    '), r.hint]);
        continue;
      }
      flush();
      if (r.kind === 'block') {
        blocks.push({
          kind: 'box',
          title: r.label,
          ...(r.hint ? { hint: r.hint } : {}),
          text: r.value ?? `${BLANK}\n${BLANK}`,
        });
      } else {
        if (r.label) blocks.push({ kind: 'para', text: r.label });
        if (r.hint) blocks.push({ kind: 'para', text: r.hint, italic: true });
        for (const i of r.items)
          blocks.push({ kind: 'para', text: `${i.ticked ? TICK : BOX} ${i.text}`, indent: true });
      }
    }
    flush();
  }
  if (f.signature) {
    blocks.push({ kind: 'para', text: f.signature.title, bold: true, center: true });
    if (f.signature.note) blocks.push({ kind: 'para', text: f.signature.note, italic: true, center: true });
    // Left for the legal representative's signature and seal (the analyst who filled it is named as contact).
    blocks.push({ kind: 'para', text: '' }, { kind: 'para', text: '' }, { kind: 'para', text: '' });
  }
  for (const n of f.notes ?? []) blocks.push({ kind: 'para', text: n, italic: true });
  return docx(f.heading, blocks);
}
