/**
 * Export of the incident queue as CSV or JSON: every incident the queue's filters match (paged through the API,
 * at most QUEUE_EXPORT_MAX), not only the rows on screen. CSV cells go through csvCell (formulas neutralised);
 * titles, states and severities in the console's language, the rule's own title and the codes beside them.
 */
import { api, type Incident, type Page } from './api.js';
import { download } from './download.js';
import { toCsv } from './export.js';
import { fmtDateTime, type Key, sevLabel, stateLabel } from './i18n.js';

/** Most incidents one export holds. */
export const QUEUE_EXPORT_MAX = 10_000;

/** Every incident of a listing query (`?state=...&sort=...`), paged, at most QUEUE_EXPORT_MAX. */
export async function fetchQueue(query: string, keep: (i: Incident) => boolean): Promise<Incident[]> {
  const out: Incident[] = [];
  let cursor: string | undefined;
  const base = query.replace(/([?&])limit=\d+/, '$1limit=1000');
  do {
    const page = await api<Page<Incident>>(
      'GET',
      `/api/v1/incidents${base}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    for (const i of page.items) if (keep(i)) out.push(i);
    cursor = page.next;
  } while (cursor && out.length < QUEUE_EXPORT_MAX);
  return out.slice(0, QUEUE_EXPORT_MAX);
}

/** The rows of a CSV export (what an analyst reads in a spreadsheet). */
export function queueRows(
  items: readonly Incident[],
  t: (k: Key) => string,
  agency: (id: string) => string,
  title: (ruleId: string, own: string, host?: string) => string,
): Record<string, unknown>[] {
  return items.map((i) => ({
    id: i.id,
    severity: sevLabel(t, i.severity),
    title: title(i.ruleId, i.title, i.host),
    ruleTitle: i.title,
    ruleId: i.ruleId,
    agency: agency(i.agencyId),
    agencyId: i.agencyId,
    host: i.host ?? '',
    state: stateLabel(t, i.state),
    assignee: i.assignee ?? '',
    alerts: i.alertCount,
    firstSeen: fmtDateTime(i.firstSeen),
    lastSeen: fmtDateTime(i.lastSeen),
    attack: (i.attack ?? []).join(' '),
  }));
}

/** The CSV columns and their headers in the console's language. */
export function queueColumns(t: (k: Key) => string): { columns: string[]; headers: string[] } {
  const cols: [string, Key | string][] = [
    ['id', 'ID'],
    ['severity', 'severity'],
    ['title', 'title'],
    ['ruleTitle', 'originalTitleCol'],
    ['ruleId', 'rule'],
    ['agency', 'agency'],
    ['agencyId', 'agencyCode'],
    ['host', 'host'],
    ['state', 'state'],
    ['assignee', 'assignee'],
    ['alerts', 'alerts'],
    ['firstSeen', 'firstSeen'],
    ['lastSeen', 'lastSeen'],
    ['attack', 'ATT&CK'],
  ];
  return {
    columns: cols.map(([c]) => c),
    headers: cols.map(([, k]) => (k === 'ID' || k === 'ATT&CK' ? k : t(k as Key))),
  };
}

/** Offers the incidents as a file: CSV (localised, formulas neutralised) or JSON (the records as the API gives them). */
export function downloadQueue(
  kind: 'csv' | 'json',
  items: readonly Incident[],
  rows: () => Record<string, unknown>[],
  t: (k: Key) => string,
): void {
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
  if (kind === 'json') {
    // The notification outbox is the service's bookkeeping, not part of the incident an analyst exports.
    const clean = items.map((i) => {
      const { outbox: _o, outboxPending: _p, ...rest } = i as Incident & { outbox?: unknown; outboxPending?: unknown };
      return rest;
    });
    download(`canhgac-incidents-${stamp}.json`, 'application/json', `${JSON.stringify(clean, null, 1)}\n`);
    return;
  }
  const { columns, headers } = queueColumns(t);
  download(`canhgac-incidents-${stamp}.csv`, 'text/csv;charset=utf-8', toCsv(rows(), columns, headers));
}
