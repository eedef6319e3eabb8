import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { agencyScope, openStores, SCOPE_ALL } from './index.js';
import { listAll } from './list-all.js';

describe('listAll', () => {
  it('reads every page of a collection, within the scope and the filter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-listall-'));
    const s = await openStores({ dataDir: dir, store: { kind: 'sqlite', retentionDays: 30 } });
    try {
      const c = s.state.collection<{ id: string; agencyId: string; kind: string }>('things');
      for (let i = 0; i < 2_300; i++)
        await c.put(SCOPE_ALL, { id: `t${i}`, agencyId: i % 2 ? 'A' : 'B', kind: i % 3 ? 'x' : 'y' });
      const all = await listAll(c);
      expect(all).toHaveLength(2_300);
      expect(new Set(all.map((d) => d.id)).size).toBe(2_300);
      // An agency's scope sees its own only (three pages of 1,000 would otherwise be needed: 1,150 of them).
      const a = await listAll(c, agencyScope('A'));
      expect(a).toHaveLength(1_150);
      expect(a.every((d) => d.agencyId === 'A')).toBe(true);
      const ay = await listAll(c, agencyScope('A'), { kind: 'y' });
      expect(ay.length).toBe(all.filter((d) => d.agencyId === 'A' && d.kind === 'y').length);
      expect(ay.every((d) => d.kind === 'y')).toBe(true);
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
