/**
 * End-to-end benchmark of the running service (issue 5): syslog over TCP in -> worker pool (decode, normalise,
 * all rules of ../shared/sigma/rules plus the shipped ones) -> stored and searchable, incidents raised.
 *
 * A sender thread replays a realistic mix — the ../shared/corpus syslog files and loghub samples, minus the lines
 * that any rule matches — at --rate events/s over --connections TCP connections (octet-counted framing) for
 * --seconds, and plants one line in --plant-every that a shipped single-event rule alerts on ("user NOT in
 * sudoers"), each from its own host so each one opens its own incident. Like live traffic, each line carries the
 * time it is sent: its RFC 3164 or RFC 5424 header time, or for lines without a syslog header their own leading
 * time (access and error logs), is replaced by the send time; the rest of the line is verbatim (see TIMES).
 * Prints ONE JSON line:
 *   sent, planted, achieved send rate, events stored (and stored/s during the run and until the backlog drained),
 *   the spool backlog when sending stopped, RSS samples (start, 60 s, mid, end, max; flat = end at most 10 % above
 *   the 60 s mark), receipt -> incident delays (p50/p99/max, from the planted event's event.ingested to the
 *   incident's createdAt), planted incidents missing, and every non-zero drop/rejection counter of /metrics.
 *
 *   npm run build && node dist/bench/e2e-service.js [--rate 20000] [--seconds 300] [--workers 1]
 *       [--connections 4] [--plant-every 2000] [--mode embedded|distributed]
 *       [--drain-seconds 900] [--context on|off] [--indicators 100000] [--storm-every 3]
 *   (profile the main thread: node --cpu-prof --cpu-prof-dir DIR dist/bench/e2e-service.js ...; in distributed
 *   mode --cpu-prof-dir DIR profiles the spawned ingest and worker processes)
 *
 * --mode distributed spawns `canhgac ingest` and two `canhgac worker` processes on Redis (CANHGAC_REDIS_URL or
 * CANHGAC_TEST_REDIS_URL) and OpenSearch (CANHGAC_OPENSEARCH_URL or CANHGAC_TEST_OPENSEARCH_URL), reading the
 * figures from the stores; RSS is the sum over the three processes.
 *
 * --storm-every N: an alert storm, one line in N is an attack line (two attacks alternating: an SSH brute force
 * from 203.0.113.66 against storm-web01, a port scan from 198.51.100.23 through fw01); the line gains `storm`:
 * the incidents of each attack (one expected), the notices a webhook route with a 60-minute re-alert interval
 * received for them (throttled: one per incident expected), and the headline figure `absorbed`: events stored
 * per second while sending over the rate offered (1.0: no backlog beyond the burst).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cliLogsToStderr } from '../cli/logs.js';
import { seedLearnedBaselines, shippedBaselineCorrelations } from '../tests/kit/baselines.js';
import { LOOPBACK_LISTENERS } from '../tests/kit/loopback.js';
import { runSender, templates } from './e2e-sender.js';

const { values: argv } = parseArgs({
  options: {
    rate: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '300' },
    workers: { type: 'string', default: '1' },
    connections: { type: 'string', default: '4' },
    'plant-every': { type: 'string', default: '2000' },
    mode: { type: 'string', default: 'embedded' },
    'drain-seconds': { type: 'string', default: '900' },
    context: { type: 'string', default: 'on' },
    indicators: { type: 'string', default: '100000' },
    'storm-every': { type: 'string', default: '0' },
    'cpu-prof-dir': { type: 'string' },
  },
});
const STORM_EVERY = Number(argv['storm-every']);
const RATE = Number(argv.rate);
const SECONDS = Number(argv.seconds);
const WORKERS = Number(argv.workers);
const CONNECTIONS = Number(argv.connections);
const PLANT_EVERY = Number(argv['plant-every']);
const DRAIN_SECONDS = Number(argv['drain-seconds']);
const MODE = argv.mode === 'distributed' ? 'distributed' : 'embedded';
// --context off: no GeoIP and no threat-intel feed (the figure without the context stages, issue 14).
const CONTEXT = argv.context !== 'off';
const SUDO_RULE_ID = '29b15820-f21f-43b3-b329-f26bbfff2ef8';
const AGENCY = '000.00.31.H40';

process.env.CANHGAC_LOG_LEVEL ??= 'warn';
cliLogsToStderr();
const { projectRoot, sharedPath } = await import('../core/shared-data.js');
const { loadConfig } = await import('../core/config/load.js');
const { registry } = await import('../core/metrics.js');
const { WorkerPool } = await import('../pipeline/pool.js');
const { parseQuery } = await import('../store/query/parse.js');
const { openStores } = await import('../store/index.js');
const { SCOPE_ALL } = await import('../store/types.js');

const say = (m: string) => process.stderr.write(`[bench e2e] ${m}\n`);

const sigmaRules = sharedPath('sigma', 'rules');
const corpus = sharedPath('corpus');
if (!sigmaRules || !corpus) {
  process.stderr.write('bench e2e needs ../shared (sigma/rules and corpus): set CANHGAC_SHARED_DIR\n');
  process.exit(2);
}
const shipped = join(projectRoot, 'rules', 'sigma');

/** Every line of the corpus syslog files and loghub samples. */
function corpusLines(): string[] {
  const files: string[] = [];
  for (const f of readdirSync(join(corpus!, 'syslog'))) if (f.endsWith('.log')) files.push(join(corpus!, 'syslog', f));
  for (const d of readdirSync(join(corpus!, 'loghub'))) {
    const dir = join(corpus!, 'loghub', d);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir)) if (f.endsWith('.log')) files.push(join(dir, f));
  }
  const out: string[] = [];
  for (const f of files)
    for (const l of readFileSync(f, 'utf8').split('\n')) {
      const line = l.replace(/\r$/, '');
      if (line.trim() && Buffer.byteLength(line) < 8000) out.push(line);
    }
  return out;
}

