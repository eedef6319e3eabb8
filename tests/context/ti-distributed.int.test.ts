/**
 * The threat-intel page's API in distributed mode, against real Redis and the OpenSearch test node, with
 * `canhgac ingest` and `canhgac worker` as real processes: the feeds live in the workers only, yet the ingest API's
 * indicator search answers from them (exact value, covering network, parent domain), sees a local indicator the
 * moment it is added, says 503 while no worker runs (and 400 for a value that is no indicator, worker or not), and
 * the feed page keeps the matches a worker counted after that worker is restarted.
 */

import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../core/shared-data.js';
import {
  distributedYaml,
  dropPrefix,
  type Proc,
  removeWorkDirs,
  sendLines,
  spawnCanhgac,
  tcpPortOf,
  waitFor,
  writeConfig,
} from '../kit/distributed.js';

const redisUrl = process.env.CANHGAC_TEST_REDIS_URL;
const opensearchUrl = process.env.CANHGAC_TEST_OPENSEARCH_URL;
const built = existsSync(join(projectRoot, 'dist', 'cli', 'worker.js'));
const ready = Boolean(redisUrl && opensearchUrl && built);
if (!ready)
  process.stderr.write(
    `SKIPPED: ti-distributed.int.test.ts needs ${[
      redisUrl ? '' : 'CANHGAC_TEST_REDIS_URL (tools/redis.sh start)',
      opensearchUrl ? '' : 'CANHGAC_TEST_OPENSEARCH_URL (tools/opensearch-node/node.sh start)',
      built ? '' : 'a build (npm run build)',
    ]
      .filter(Boolean)
      .join(', ')}.\n`,
  );

const KEY = 'ti-distributed-test-admin-key-0123456789abcdef';
const procs: Proc[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  for (const p of procs) await p.stop('SIGKILL').catch(() => undefined);
  for (const p of prefixes) await dropPrefix(p, opensearchUrl, redisUrl);
  removeWorkDirs();
});

interface Hit {
  value: string;
  feed: string;
  type: string;
}
interface Feed {
  name: string;
  indicators: number;
  matchesByDay: Record<string, number>;
  reportedAt: number;
  workers: number;
}

