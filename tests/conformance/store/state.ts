/** The StateStore conformance suite: versioned documents, listing, and agency scope on every operation. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { agencyScope, type Collection, type NewDoc, SCOPE_ALL, type StateStore } from '../../../store/types.js';
import { AGENCY_A, AGENCY_B } from './fixtures.js';

/** Makes a fresh state store; `close()` must release it. */
export type StateStoreFactory = () => Promise<StateStore>;

interface Incident {
  title: string;
  status: string;
  severity: number;
  assignee?: string | null;
}

/** A document for a bulk write. */
const d = (doc: { id: string; agencyId?: string } & Record<string, unknown>) => doc as NewDoc<object>;

/** Defines the conformance tests of a StateStore implementation. */
export function runStateStoreConformance(name: string, factory: StateStoreFactory): void {
  describe(`StateStore conformance: ${name}`, () => {
    let state: StateStore;
    let col: Collection<Incident>;
    const scopeA = agencyScope(AGENCY_A);
    const scopeB = agencyScope(AGENCY_B);
    // A fresh collection per run so shared backends (one OpenSearch cluster) do not see earlier runs.
    const collName = `incidents_${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      state = await factory();
      col = state.collection<Incident>(collName);
    });
    afterAll(async () => {
      await state?.close();
    });

    it('creates at version 1 and increments on each put', async () => {
      const a = await col.put(SCOPE_ALL, { id: 'v1', agencyId: AGENCY_A, title: 't', status: 'open', severity: 3 });
      expect(a).toEqual({ id: 'v1', agencyId: AGENCY_A, version: 1, title: 't', status: 'open', severity: 3 });
      const b = await col.put(SCOPE_ALL, { ...a, status: 'ack' }, { expectedVersion: 1 });
      expect(b.version).toBe(2);
      expect(await col.get(SCOPE_ALL, 'v1')).toEqual(b);
      const c = await col.put(SCOPE_ALL, { ...b, status: 'closed' });
      expect(c.version).toBe(3);
    });

    it('refuses stale writes with CANHGAC_ERR_STORE_CONFLICT', async () => {
      await col.put(SCOPE_ALL, { id: 'occ', title: 'x', status: 'open', severity: 1 }, { expectedVersion: 0 });
      await expect(
        col.put(SCOPE_ALL, { id: 'occ', title: 'again', status: 'open', severity: 1 }, { expectedVersion: 0 }),
      ).rejects.toMatchObject({ code: 'CANHGAC_ERR_STORE_CONFLICT', status: 409 });
      await col.put(SCOPE_ALL, { id: 'occ', title: 'y', status: 'open', severity: 1 }, { expectedVersion: 1 });
      await expect(
        col.put(SCOPE_ALL, { id: 'occ', title: 'lost update', status: 'open', severity: 1 }, { expectedVersion: 1 }),
      ).rejects.toMatchObject({ code: 'CANHGAC_ERR_STORE_CONFLICT' });
      await expect(
        col.put(SCOPE_ALL, { id: 'absent', title: 'z', status: 'open', severity: 1 }, { expectedVersion: 4 }),
      ).rejects.toMatchObject({ code: 'CANHGAC_ERR_STORE_CONFLICT' });
      expect((await col.get(SCOPE_ALL, 'occ'))?.title).toBe('y');
      await expect(col.delete(SCOPE_ALL, 'occ', { expectedVersion: 1 })).rejects.toMatchObject({
        code: 'CANHGAC_ERR_STORE_CONFLICT',
      });
      expect(await col.delete(SCOPE_ALL, 'occ', { expectedVersion: 2 })).toBe(true);
      expect(await col.get(SCOPE_ALL, 'occ')).toBeUndefined();
      expect(await col.delete(SCOPE_ALL, 'occ')).toBe(false);
    });

    it('lets only one of two concurrent updates from the same version win', async () => {
      const d = await col.put(SCOPE_ALL, { id: 'race', title: 'r', status: 'open', severity: 2 });
      const results = await Promise.allSettled([
        col.put(SCOPE_ALL, { ...d, status: 'ack' }, { expectedVersion: d.version }),
        col.put(SCOPE_ALL, { ...d, status: 'closed' }, { expectedVersion: d.version }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await col.get(SCOPE_ALL, 'race'))?.version).toBe(2);
    });

    it('lists with equality filters, any-of, sort and cursor paging', async () => {
      const l = state.collection<Incident>(`${collName}_list`);
      for (let i = 0; i < 12; i++) {
        await l.put(SCOPE_ALL, {
          id: `i${String(i).padStart(2, '0')}`,
          agencyId: i % 2 ? AGENCY_A : AGENCY_B,
          title: `n${i}`,
          status: ['open', 'ack', 'closed'][i % 3]!,
          severity: (i * 7) % 5,
          ...(i % 4 === 0 ? { assignee: null } : { assignee: `u${i % 3}` }),
        });
      }
      const open = await l.list(SCOPE_ALL, { filter: { status: 'open' } });
      expect(open.docs.map((d) => d.id)).toEqual(['i00', 'i03', 'i06', 'i09']);
      const anyOf = await l.list(SCOPE_ALL, { filter: { status: ['open', 'ack'], severity: [0, 2, 4] } });
      expect(anyOf.docs.map((d) => d.id)).toEqual(
        [0, 1, 3, 4, 6, 7, 9, 10]
          .filter((i) => [0, 2, 4].includes((i * 7) % 5))
          .map((i) => `i${String(i).padStart(2, '0')}`),
      );
      const unassigned = await l.list(SCOPE_ALL, { filter: { assignee: null } });
      expect(unassigned.docs.map((d) => d.id)).toEqual(['i00', 'i04', 'i08']);
      for (const order of ['asc', 'desc'] as const) {
        const seen: string[] = [];
        let after: string | undefined;
        do {
          const page = await l.list(SCOPE_ALL, {
            sort: { field: 'severity', order },
            size: 5,
            ...(after ? { after } : {}),
          });
          seen.push(...page.docs.map((d) => d.id));
          after = page.next;
        } while (after);
        const all = Array.from({ length: 12 }, (_, i) => ({ id: `i${String(i).padStart(2, '0')}`, s: (i * 7) % 5 }));
        all.sort((a, b) => a.s - b.s || (a.id < b.id ? -1 : 1));
        if (order === 'desc') all.reverse();
        expect(seen).toEqual(all.map((x) => x.id));
      }
    });

    it('keeps each agency to its own documents on every operation', async () => {
      const s = state.collection<Incident>(`${collName}_scope`);
      await s.put(SCOPE_ALL, { id: 'a1', agencyId: AGENCY_A, title: 'A', status: 'open', severity: 1 });
      await s.put(SCOPE_ALL, { id: 'b1', agencyId: AGENCY_B, title: 'B', status: 'open', severity: 1 });
      await s.put(SCOPE_ALL, { id: 'g1', title: 'province-wide', status: 'open', severity: 1 });
      // Agency scope defaults agencyId to its own agency.
      const own = await s.put(scopeA, { id: 'a2', title: 'A2', status: 'open', severity: 2 });
      expect(own.agencyId).toBe(AGENCY_A);

      expect(await s.get(scopeA, 'a1')).toBeDefined();
      expect(await s.get(scopeA, 'b1')).toBeUndefined();
      expect(await s.get(scopeA, 'g1')).toBeUndefined();
      expect(await s.get(scopeB, 'a1')).toBeUndefined();
      expect((await s.list(scopeA)).docs.map((d) => d.id)).toEqual(['a1', 'a2']);
      expect((await s.list(scopeB)).docs.map((d) => d.id)).toEqual(['b1']);
      expect((await s.list(scopeA, { filter: { title: 'B' } })).docs).toEqual([]);
      expect((await s.list(SCOPE_ALL)).docs.map((d) => d.id)).toEqual(['a1', 'a2', 'b1', 'g1']);

      // Writes of another agency's document, or moving one's own into another agency, are refused.
      await expect(s.put(scopeA, { id: 'b1', title: 'taken over', status: 'open', severity: 1 })).rejects.toMatchObject(
        {
          code: 'CANHGAC_ERR_STORE_SCOPE',
        },
      );
      await expect(
        s.put(scopeA, { id: 'a1', agencyId: AGENCY_B, title: 'moved', status: 'open', severity: 1 }),
      ).rejects.toMatchObject({ code: 'CANHGAC_ERR_STORE_SCOPE' });
      await expect(s.put(scopeA, { id: 'g1', title: 'global', status: 'open', severity: 1 })).rejects.toMatchObject({
        code: 'CANHGAC_ERR_STORE_SCOPE',
      });
      expect(await s.delete(scopeA, 'b1')).toBe(false);
      expect(await s.delete(scopeA, 'g1')).toBe(false);
      expect((await s.get(SCOPE_ALL, 'b1'))?.title).toBe('B');
      expect((await s.get(SCOPE_ALL, 'g1'))?.title).toBe('province-wide');
      expect(await s.delete(scopeB, 'b1')).toBe(true);
    });

    it('reads and writes many documents in one call, each write checked on its own (getMany/writeMany)', async () => {
      if (!state.getMany || !state.writeMany) return; // optional: callers fall back to get/put
      const other = `${collName}_b`;
      await col.put(SCOPE_ALL, { id: 'm1', title: 'one', status: 'open', severity: 1 });
      const read = await state.getMany([
        { collection: collName, id: 'm1' },
        { collection: collName, id: 'm-absent' },
        { collection: other, id: 'm2' },
      ]);
      expect(read.map((d) => d?.version)).toEqual([1, undefined, undefined]);
      const out = await state.writeMany([
        {
          collection: collName,
          id: 'm1',
          doc: d({ id: 'm1', title: 'two', status: 'ack', severity: 1 }),
          expectedVersion: 1,
        },
        { collection: other, id: 'm2', doc: d({ id: 'm2', agencyId: AGENCY_A, title: 'new' }), expectedVersion: 0 },
        // A stale version loses alone; the writes around it stand.
        {
          collection: collName,
          id: 'm1',
          doc: d({ id: 'm1', title: 'stale', status: 'x', severity: 1 }),
          expectedVersion: 1,
        },
        { collection: collName, id: 'm3', doc: d({ id: 'm3', title: 'free', status: 'open', severity: 2 }) },
      ]);
      expect((out[0] as { version: number }).version).toBe(2);
      expect(out[1]).toMatchObject({ id: 'm2', version: 1, agencyId: AGENCY_A, title: 'new' });
      expect(out[2]).toMatchObject({ code: 'CANHGAC_ERR_STORE_CONFLICT' });
      expect(out[3]).toMatchObject({ id: 'm3', version: 1 });
      expect(await col.get(SCOPE_ALL, 'm1')).toMatchObject({ title: 'two', version: 2 });
      expect(await state.collection(other).get(scopeA, 'm2')).toMatchObject({ title: 'new' });
      // Create-only on an existing document conflicts; a delete with the version read removes it.
      const again = await state.writeMany([
        { collection: other, id: 'm2', doc: d({ id: 'm2', title: 'dup' }), expectedVersion: 0 },
        { collection: collName, id: 'm3', expectedVersion: 1 },
      ]);
      expect(again[0]).toMatchObject({ code: 'CANHGAC_ERR_STORE_CONFLICT' });
      expect(again[1]).toBeUndefined();
      expect(await col.get(SCOPE_ALL, 'm3')).toBeUndefined();
      // A write made by someone else after the read: the bulk write's version check sees it.
      await state.getMany([{ collection: collName, id: 'm1' }]);
      await col.put(SCOPE_ALL, { id: 'm1', title: 'analyst', status: 'ack', severity: 1 }, { expectedVersion: 2 });
      const late = await state.writeMany([
        {
          collection: collName,
          id: 'm1',
          doc: d({ id: 'm1', title: 'batch', status: 'ack', severity: 1 }),
          expectedVersion: 2,
        },
      ]);
      expect(late[0]).toMatchObject({ code: 'CANHGAC_ERR_STORE_CONFLICT' });
      expect(await col.get(SCOPE_ALL, 'm1')).toMatchObject({ title: 'analyst', version: 3 });
    });

    it('rejects documents without an id and bad cursors', async () => {
      await expect(col.put(SCOPE_ALL, { id: '', title: '', status: '', severity: 0 })).rejects.toMatchObject({
        code: 'CANHGAC_ERR_STORE_INVALID',
      });
      await expect(col.list(SCOPE_ALL, { after: 'garbage' })).rejects.toMatchObject({
        code: 'CANHGAC_ERR_STORE_CURSOR',
      });
    });
  });
}
