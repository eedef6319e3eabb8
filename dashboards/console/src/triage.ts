/**
 * Triage rules the console applies before it asks the API: which state changes an incident allows (the same table
 * as incidents/policy.ts, checked by a unit test), which need a reason, and the queue's stable row order.
 */

/** Allowed state changes (a copy of incidents/policy.ts TRANSITIONS: the console talks to the API over HTTP only). */
export const TRANSITIONS: Record<string, readonly string[]> = {
  new: ['acknowledged', 'in_progress', 'resolved', 'false_positive'],
  acknowledged: ['in_progress', 'resolved', 'false_positive'],
  in_progress: ['acknowledged', 'resolved', 'false_positive'],
  resolved: ['new'],
  false_positive: ['new'],
};

/** Whether an incident in `state` may move to `to`. */
export function allows(state: string, to: string): boolean {
  return TRANSITIONS[state]?.includes(to) ?? false;
}

/** Closing states: destructive (the incident leaves the queue and its SLA stops). */
export const CLOSING = ['resolved', 'false_positive'] as const;

/** Severities whose closing asks for a reason and a category. */
export const NEEDS_REASON = ['high', 'critical'];

/** Closure categories offered per closing state (values of CloseCategory in api/openapi.yaml). */
export const CATEGORIES: Record<string, readonly string[]> = {
  resolved: ['remediated', 'contained', 'accepted_risk', 'duplicate', 'other'],
  false_positive: ['benign_known', 'rule_too_broad', 'authorised_test', 'duplicate', 'other'],
};

/** Whether closing these incidents to `to` must ask for a reason and a category. */
export function needsReason(incidents: readonly { severity: string }[], to: string): boolean {
  return (CLOSING as readonly string[]).includes(to) && incidents.some((i) => NEEDS_REASON.includes(i.severity));
}

/** Seconds during which a closing can still be undone (it is sent to the API only after). */
export const UNDO_SECONDS = 8;

/**
 * The queue's rows keep the order they were shown in: a fresh listing updates rows in place and drops those gone
 * (closed elsewhere, filtered out), but rows not shown yet wait in `fresh` until the analyst asks for them, so the
 * list never shifts under the keyboard.
 */
export function mergeQueue<T extends { id: string }>(
  shown: readonly string[],
  listing: readonly T[],
): { rows: T[]; fresh: T[] } {
  const byId = new Map(listing.map((i) => [i.id, i]));
  const rows: T[] = [];
  for (const id of shown) {
    const row = byId.get(id);
    if (row) rows.push(row);
  }
  const known = new Set(shown);
  return { rows, fresh: listing.filter((i) => !known.has(i.id)) };
}

/**
 * Where the cursor goes when its incident left the list: the row now at its former position (the next one down),
 * else the last row; undefined on an empty list.
 */
export function cursorAfter(
  previous: readonly string[],
  rows: readonly { id: string }[],
  cursor: string | undefined,
): string | undefined {
  if (rows.length === 0) return undefined;
  if (cursor !== undefined && rows.some((r) => r.id === cursor)) return cursor;
  const at = cursor === undefined ? -1 : previous.indexOf(cursor);
  if (at < 0) return rows[0]!.id;
  const still = new Set(rows.map((r) => r.id));
  for (let i = at + 1; i < previous.length; i++) if (still.has(previous[i]!)) return previous[i];
  for (let i = at - 1; i >= 0; i--) if (still.has(previous[i]!)) return previous[i];
  return rows[0]!.id;
}
