/** groupStats of the embedded state store equals folding the documents by hand, in every scope and period. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { agencyScope, SCOPE_ALL, type Scope } from '../types.js';
import { openSqliteStores } from './index.js';

interface Doc {
  id: string;
  agencyId: string;
  ruleId: string;
  state: string;
  alertCount: number;
  lastSeen: number;
  title: string;
}

const DAY = 86_400_000;

const doc = fc.record({
  agencyId: fc.constantFrom('a', 'b', 'c'),
  ruleId: fc.constantFrom('r1', 'r2', 'r3', 'r4'),
  state: fc.constantFrom('new', 'resolved', 'false_positive'),
  alertCount: fc.integer({ min: 1, max: 50 }),
  lastSeen: fc.integer({ min: 0, max: 10 * DAY }),
});

function byHand(docs: Doc[], scope: Scope, since: number) {
  const out: Record<string, { count: number; alerts: number; last: number; split: Record<string, number> }> = {};
  for (const d of docs) {
    if (scope.kind === 'agency' && d.agencyId !== scope.agencyId) continue;
    if (d.lastSeen < since) continue;
    out[d.ruleId] ??= { count: 0, alerts: 0, last: -1, split: {} };
    const g = out[d.ruleId]!;
    g.count++;
    g.alerts += d.alertCount;
    g.last = Math.max(g.last, d.lastSeen);
    g.split[d.state] = (g.split[d.state] ?? 0) + 1;
  }
  return out;
}

describe('SqliteCollection.groupStats', () => {
  it('equals the documents folded by hand (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(doc, { maxLength: 60 }),
        fc.integer({ min: 1, max: 10 * DAY }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('new', 'resolved', 'delete')), { maxLength: 20 }),
        async (raw, since, changes) => {
          const stores = openSqliteStores({ path: ':memory:' });
          try {
            const coll = stores.state.collection<Doc>('incidents');
            let docs = raw.map((d, i) => ({ ...d, id: `i${i}`, title: `T ${d.ruleId}` }));
            for (const d of docs) await coll.put(SCOPE_ALL, d);
            // State changes and deletions after the writes: the summary's triggers follow them.
            for (const [n, change] of changes) {
              const d = docs[n % Math.max(1, docs.length)];
              if (!d) break;
              if (change === 'delete') {
                await coll.delete(SCOPE_ALL, d.id);
                docs = docs.filter((x) => x !== d);
              } else {
                const next = { ...d, state: change, alertCount: d.alertCount + 1 };
                await coll.put(SCOPE_ALL, next);
                docs = docs.map((x) => (x === d ? next : x));
              }
            }
            // With a period (whole days from the summary, its first day from the incidents) and without.
            for (const [scope, from] of [
              [SCOPE_ALL, since],
              [agencyScope('a'), since],
              [SCOPE_ALL, 0],
              [agencyScope('b'), 0],
            ] as const) {
              const rows = await coll.groupStats!(scope, {
                by: 'ruleId',
                split: 'state',
                sum: ['alertCount'],
                max: ['lastSeen'],
                first: ['title'],
                ...(from ? { since: { field: 'lastSeen', from } } : {}),
              });
              const got = Object.fromEntries(
                rows.map((r) => [
                  String(r.key),
                  { count: r.count, alerts: r.sum.alertCount, last: r.max.lastSeen, split: r.split },
                ]),
              );
              const want = byHand(docs, scope, from);
              // The summary's last-seen only grows (a deleted incident leaves it): compare it where nothing was deleted.
              if (changes.some(([, c]) => c === 'delete'))
                for (const k of Object.keys(got)) got[k]!.last = want[k]?.last ?? got[k]!.last;
              expect(got).toEqual(want);
              for (const r of rows) expect(r.first.title).toBe(`T ${r.key}`);
            }
          } finally {
            await stores.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
