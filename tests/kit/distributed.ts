/**
 * What the distributed-mode tests share: a configuration file, `canhgac ingest` / `canhgac worker` as real child
 * processes, syslog over TCP from several loopback addresses (one agency each), and reads of the stores.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { q } from '../../core/event/query.js';
import { removeRedisKeys } from '../../core/redis-keys.js';
import { projectRoot } from '../../core/shared-data.js';
import { parseQuery } from '../../store/query/parse.js';
import { SCOPE_ALL, type Stores } from '../../store/types.js';

/** Agencies by the loopback address their hosts send from. */
export const AGENCY_A = { id: '000.00.31.H40', name: 'Sở Thông tin và Truyền thông', address: '127.0.0.2' };
export const AGENCY_B = { id: '000.00.32.H40', name: 'Sở Y tế', address: '127.0.0.3' };

/** The single-event test rule (beside the shipped SSH brute-force correlation). */
const MARKER_RULE = `title: Distributed Test Marker
id: 7d0c7a11-3f1e-4c55-9a0e-5b1f2d3c4e5f
status: experimental
logsource: { product: linux, service: sshd }
detection:
  keywords: ['canhgac-dist-marker']
  condition: keywords
level: medium
`;

/** Directories made by writeConfig in this process (removeWorkDirs cleans them). */
const made: string[] = [];

/**
 * Removes the data directories (spools, SQLite, uploaded rules) under every directory writeConfig made, keeping
 * the configuration and the processes' logs for a look after a failure.
 */
export function removeWorkDirs(): void {
  for (const dir of made.splice(0))
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory() && entry.name !== 'rules')
        rmSync(join(dir, entry.name), { recursive: true, force: true });
}

/** A temporary directory with the test rule and a configuration file; `extra` is appended YAML. */
export function writeConfig(extra = ''): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'canhgac-dist-'));
  made.push(dir);
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'marker.yml'), MARKER_RULE);
  const file = join(dir, 'canhgac.yaml');
  writeFileSync(
    file,
    `api: { host: 127.0.0.1, port: 0 }
intake: { host: 127.0.0.1, port: 0 }
syslog:
  udp: { host: 127.0.0.1, port: 0 }
  tcp: { host: 127.0.0.1, port: 0 }
  relp: { host: 127.0.0.1, port: 0 }
rules: { dirs: ['${join(dir, 'rules')}'], reloadSeconds: 1 }
agencies:
  - { id: '${AGENCY_A.id}', name: '${AGENCY_A.name}', networks: ['${AGENCY_A.address}/32'] }
  - { id: '${AGENCY_B.id}', name: '${AGENCY_B.name}', networks: ['${AGENCY_B.address}/32'] }
${extra}`,
  );
  return { dir, file };
}

/** YAML for the distributed keys. */
export function distributedYaml(o: {
  redisUrl: string;
  opensearchUrl: string;
  prefix: string;
  batchSize?: number;
  lockSeconds?: number;
}): string {
  return `redis: { url: '${o.redisUrl}' }
store: { kind: opensearch, opensearch: { url: '${o.opensearchUrl}', indexPrefix: '${o.prefix}' } }
distributed: { queue: '${o.prefix}', batchSize: ${o.batchSize ?? 50}, lockSeconds: ${o.lockSeconds ?? 3} }
`;
}

/** A child `canhgac` process. */
export interface Proc {
  child: ChildProcess;
  /** The banner line (stderr) once the process runs. */
  banner: string;
  log: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns `node bin/canhgac.js <args>` and waits (up to 60 s) for its banner on stderr. */
export async function spawnCanhgac(
  args: string[],
  logFile: string,
  bannerStart: string,
  extraEnv: Record<string, string> = {},
): Promise<Proc> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CANHGAC_') && k !== 'JEST_WORKER_ID') env[k] = v;
  env.CANHGAC_LOG_LEVEL = 'warn';
  Object.assign(env, extraEnv);
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'canhgac.js'), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(out);
  let stderr = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner from ${args[0]} in 60 s:\n${stderr}`)), 60_000);
    child.stderr?.on('data', (b: Buffer) => {
      out.write(b);
      stderr += b.toString();
      const line = stderr.split('\n').find((l) => l.startsWith(bannerStart));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited (${code}) before running:\n${stderr}`));
    });
  });
  return {
    child,
    banner,
    log: logFile,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      await new Promise<void>((r) => out.end(() => r()));
    },
  };
}

