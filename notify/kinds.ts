/** Route kinds as users may write them: the notice kinds, and the names the API accepted before they were one list. */
import { NOTICE_KINDS, type NoticeKind } from './types.js';

/** Names the API documented before routes and notices shared one list, and the notice kinds each one means. */
export const LEGACY_ROUTE_KINDS: Readonly<Record<string, readonly NoticeKind[]>> = {
  incident: ['incident.created', 'incident.reopened', 'incident.recurring', 'incident.escalated', 'incident.resolved'],
  sla_breach: ['sla.breach'],
  silent_host: ['host.silent', 'host.resumed'],
};

/** Every name a route's `kinds` may hold (the API schema's enum). */
export const ROUTE_KIND_NAMES: readonly string[] = [...NOTICE_KINDS, ...Object.keys(LEGACY_ROUTE_KINDS)];

const known = new Set<string>(NOTICE_KINDS);

/** The notice kinds a list of route kinds means (legacy names expanded, duplicates and unknown names dropped). */
export function routeKinds(kinds: readonly string[]): NoticeKind[] {
  const out = new Set<NoticeKind>();
  for (const k of kinds) {
    if (known.has(k)) out.add(k as NoticeKind);
    else for (const x of LEGACY_ROUTE_KINDS[k] ?? []) out.add(x);
  }
  return [...out];
}
