/**
 * Redis restarted under the distributed mode while syslog keeps arriving: ingest keeps accepting into its spool
 * (batches it cannot queue stay there), the worker reconnects, and every event is stored in OpenSearch: the ones
 * sent before, during the outage and after the restart. The test runs its own redis-server (append-only file on,
 * as a deployment should) on a fixed port so it can stop and start it without touching the shared test Redis.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../core/shared-data.js';
import { openStores } from '../store/index.js';
import type { Stores } from '../store/types.js';
import {
  countEvents,
  distributedYaml,
  dropPrefix,
  removeWorkDirs,
  type Line,
  type Proc,
  sendLines,
  spawnCanhgac,
  tcpPortOf,
  waitFor,
  writeConfig,
} from '../tests/kit/distributed.js';
import { freePort } from '../tests/local-programs.js';

const opensearchUrl = process.env.CANHGAC_TEST_OPENSEARCH_URL;
const hasRedis = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const built = existsSync(join(projectRoot, 'dist', 'cli', 'worker.js'));
const ready = Boolean(opensearchUrl && hasRedis && built);
if (!ready)
  process.stderr.write(
    `SKIPPED: redis-restart.int.test.ts needs ${[
      opensearchUrl ? '' : 'CANHGAC_TEST_OPENSEARCH_URL (tools/opensearch-node/node.sh start)',
      hasRedis ? '' : 'redis-server (tools/deps.sh)',
      built ? '' : 'a build (npm run build)',
    ]
      .filter(Boolean)
      .join(', ')}.\n`,
  );

const procs: Proc[] = [];
let redis: ChildProcess | undefined;
let stores: Stores | undefined;
let prefix = '';
let redisDir = '';
afterAll(async () => {
  for (const p of procs) await p.stop('SIGKILL').catch(() => undefined);
  if (redis && redis.exitCode === null && redis.signalCode === null) {
    const gone = new Promise((r) => redis!.once('exit', r));
    redis.kill('SIGKILL');
    await gone;
  }
  await stores?.close();
  if (prefix) await dropPrefix(prefix, opensearchUrl, undefined);
  removeWorkDirs();
  if (redisDir) rmSync(redisDir, { recursive: true, force: true });
});

async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'ignore' });
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('redis-server did not start');
}

function lines(phase: string, n: number, from = 0): Line[] {
  const now = new Date().toISOString();
  return Array.from({ length: n }, (_, i) => ({
    from: '127.0.0.1',
    text: `<86>1 ${now} ${phase}.example.vn app 1 - - restart test line ${from + i}`,
  }));
}

(ready ? describe : describe.skip)('distributed mode: Redis restarted while ingesting', () => {
  it('resumes, and stores every event sent before, during and after the restart', async () => {
    const port = await freePort();
    redisDir = mkdtempSync(join(tmpdir(), 'canhgac-redis-'));
    redis = await startRedis(port, redisDir);
    prefix = `distrr-${randomUUID().slice(0, 8)}`;
    const { dir, file } = writeConfig(
      distributedYaml({ redisUrl: `redis://127.0.0.1:${port}`, opensearchUrl: opensearchUrl as string, prefix }),
    );
    const ingest = await spawnCanhgac(
      ['ingest', '--config', file, '--data-dir', join(dir, 'ingest')],
      join(dir, 'ingest.log'),
      'canhgac ingest: listening',
    );
    procs.push(ingest);
    procs.push(
      await spawnCanhgac(
        ['worker', '--config', file, '--data-dir', join(dir, 'w1')],
        join(dir, 'w1.log'),
        'canhgac worker: taking',
      ),
    );
    stores = await openStores({
      dataDir: dir,
      store: { kind: 'opensearch', opensearch: { url: opensearchUrl as string, indexPrefix: prefix } },
    });
    const s = stores;
    const tcp = tcpPortOf(ingest.banner);
    const count = (phase: string) => countEvents(s, `host.name:"${phase}.example.vn"`);

    // Before: flowing.
    await sendLines(tcp, lines('before', 300));
    expect(
      await waitFor(
        () => count('before'),
        (n) => n >= 300,
        20_000,
      ),
    ).toBe(300);

    // During: Redis goes away (clean shutdown, the append-only file keeps what was queued); intake goes on.
    const exited = new Promise((r) => redis!.once('exit', r));
    execFileSync('redis-cli', ['-p', String(port), 'shutdown']);
    await exited;
    for (let i = 0; i < 10; i++) {
      await sendLines(tcp, lines('during', 30, i * 30));
      await new Promise((r) => setTimeout(r, 100));
    }
    // After: the same port again.
    redis = await startRedis(port, redisDir);
    for (let i = 0; i < 10; i++) {
      await sendLines(tcp, lines('after', 30, i * 30));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(
      await waitFor(
        () => count('after'),
        (n) => n >= 300,
        45_000,
      ),
    ).toBe(300);
    expect(
      await waitFor(
        () => count('during'),
        (n) => n >= 300,
        10_000,
      ),
    ).toBe(300);
    expect(await count('before')).toBe(300);
  }, 90_000);
});
