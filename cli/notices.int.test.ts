/**
 * SLA-breach and silent-host notices end to end: `canhgac start` (embedded) and `canhgac ingest` + `canhgac worker`
 * (distributed: Redis + OpenSearch) send them to a real SMTP server and a webhook receiver on 127.0.0.1 (allowed by
 * notify.allowPrivateDestinations), each exactly once. Time is moved by writing the clocks: an incident whose
 * acknowledge deadline has passed and a host last heard two hours ago. A third incident was opened by a process
 * that stopped before its notice left (its event waits in the incident outbox): the running service sweeps it out,
 * once. Before the outbox, the first two were sent to nobody.
 */

import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../core/config/load.js';
import { LOOPBACK_LISTENERS } from '../tests/kit/loopback.js';
import { projectRoot } from '../core/shared-data.js';
import { IncidentService } from '../incidents/service.js';
import { type HostRecord, hostId } from '../incidents/silent-hosts.js';
import type { Incident } from '../incidents/types.js';
import { openStores } from '../store/index.js';
import { SCOPE_ALL, type StateStore, type Stores } from '../store/types.js';
import { startSmtp, type TestSmtp } from '../tests/smtp.js';
import {
  distributedYaml,
  dropPrefix,
  type Proc,
  spawnCanhgac,
  waitFor,
  writeConfig,
} from '../tests/kit/distributed.js';
import { type Service, startService } from './service.js';

const redisUrl = process.env.CANHGAC_TEST_REDIS_URL;
const opensearchUrl = process.env.CANHGAC_TEST_OPENSEARCH_URL;
const built = existsSync(join(projectRoot, 'dist', 'cli', 'worker.js'));
const A = '000.00.31.H40';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

interface Hook {
  url: string;
  got: { kind: string; title: string }[];
}