/** Splits the corpus into lines no rule matches (the background) and lines some rule matches (left out). */
async function quietLines(lines: string[]): Promise<{ quiet: string[]; matching: number }> {
  const pool = new WorkerPool({
    size: 1,
    processorModule: join(projectRoot, 'dist', 'pipeline', 'processor.js'),
    options: { ruleDirs: [shipped, sigmaRules!], normalise: {} },
  });
  await pool.start();
  const noisy = new Set<string>();
  const now = Date.now();
  for (let i = 0; i < lines.length; i += 2000) {
    const recs = lines
      .slice(i, i + 2000)
      .map((data, k) => ({ id: String(i + k), receivedAt: now, transport: 'tcp', source: '127.0.0.1', data }));
    const { output } = await pool.run(recs);
    for (const o of output as { event: Record<string, unknown>; matches?: unknown[] }[])
      if (o.matches?.length) noisy.add(String(o.event['event.id']));
  }
  await pool.close();
  return { quiet: lines.filter((_, i) => !noisy.has(String(i))), matching: noisy.size };
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** Non-zero counters of /metrics that count something dropped, rejected, truncated or set aside. */
async function drops(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of await registry.getMetricsAsJSON()) {
    if (String(m.type) !== 'counter' || !/drop|discard|reject|poison|truncat|overflow|refused|error|fail/.test(m.name))
      continue;
    for (const v of m.values as { value: number; labels: Record<string, string | number> }[]) {
      if (!v.value) continue;
      const labels = Object.entries(v.labels)
        .map(([k, x]) => `${k}="${x}"`)
        .join(',');
      out[labels ? `${m.name}{${labels}}` : m.name] = v.value;
    }
  }
  return out;
}

