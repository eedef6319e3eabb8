/**
 * The notification form template (tt20-2017.yml, or an operator's file): its shape, the fields a line may name,
 * the conditions that tick a box, and the loader that refuses a bad template with the file and line of the fault
 * (CANHGAC_ERR_CONFIG_INVALID), so an operator replacing the forms sees where a line went wrong.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { configError } from '../../core/config/errors.js';
import { projectRoot } from '../../core/shared-data.js';

/** One box of a tick list: ticked where `when` holds on the incident's data, else left for a person. */
export interface Choice {
  label: string;
  /** A condition (CONDITIONS); without one the box is left empty for the person filling the form. */
  when?: string;
  /** A dotted blank after the label ("Khác: ……"). */
  other?: boolean;
  /** What canhgac writes on that blank when `when` ticks the box (a fact of its own, not a guess). */
  text?: string;
}

/** One line of a form. */
export interface FormLine {
  /** Empty only for a tick list standing under its section's heading. */
  label: string;
  /** The value's field (FIELDS); without one, or without a value, the line is a dotted blank for a person. */
  field?: string;
  /** The form's own guidance, in italics. */
  hint?: string;
  /** Label and hint on their own row, the value (or blank lines) below across the page. */
  block?: boolean;
  /** A tick list instead of a value. */
  choices?: Choice[];
  /** The choices on one line (levels, yes/no). */
  inline?: boolean;
}

/** A section: a heading (none for the form's untitled tables) and its lines. */
export interface FormSection {
  title?: string;
  hint?: string;
  lines: FormLine[];
}

/** One form. */
export interface FormDef {
  /** "Mẫu số 03". */
  number?: string;
  heading: string;
  sections: FormSection[];
  signature?: { title: string; note?: string };
  notes?: string[];
}

/** The summary table of the six-monthly report (Mẫu số 05). */
export interface SummaryDef {
  number?: string;
  recipient?: string;
  heading: string;
  columns: string[];
  kinds: { label: string; attack?: string[]; combined?: boolean; other?: boolean }[];
  sections?: string[];
  signature?: { title: string; note?: string };
}

/** The template: the forms (and the summary table) with where they come from. */
export interface FormTemplate {
  id: string;
  title: string;
  /** "Ban hành kèm theo Thông tư số ...", printed under the form's number. */
  basis?: string;
  forms: Record<'initial' | 'followup', FormDef>;
  summary?: SummaryDef;
}

/** The shipped template. */
export const DEFAULT_TEMPLATE = join(projectRoot, 'reports', 'notification', 'tt20-2017.yml');

/** The fields a line may name (values.ts fills them). */
export const FIELDS = [
  'agencyName',
  'agencyId',
  'reporter',
  'contact',
  'contactEmail',
  'contactPhone',
  'systemName',
  'securityLevel',
  'summary',
  'detectedDate',
  'detectedTime',
  'detectedAt',
  'reportTime',
  'previousReport',
  'previousReportDate',
  'outcome',
  'actions',
  'proposal',
  'progress',
  'result',
  'incidentId',
  'title',
  'techniques',
  'tactics',
  'severity',
  'state',
  'host',
  'firstSeen',
  'lastSeen',
  'alertCount',
  'dueAt',
  'sentTo',
] as const;

const STATES = ['new', 'acknowledged', 'in_progress', 'resolved', 'false_positive'];

/** Why a condition is not one canhgac can decide, or undefined when it is. */
export function conditionProblem(when: string): string | undefined {
  if (when === 'always') return undefined;
  const [kind, arg = ''] = when.split(':', 2);
  if (kind === 'level') return /^[1-5]$/.test(arg) ? undefined : `'${when}': level needs 1-5`;
  if (kind === 'state') {
    const bad = arg.split('|').filter((s) => !STATES.includes(s));
    return arg && !bad.length ? undefined : `'${when}': unknown state ${bad.map((b) => `'${b}'`).join(', ')}`;
  }
  return `unknown condition '${when}' (always, level:N, state:a|b)`;
}

const KEYS: Record<string, string[]> = {
  template: ['id', 'title', 'basis', 'forms', 'summary'],
  form: ['number', 'heading', 'sections', 'signature', 'notes'],
  section: ['title', 'hint', 'lines'],
  line: ['label', 'field', 'hint', 'block', 'choices', 'inline'],
  choice: ['label', 'when', 'other', 'text'],
};

/** Reads a template; a bad line is an error naming the file and its line. */
export function loadTemplate(file: string = DEFAULT_TEMPLATE): FormTemplate {
  const lc = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lc });
  const fail = (node: unknown, what: string): never => {
    const at = (node as Node | undefined)?.range?.[0];
    const line = at === undefined ? '' : `:${lc.linePos(at).line}`;
    throw configError('CANHGAC_ERR_CONFIG_INVALID', { problems: `${file}${line}: ${what}` });
  };
  if (doc.errors.length) fail(undefined, doc.errors[0]!.message);
  const keys = (node: unknown, kind: string, where: string) => {
    if (!isMap(node)) return fail(node, `${where} must be a mapping`);
    for (const p of node.items) {
      const k = String((p.key as { value?: unknown })?.value);
      if (!KEYS[kind]!.includes(k)) fail(p.key, `${where}: unknown key '${k}' (a label with a comma needs quotes)`);
    }
  };
  keys(doc.contents, 'template', 'the template');
  for (const kind of ['initial', 'followup'] as const) {
    const f = doc.getIn(['forms', kind], true);
    const where = `forms.${kind}`;
    if (!f) fail(doc.get('forms', true) ?? doc.contents, `${where} is missing`);
    keys(f, 'form', where);
    const sections = doc.getIn(['forms', kind, 'sections'], true);
    if (!doc.getIn(['forms', kind, 'heading']) || !isSeq(sections)) fail(f, `${where} needs a heading and sections`);
    for (const [si, s] of (sections as { items: unknown[] }).items.entries()) {
      keys(s, 'section', `${where}.sections[${si}]`);
      const lines = (s as { get(k: string, keep: true): unknown }).get('lines', true);
      if (!isSeq(lines)) fail(s, `${where}.sections[${si}] needs lines`);
      for (const l of (lines as { items: unknown[] }).items) {
        const label = String((l as { get(k: string): unknown })?.get?.('label') ?? '');
        const w = `${where} line '${label}'`;
        keys(l, 'line', w);
        // A tick list may stand under its section's heading alone (the form's own lists have no label).
        if (!label && (l as { get(k: string): unknown }).get('choices') === undefined)
          fail(l, `${where}: a line without a label`);
        const line = l as { get(k: string, keep?: boolean): unknown };
        const field = line.get('field');
        if (field !== undefined && !(FIELDS as readonly string[]).includes(String(field)))
          fail(line.get('field', true), `${w} names unknown field '${String(field)}'`);
        const choices = line.get('choices', true);
        if (choices !== undefined && !isSeq(choices)) fail(choices, `${w}: choices must be a list`);
        for (const c of isSeq(choices) ? choices.items : []) {
          keys(c, 'choice', `${w} choice`);
          const when = (c as { get(k: string): unknown }).get('when');
          const problem = when === undefined ? undefined : conditionProblem(String(when));
          if (problem) fail((c as { get(k: string, keep: true): unknown }).get('when', true), `${w}: ${problem}`);
        }
      }
    }
  }
  return doc.toJS() as FormTemplate;
}
