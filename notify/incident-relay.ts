/**
 * The one path from incident events to notices: the incident outbox (incidents/outbox.ts) hands each event here,
 * it becomes a notice whose id is the event's (so a second hand-over after a crash finds the same deliveries), and
 * the notifier routes it (throttle, digest, then the embedded outbox or BullMQ, with their retries and dead
 * letters). Attached in every process that changes incidents; the sweep runs where the periodic checks run.
 */
import type { IncidentService } from '../incidents/service.js';
import type { Incident, IncidentEvent } from '../incidents/types.js';
import type { Notifier } from './notifier.js';
import type { Notice } from './types.js';

/** The notice of one incident event. */
export function noticeOf(inc: Incident, ev: IncidentEvent): Notice {
  return {
    id: ev.id,
    kind: ev.kind,
    agencyId: inc.agencyId,
    severity: inc.severity,
    incidentId: inc.id,
    title: inc.title,
    ...(inc.host !== undefined ? { host: inc.host } : {}),
    ruleId: inc.ruleId,
    count: inc.alertCount,
    firstSeen: inc.firstSeen,
    lastSeen: inc.lastSeen,
    ...(ev.clock ? { clock: ev.clock } : {}),
    ...(ev.dueAt !== undefined ? { dueAt: ev.dueAt } : {}),
    ...(ev.state ? { state: ev.state } : {}),
    at: ev.at,
  };
}

/** Sends the incident service's events through the notifier from now on. */
export function relayIncidentEvents(incidents: IncidentService, notifier: Notifier): void {
  incidents.outbox.attach(async (inc, ev) => {
    await notifier.notify(noticeOf(inc, ev));
  });
}
