import { newEventId } from '../core/ids.js';
import { type Collection, SCOPE_ALL } from '../store/types.js';
import type { AuditEntry } from './types.js';

/** What one audit entry records; `agencyId` scopes it (absent: province-wide, visible to admins and analysts). */
export interface AuditFacts {
  actor: string;
  action: string;
  collection: string;
  targetId: string;
  agencyId?: string | undefined;
  before?: unknown;
  after?: unknown;
}

/** Appends one audit entry (create-only: entries are never rewritten); ids are time-ordered, so are listings. */
export async function writeAudit(audit: Collection<AuditEntry>, at: number, f: AuditFacts): Promise<void> {
  const entry: AuditEntry = {
    id: newEventId(),
    at,
    actor: f.actor,
    action: f.action,
    collection: f.collection,
    targetId: f.targetId,
    ...(f.before !== undefined ? { before: f.before } : {}),
    ...(f.after !== undefined ? { after: f.after } : {}),
  };
  await audit.put(SCOPE_ALL, { ...entry, ...(f.agencyId ? { agencyId: f.agencyId } : {}) }, { expectedVersion: 0 });
}
