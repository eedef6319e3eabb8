/**
 * Rough end-to-end throughput of the distributed mode: N syslog lines over TCP into `canhgac ingest`, through
 * Redis to W `canhgac worker` processes, stored in OpenSearch (counted there). Prints events/s and the queue's
 * peak length. Needs a build, a Redis and an OpenSearch:
 *
 *   node dist/bench/distributed.js --redis redis://127.0.0.1:6379 --opensearch http://127.0.0.1:9200 \
 *     [--lines 200000] [--workers 2] [--threads 1] [--fsync always|interval|never] [--flood]
 *
 * --flood: every line is a failed SSH login, over 100 hosts (the shipped brute-force correlation fires every 10th
 * event per host: lines / 10 alerts); the run ends when those alerts are all in incidents.
 * Also prints the CPU-seconds each process used (ingest, workers, Redis, OpenSearch) and per million events
 * stored (docs/capacity.md is sized from these).
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { redisConnection } from '../ingest/forward.js';
import { openStores, SCOPE_ALL } from '../store/index.js';
import {
  countEvents,
  distributedYaml,
  dropPrefix,
  type Proc,
  sendLines,
  spawnCanhgac,
  tcpPortOf,
  testInput,
  writeConfig,
} from '../tests/kit/distributed.js';
import { cpuSample, pidOfPort } from './proc-cpu.js';

const { values } = parseArgs({
  options: {
    redis: { type: 'string' },
    opensearch: { type: 'string' },
    lines: { type: 'string', default: '200000' },
    workers: { type: 'string', default: '2' },
    threads: { type: 'string', default: '1' },
    fsync: { type: 'string', default: 'always' },
    flood: { type: 'boolean', default: false },
  },
});
const redisUrl = values.redis ?? process.env.CANHGAC_TEST_REDIS_URL;
const osUrl = values.opensearch ?? process.env.CANHGAC_TEST_OPENSEARCH_URL;
if (!redisUrl || !osUrl) {
  process.stderr.write('bench-distributed: --redis and --opensearch (or the CANHGAC_TEST_* variables) are needed\n');
  process.exit(2);
}
const n = Number(values.lines);
const prefix = `distbench-${randomUUID().slice(0, 8)}`;
const { dir, file } = writeConfig(
  `${distributedYaml({ redisUrl, opensearchUrl: osUrl, prefix, batchSize: 2000, lockSeconds: 30 })}workers: ${Number(values.threads)}\nspool: { fsync: ${values.fsync} }\n`,
);
const procs: Proc[] = [];
try {
  const ingest = await spawnCanhgac(
    ['ingest', '--config', file, '--data-dir', join(dir, 'ingest')],
    join(dir, 'ingest.log'),
    'canhgac ingest: listening',
  );
  procs.push(ingest);
  for (let i = 1; i <= Number(values.workers); i++)
    procs.push(
      await spawnCanhgac(
        ['worker', '--config', file, '--data-dir', join(dir, `w${i}`)],
        join(dir, `w${i}.log`),
        'canhgac worker: taking',
      ),
    );
  const stores = await openStores({
    dataDir: dir,
    store: { kind: 'opensearch', opensearch: { url: osUrl, indexPrefix: prefix } },
  });
  const queue = new Queue('batches', { connection: redisConnection(redisUrl), prefix });
  const now = new Date().toISOString();
  const input = values.flood
    ? Array.from({ length: n }, (_, i) => ({
        from: '127.0.0.2',
        text: `<38>1 ${now} h${i % 100}.so-tttt.gov.vn sshd 4242 - - Failed password for root from 203.0.113.${i % 250} port 22 ssh2`,
      }))
    : testInput(Math.max(0, n - 87));
  // --flood: alerts of the shipped SSH brute-force correlation (group-by host, 10 events) expected in incidents.
  const wantAlerts = values.flood ? 100 * Math.floor(n / 100 / 10) : 0;
  const bruteForceAlerts = async () =>
    (
      await stores.state
        .collection<{ ruleId: string; alertCount: number }>('incidents')
        .list(SCOPE_ALL, { filter: { ruleId: '6c1e2f4a-8a0b-4d7e-9c1a-2b3c4d5e6f02' }, size: 1000 })
    ).docs.reduce((a, i) => a + i.alertCount, 0);
  // CPU-seconds per process over the run (Redis and OpenSearch are found by port: shared ones include others' load).
  const portOf = (u: string) => Number(new URL(u).port) || undefined;
  const cpu = cpuSample({
    ingest: ingest.child.pid,
    ...Object.fromEntries(procs.slice(1).map((p, i) => [`worker${i + 1}`, p.child.pid])),
    redis: portOf(redisUrl) ? pidOfPort(portOf(redisUrl)!) : undefined,
    opensearch: portOf(osUrl) ? pidOfPort(portOf(osUrl)!) : undefined,
  });
  const t0 = Date.now();
  await sendLines(tcpPortOf(ingest.banner), input);
  const sentMs = Date.now() - t0;
  let stored = 0;
  let alerts = 0;
  let peak = 0;
  while ((stored < input.length || alerts < wantAlerts) && Date.now() - t0 < 30 * 60_000) {
    await new Promise((r) => setTimeout(r, 1000));
    peak = Math.max(peak, await queue.getWaitingCount());
    stored = await countEvents(stores);
    if (wantAlerts) alerts = await bruteForceAlerts();
  }
  const ms = Date.now() - t0;
  // Disk per stored event: the run's event indices (primary store, after a refresh; one node, no replica).
  let bytesPerEvent: number | undefined;
  try {
    await fetch(`${osUrl}/${prefix}*/_refresh`, { method: 'POST' });
    const rows = (await (
      await fetch(`${osUrl}/_cat/indices/${prefix}*?format=json&bytes=b&h=index,docs.count,pri.store.size`)
    ).json()) as { index: string; 'docs.count': string; 'pri.store.size': string }[];
    const ev = rows.filter((r) => r.index.includes('events'));
    const docs = ev.reduce((a, r) => a + Number(r['docs.count']), 0);
    const bytes = ev.reduce((a, r) => a + Number(r['pri.store.size']), 0);
    if (docs > 0) bytesPerEvent = Math.round(bytes / docs);
  } catch {
    bytesPerEvent = undefined;
  }
  const used = cpu.since();
  const perMillion = Object.fromEntries(
    Object.entries(used).map(([k, s]) => [k, Math.round((s / Math.max(1, stored)) * 1e6 * 10) / 10]),
  );
  process.stdout.write(
    `${JSON.stringify({
      lines: input.length,
      stored,
      workers: Number(values.workers),
      threadsPerWorker: Number(values.threads),
      spoolFsync: values.fsync,
      sendSeconds: sentMs / 1000,
      totalSeconds: ms / 1000,
      eventsPerSecond: Math.round((stored / ms) * 1000),
      peakQueuedBatches: peak,
      ...(bytesPerEvent ? { openSearchBytesPerEvent: bytesPerEvent } : {}),
      cpuSeconds: used,
      cpuSecondsPerMillionEvents: perMillion,
      ...(values.flood ? { bruteForceAlerts: alerts, expectedAlerts: wantAlerts } : {}),
    })}\n`,
  );
  await queue.close();
  await stores.close();
} finally {
  for (const p of procs) await p.stop();
  await dropPrefix(prefix, osUrl, redisUrl);
  rmSync(dir, { recursive: true, force: true });
}
