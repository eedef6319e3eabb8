/** Agencies (codes per Decision 20/2020/QĐ-TTg, address ranges, certificate names, agent keys) and hosts. */
import ipaddr from 'ipaddr.js';
import type { HostRecord } from '../../incidents/silent-hosts.js';
import { isValidZone } from '../../ingest/decoders/time.js';
import type { DocFilter } from '../../store/types.js';
import { type ApiKeyDoc, publicKey } from '../auth/service.js';
import type { Ctx, RouteDef } from '../context.js';
import { pageBody, paging } from '../context.js';
import { apiError } from '../errors.js';
import { createDoc, deleteDoc, getOr404, updateDoc } from './crud.js';

/** An agency as stored (its own code is its owning agency, so its admins can read it). */
export interface AgencyDoc {
  id: string;
  name: string;
  networks: string[];
  certificateNames: string[];
  /** Zone of its senders' zone-less timestamps (absent: the configuration's `timezone`). */
  timezone?: string;
}

function checkTimezone(tz: string | undefined): void {
  if (tz === undefined || isValidZone(tz)) return;
  throw apiError('CANHGAC_ERR_API_VALIDATION', {
    reason: `body/timezone ${JSON.stringify(tz)} is not a known time zone`,
  });
}

function checkNetworks(networks: readonly string[] | undefined): void {
  for (const [i, n] of (networks ?? []).entries()) {
    let ok = false;
    try {
      ipaddr.parseCIDR(n);
      ok = true;
    } catch {
      ok = ipaddr.isValid(n);
    }
    if (!ok)
      throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: `body/networks/${i} is not an address or CIDR range` });
  }
}

const agencies = (ctx: Ctx) => ctx.svc.stores.state.collection<AgencyDoc>('agencies');
const hosts = (ctx: Ctx) => ctx.svc.stores.state.collection<HostRecord>('hosts');

/** Routes of this file. */
export const agencyRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/agencies',
    operationId: 'listAgencies',
    handle: async (ctx) => pageBody(await agencies(ctx).list(ctx.scope, paging(ctx.query))),
  },
  {
    method: 'post',
    path: '/api/v1/agencies',
    operationId: 'createAgency',
    handle: async (ctx) => {
      const b = ctx.body as {
        id: string;
        name: string;
        networks?: string[];
        certificateNames?: string[];
        timezone?: string;
      };
      checkNetworks(b.networks);
      checkTimezone(b.timezone);
      const doc = {
        id: b.id,
        agencyId: b.id,
        name: b.name,
        networks: b.networks ?? [],
        certificateNames: b.certificateNames ?? [],
        ...(b.timezone !== undefined ? { timezone: b.timezone } : {}),
      };
      return { status: 201, body: await createDoc(ctx, agencies(ctx), 'agency', 'agencies', doc) };
    },
  },
  {
    method: 'get',
    path: '/api/v1/agencies/:id',
    operationId: 'getAgency',
    handle: async (ctx) => ({ body: await getOr404(ctx, agencies(ctx), 'agency') }),
  },
  {
    method: 'patch',
    path: '/api/v1/agencies/:id',
    operationId: 'updateAgency',
    handle: async (ctx) => {
      const b = ctx.body as Partial<AgencyDoc>;
      checkNetworks(b.networks);
      checkTimezone(b.timezone);
      return {
        body: await updateDoc(ctx, agencies(ctx), 'agency', 'agencies', (d) => {
          if (b.name !== undefined) d.name = b.name;
          if (b.networks !== undefined) d.networks = b.networks;
          if (b.certificateNames !== undefined) d.certificateNames = b.certificateNames;
          if (b.timezone !== undefined) d.timezone = b.timezone;
          // Edited here, a file agency is the API's from now on (config-agencies.ts no longer rewrites it).
          if ((d as { origin?: string }).origin === 'config') (d as { origin?: string }).origin = 'api';
        }),
      };
    },
  },
  {
    method: 'delete',
    path: '/api/v1/agencies/:id',
    operationId: 'deleteAgency',
    handle: async (ctx) => {
      await deleteDoc(ctx, agencies(ctx), 'agency', 'agencies');
      return { status: 204 };
    },
  },
  {
    method: 'get',
    path: '/api/v1/agencies/:id/keys',
    operationId: 'listAgentKeys',
    handle: async (ctx) => {
      const a = await getOr404(ctx, agencies(ctx), 'agency');
      const page = await ctx.svc.auth.keys.list(ctx.scope, {
        filter: { agencyId: a.id, role: 'intake' },
        ...paging(ctx.query),
      });
      return pageBody<ApiKeyDoc>(page, publicKey);
    },
  },
  {
    method: 'post',
    path: '/api/v1/agencies/:id/keys',
    operationId: 'createAgentKey',
    handle: async (ctx) => {
      const a = await getOr404(ctx, agencies(ctx), 'agency');
      const made = await ctx.svc.auth.createKey(ctx.actor, ctx.scope, {
        name: (ctx.body as { name: string }).name,
        role: 'intake',
        agencyId: a.id,
      });
      return { status: 201, body: { key: made.key, apiKey: publicKey(made.doc) } };
    },
  },
  {
    method: 'delete',
    path: '/api/v1/agencies/:id/keys/:keyId',
    operationId: 'revokeAgentKey',
    handle: async (ctx) => {
      const a = await getOr404(ctx, agencies(ctx), 'agency');
      const id = ctx.params.keyId!;
      const key = await ctx.svc.auth.keys.get(ctx.scope, id);
      // Only this agency's intake keys: any other key answers as if it did not exist.
      if (
        !key ||
        key.agencyId !== a.id ||
        key.role !== 'intake' ||
        !(await ctx.svc.auth.revokeKey(ctx.actor, ctx.scope, id))
      )
        throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'agent key', id });
      return { status: 204 };
    },
  },
  {
    method: 'get',
    path: '/api/v1/hosts',
    operationId: 'listHosts',
    handle: async (ctx) => {
      const q = ctx.query;
      const filter: DocFilter = typeof q.agencyId === 'string' ? { agencyId: q.agencyId } : {};
      if (q.silent === true) {
        // Silent hosts first by silentSince (absent sorts last), so the page stops at the first host that is not.
        const page = await hosts(ctx).list(ctx.scope, {
          filter,
          sort: { field: 'silentSince', order: 'desc' },
          ...paging(q),
        });
        const docs = page.docs.filter((h) => h.silentSince !== undefined);
        return pageBody({ docs, ...(docs.length === page.docs.length && page.next ? { next: page.next } : {}) });
      }
      return pageBody(
        await hosts(ctx).list(ctx.scope, {
          filter: q.silent === false ? { ...filter, silentSince: null } : filter,
          sort: { field: 'lastSeen', order: 'desc' },
          ...paging(q),
        }),
      );
    },
  },
  {
    method: 'get',
    path: '/api/v1/hosts/:id',
    operationId: 'getHost',
    handle: async (ctx) => ({ body: await getOr404(ctx, hosts(ctx), 'host') }),
  },
  {
    method: 'patch',
    path: '/api/v1/hosts/:id',
    operationId: 'updateHost',
    handle: async (ctx) => {
      const b = ctx.body as { expected?: boolean; thresholdMinutes?: number | null };
      return {
        body: await updateDoc(ctx, hosts(ctx), 'host', 'hosts', (d) => {
          if (b.expected !== undefined) d.expected = b.expected;
          if (b.thresholdMinutes === null) delete d.thresholdMinutes;
          else if (b.thresholdMinutes !== undefined) d.thresholdMinutes = b.thresholdMinutes;
        }),
      };
    },
  },
];
