import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { openStores, SCOPE_ALL, sqlitePath } from './index.js';

describe('openStores', () => {
  it('opens the embedded SQLite file under dataDir when no OpenSearch URL is configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-store-'));
    try {
      const s = await openStores({ dataDir: dir, store: { kind: 'sqlite', retentionDays: 30 } });
      const now = Date.now();
      const res = await s.events.write(SCOPE_ALL, [
        { '@timestamp': now, 'event.id': 'new', 'agency.id': 'A' },
        { '@timestamp': now - 40 * 86_400_000, 'event.id': 'old', 'agency.id': 'A' },
      ]);
      expect(res.written).toBe(2);
      await s.close();
      // Retention ran when the store opened again: the 40-day-old event is gone, the new one stays.
      const again = await openStores({ dataDir: dir, store: { retentionDays: 30 } });
      await new Promise((r) => setTimeout(r, 20));
      expect(await again.events.get(SCOPE_ALL, 'old')).toBeUndefined();
      expect(await again.events.get(SCOPE_ALL, 'new')).toBeDefined();
      await again.close();
      expect(sqlitePath(dir)).toBe(join(dir, 'canhgac.db'));
      // Read-only tools open without retention.
      const ro = await openStores({ dataDir: dir, store: { retentionDays: 30 } }, { retention: false });
      expect(await ro.events.get(SCOPE_ALL, 'new')).toBeDefined();
      await ro.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses store.kind opensearch without a URL', async () => {
    await expect(openStores({ dataDir: '/nonexistent', store: { kind: 'opensearch' } })).rejects.toThrow(/url/);
  });
});
