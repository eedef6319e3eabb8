/** Get, update and delete of one document with the caller's scope, a version check and an audit entry. */
import { isStoreConflict } from '../../store/errors.js';
import type { Collection, Versioned } from '../../store/types.js';
import type { Ctx } from '../context.js';
import { apiError } from '../errors.js';

/** The document or a 404 (absent and out-of-scope look the same, so ids of other agencies are not revealed). */
export async function getOr404<T extends object>(ctx: Ctx, coll: Collection<T>, what: string): Promise<Versioned<T>> {
  const doc = await coll.get(ctx.scope, ctx.params.id!);
  if (!doc) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what, id: ctx.params.id });
  return doc;
}

/**
 * Applies `change` to a copy of the document and stores it with the version read (or the caller's `version`),
 * then audits before/after through `view` (which hides secrets).
 */
export async function updateDoc<T extends object>(
  ctx: Ctx,
  coll: Collection<T>,
  what: string,
  collection: string,
  change: (doc: T) => void,
  view: (d: Versioned<T>) => unknown = (d) => d,
): Promise<Versioned<T>> {
  const cur = await getOr404(ctx, coll, what);
  const { version, ...rest } = cur;
  const next = structuredClone(rest) as unknown as T & { id: string };
  change(next);
  const wanted = (ctx.body as { version?: number } | undefined)?.version;
  const saved = await coll.put(ctx.scope, next, { expectedVersion: wanted ?? version });
  await ctx.svc.auth.writeAudit(ctx.actor, `${what}.update`, collection, cur.id, cur.agencyId, view(cur), view(saved));
  return saved;
}

/** Deletes the document (404 when absent or out of scope) and audits it. */
export async function deleteDoc<T extends object>(
  ctx: Ctx,
  coll: Collection<T>,
  what: string,
  collection: string,
  view: (d: Versioned<T>) => unknown = (d) => d,
): Promise<void> {
  const cur = await getOr404(ctx, coll, what);
  if (!(await coll.delete(ctx.scope, cur.id, { expectedVersion: cur.version })))
    throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what, id: ctx.params.id });
  await ctx.svc.auth.writeAudit(ctx.actor, `${what}.delete`, collection, cur.id, cur.agencyId, view(cur), undefined);
}

/** Creates a document (conflict if the id exists) and audits it. */
export async function createDoc<T extends object>(
  ctx: Ctx,
  coll: Collection<T>,
  what: string,
  collection: string,
  doc: T & { id: string; agencyId?: string },
  view: (d: Versioned<T>) => unknown = (d) => d,
): Promise<Versioned<T>> {
  const exists = await coll.get(ctx.scope, doc.id);
  if (exists) throw apiError('CANHGAC_ERR_API_EXISTS', { what, id: doc.id });
  let saved: Versioned<T>;
  try {
    saved = await coll.put(ctx.scope, doc, { expectedVersion: 0 });
  } catch (err) {
    // Another agency's document with this id: answer as for any taken id, without saying whose it is.
    if (isStoreConflict(err)) throw apiError('CANHGAC_ERR_API_EXISTS', { what, id: doc.id });
    throw err;
  }
  await ctx.svc.auth.writeAudit(
    ctx.actor,
    `${what}.create`,
    collection,
    doc.id,
    saved.agencyId,
    undefined,
    view(saved),
  );
  return saved;
}