(ready ? describe : describe.skip)('threat intel in canhgac ingest (distributed)', () => {
  it('searches the workers’ feeds, sees local indicators at once, and keeps matches across a worker restart', async () => {
    const prefix = `tid-${randomUUID().slice(0, 8)}`;
    prefixes.push(prefix);
    const probe = writeConfig();
    const feedFile = join(probe.dir, 'vncert.txt');
    writeFileSync(feedFile, '# VNCERT/CC\n203.0.113.250\n198.51.100.0/24 # botnet\nevil-site.vn\n');
    const { dir, file } = writeConfig(
      `${distributedYaml({ redisUrl: redisUrl!, opensearchUrl: opensearchUrl!, prefix })}` +
        `threatIntel: { feeds: [{ name: vncert, type: list, file: '${feedFile}', confidence: 90 }] }\n`,
    );
    const ingest = await spawnCanhgac(
      ['ingest', '--config', file, '--data-dir', join(dir, 'ingest')],
      join(dir, 'ingest.log'),
      'canhgac ingest: listening',
      { CANHGAC_BOOTSTRAP_API_KEY: KEY },
    );
    procs.push(ingest);
    const apiUrl = /API (http\S+);/.exec(ingest.banner)?.[1];
    expect(apiUrl).toBeDefined();
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const get = async (path: string) => {
      const r = await fetch(`${apiUrl}${path}`, { headers });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const search = (v: string) => get(`/api/v1/threat-intel/search?value=${encodeURIComponent(v)}`);
    const worker = async (n: number) => {
      const w = await spawnCanhgac(
        ['worker', '--config', file, '--data-dir', join(dir, `worker${n}`)],
        join(dir, `worker${n}.log`),
        'canhgac worker: taking',
      );
      procs.push(w);
      return w;
    };

    // No worker yet: nobody holds the feeds. A value that is no indicator is refused all the same.
    const none = await search('203.0.113.250');
    expect(none.status).toBe(503);
    expect((none.body.error as { code: string }).code).toBe('CANHGAC_ERR_API_UNAVAILABLE');
    expect((await search('not an indicator')).status).toBe(400);

    const w1 = await worker(1);
    const exact = await search('203.0.113.250');
    expect(exact.status).toBe(200);
    expect((exact.body.hits as Hit[]).map((h) => [h.feed, h.value])).toEqual([['vncert', '203.0.113.250']]);
    expect(((await search('198.51.100.77')).body.hits as Hit[]).map((h) => h.value)).toEqual(['198.51.100.0/24']);
    expect(((await search('cdn.Evil-Site.vn')).body.hits as Hit[]).map((h) => h.value)).toEqual(['evil-site.vn']);
    expect((await search('192.0.2.44')).body.hits).toEqual([]);

    // A local indicator added through the ingest API is found by the very next search.
    const add = await fetch(`${apiUrl}/api/v1/threat-intel/local`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ value: '192.0.2.44', reason: 'Quét cổng vào cổng dịch vụ công' }),
    });
    expect(add.status).toBe(201);
    expect(((await search('192.0.2.44')).body.hits as Hit[]).map((h) => [h.feed, h.value])).toEqual([
      ['local', '192.0.2.44'],
    ]);

    // A feed added by an administrator through the ingest API is loaded by the worker without a restart (the
    // worker is told on the change channel and loads it before it answers the next search); paused, it is gone.
    const http = createServer((_req, res) => res.writeHead(200).end('phish-dvc.example\n'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const feedUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/list.txt`;
    const addFeed = await fetch(`${apiUrl}/api/v1/threat-intel/feeds`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'so-tttt', type: 'list', url: feedUrl }),
    });
    expect(addFeed.status).toBe(201);
    expect(((await search('phish-dvc.example')).body.hits as Hit[]).map((h) => [h.feed, h.value])).toEqual([
      ['so-tttt', 'phish-dvc.example'],
    ]);
    const pause = await fetch(`${apiUrl}/api/v1/threat-intel/feeds/so-tttt`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ enabled: false }),
    });
    expect(pause.status).toBe(200);
    expect((await search('phish-dvc.example')).body.hits).toEqual([]);
    await new Promise((r) => http.close(r));

    // An event from the listed address is matched by the worker; the feed page counts it.
    const now = new Date().toISOString();
    await sendLines(tcpPortOf(ingest.banner), [
      {
        from: '127.0.0.1',
        text: `<38>1 ${now} web01 sshd 4242 - - Failed password for root from 203.0.113.250 port 22 ssh2`,
      },
    ]);
    const today = now.slice(0, 10);
    const feeds = async () => ((await get('/api/v1/threat-intel/feeds')).body.items ?? []) as Feed[];
    const counted = async () => (await feeds()).find((f) => f.name === 'vncert')?.matchesByDay[today] ?? 0;
    // The worker publishes every 30 s and on stop: stop it once the match is stored, then restart.
    await waitFor(
      async () => {
        const r = await fetch(`${apiUrl}/api/v1/incidents`, { headers });
        return ((await r.json()) as { items: { ruleId?: string }[] }).items.length;
      },
      (n) => n > 0,
      30_000,
    );
    await w1.stop('SIGTERM');
    expect(await waitFor(counted, (n) => n === 1, 10_000)).toBe(1);
    expect((await feeds()).find((f) => f.name === 'vncert')?.workers).toBe(0);
    const w2 = await worker(2);
    // The restarted worker publishes its own (empty) counts; the earlier match stays counted beside them.
    const after = await waitFor(feeds, (fs) => fs.some((f) => f.name === 'vncert' && f.workers === 1), 20_000);
    const vncert = after.find((f) => f.name === 'vncert')!;
    expect(vncert.indicators).toBe(3);
    expect(vncert.matchesByDay[today]).toBe(1);
    expect(after.find((f) => f.name === 'local')?.indicators).toBe(1);
    expect((await search('203.0.113.250')).status).toBe(200);
    await w2.stop('SIGTERM');
    await ingest.stop('SIGTERM');
  }, 150_000);
});