/** The syslog TCP port from the ingest banner. */
export function tcpPortOf(banner: string): number {
  const m = /listening (\{[^}]*\})/.exec(banner);
  if (!m) throw new Error(`no ports in banner: ${banner}`);
  return (JSON.parse(m[1] as string) as Record<string, number>).syslog_tcp as number;
}

/** A worker's counter value from its /metrics (banner `metrics URL`); 0 when absent. */
export async function workerMetric(banner: string, name: string): Promise<number> {
  const m = / metrics (http\S+)/.exec(banner);
  if (!m) throw new Error(`no metrics URL in banner: ${banner}`);
  const text = await (await fetch(m[1] as string)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** One line to send and the address it comes from. */
export interface Line {
  from: string;
  text: string;
}

/**
 * The test input: SSH brute force over several hosts of two agencies and an unassigned sender (the shipped
 * correlation fires at 10 failures per host in 5 min: 12 -> 1, 25 -> 2, 9 -> 0, 10 -> 1, 31 -> 3), a few hits
 * of the single-event marker rule, and `noise` ordinary lines, interleaved deterministically.
 */
export function testInput(noise: number, now = new Date().toISOString()): Line[] {
  const hosts: [string, string, number, number][] = [
    ['web01.so-tttt.gov.vn', AGENCY_A.address, 12, 3],
    ['web02.so-tttt.gov.vn', AGENCY_A.address, 25, 0],
    ['db01.so-yte.gov.vn', AGENCY_B.address, 9, 2],
    ['mail01.so-yte.gov.vn', AGENCY_B.address, 10, 0],
    ['app01.example.vn', '127.0.0.1', 31, 1],
  ];
  const lines: Line[] = [];
  for (const [host, from, fails, marks] of hosts) {
    for (let i = 0; i < fails; i++)
      lines.push({
        from,
        text: `<38>1 ${now} ${host} sshd 4242 - - Failed password for root from 203.0.113.${i} port 22 ssh2`,
      });
    for (let i = 0; i < marks; i++)
      lines.push({ from, text: `<38>1 ${now} ${host} sshd 7 - - canhgac-dist-marker ${i}` });
  }
  for (let i = 0; i < noise; i++) {
    const [host, from] = hosts[i % hosts.length] as [string, string, number, number];
    lines.push({
      from,
      text: `<86>1 ${now} ${host} sshd 99 - - pam_unix(sshd:session): session opened for user u${i}`,
    });
  }
  // Deterministic shuffle (LCG), so one host's failures spread over many batches and both workers.
  let seed = 42;
  for (let i = lines.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [lines[i], lines[j]] = [lines[j] as Line, lines[i] as Line];
  }
  return lines;
}

/** The host of `historyInput`: no other test line names it. */
export const HISTORY_HOST = 'backup01.so-tttt.gov.vn';

/**
 * The service's history: 10 failed SSH logins on one host 40 minutes before `now`. Learned baselines
 * (docs/baselines.md) start at a correlation's first observation and learn for `warmup` (30 min for the shipped
 * brute-force rule): alerts raised meanwhile are informational ("learning") and open no incident of their own.
 * Sent (and its alert awaited, `awaitHistory`) before the test input, it makes the service one that has watched
 * for 40 minutes, so the input's brute force is judged as on any ordinary day: 10 in 5 min on a host whose
 * normal is 0 fires at the rule's level. The history's own alert is the learning one (informational).
 */
export function historyInput(now = Date.now()): Line[] {
  const ts = new Date(now - 40 * 60_000).toISOString();
  return Array.from({ length: 10 }, (_, i) => ({
    from: '127.0.0.1',
    text: `<38>1 ${ts} ${HISTORY_HOST} sshd 4242 - - Failed password for admin from 198.51.100.${i} port 22 ssh2`,
  }));
}

/** Waits until the history's learning alert is stored, i.e. the correlation has seen the history. */
export async function awaitHistory(stores: Stores, timeoutMs = 30_000): Promise<void> {
  const got = await waitFor(
    () => alertSummary(stores),
    (v) => v.some((x) => x.includes(` ${HISTORY_HOST} `)),
    timeoutMs,
  );
  if (!got.some((x) => x.includes(` ${HISTORY_HOST} `)))
    throw new Error(`the history's alert on ${HISTORY_HOST} was not raised within ${timeoutMs} ms`);
}

/** Sends lines over syslog TCP (octet counting), one connection per source address, all at once. */
export async function sendLines(port: number, lines: readonly Line[]): Promise<void> {
  const bySource = new Map<string, string[]>();
  for (const l of lines) {
    const list = bySource.get(l.from);
    if (list) list.push(l.text);
    else bySource.set(l.from, [l.text]);
  }
  await Promise.all(
    [...bySource].map(
      ([from, texts]) =>
        new Promise<void>((resolve, reject) => {
          const sock = connect({ port, host: '127.0.0.1', localAddress: from }, () =>
            sock.end(texts.map((t) => `${Buffer.byteLength(t)} ${t}`).join('')),
          );
          sock.on('close', () => resolve());
          sock.on('error', reject);
        }),
    ),
  );
}

/** Stored events (all, or matching a query string). */
export async function countEvents(stores: Stores, query?: string): Promise<number> {
  await stores.events.refresh();
  const r = await stores.events.aggregate(SCOPE_ALL, {
    query: query ? parseQuery(query) : q.all(),
    agg: { kind: 'count' },
  });
  return r.count ?? 0;
}

/**
 * Incidents as the comparison sees them: rule, agency, host, alert count; sorted. An incident merged into another
 * (an alert bridged the two: incidents/merge.ts) is a closed pointer, not an incident of its own.
 */
export async function incidentSummary(stores: Stores): Promise<string[]> {
  const docs = (
    await stores.state
      .collection<{ ruleId: string; agencyId: string; host?: string; alertCount: number; mergedInto?: string }>(
        'incidents',
      )
      .list(SCOPE_ALL, { size: 1000 })
  ).docs;
  return docs
    .filter((i) => !i.mergedInto)
    .map((i) => `${i.ruleId} ${i.agencyId} ${i.host ?? '-'} ${i.alertCount}`)
    .sort();
}

/** The alerts of a store as sorted `ruleId agency host count` lines (what was raised, whatever incident holds it). */
export async function alertSummary(stores: Stores): Promise<string[]> {
  const docs = (
    await stores.state
      .collection<{ ruleId: string; agencyId: string; host?: string }>('alerts')
      .list(SCOPE_ALL, { size: 5000 })
  ).docs;
  const n = new Map<string, number>();
  for (const a of docs) {
    const k = `${a.ruleId} ${a.agencyId} ${a.host ?? '-'}`;
    n.set(k, (n.get(k) ?? 0) + 1);
  }
  return [...n].map(([k, c]) => `${k} ${c}`).sort();
}

/**
 * Removes what a run left under `prefix`: its OpenSearch indexes and templates, and its Redis keys (queues,
 * correlation windows, replay claims), so the shared test node and Redis do not fill up run after run.
 */
export async function dropPrefix(prefix: string, opensearchUrl: string | undefined, redisUrl: string | undefined) {
  if (opensearchUrl) {
    for (const path of [`/${prefix}-*`, `/_index_template/${prefix}-*`])
      await fetch(`${opensearchUrl}${path}`, { method: 'DELETE' }).catch(() => undefined);
  }
  if (redisUrl) await removeRedisKeys(redisUrl, [prefix]);
}

/** Polls `fn` until `done(value)` or the timeout; returns the last value. */
export async function waitFor<T>(fn: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  // A store that is momentarily unavailable (an index being created by a worker right now) is "not yet", not a
  // failure, until the deadline: the last such error is thrown if the condition never held.
  const probe = async (): Promise<{ v?: T; err?: unknown }> => {
    try {
      return { v: await fn() };
    } catch (err) {
      if ((err as { code?: string }).code === 'CANHGAC_ERR_STORE_UNAVAILABLE' && Date.now() < end) return { err };
      throw err;
    }
  };
  let r = await probe();
  while ((r.err !== undefined || !done(r.v as T)) && Date.now() < end) {
    await new Promise((res) => setTimeout(res, 250));
    r = await probe();
  }
  if (r.err !== undefined) throw r.err;
  return r.v as T;
}
