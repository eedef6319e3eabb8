/**
 * Tenancy: who is asking, the whole province or one agency. `agency.id` is set at intake and never changes; the
 * store layer filters every call by a Scope (store/types.ts), and the stages that read stored documents below the
 * store (settings, the agency directory) say which scope they read with.
 */

/** Who is asking: the whole province (SOC analysts, operators) or one agency (its sysadmins, its API keys). */
export type Scope = { kind: 'all' } | { kind: 'agency'; agencyId: string };

/** The unrestricted scope. */
export const SCOPE_ALL: Scope = { kind: 'all' };

/** The scope of one agency. */
export function agencyScope(agencyId: string): Scope {
  return { kind: 'agency', agencyId };
}

/** Whether a document of `agencyId` (undefined: a province-wide document) is visible to `scope`. */
export function inScope(scope: Scope, agencyId: string | null | undefined): boolean {
  return scope.kind === 'all' || (agencyId !== undefined && agencyId !== null && agencyId === scope.agencyId);
}
