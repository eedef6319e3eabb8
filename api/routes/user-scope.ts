/**
 * What an agency admin may do to accounts: only its own agency's users and API keys, only the agency roles
 * (agency_admin, viewer), never move them to another agency. Province admins are unrestricted; nobody locks,
 * demotes or deletes their own account by mistake (the console's last administrator could lock everyone out).
 */
import type { Role } from '../auth/roles.js';
import type { User } from '../auth/service.js';
import type { Ctx } from '../context.js';
import { apiError } from '../errors.js';

/** Roles an agency admin may give. */
export const AGENCY_ROLES: readonly Role[] = ['agency_admin', 'viewer'];

/** The agency an agency-bound caller manages (undefined: province-wide caller). */
export function managedAgency(ctx: Ctx): string | undefined {
  return ctx.scope.kind === 'agency' ? ctx.scope.agencyId : undefined;
}

/** Checks (and completes) the role and agency an account is given by the caller. */
export function checkGrant(ctx: Ctx, role: Role | undefined, agencyId: string | null | undefined): string | undefined {
  const own = managedAgency(ctx);
  if (own === undefined) return agencyId ?? undefined;
  if (role !== undefined && !AGENCY_ROLES.includes(role))
    throw apiError('CANHGAC_ERR_API_FORBIDDEN', { action: `give the role ${role}` });
  if (agencyId === null || (agencyId !== undefined && agencyId !== own))
    throw apiError('CANHGAC_ERR_API_FORBIDDEN', { action: 'manage accounts of another agency' });
  return own;
}

/** Refuses a change that would take the caller's own account away from them. */
export function checkNotSelf(
  ctx: Ctx,
  target: Pick<User, 'id'>,
  patch: { role?: Role; disabled?: boolean; delete?: boolean },
): void {
  if (ctx.principal?.kind !== 'user' || ctx.principal.id !== target.id) return;
  if (patch.delete || patch.disabled === true || (patch.role !== undefined && patch.role !== ctx.principal.role))
    throw apiError('CANHGAC_ERR_API_FORBIDDEN', { action: 'lock, delete or change the role of your own account' });
}
