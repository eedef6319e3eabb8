/**
 * Names for the audit listing: an entry records a collection and a document id (a user's id, a channel's random
 * id, a key's id); the console shows what it was called instead. Each target is read in the caller's scope (the
 * entries are already scoped, so the target is the caller's too); one that no longer exists is named from what
 * the entries recorded of it (`before`/`after`) and marked gone. Keys that acted are named the same way.
 */
import type { AuditEntry } from '../../incidents/types.js';
import type { Ctx } from '../context.js';

/** What the console shows of an entry's target (and of a key that acted). */
export interface AuditTarget {
  /** The target's name (a username, a channel's or key's name, an agency's name, a suppression's host and reason). */
  name?: string;
  /** It no longer exists (deleted, revoked). */
  gone?: boolean;
  /** A route's lowest severity and channel names (a route has no name of its own). */
  minSeverity?: string;
  channels?: string[];
  /** A user's or key's role (after the change). */
  role?: string;
}

type Doc = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const short = (s: string | undefined, n = 80) => (s && s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The name of a document of a collection (undefined: the collection has no name field). */
function nameOf(collection: string, d: Doc): string | undefined {
  switch (collection) {
    case 'users':
      return str(d.username) ?? str(d.id);
    case 'api_keys':
    case 'channels':
    case 'agencies':
    case 'compliance_systems':
      return str(d.name);
    case 'suppressions': {
      const host = str(d.host);
      const reason = short(str(d.reason));
      return host && reason ? `${host} — ${reason}` : (host ?? reason);
    }
    case 'assets':
      return str(d.host);
    case 'ti_local':
      return str(d.value);
    case 'incidents':
      return short(str(d.title));
    default:
      return undefined;
  }
}

/** Collections whose targets are documents that can be gone (settings is one document that always exists). */
const NAMED = new Set([
  'users',
  'api_keys',
  'channels',
  'routes',
  'agencies',
  'compliance_systems',
  'suppressions',
  'assets',
  'ti_local',
  'incidents',
]);

/** The audit entries with `target` (and `actorName` for keys), resolved in the caller's scope. */
export async function withAuditNames(ctx: Ctx, entries: readonly AuditEntry[]): Promise<Doc[]> {
  const state = ctx.svc.stores.state;
  const docs = new Map<string, Doc | null>();
  const read = async (collection: string, id: string): Promise<Doc | null> => {
    const k = `${collection}\u0000${id}`;
    if (!docs.has(k)) docs.set(k, ((await state.collection<Doc>(collection).get(ctx.scope, id)) as Doc) ?? null);
    return docs.get(k)!;
  };
  // What the entries recorded of each target: a deleted one is named from its last recorded state.
  const recorded = new Map<string, Doc>();
  for (const e of [...entries].reverse()) {
    const x = e as unknown as { before?: unknown; after?: unknown };
    const d = (x.after ?? x.before) as Doc | undefined;
    if (d && typeof d === 'object') recorded.set(`${e.collection}\u0000${e.targetId}`, d);
  }
  const channelName = async (id: string) => str((await read('channels', id))?.name);
  // A key that acted and was revoked since: named from its own audit entries (creation, revocation).
  const keyNames = new Map<string, string | undefined>();
  const keyName = async (id: string): Promise<string | undefined> => {
    if (!keyNames.has(id)) {
      let name = str((await read('api_keys', id))?.name) ?? str(recorded.get(`api_keys\u0000${id}`)?.name);
      if (!name) {
        const page = await ctx.svc.incidents.audit.list(ctx.scope, {
          filter: { collection: 'api_keys', targetId: id },
          size: 5,
        });
        for (const x of page.docs as unknown as { before?: Doc; after?: Doc }[])
          name ??= str(x.after?.name) ?? str(x.before?.name);
      }
      keyNames.set(id, name);
    }
    return keyNames.get(id);
  };
  const out: Doc[] = [];
  for (const e of entries) {
    const entry: Doc = { ...e };
    if (NAMED.has(e.collection)) {
      const cur = await read(e.collection, e.targetId);
      const d = cur ?? recorded.get(`${e.collection}\u0000${e.targetId}`);
      const target: AuditTarget = {};
      const name = d ? nameOf(e.collection, d) : undefined;
      if (name) target.name = name;
      if (!cur) target.gone = true;
      if (d && e.collection === 'routes') {
        if (str(d.minSeverity)) target.minSeverity = d.minSeverity as string;
        const ids = Array.isArray(d.channelIds) ? (d.channelIds as unknown[]).filter((x) => typeof x === 'string') : [];
        target.channels = [];
        for (const id of ids as string[]) target.channels.push((await channelName(id)) ?? '?');
      }
      const role = str((e as unknown as { after?: Doc }).after?.role) ?? (d ? str(d.role) : undefined);
      if (role && (e.collection === 'users' || e.collection === 'api_keys')) target.role = role;
      entry.target = target;
    }
    if (e.actor.startsWith('key:')) {
      const name = await keyName(e.actor.slice(4));
      if (name) entry.actorName = name;
    }
    out.push(entry);
  }
  return out;
}