async function startHook(): Promise<Hook> {
  const got: Hook['got'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      got.push(JSON.parse(body) as Hook['got'][number]);
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

/**
 * Channels and a route for every severity, an incident past its acknowledge deadline, a host silent for two hours,
 * and an incident opened by a process that stopped before relaying its notice.
 */
async function seed(state: StateStore, hook: Hook): Promise<void> {
  await state.collection<Record<string, unknown>>('channels').put(SCOPE_ALL, {
    id: 'mail',
    name: 'SOC',
    type: 'email',
    enabled: true,
    settings: { to: ['soc@so-tttt.gov.vn'] },
  });
  await state
    .collection<Record<string, unknown>>('channels')
    .put(SCOPE_ALL, { id: 'hook', name: 'hook', type: 'webhook', enabled: true, settings: { url: hook.url } });
  await state
    .collection<Record<string, unknown>>('routes')
    .put(SCOPE_ALL, { id: 'all', minSeverity: 'informational', channelIds: ['mail', 'hook'], language: 'en' });
  // A process that stopped right after its changes: no relay attached, so the events wait in the outbox.
  const stopped = new IncidentService(state, { settings: false });
  const now = Date.now();
  const raise = (rule: string, title: string, host: string) =>
    stopped.ingestAlert({
      id: `a-${randomUUID()}`,
      kind: 'rule',
      ruleId: rule,
      ruleTitle: title,
      level: 'high',
      tags: [],
      agencyId: A,
      host,
      eventIds: [],
      ts: now,
    });
  const late = (await raise('rule-late', 'Late Incident', 'web01')).incident!;
  await raise('rule-unsent', 'Unsent Incident', 'web02');
  // The late incident was notified when it opened; an hour has passed since (its acknowledge deadline is gone).
  const incidents = state.collection<Incident>('incidents');
  const { version, ...base } = late;
  await incidents.put(
    SCOPE_ALL,
    { ...base, outbox: [], outboxPending: false, sla: { ackDueAt: now - 1000, resolveDueAt: now + 3_600_000 } },
    { expectedVersion: version },
  );
  await state.collection<HostRecord>('hosts').put(SCOPE_ALL, {
    id: hostId(A, 'db01.so-tttt.gov.vn'),
    agencyId: A,
    host: 'db01.so-tttt.gov.vn',
    firstSeen: now - 86_400_000,
    lastSeen: now - 7_200_000,
    events: 1000,
    expected: true,
  });
}

/** The kinds and titles each side received, once the three expected notices arrived on both. */
async function received(smtp: TestSmtp, hook: Hook) {
  const mails = () =>
    smtp.mails.map((m) => {
      const unfolded = m.replace(/\r?\n[ \t]+/g, ' ');
      return /^Subject: (.*)$/m.exec(unfolded)?.[1] ?? '';
    });
  const hooks = () => hook.got.map((h) => `${h.kind} ${h.title}`).sort();
  const want = [
    'host.silent Host db01.so-tttt.gov.vn stopped sending logs',
    'incident.created Unsent Incident',
    'sla.breach Late Incident',
  ];
  await waitFor(
    async () => [hooks(), mails()] as const,
    ([h, m]) => want.every((w) => h.includes(w)) && m.length >= 3,
    60_000,
  );
  // Exactly once: three more check rounds (1 s each) add nothing.
  await new Promise((r) => setTimeout(r, 3500));
  return { hooks: hooks(), mails: mails().sort(), want };
}

function expectOnce(got: { hooks: string[]; mails: string[]; want: string[] }): void {
  expect(got.hooks).toEqual(got.want);
  expect(got.mails).toEqual(
    [
      '[canhgac][Medium] Host stopped sending logs: Host db01.so-tttt.gov.vn stopped sending logs',
      '[canhgac][High] New incident: Unsent Incident',
      '[canhgac][High] SLA breached: Late Incident',
    ].sort(),
  );
}

(built ? describe : describe.skip)('SLA-breach and silent-host notices, canhgac start (embedded)', () => {
  it('reach a real SMTP server and a webhook receiver, each once', async () => {
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const hook = await startHook();
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-notices-'));
    const config = loadConfig({
      env: {},
      overrides: {
        dataDir: dir,
        ...LOOPBACK_LISTENERS,
        smtp: { host: '127.0.0.1', port: smtp.port, from: 'canhgac@soc.example.vn' },
        'incidents.checkSeconds': 1,
        'notify.allowPrivateDestinations': ['127.0.0.1/32'],
        // Only notices in the mailbox (a Monday run would mail last week's report to the route's recipients).
        'reports.weekly.enabled': false,
        'reports.semiannual.enabled': false,
      },
    });
    // The store as the previous run left it, then `canhgac start` on it.
    const before = await openStores(config as Parameters<typeof openStores>[0]);
    await seed(before.state, hook);
    await before.close();
    const svc: Service = await startService(config);
    cleanups.push(() => svc.stop());
    expectOnce(await received(smtp, hook));
  }, 120_000);
});

(built && redisUrl && opensearchUrl ? describe : describe.skip)(
  'SLA-breach and silent-host notices, canhgac ingest + worker (distributed)',
  () => {
    it('reach a real SMTP server and a webhook receiver through BullMQ, each once', async () => {
      const smtp = await startSmtp();
      cleanups.push(() => smtp.close());
      const hook = await startHook();
      const prefix = `notices-${randomUUID().slice(0, 8)}`;
      cleanups.push(() => dropPrefix(prefix, opensearchUrl, redisUrl));
      const { dir, file } = writeConfig(
        `${distributedYaml({ redisUrl: redisUrl as string, opensearchUrl: opensearchUrl as string, prefix })}smtp: { host: 127.0.0.1, port: ${smtp.port}, from: canhgac@soc.example.vn }
incidents: { checkSeconds: 1 }
notify: { allowPrivateDestinations: ['127.0.0.1/32'] }
reports: { weekly: { enabled: false }, semiannual: { enabled: false } }
`,
      );
      const stores: Stores = await openStores({
        dataDir: dir,
        store: { kind: 'opensearch', opensearch: { url: opensearchUrl as string, indexPrefix: prefix } },
      });
      cleanups.push(() => stores.close());
      await seed(stores.state, hook);
      const procs: Proc[] = [];
      cleanups.push(async () => {
        for (const p of procs) await p.stop('SIGKILL').catch(() => undefined);
      });
      procs.push(
        await spawnCanhgac(
          ['ingest', '--config', file, '--data-dir', join(dir, 'ingest')],
          join(dir, 'ingest.log'),
          'canhgac ingest: listening',
        ),
      );
      procs.push(
        await spawnCanhgac(
          ['worker', '--config', file, '--data-dir', join(dir, 'worker1')],
          join(dir, 'worker1.log'),
          'canhgac worker: taking',
        ),
      );
      expectOnce(await received(smtp, hook));
    }, 180_000);
  },
);
