import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEventStoreConformance, runStateStoreConformance } from '../conformance/index.js';
import type { EventStore, StateStore } from '../types.js';
import { openDatabase } from './db.js';
import { openSqliteStores } from './index.js';

runEventStoreConformance('sqlite', async (): Promise<EventStore> => {
  const s = openSqliteStores({ path: ':memory:' });
  const events = s.events;
  // Closing the event store closes the whole in-memory database.
  return new Proxy(events, {
    get: (t, k) => (k === 'close' ? () => s.close() : Reflect.get(t, k, t)),
  });
});

// The same suite with tiny scan slices, so paging, cursors and aggregations cross slice edges.
runEventStoreConformance('sqlite (sliced scans)', async (): Promise<EventStore> => {
  const s = openSqliteStores({ path: ':memory:', chunkRows: 2 });
  return new Proxy(s.events, {
    get: (t, k) => (k === 'close' ? () => s.close() : Reflect.get(t, k, t)),
  });
});

runStateStoreConformance('sqlite', async (): Promise<StateStore> => {
  const s = openSqliteStores({ path: ':memory:' });
  return { collection: (name) => s.state.collection(name), close: () => s.close() };
});

describe('sqlite durability', () => {
  it('writes with synchronous=FULL by default (the spool commits after the store write) and NORMAL on request', () => {
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-sync-'));
    try {
      const full = openDatabase({ path: join(dir, 'a.db') });
      expect(full.pragma('synchronous', { simple: true })).toBe(2);
      full.close();
      const normal = openDatabase({ path: join(dir, 'b.db'), synchronous: 'normal' });
      expect(normal.pragma('synchronous', { simple: true })).toBe(1);
      normal.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
