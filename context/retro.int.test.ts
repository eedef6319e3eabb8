/**
 * The retro-match on both real stores: indicators a feed adds are searched for in stored events of the last N
 * days (SQLite file; the OpenSearch test node), each matching event raised once with the indicator, marked as
 * found later; events older than N days and events that only look alike are left alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { rest } from '../store/opensearch/client.js';
import { openOpenSearchStores } from '../store/opensearch/index.js';
import { openSqliteStores } from '../store/sqlite/index.js';
import { type EventStore, SCOPE_ALL, type StoredEvent } from '../store/types.js';
import { describeOpenSearch, testPrefix } from '../tests/kit/opensearch.js';
import { type IndicatorAlert, retroMatch } from './stage.js';
import { normaliseIndicator } from './ti/observable.js';
import type { Indicator } from './ti/types.js';

const DAY = 86_400_000;
const NOW = Date.now();

function ind(raw: string, feed = 'vncert'): Indicator {
  const n = normaliseIndicator(raw);
  if ('error' in n) throw new Error(n.error);
  return { ...n, feed, confidence: 90, tlp: 'amber', firstSeen: NOW - 30 * DAY, description: 'Chiến dịch APT' };
}

function ev(id: string, ageMs: number, fields: Record<string, unknown>): StoredEvent {
  return {
    '@timestamp': new Date(NOW - ageMs).toISOString(),
    'event.id': id,
    'agency.id': '000.00.31.H40',
    'host.name': 'cong-dvc',
    message: `event ${id}`,
    ...fields,
  };
}

const EVENTS: StoredEvent[] = [
  ev('yesterday-ip', DAY, { 'source.ip': '198.51.100.77' }),
  ev('yesterday-net', DAY + 1000, { 'destination.ip': '203.0.113.9' }),
  ev('dns-sub', 2 * DAY, { 'dns.question.name': 'cdn.evil-apt.example' }),
  ev('url', 3 * DAY, { 'url.original': 'http://drop.example/payload.exe' }),
  ev('hash', 4 * DAY, { 'file.hash.sha256': 'A'.repeat(64) }),
  ev('lookalike', DAY, { 'dns.question.name': 'notevil-apt.example', 'source.ip': '198.51.100.7' }),
  ev('too-old', 10 * DAY, { 'source.ip': '198.51.100.77' }),
];
const ADDED = [
  ind('198.51.100.77'),
  ind('203.0.113.0/24'),
  ind('evil-apt.example'),
  ind('http://drop.example/payload.exe'),
  ind('a'.repeat(64)),
];

async function check(store: EventStore, strategy: 'query' | 'scan'): Promise<void> {
  const raised: IndicatorAlert[] = [];
  const n = await retroMatch(
    store,
    ADDED,
    7,
    async (a) => {
      raised.push(a);
    },
    { now: NOW, chunk: 2, strategy },
  );
  expect(n).toBe(5);
  expect(raised.map((a) => a.eventIds[0]).sort()).toEqual(['dns-sub', 'hash', 'url', 'yesterday-ip', 'yesterday-net']);
  const a = raised.find((x) => x.eventIds[0] === 'yesterday-ip')!;
  expect(a).toMatchObject({
    id: 'yesterday-ip:ti',
    ruleId: 'canhgac-threat-intel',
    agencyId: '000.00.31.H40',
    host: 'cong-dvc',
    level: 'high',
    fields: {
      'threat.indicator.type': 'ipv4',
      'threat.indicator.value': '198.51.100.77',
      'threat.indicator.feed': 'vncert',
      'threat.indicator.confidence': 90,
      'threat.indicator.description': 'Chiến dịch APT',
      'threat.found_later': true,
    },
  });
  // Run again: the same alert ids (the incident stage counts an alert id once).
  const again: string[] = [];
  await retroMatch(
    store,
    ADDED,
    7,
    async (x) => {
      again.push(x.id);
    },
    { now: NOW, strategy },
  );
  expect(again.sort()).toEqual(raised.map((x) => x.id).sort());
}

describe('retro-match on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'canhgac-retro-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  test.each(['scan', 'query'] as const)(
    'finds the stored events of the last 7 days naming a new indicator (%s)',
    async (strategy) => {
      const s = openSqliteStores({ path: join(dir, `canhgac-${strategy}.db`) });
      try {
        await s.events.write(SCOPE_ALL, EVENTS);
        await check(s.events, strategy);
      } finally {
        await s.close();
      }
    },
  );
});

describeOpenSearch('retro-match on OpenSearch', (url) => {
  const prefix = testPrefix();
  test.each(['query', 'scan'] as const)(
    'finds the stored events of the last 7 days naming a new indicator (%s)',
    async (strategy) => {
      const s = await openOpenSearchStores({ node: url, prefix: `${prefix}-${strategy}` });
      try {
        await s.events.write(SCOPE_ALL, EVENTS);
        await rest(s.client, 'POST', `/${prefix}-${strategy}-*/_refresh`, undefined);
        await check(s.events, strategy);
      } finally {
        await rest(s.client, 'DELETE', `/${prefix}-${strategy}-*`, undefined, { ok: [404] });
        await rest(s.client, 'DELETE', `/_index_template/${prefix}-${strategy}-*`, undefined, { ok: [404] });
        await s.close();
      }
    },
    60_000,
  );
});