function rssOfPid(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const STORM_HOSTS = ['storm-web01', 'fw01'];

/** A webhook receiver counting the notices per host, and the channel and route (60-minute re-alert) sending there. */
async function stormHook(stores: Awaited<ReturnType<typeof openStores>>) {
  const byHost: Record<string, number> = {};
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const host = STORM_HOSTS.find((h) => body.includes(`"${h}"`)) ?? 'other';
      byHost[host] = (byHost[host] ?? 0) + 1;
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const channel = { id: 'storm-hook', type: 'webhook', name: 'storm', settings: { url }, enabled: true };
  await stores.state.collection('channels').put(SCOPE_ALL, channel);
  const route = { id: 'storm-route', minSeverity: 'low', channelIds: ['storm-hook'], realertMinutes: 60 };
  await stores.state.collection('routes').put(SCOPE_ALL, route);
  return { stores, byHost, close: () => server.close() };
}

/** One incident per attack? How many notices reached the webhook? The headline: stored/s over offered/s. */
async function stormFigures(hook: Awaited<ReturnType<typeof stormHook>>, attackLines: number, storedPerS: number) {
  const incidents = hook.stores.state.collection<{ host?: string; alertCount: number }>('incidents');
  const per: Record<string, { incidents: number; alerts: number }> = {};
  for (const host of STORM_HOSTS) {
    const docs = (await incidents.list(SCOPE_ALL, { filter: { host }, size: 100 })).docs;
    per[host] = { incidents: docs.length, alerts: docs.reduce((a, d) => a + d.alertCount, 0) };
  }
  // Deliveries run on the notifier's timer: give them a few seconds.
  for (let i = 0; i < 20 && Object.keys(hook.byHost).length < STORM_HOSTS.length; i++)
    await new Promise((r) => setTimeout(r, 500));
  return {
    absorbed: Math.round((100 * storedPerS) / RATE) / 100,
    attack_lines: attackLines,
    share: `1 in ${STORM_EVERY}`,
    incidents_per_attack: per,
    notices_received: hook.byHost,
  };
}

// ---------------------------------------------------------------------------------------------------------------

const lines = corpusLines();
const { quiet, matching } = await quietLines(lines);
const mix = templates(quiet);
const restamped = {
  rfc3164_header: mix.filter((t) => t[1] === 1).length,
  rfc5424_header: mix.filter((t) => t[1] === 2).length,
  own_time_no_syslog_header: mix.filter((t) => t[1] > 2).length,
  kept: mix.filter((t) => t[1] === 0).length,
};
say(`corpus: ${lines.length} lines, ${matching} matched a rule and are left out, ${quiet.length} in the mix`);
say(`send time replaces the line's time: ${JSON.stringify(restamped)}`);

const dir = mkdtempSync(join(tmpdir(), 'canhgac-bench-e2e-'));
const baseOverrides: Record<string, unknown> = {
  dataDir: join(dir, 'data'),
  ...LOOPBACK_LISTENERS,
  'rules.dirs': [sigmaRules],
  workers: WORKERS,
  // The few lines whose time is not replaced keep their own (old) ones: retention must not delete them mid-run.
  'store.retentionDays': 36500,
  agencies: [{ id: AGENCY, name: 'Sở Thông tin và Truyền thông', networks: ['127.0.0.0/8'] }],
  // The storm's webhook receiver is on the loopback.
  'notify.allowPrivateDestinations': ['127.0.0.0/8'],
};
mkdirSync(join(dir, 'data'));
if (CONTEXT) {
  // A feed of --indicators addresses and domains none of the mix names (the match cost without hits) plus the
  // shipped GeoIP/ASN databases (the default configuration).
  const feed = join(dir, 'bench-feed.txt');
  const n = Number(argv.indicators);
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(i % 2 ? `198.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` : `c2-${i.toString(36)}.bench.invalid`);
  writeFileSync(feed, `${out.join('\n')}\n`);
  baseOverrides.threatIntel = { feeds: [{ name: 'bench', type: 'list', file: feed, refreshMinutes: 1440 }] };
} else baseOverrides.geoip = { enabled: false };

interface Target {
  syslogTcp: number;
  stores: Awaited<ReturnType<typeof openStores>>;
  /** Events written so far (embedded: counted at the store; distributed: the store's count). */
  written(): Promise<number>;
  /** Records waiting in the spool (embedded; null where there is no local spool). */
  backlog(): number | null;
  rss(): number;
  stop(): Promise<void>;
}

async function embedded(): Promise<Target> {
  const { startService } = await import('../cli/service.js');
  const config = loadConfig({ env: {}, overrides: baseOverrides });
  // A storm on an operator's second day: the shipped baselines past their warm-up (during it the brute force is
  // informational and opens no incident, docs/baselines.md); the distributed mode's start is seeded in Redis.
  if (STORM_EVERY > 0) {
    mkdirSync(config.dataDir, { recursive: true });
    seedLearnedBaselines(config.dataDir);
  }
  const svc = await startService(config);
  const stores = svc.internals.stores;
  // The pipeline's own counter of events written to the store (this process's /metrics).
  const storedMetric = registry.getSingleMetric('canhgac_pipeline_events_stored_total');
  if (!storedMetric) throw new Error('canhgac_pipeline_events_stored_total is not registered');
  const written = async () => (await storedMetric.get()).values.reduce((a, v) => a + v.value, 0);
  return {
    syslogTcp: svc.ports.syslog_tcp!,
    stores,
    written,
    backlog: () => svc.internals.spool.stats().records,
    rss: () => process.memoryUsage().rss,
    stop: () => svc.stop(),
  };
}

/** The distributed twin of seedLearnedBaselines: each shipped baseline correlation learning in Redis since a day. */
async function seedRedisBaselines(url: string, queue: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const { RedisBaselineStore } = await import('../detection/correlation/baseline-redis.js');
  const redis = new Redis(url);
  const store = new RedisBaselineStore(redis, { prefix: `${queue}:corr:` });
  const now = Date.now();
  try {
    for (const c of shippedBaselineCorrelations())
      await store.setStart(c.id, c.timespanMs, now - 24 * 3_600_000, now, 2 * 3_600_000);
  } finally {
    redis.disconnect();
  }
}

async function distributed(): Promise<Target> {
  const redisUrl = process.env.CANHGAC_REDIS_URL ?? process.env.CANHGAC_TEST_REDIS_URL;
  const osUrl = process.env.CANHGAC_OPENSEARCH_URL ?? process.env.CANHGAC_TEST_OPENSEARCH_URL;
  if (!redisUrl || !osUrl)
    throw new Error('--mode distributed needs CANHGAC_REDIS_URL and CANHGAC_OPENSEARCH_URL (or the _TEST_ ones)');
  const prefix = `bench${Date.now().toString(36)}`;
  if (STORM_EVERY > 0) await seedRedisBaselines(redisUrl, prefix);
  const file = join(dir, 'canhgac.yaml');
  writeFileSync(
    file,
    [
      'api: { host: 127.0.0.1, port: 0 }',
      'intake: { host: 127.0.0.1, port: 0 }',
      'syslog:',
      '  udp: { host: 127.0.0.1, port: 0 }',
      '  tcp: { host: 127.0.0.1, port: 0 }',
      '  relp: { host: 127.0.0.1, port: 0 }',
      `rules: { dirs: ['${sigmaRules}'] }`,
      `workers: ${WORKERS}`,
      `agencies: [{ id: '${AGENCY}', name: 'So TTTT', networks: ['127.0.0.0/8'] }]`,
      `redis: { url: '${redisUrl}' }`,
      `store: { kind: opensearch, retentionDays: 36500, opensearch: { url: '${osUrl}', indexPrefix: '${prefix}' } }`,
      `distributed: { queue: '${prefix}' }`,
      "notify: { allowPrivateDestinations: ['127.0.0.0/8'] }",
      '',
    ].join('\n'),
  );
  const procs: ChildProcess[] = [];
  const launch = (cmd: string, dataDir: string, banner: RegExp) =>
    new Promise<{ child: ChildProcess; match: RegExpExecArray }>((resolve, reject) => {
      mkdirSync(dataDir, { recursive: true });
      const child = spawn(
        process.execPath,
        [
          // Distributed: profile ingest and the workers (node refuses --cpu-prof in NODE_OPTIONS).
          ...(argv['cpu-prof-dir'] ? ['--cpu-prof', '--cpu-prof-dir', argv['cpu-prof-dir']] : []),
          join(projectRoot, 'bin', 'canhgac.js'),
          cmd,
          '--config',
          file,
          '--data-dir',
          dataDir,
        ],
        { env: { ...process.env, CANHGAC_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      procs.push(child);
      let err = '';
      const timer = setTimeout(() => reject(new Error(`canhgac ${cmd} did not start in 120 s: ${err}`)), 120_000);
      child.stderr!.on('data', (c: Buffer) => {
        err += c.toString();
        if (err.length > 100_000) err = err.slice(-50_000);
        const m = banner.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve({ child, match: m });
        }
      });
      child.once('exit', (code) => reject(new Error(`canhgac ${cmd} exited with ${code}: ${err.slice(-2000)}`)));
    });
  // The banners of cli/worker.ts and cli/ingest.ts.
  const ingest = await launch('ingest', join(dir, 'ingest'), /canhgac ingest: listening (\{[^}]*\})/);
  for (let i = 1; i <= 2; i++) await launch('worker', join(dir, `worker${i}`), /canhgac worker: taking/);
  const ports = JSON.parse(ingest.match[1]!) as Record<string, number>;
  const config = loadConfig({ file, env: {}, overrides: { dataDir: join(dir, 'data') } });
  const stores = await openStores(config as Parameters<typeof openStores>[0], { retention: false });
  const all = parseQuery('');
  return {
    syslogTcp: ports.syslog_tcp!,
    stores,
    written: async () => {
      await stores.events.refresh();
      return (await stores.events.aggregate(SCOPE_ALL, { query: all, agg: { kind: 'count' } })).count ?? 0;
    },
    backlog: () => null,
    rss: () => procs.reduce((a, p) => a + (p.pid ? rssOfPid(p.pid) : 0), 0),
    stop: async () => {
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(
        procs.map((p) => new Promise<void>((r) => (p.exitCode !== null ? r() : p.once('exit', () => r())))),
      );
      await stores.close();
    },
  };
}

const target = MODE === 'embedded' ? await embedded() : await distributed();
const hook = STORM_EVERY > 0 ? await stormHook(target.stores) : undefined;
say(`${MODE} service up; sending ${RATE} ev/s for ${SECONDS} s over ${CONNECTIONS} connections`);

const rss: { t: number; mb: number }[] = [];
const storedAt: { t: number; n: number }[] = [];
let t0 = 0;
const sampler = setInterval(() => {
  if (!t0) return;
  const t = (Date.now() - t0) / 1000;
  rss.push({ t, mb: Math.round(target.rss() / 1048576) });
  void target.written().then((n) => {
    storedAt.push({ t, n });
    if (Math.round(t) % 30 < 5)
      say(`t=${Math.round(t)} s stored ${n} backlog ${target.backlog()} rss ${rss.at(-1)!.mb} MB`);
  });
}, 5000);
const load = {
  rate: RATE,
  seconds: SECONDS,
  connections: CONNECTIONS,
  plantEvery: STORM_EVERY > 0 ? 1e12 : PLANT_EVERY,
  stormEvery: STORM_EVERY,
};
const done = await runSender(target.syslogTcp, mix, load, (t) => {
  t0 = t;
});
const sendSeconds = (done.t1 - t0) / 1000;
const writtenAtEnd = await target.written();
const backlogAtEnd = target.backlog();
say(`sending done: ${done.sent} in ${sendSeconds.toFixed(1)} s; stored ${writtenAtEnd}; backlog ${backlogAtEnd}`);
// Let the backlog drain (at most --drain-seconds), then read the figures.
let last = writtenAtEnd;
let quietSince = Date.now();
const drainStart = Date.now();
while (Date.now() - drainStart < DRAIN_SECONDS * 1000) {
  await new Promise((r) => setTimeout(r, 1000));
  const n = await target.written();
  if (n >= done.sent) {
    last = n;
    break;
  }
  if (n !== last) {
    last = n;
    quietSince = Date.now();
  } else if (Date.now() - quietSince > 15_000) break;
}
const drainedAt = Date.now();
clearInterval(sampler);

// Searchable: the store's own count of every event, and one planted event found by a search.
await target.stores.events.refresh();
const searchable =
  (await target.stores.events.aggregate(SCOPE_ALL, { query: parseQuery(''), agg: { kind: 'count' } })).count ?? 0;
const plantedFound = (
  await target.stores.events.search(SCOPE_ALL, { query: parseQuery('host.name:"bench-p0"'), size: 10 })
).events.length;

// Receipt -> incident for each planted line: the incident's createdAt minus its event's event.ingested.
const incidents = target.stores.state.collection<{ ruleId: string; createdAt: number; eventIds: string[] }>(
  'incidents',
);
const delays: number[] = [];
let after: string | undefined;
do {
  const page = await incidents.list(SCOPE_ALL, {
    filter: { ruleId: SUDO_RULE_ID },
    size: 1000,
    ...(after ? { after } : {}),
  });
  for (const inc of page.docs) {
    const ev = inc.eventIds[0] ? await target.stores.events.get(SCOPE_ALL, inc.eventIds[0]) : undefined;
    const rin = ev ? Date.parse(String(ev['event.ingested'])) : Number.NaN;
    if (Number.isFinite(rin)) delays.push(inc.createdAt - rin);
  }
  after = page.next;
} while (after);

const at60 = rss.find((r) => r.t >= 60)?.mb ?? null;
const endRss = rss.at(-1)?.mb ?? null;
const duringRun = storedAt.filter((s) => s.t <= sendSeconds);
const result = {
  bench: 'e2e-service',
  mode: MODE,
  context: CONTEXT ? { geoip: 'shipped city + AS', indicators: Number(argv.indicators) } : 'off',
  workers: WORKERS,
  rules_dirs: ['rules/sigma (shipped)', '../shared/sigma/rules'],
  corpus_lines: quiet.length,
  corpus_lines_left_out_matching: matching,
  corpus_lines_send_time_stamped: restamped,
  target_rate: RATE,
  seconds: SECONDS,
  sent: done.sent,
  planted: done.planted,
  send_seconds: Number(sendSeconds.toFixed(1)),
  sent_per_s: Math.round(done.sent / sendSeconds),
  sender_lag_ticks: done.lagged,
  stored_at_send_end: writtenAtEnd,
  stored_per_s_during_run: Math.round(writtenAtEnd / sendSeconds),
  stored_per_s_last_minute_of_run:
    duringRun.length >= 13
      ? Math.round((duringRun.at(-1)!.n - duringRun.at(-13)!.n) / (duringRun.at(-1)!.t - duringRun.at(-13)!.t))
      : null,
  backlog_at_send_end: backlogAtEnd,
  stored_total: last,
  drain_seconds: Number(((drainedAt - done.t1) / 1000).toFixed(1)),
  stored_per_s_until_drained: Math.round(last / ((drainedAt - t0) / 1000)),
  searchable_count: searchable,
  planted_event_found_by_search: plantedFound > 0,
  drained: searchable >= done.sent,
  // Only meaningful once drained: before that, what is missing may still be waiting in the spool.
  not_stored_when_measured: done.sent - searchable,
  backlog_when_measured: target.backlog(),
  rss_mb: {
    start: rss[0]?.mb ?? null,
    at_60s: at60,
    mid: rss[Math.floor(rss.length / 2)]?.mb ?? null,
    end: endRss,
    max: rss.reduce((a, r) => Math.max(a, r.mb), 0),
    // Flat: no growth past the 60 s mark beyond 10 % (a drop is not a leak).
    flat: at60 !== null && endRss !== null ? endRss <= 1.1 * at60 : null,
  },
  incident_delay_ms: {
    incidents: delays.length,
    missing: done.planted - delays.length,
    p50: pct(delays, 50),
    p99: pct(delays, 99),
    max: delays.length ? Math.max(...delays) : null,
  },
  drops: MODE === 'embedded' ? await drops() : 'see the processes /metrics',
  ...(hook ? { storm: await stormFigures(hook, done.stormed, writtenAtEnd / sendSeconds) } : {}),
  note: 'shared 2-core machine: other engineers build and test at the same time; figures are pessimistic',
};
await target.stop();
hook?.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
