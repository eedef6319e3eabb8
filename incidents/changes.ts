/** What an alert changes on an incident: the notices it makes, and the fields an audit entry records. */
import { pushEvent, RECURRING_AT } from './outbox.js';
import type { Alert, Incident } from './types.js';
import { SEVERITIES } from './types.js';

/** The events an alert makes on its incident: opened or reopened, escalated, or its count past a threshold. */
export function alertEvents(
  current: Incident | undefined,
  next: Incident,
  alert: Alert,
  opened: boolean,
  now: number,
): void {
  const silent = alert.kind === 'silent_host';
  if (opened) {
    // The id of the notice before the outbox existed (incident + reopen count): a notice sent then is not repeated.
    const kind = silent ? 'host.silent' : current ? 'incident.reopened' : 'incident.created';
    pushEvent(next, { id: `${next.id}:${next.reopenCount}`, kind, at: now });
    return;
  }
  if (!current) return;
  if (SEVERITIES.indexOf(next.severity) > SEVERITIES.indexOf(current.severity))
    pushEvent(next, {
      id: `${next.id}:escalated:${next.reopenCount}:${next.severity}`,
      kind: 'incident.escalated',
      at: now,
      from: current.severity,
    });
  const crossed = RECURRING_AT.filter((t) => current.alertCount < t && next.alertCount >= t).pop();
  if (crossed !== undefined)
    pushEvent(next, { id: `${next.id}:recurring:${next.reopenCount}:${crossed}`, kind: 'incident.recurring', at: now });
}

/** The fields of an incident an audit entry records (not the growing id lists). */
export function stateView(inc: Incident): Record<string, unknown> {
  return {
    state: inc.state,
    assignee: inc.assignee ?? null,
    severity: inc.severity,
    alertCount: inc.alertCount,
    sla: inc.sla,
    ...(inc.closure ? { closure: inc.closure } : {}),
  };
}

/** Whether an alert (time, host) comes before an incident's first (time, host): which host an incident shows. */
export function earlier(
  ts: number,
  host: string | undefined,
  firstSeen: number,
  firstHost: string | undefined,
): boolean {
  return ts < firstSeen || (ts === firstSeen && (host ?? '') < (firstHost ?? ''));
}
