/** Reading a whole collection: the page loop every caller otherwise writes for itself. */
import { type Collection, type DocFilter, SCOPE_ALL, type Scope, type Versioned } from './types.js';

/** Every document of a collection visible in `scope` (optionally filtered), page by page (1,000 a page). */
export async function listAll<T extends object>(
  c: Collection<T>,
  scope: Scope = SCOPE_ALL,
  filter?: DocFilter,
): Promise<Versioned<T>[]> {
  const out: Versioned<T>[] = [];
  let after: string | undefined;
  do {
    const page = await c.list(scope, { size: 1000, ...(filter ? { filter } : {}), ...(after ? { after } : {}) });
    out.push(...page.docs);
    after = page.next;
  } while (after);
  return out;
}
