/**
 * REST API throughput: GET /api/v1/incidents?limit=50 (the analyst queue, first page) on the embedded SQLite
 * store holding 100,000 incidents, driven by autocannon over loopback with an analyst API key. Prints one JSON
 * line: requests/s, latency p50/p99 (ms), errors. Floor: 1,000 req/s.
 * Usage: node dist/bench/api-incidents.js [--count N] [--seconds S] [--connections C] [--path P]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp, servicesOf } from '../api/app.js';
import { IncidentService } from '../incidents/service.js';
import type { Incident } from '../incidents/types.js';
import { openSqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL } from '../store/types.js';

/** The part of autocannon's result this benchmark reads (autocannon ships no types). */
interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;

function flag(argv: string[], name: string, dflt: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
}

const argv = process.argv.slice(2);
const count = Number(flag(argv, 'count', '100000'));
const seconds = Number(flag(argv, 'seconds', '10'));
const connections = Number(flag(argv, 'connections', '10'));
const path = flag(argv, 'path', '/api/v1/incidents?limit=50');
const AGENCIES = Array.from({ length: 40 }, (_, i) => `000.00.${String(i + 10).padStart(2, '0')}.H40`);
const STATES = ['new', 'acknowledged', 'in_progress', 'resolved', 'false_positive'] as const;
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

const dir = mkdtempSync(join(tmpdir(), 'canhgac-bench-api-'));
const stores = openSqliteStores({ path: join(dir, 'canhgac.db') });
try {
  const coll = stores.state.collection<Incident>('incidents');
  const t0 = Date.now();
  const base = Date.UTC(2026, 9, 1);
  // One transaction per 10,000 puts: the fill is setup, not what is measured.
  let pending: Promise<unknown>[] = [];
  stores.db.exec('BEGIN');
  for (let i = 0; i < count; i++) {
    if (pending.length === 10_000) {
      await Promise.all(pending);
      pending = [];
      stores.db.exec('COMMIT');
      stores.db.exec('BEGIN');
    }
    const agencyId = AGENCIES[i % AGENCIES.length]!;
    const host = `srv-${i % 997}.tinh.gov.vn`;
    const key = `rule-${i % 300}|${agencyId}|${host}|${i}`;
    const ts = base + i * 25_000;
    const put = coll.put(SCOPE_ALL, {
      id: IncidentService.incidentId(key),
      key,
      title: `Rule ${i % 300} on ${host}`,
      ruleId: `rule-${i % 300}`,
      agencyId,
      host,
      severity: SEVERITIES[i % SEVERITIES.length]!,
      state: STATES[i % STATES.length]!,
      alertCount: 1 + (i % 17),
      firstSeen: ts,
      lastSeen: ts + 60_000,
      attack: ['attack.t1110'],
      alertIds: [`a-${i}`],
      eventIds: [`e-${i}`],
      createdAt: ts,
      updatedAt: ts,
      reopenCount: 0,
      sla: {},
    });
    pending.push(put);
  }
  await Promise.all(pending);
  stores.db.exec('COMMIT');
  stores.db.exec('ANALYZE');
  const seedMs = Date.now() - t0;
  const app = createApiApp({ stores, rateLimit: false, loginRateLimit: false });
  const { key } = await servicesOf(app).auth.createKey('bench', SCOPE_ALL, { name: 'bench', role: 'analyst' });
  const server = createServer(app);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  // autocannon is CommonJS without an ESM entry.
  const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;
  const r = await autocannon({ url, connections, duration: seconds, headers: { authorization: `Bearer ${key}` } });
  await new Promise<void>((res) => {
    server.close(() => res());
    server.closeAllConnections();
  });
  process.stdout.write(
    `${JSON.stringify({
      bench: 'api-incidents',
      path,
      incidents: count,
      seedSeconds: +(seedMs / 1000).toFixed(1),
      connections,
      seconds,
      requestsPerSec: Math.round(r.requests.average),
      latencyP50Ms: r.latency.p50,
      latencyP99Ms: r.latency.p99,
      requests: r.requests.total,
      non2xx: r.non2xx,
      errors: r.errors + r.timeouts,
      floorReqPerSec: 1000,
    })}\n`,
  );
} finally {
  await stores.close();
  rmSync(dir, { recursive: true, force: true });
}
