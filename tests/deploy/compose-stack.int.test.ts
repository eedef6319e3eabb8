/**
 * The compose deployment's canhgac side without Docker: `canhgac ingest` and `canhgac worker` run (from dist/) with
 * the very file compose mounts (deploy/canhgac.yaml) and the certificates of deploy/certs.sh, against the real Redis
 * and OpenSearch test node. Only what the compose network and mounts would provide is overridden (addresses, ports,
 * certificate paths, a private index prefix and queue). The containers' health checks (deploy/healthcheck.mjs)
 * report healthy, and fail when their target is down; the console and the bootstrap administrator work; syslog over TCP and over TLS (verified against the
 * deployment CA under the name `canhgac`) reaches the OpenSearch event index, and an incident is raised.
 */

import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../core/shared-data.js';
import { testPrefix } from '../kit/opensearch.js';
import { freePort } from '../local-programs.js';

const REDIS = process.env.CANHGAC_TEST_REDIS_URL || undefined;
const OPENSEARCH = process.env.CANHGAC_TEST_OPENSEARCH_URL || undefined;
const HEALTH = join(projectRoot, 'deploy', 'healthcheck.mjs');

/** Runs the containers' health check; true when it exits 0. */
function healthy(args: string[], env: NodeJS.ProcessEnv): boolean {
  return spawnSync('node', [HEALTH, ...args], { env, timeout: 10_000, stdio: 'pipe' }).status === 0;
}

