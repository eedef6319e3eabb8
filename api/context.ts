/** What a route handler receives and returns, and helpers shared by the route files. */
import type { Request, Response } from 'express';
import type { IncidentService } from '../incidents/service.js';
import type { Notifier } from '../notify/notifier.js';
import type { DocPage, ListOptions, Scope, Stores } from '../store/types.js';
import type { OidcSignIn } from './auth/oidc.js';
import type { Principal } from './auth/roles.js';
import type { AuthService } from './auth/service.js';
import type { ApiSpec } from './openapi.js';
import type { RuleCatalog } from './rule-catalog.js';

/** Services the routes use; createApiApp builds the missing ones from `stores`. */
export interface ApiServices {
  stores: Stores;
  incidents: IncidentService;
  auth: AuthService;
  spec: ApiSpec;
  /** Whether the service is ready to serve (store reachable, pipeline started). */
  ready: () => Promise<boolean>;
  /** The pipeline's health (stalled: records wait and nothing commits); absent: never stalled. */
  pipelineStatus?: () => { stalled: boolean; commitAgeSeconds: number };
  /** Cookie `Secure` flag (on behind TLS). */
  secureCookies: boolean;
  /** Sign-in through the identity provider (config `auth.oidc`); undefined when not configured. */
  oidc?: OidcSignIn;
  /** Every rule the engine runs (shipped, rules.dirs, uploaded) with the console's switches. */
  rules: RuleCatalog;
  /** Tells detection that rules or rule overrides changed (applied at once instead of at the next poll). */
  rulesChanged?: () => void;
  /** The threat-intel feeds' status (context/ti), the indicators naming a value, and a poke after the analysts'
   * local list changed (read it again now). */
  threatIntel?: {
    status(): unknown[] | Promise<unknown[]>;
    /** Distributed: asked of the workers, `unavailable` when none answered. */
    search?(
      value: string,
    ):
      | { type: string; value: string; hits: unknown[] }
      | { error: string }
      | Promise<{ type: string; value: string; hits: unknown[] } | { error: string } | { unavailable: true }>;
    localChanged?(): Promise<void>;
    /** The asset inventory changed: weigh alerts with it from now on. */
    assetsChanged?(): Promise<void>;
  };
  /** Sends a channel's test notice ("send a test" in the console). */
  notifier: Pick<Notifier, 'test'>;
}

/** One request as a handler sees it: validated inputs and the caller's Scope. */
export interface Ctx {
  /** The caller; undefined only on public operations. */
  principal: Principal | undefined;
  /** The caller's store Scope (pass it to every store call; never filter by agency by hand). */
  scope: Scope;
  /** Actor name for audit entries. */
  actor: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  req: Request;
  res: Response;
  svc: ApiServices;
}

/** A handler's answer: a status and a JSON body (or none), or `undefined` when it wrote the response itself. */
export type Reply = { status?: number; body?: unknown } | undefined;

/** A route: the OpenAPI operation it implements and its handler. */
export interface RouteDef {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path; must equal the operation's path in openapi.yaml. */
  path: string;
  operationId: string;
  handle: (ctx: Ctx) => Promise<Reply>;
}

/** Store listing options from `limit` and `cursor`. */
export function paging(query: Record<string, unknown>): Pick<ListOptions, 'size' | 'after'> {
  const size = typeof query.limit === 'number' ? query.limit : 50;
  return typeof query.cursor === 'string' ? { size, after: query.cursor } : { size };
}

/** A page in the API's shape `{ items, next? }`. */
export function pageBody<T>(page: DocPage<T>, map?: (d: DocPage<T>['docs'][number]) => unknown): Reply {
  return { body: { items: map ? page.docs.map(map) : page.docs, ...(page.next ? { next: page.next } : {}) } };
}

/** Copies the defined string/number/boolean query values named in `keys` into a store filter. */
export function filterFrom(
  query: Record<string, unknown>,
  keys: readonly string[],
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const k of keys) {
    const v = query[k];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}
