/** Roles, what each may do, and the store Scope of a caller. */
import { agencyScope, SCOPE_ALL, type Scope } from '../../store/types.js';

/** Roles of people; `intake` is for machine keys (agents), which the REST API refuses everywhere. */
export type Role = 'admin' | 'analyst' | 'agency_admin' | 'viewer' | 'intake';

/** The roles a user may have. */
export const USER_ROLES: readonly Role[] = ['admin', 'analyst', 'agency_admin', 'viewer'];

/** An authenticated caller. */
export interface Principal {
  kind: 'user' | 'key';
  /** Username, or the API key id. */
  id: string;
  role: Role;
  /** Set for agency-bound callers: their Scope is that agency. */
  agencyId?: string;
  /** Session id (sha256 of the cookie) for browser callers. */
  sessionId?: string;
  /** sha256 of the session's CSRF token (browser callers). */
  csrfHash?: string;
}

const READ_ALL = ['incidents.read', 'events.read', 'agencies.read', 'hosts.read'];

/** Permissions of each role (x-permission values of openapi.yaml). */
export const PERMISSIONS: Record<Role, ReadonlySet<string>> = {
  admin: new Set([
    ...READ_ALL,
    'incidents.write',
    'rules.read',
    'rules.write',
    'rules.agency',
    'agencies.write',
    'agencies.keys',
    'hosts.write',
    'notify.read',
    'notify.write',
    'users.admin',
    'audit.read',
    'settings.read',
    'settings.write',
    'metrics.read',
    'feeds.read',
  ]),
  analyst: new Set([
    ...READ_ALL,
    'incidents.write',
    'rules.read',
    'rules.write',
    'rules.agency',
    'hosts.write',
    'notify.read',
    'audit.read',
    'settings.read',
    'metrics.read',
    'feeds.read',
  ]),
  agency_admin: new Set([
    ...READ_ALL,
    'incidents.write',
    'hosts.write',
    'notify.read',
    'notify.write',
    'agencies.keys',
    'audit.read',
    // Its own agency's accounts only (api/routes/user-scope.ts).
    'users.admin',
    // The threat-intel feeds' list (read only).
    'feeds.read',
    // Its own agency's switches of installed SigmaHQ rules (api/routes/agency-rules.ts).
    'rules.agency',
  ]),
  viewer: new Set(READ_ALL),
  intake: new Set(),
};

/** Whether the caller holds a permission (`public` and `self` are decided by the router). */
export function can(p: Principal, permission: string): boolean {
  if (permission === 'public') return true;
  if (permission === 'self') return p.role !== 'intake';
  return PERMISSIONS[p.role]?.has(permission) ?? false;
}

/** The store Scope of a caller: its agency when bound to one, else the whole province. */
export function scopeOf(p: Principal): Scope {
  return p.agencyId !== undefined ? agencyScope(p.agencyId) : SCOPE_ALL;
}