async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  ms: number,
  logs: Record<string, string> = {},
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) {
      const tail = Object.entries(logs).map(([k, v]) => `--- ${k}:\n${v}`);
      throw new Error(`Timed out waiting for ${what}\n${tail.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function count(index: string): Promise<number> {
  const r = await fetch(`${OPENSEARCH}/${index}/_count`);
  if (r.status === 404) return 0;
  return ((await r.json()) as { count: number }).count;
}

const present = Boolean(REDIS && OPENSEARCH);
const run = present ? describe : describe.skip;
if (!present) {
  const why =
    'tests/deploy/compose-stack.int.test.ts needs Redis and OpenSearch: eval "$(bash tools/redis.sh start)" and eval "$(bash tools/opensearch-node/node.sh start)" first.';
  if (process.env.CI || process.env.npm_lifecycle_event === 'test') {
    describe('compose stack', () => {
      it('has Redis and OpenSearch', () => {
        throw new Error(why);
      });
    });
  } else process.stderr.write(`SKIPPED: ${why}\n`);
}

run('deploy/canhgac.yaml running as ingest + worker', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'canhgac-stack-'));
  const certs = join(tmp, 'certs');
  const prefix = testPrefix();
  const children: ChildProcess[] = [];
  const ports: Record<string, number> = {};
  /** The last lines each process wrote, shown when a wait times out. */
  const logs: Record<string, string> = {};
  let env: NodeJS.ProcessEnv = {};

  const start = (command: string, dir: string) => {
    const child = spawn(
      'node',
      [
        join(projectRoot, 'bin', 'canhgac.js'),
        command,
        '--config',
        join(projectRoot, 'deploy', 'canhgac.yaml'),
        '--data-dir',
        join(tmp, dir),
      ],
      { env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    logs[command] = '';
    child.stderr!.on('data', (d: Buffer) => {
      logs[command] = (logs[command] + d.toString()).slice(-3000);
    });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    execFileSync('bash', [join(projectRoot, 'deploy', 'certs.sh'), certs], { stdio: 'pipe' });
    for (const k of ['api', 'intake', 'syslog', 'tls', 'relp']) ports[k] = await freePort();
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // As docker-compose.yml sets them (the test Redis has no password; the test node ignores the user).
      CANHGAC_STORE_OPENSEARCH_PASSWORD: 'unused-by-the-test-node',
      CANHGAC_REDIS_URL: REDIS,
      CANHGAC_ADMIN_PASSWORD: 'Compose-Stack-Admin-1',
      // What the compose network and mounts provide.
      CANHGAC_STORE_OPENSEARCH_URL: OPENSEARCH,
      CANHGAC_STORE_OPENSEARCH_CA_FILE: join(certs, 'ca.pem'),
      CANHGAC_STORE_OPENSEARCH_INDEX_PREFIX: prefix,
      CANHGAC_DISTRIBUTED_QUEUE: prefix,
      CANHGAC_SYSLOG_TLS_CERT_FILE: join(certs, 'canhgac.pem'),
      CANHGAC_SYSLOG_TLS_KEY_FILE: join(certs, 'canhgac-key.pem'),
      CANHGAC_SYSLOG_TLS_CA_FILE: join(certs, 'ca.pem'),
      CANHGAC_SMTP_HOST: '127.0.0.1',
      CANHGAC_API_HOST: '127.0.0.1',
      CANHGAC_API_PORT: String(ports.api),
      CANHGAC_INTAKE_PORT: String(ports.intake),
      CANHGAC_SYSLOG_UDP_PORT: String(ports.syslog),
      CANHGAC_SYSLOG_TCP_PORT: String(ports.syslog),
      CANHGAC_SYSLOG_TLS_PORT: String(ports.tls),
      CANHGAC_SYSLOG_RELP_PORT: String(ports.relp),
      CANHGAC_SPOOL_MAX_BYTES: String(256 * 1024 * 1024),
      CANHGAC_WORKERS: '1',
      // The shipped file refuses senders no agency claims: 127.0.0.1 belongs to an agency, 127.0.0.2 to none.
      CANHGAC_AGENCIES: JSON.stringify([
        { id: '000.00.99.Z01', name: 'Loopback test agency', networks: ['127.0.0.1/32'] },
      ]),
    };
    start('ingest', 'ingest');
    start('worker', 'worker-1');
    const readyz = `http://127.0.0.1:${ports.api}/readyz`;
    await waitFor('ingest to be healthy', () => healthy(['http', readyz], env), 60_000, logs);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    if (OPENSEARCH) {
      await fetch(`${OPENSEARCH}/${prefix}-*`, { method: 'DELETE' });
      await fetch(`${OPENSEARCH}/_index_template/${prefix}-*`, { method: 'DELETE' });
    }
    rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  it('serves the web console and the API on the published API port', async () => {
    const page = await fetch(`http://127.0.0.1:${ports.api}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const login = await fetch(`http://127.0.0.1:${ports.api}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: env.CANHGAC_ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
  });

  it('health checks pass, and fail when their target is down', async () => {
    expect(healthy(['http', `http://127.0.0.1:${ports.api}/readyz`], env)).toBe(true);
    expect(healthy(['redis'], env)).toBe(true);
    const closed = await freePort();
    expect(healthy(['http', `http://127.0.0.1:${closed}/readyz`], env)).toBe(false);
    expect(healthy(['redis'], { ...env, CANHGAC_REDIS_URL: `redis://127.0.0.1:${closed}` })).toBe(false);
    // A password the server does not expect is an unhealthy answer, not a hang.
    expect(healthy(['redis'], { ...env, CANHGAC_REDIS_URL: `redis://:wrong@${new URL(REDIS!).host}` })).toBe(false);
  });

  it('refuses a syslog sender no agency claims (the shipped unclaimedSenders: refuse)', async () => {
    await new Promise<void>((resolve, reject) => {
      const s = netConnect({ host: '127.0.0.1', port: ports.syslog, localAddress: '127.0.0.2' }, () => {
        s.write('<38>web9 sshd[1]: from a sender nobody claims\n');
      });
      s.on('error', () => undefined);
      s.on('close', () => resolve());
      setTimeout(() => reject(new Error('the connection of an unclaimed sender stayed open')), 10_000).unref();
    });
  });

  it('stores syslog from TCP and TLS in OpenSearch and raises an incident', async () => {
    const n = 20;
    const failures = (host: string, ts: string, count: number) =>
      new Promise<void>((resolve, reject) => {
        const s = netConnect({ host: '127.0.0.1', port: ports.syslog }, () => {
          for (let i = 0; i < count; i++)
            s.write(`<38>${ts} ${host} sshd[42]: Failed password for root from 203.0.113.${i} port 22 ssh2\n`);
          s.end(resolve);
        });
        s.on('error', reject);
      });
    // A new installation learns its hosts' normal for 30 minutes (docs/baselines.md): a brute force then is a
    // learning alert without an incident. History from 40 minutes ago makes this a running deployment.
    await failures('backup1', new Date(Date.now() - 40 * 60_000).toISOString(), 10);
    await waitFor(
      "the history's learning alert",
      async () => (await count(`${prefix}-state-alerts`)) >= 1,
      60_000,
      logs,
    );
    expect(await count(`${prefix}-state-incidents`)).toBe(0);
    const now = new Date().toISOString();
    await failures('web1', now, n);
    await new Promise<void>((resolve, reject) => {
      const s = tlsConnect(
        { host: '127.0.0.1', port: ports.tls, servername: 'canhgac', ca: readFileSync(join(certs, 'ca.pem')) },
        () => {
          expect(s.authorized).toBe(true);
          s.end(`<38>${now} web2 app[7]: over tls with the deployment certificate\n`, () => resolve());
        },
      );
      s.on('error', reject);
    });
    await waitFor(
      '31 events in OpenSearch',
      async () => (await count(`${prefix}-events`)) === 10 + n + 1,
      60_000,
      logs,
    );
    await waitFor('an incident', async () => (await count(`${prefix}-state-incidents`)) >= 1, 60_000, logs);
  }, 120_000);
});
