import type { Alert, IncidentState, Severity } from './types.js';

/** Allowed analyst transitions; `reopen` brings a closed incident back to new. */
export const TRANSITIONS: Record<IncidentState, readonly IncidentState[]> = {
  new: ['acknowledged', 'in_progress', 'resolved', 'false_positive'],
  acknowledged: ['in_progress', 'resolved', 'false_positive'],
  in_progress: ['acknowledged', 'resolved', 'false_positive'],
  resolved: ['new'],
  false_positive: ['new'],
};

/** Whether a state is closed (no SLA runs, recurrence decides what happens). */
export function isClosed(state: IncidentState): boolean {
  return state === 'resolved' || state === 'false_positive';
}

/** Minutes to acknowledge and to resolve, per severity (configurable; informational has no SLA). */
export type SlaPolicy = Record<Severity, { ackMinutes?: number; resolveMinutes?: number }>;

/** Default SLA: critical 15 min / 4 h, high 1 h / 24 h, medium 4 h / 3 days, low 1 day / 7 days. */
export const DEFAULT_SLA: SlaPolicy = {
  critical: { ackMinutes: 15, resolveMinutes: 4 * 60 },
  high: { ackMinutes: 60, resolveMinutes: 24 * 60 },
  medium: { ackMinutes: 4 * 60, resolveMinutes: 3 * 24 * 60 },
  low: { ackMinutes: 24 * 60, resolveMinutes: 7 * 24 * 60 },
  informational: {},
};

/** Which alert fields make the grouping key (default rule + agency + host). */
export type GroupingField = 'ruleId' | 'agencyId' | 'host' | `fields.${string}`;

/** The default grouping. */
export const DEFAULT_GROUPING: readonly GroupingField[] = ['ruleId', 'agencyId', 'host'];

/** The grouping key of an alert. */
export function groupingKey(alert: Alert, fields: readonly GroupingField[]): string {
  return fields
    .map((f) => {
      const v = f.startsWith('fields.') ? alert.fields?.[f.slice(7)] : alert[f as 'ruleId' | 'agencyId' | 'host'];
      return `${f}=${v === undefined || v === null ? '' : String(v)}`;
    })
    .join('\u001f');
}

/** ATT&CK tags of a rule (attack.*). */
export function attackTags(tags: readonly string[]): string[] {
  return tags.filter((t) => t.toLowerCase().startsWith('attack.'));
}
