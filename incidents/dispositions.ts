/**
 * Analysts' dispositions: the verdict on an incident (true positive, benign, false positive with a category), who
 * gave it and the minutes it took. Kept on the incident (reopening keeps it: it judged the alerts so far) and in
 * the audit; the noise report (incidents/noise.ts) and `canhgac rules tune` read it.
 */
import { isStoreConflict } from '../store/errors.js';
import type { Collection, Scope, Versioned } from '../store/types.js';
import { writeAudit } from './audit.js';
import { incidentError } from './errors.js';
import {
  type AuditEntry,
  DISPOSITION_CATEGORIES,
  type Disposition,
  type DispositionCategory,
  type Incident,
  VERDICTS,
  type Verdict,
} from './types.js';

/** What an analyst sends. */
export interface DispositionInput {
  verdict: Verdict;
  category?: DispositionCategory | undefined;
  note?: string | undefined;
  minutes?: number | undefined;
}

/** The verdict an incident stands at: its disposition, else a false positive when it was closed as one. */
export function verdictOf(inc: Pick<Incident, 'disposition' | 'state'>): Verdict | undefined {
  if (inc.disposition) return inc.disposition.verdict;
  return inc.state === 'false_positive' ? 'false_positive' : undefined;
}

/** Checks a verdict and its category; throws CANHGAC_ERR_INCIDENT_DISPOSITION. */
export function checkDisposition(d: DispositionInput): void {
  if (!(VERDICTS as readonly string[]).includes(d.verdict))
    throw incidentError('CANHGAC_ERR_INCIDENT_DISPOSITION', { verdict: d.verdict, problem: 'unknown verdict' });
  const allowed: readonly string[] = DISPOSITION_CATEGORIES[d.verdict];
  if (d.category === undefined) {
    if (d.verdict === 'false_positive')
      throw incidentError('CANHGAC_ERR_INCIDENT_DISPOSITION', {
        verdict: d.verdict,
        problem: `a category is needed (${allowed.join(', ')})`,
      });
    return;
  }
  if (!allowed.includes(d.category))
    throw incidentError('CANHGAC_ERR_INCIDENT_DISPOSITION', {
      verdict: d.verdict,
      problem: `category ${d.category} is not one of ${allowed.join(', ')}`,
    });
}

const MAX_RETRIES = 5;

/**
 * Records a disposition on an incident in the caller's scope (optimistic: with the version the analyst read, a
 * change in between answers a conflict; without, it retries on conflicts), audited as `incident.disposition`.
 */
export async function setDisposition(
  incidents: Collection<Incident>,
  audit: Collection<AuditEntry>,
  scope: Scope,
  id: string,
  input: DispositionInput,
  actor: string,
  now: number,
  expectedVersion?: number,
): Promise<Versioned<Incident>> {
  checkDisposition(input);
  const disposition: Disposition = {
    verdict: input.verdict,
    ...(input.category ? { category: input.category } : {}),
    ...(input.note?.trim() ? { note: input.note.trim() } : {}),
    ...(input.minutes !== undefined ? { minutes: input.minutes } : {}),
    by: actor,
    at: now,
  };
  for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
    const current = await incidents.get(scope, id);
    if (!current) throw incidentError('CANHGAC_ERR_INCIDENT_NOT_FOUND', { id });
    const { version, ...base } = current;
    const next: Incident = { ...base, disposition, updatedAt: now };
    try {
      const saved = await incidents.put(scope, next, { expectedVersion: expectedVersion ?? version });
      await writeAudit(audit, now, {
        actor,
        action: 'incident.disposition',
        collection: 'incidents',
        targetId: id,
        agencyId: current.agencyId,
        before: current.disposition ?? null,
        after: disposition,
      });
      return saved;
    } catch (err) {
      if (!isStoreConflict(err) || expectedVersion !== undefined) throw err;
    }
  }
  throw incidentError('CANHGAC_ERR_INCIDENT_BUSY', { id });
}
