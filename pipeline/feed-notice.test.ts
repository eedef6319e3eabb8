/**
 * A threat-intel feed failing past its staleNoticeMinutes reaches the notifier's routes as `feed.stale`, once per
 * failure, in Vietnamese first; the feed manager raises it only after the configured time.
 */
import { mkdtempSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { ThreatIntel } from '../context/index.js';
import { Notifier } from '../notify/notifier.js';
import type { RenderedMessage } from '../notify/types.js';
import { openSqliteStores, type SqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL } from '../store/types.js';
import { feedNotice } from './feed-notice.js';

let stores: SqliteStores;
let sent: RenderedMessage[] = [];
beforeEach(async () => {
  stores = openSqliteStores({ path: ':memory:' });
  sent = [];
  await stores.state
    .collection<Record<string, unknown>>('channels')
    .put(SCOPE_ALL, { id: 'ops', name: 'ops', type: 'webhook', enabled: true, settings: {} });
  await stores.state
    .collection<Record<string, unknown>>('routes')
    .put(SCOPE_ALL, { id: 'ops', minSeverity: 'low', kinds: ['feed.stale'], channelIds: ['ops'] });
});
afterEach(async () => {
  await stores.close();
});

it('a feed failing past staleNoticeMinutes sends one feed.stale notice through the routes', async () => {
  const notifier = new Notifier(stores.state, { webhook: { send: async (_c, m) => void sent.push(m) } });
  const dir = mkdtempSync(join(tmpdir(), 'canhgac-stale-'));
  const file = join(dir, 'list.txt');
  writeFileSync(file, '198.51.100.7\n');
  let now = Date.parse('2026-12-07T01:00:00Z');
  const ti = new ThreatIntel({
    feeds: [{ name: 'vncert', type: 'list', file, staleNoticeMinutes: 30 }],
    now: () => now,
    onNotice: (n) => void feedNotice(notifier, n, now),
  });
  await ti.start();
  ti.stop();
  unlinkSync(file);
  now += 60_000;
  await ti.refresh('vncert'); // fails: stale, no notice yet
  now += 20 * 60_000;
  await ti.refresh('vncert'); // 21 min: still no notice
  await notifier.deliverDue();
  expect(sent).toHaveLength(0);
  now += 10 * 60_000;
  await ti.refresh('vncert'); // 31 min: the notice
  now += 10 * 60_000;
  await ti.refresh('vncert'); // once per failure
  await new Promise((r) => setImmediate(r));
  await notifier.deliverDue();
  expect(sent).toHaveLength(1);
  expect(JSON.stringify(sent[0])).toContain('vncert');
  expect(JSON.stringify(sent[0])).toContain('không cập nhật được');
  expect(ti.status()[0]).toMatchObject({ stale: true, noticeRaised: true, indicators: 1 });
});
