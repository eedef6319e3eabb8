/**
 * Console page content and push latency on the embedded SQLite store holding 100,000 incidents and 1,000,000
 * events (40 agencies). For each page, the API requests the page waits on are sent together, as the console does,
 * and the time until the last answer is the page's content time (median of 5, after one warm-up). Then a
 * server-sent events client is connected and incidents are stored through the incident service: the time from
 * the store write to the `incidents` event is the push latency (median and max of 5). Prints one JSON line.
 * Floors: content < 500 ms per page, push < 1,000 ms.
 * Usage: node dist/bench/console-pages.js [--incidents N] [--events N] [--db FILE] [--detail] [--migrate]
 * --db keeps the seeded database in FILE and reuses it when it exists (re-measure without seeding again);
 * --detail adds each request's median time; --migrate turns the freshly seeded file back into schema 3 (no
 * entity columns) and times opening it (the one-time migration to schema 4), then measures on the migrated file.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp, servicesOf } from '../api/app.js';
import { IncidentService } from '../incidents/service.js';
import type { Incident } from '../incidents/types.js';
import { openSqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL } from '../store/types.js';

function flag(argv: string[], name: string, dflt: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
}

const argv = process.argv.slice(2);
const INCIDENTS = Number(flag(argv, 'incidents', '100000'));
const EVENTS = Number(flag(argv, 'events', '1000000'));
const AGENCIES = Array.from({ length: 40 }, (_, i) => `000.00.${String(i + 10).padStart(2, '0')}.H40`);
const STATES = ['new', 'acknowledged', 'in_progress', 'resolved', 'false_positive'] as const;
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const keep = flag(argv, 'db', '');
const DETAIL = argv.includes('--detail');
const dir = keep ? '' : mkdtempSync(join(tmpdir(), 'canhgac-bench-console-'));
const dbFile = keep || join(dir, 'canhgac.db');
const reuse = keep !== '' && existsSync(keep);
const MIGRATE = argv.includes('--migrate');
let stores = openSqliteStores({ path: dbFile });
let migrateMs: number | undefined;
try {
  const t0 = Date.now();
  // A reused database keeps its own 'now' (the time it was seeded), so the pages read the same data.
  const now = reuse ? Number(stores.db.prepare('SELECT max(ts) FROM events').pluck().get()) + 60_000 : Date.now();
  let probe = '';
  let eventsMs = 0;
  if (!reuse) {
    // Events over the last 30 days, newest last; every 1,000th belongs to the probe incident below.
    for (let i = 0; i < EVENTS; i += 10_000) {
      const batch = [];
      for (let j = i; j < Math.min(EVENTS, i + 10_000); j++)
        batch.push({
          'event.id': `ev-${j}`,
          '@timestamp': new Date(now - 30 * 86_400_000 + Math.floor((j * 30 * 86_400_000) / EVENTS)).toISOString(),
          'agency.id': AGENCIES[j % AGENCIES.length]!,
          'host.name': `srv-${j % 997}.tinh.gov.vn`,
          'logsource.product': 'linux',
          'source.ip': `203.0.113.${j % 250}`,
          'user.name': `user${j % 50}`,
          message: `sshd[${j % 9999}]: Failed password for user${j % 50} from 203.0.113.${j % 250} port ${j % 60000} ssh2`,
        });
      await stores.events.write(SCOPE_ALL, batch);
    }
    eventsMs = Date.now() - t0;
    const coll = stores.state.collection<Incident>('incidents');
    let pending: Promise<unknown>[] = [];
    stores.db.exec('BEGIN');
    for (let i = 0; i < INCIDENTS; i++) {
      if (pending.length === 10_000) {
        await Promise.all(pending);
        pending = [];
        stores.db.exec('COMMIT');
        stores.db.exec('BEGIN');
      }
      const agencyId = AGENCIES[i % AGENCIES.length]!;
      const host = `srv-${i % 997}.tinh.gov.vn`;
      const key = `rule-${i % 300}|${agencyId}|${host}|${i}`;
      const ts = now - 30 * 86_400_000 + i * 25_000;
      pending.push(
        coll.put(SCOPE_ALL, {
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
          eventIds: [`ev-${(i * 10) % EVENTS}`],
          createdAt: ts,
          updatedAt: ts,
          reopenCount: 0,
          sla: {},
        }),
      );
    }
    await Promise.all(pending);
    stores.db.exec('COMMIT');
    // The probe incident: 1,500 alerts over events of one host (the investigation page's worst case).
    const svc1 = new IncidentService(stores.state);
    for (let n = 0; n < 1500; n++) {
      const out = await svc1.ingestAlert({
        id: `probe-${n}`,
        kind: 'rule',
        ruleId: 'probe-rule',
        ruleTitle: 'SSH Brute Force Against One Host',
        level: 'high',
        tags: ['attack.t1110.001'],
        agencyId: AGENCIES[0]!,
        host: 'srv-0.tinh.gov.vn',
        eventIds: [`ev-${(n * 1000) % EVENTS}`],
        ts: now - 3_600_000 + n * 1000,
      });
      probe = out.incident!.id;
    }
    stores.db.exec('ANALYZE');
  } else {
    const page = await stores.state
      .collection<Incident>('incidents')
      .list(SCOPE_ALL, { filter: { ruleId: 'probe-rule' }, size: 1 });
    probe = page.docs[0]!.id;
  }
  const seedMs = Date.now() - t0;
  if (MIGRATE && !reuse) {
    // Back to schema 3 (what an existing install has), then the migration as the service's start runs it.
    for (const c of ['src_ip', 'dst_ip', 'host_ip', 'user_name'])
      stores.db.exec(`DROP INDEX events_${c}_ts; ALTER TABLE events DROP COLUMN ${c};`);
    stores.db.pragma('user_version = 3');
    await stores.close();
    const m0 = Date.now();
    stores = openSqliteStores({ path: dbFile });
    migrateMs = Date.now() - m0;
    stores.db.exec('ANALYZE');
  }
  const svc0 = new IncidentService(stores.state);

  const app = createApiApp({ stores, incidents: svc0, rateLimit: false, loginRateLimit: false, consoleDir: false });
  const { key } = await servicesOf(app).auth.createKey('bench', SCOPE_ALL, { name: 'bench', role: 'analyst' });
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const headers = { authorization: `Bearer ${key}` };
  const get = async (p: string) => {
    const r = await fetch(base + p, { headers });
    if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<Record<string, unknown>>;
  };
  const day = new Date(now - 86_400_000).toISOString();
  const hour = new Date(now - 3_600_000).toISOString();
  const from = encodeURIComponent(new Date(now - 2 * 3_600_000).toISOString());
  const inc = encodeURIComponent(probe);
  const pages: Record<string, string[]> = {
    overview: [
      `/api/v1/aggregations?kind=date_histogram&from=${encodeURIComponent(hour)}&intervalMinutes=1`,
      '/api/v1/incidents?sort=-lastSeen&limit=1000',
      '/api/v1/agencies?limit=1000',
    ],
    queue: [
      '/api/v1/incidents?state=new,acknowledged,in_progress&sort=-lastSeen&limit=200',
      '/api/v1/agencies?limit=1000',
    ],
    // What the incident page asks since the 25 event reads became one search of the incident's newest events.
    incident: [
      `/api/v1/incidents/${inc}`,
      `/api/v1/alerts?incidentId=${inc}&limit=200`,
      `/api/v1/incidents/${inc}/comments?limit=500`,
      `/api/v1/audit?targetId=${inc}&limit=200`,
      `/api/v1/events?incidentId=${inc}&limit=25&from=${from}`,
      `/api/v1/aggregations?kind=count&incidentId=${inc}&from=${from}`,
      `/api/v1/aggregations?kind=count&incidentId=${inc}&from=${from}`, // (the summary asks it again)
      ...['source.ip', 'host.name', 'destination.ip', 'user.name'].map(
        (f) => `/api/v1/aggregations?kind=terms&field=${f}&size=5&incidentId=${inc}&from=${from}`,
      ),
    ],
    // The search page's total is its histogram's sum since the separate count went.
    search24h: [
      `/api/v1/events?q=sshd&from=${encodeURIComponent(day)}&limit=50`,
      `/api/v1/aggregations?kind=date_histogram&q=sshd&from=${encodeURIComponent(day)}&intervalMinutes=30`,
    ],
    rules: ['/api/v1/rules?limit=500', '/api/v1/rule-stats'],
    attack: ['/api/v1/attack-matrix?days=30'],
    // Entity pages over their default 7 days: an address in 1 of 250 events, a host in 1 of 997, an account in 1
    // of 50 (indexed columns in the embedded store since schema 4).
    entityIp: ['/api/v1/entities/ip/203.0.113.7'],
    entityHost: ['/api/v1/entities/host/srv-5.tinh.gov.vn'],
    entityUser: ['/api/v1/entities/user/user7'],
    entityAgency: [`/api/v1/entities/agency/${AGENCIES[3]}`],
  };
  const contentMs: Record<string, number> = {};
  const detailMs: Record<string, number> = {};
  for (const [name, paths] of Object.entries(pages)) {
    await Promise.all(paths.map(get));
    if (DETAIL)
      for (const p of paths) {
        const xs: number[] = [];
        for (let i = 0; i < 3; i++) {
          const s = performance.now();
          await get(p);
          xs.push(performance.now() - s);
        }
        detailMs[`${name} ${p.slice(0, 90)}`] = Math.round(median(xs));
      }
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      await Promise.all(paths.map(get));
      runs.push(performance.now() - s);
    }
    contentMs[name] = Math.round(median(runs));
  }

  // Push: an SSE client, then incidents stored one at a time.
  const ctrl = new AbortController();
  const res = await fetch(`${base}/api/v1/stream`, {
    headers: { ...headers, accept: 'text/event-stream' },
    signal: ctrl.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const nextEvent = async (name: string) => {
    for (;;) {
      const at = buf.indexOf(`event: ${name}\n`);
      if (at >= 0) {
        buf = buf.slice(buf.indexOf('\n\n', at) + 2);
        return;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('stream closed');
      buf += decoder.decode(value, { stream: true });
    }
  };
  await nextEvent('ready');
  const push: number[] = [];
  for (let n = 0; n < 5; n++) {
    const wait = nextEvent('incidents');
    const s = performance.now();
    await svc0.ingestAlert({
      id: `push-${now}-${n}-${Date.now()}`,
      kind: 'rule',
      ruleId: `push-${n}-${Date.now()}`,
      ruleTitle: 'Pushed',
      level: 'critical',
      tags: [],
      agencyId: AGENCIES[1]!,
      host: `push-${n}`,
      eventIds: [],
      ts: Date.now(),
    });
    const stored = performance.now();
    await wait;
    push.push(performance.now() - stored);
    void s;
  }
  ctrl.abort();
  await new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
  const worst = Math.max(...Object.values(contentMs));
  process.stdout.write(
    `${JSON.stringify({
      bench: 'console-pages',
      incidents: INCIDENTS + 1500,
      events: EVENTS,
      seedSeconds: +(seedMs / 1000).toFixed(1),
      eventsSeedSeconds: +(eventsMs / 1000).toFixed(1),
      ...(migrateMs !== undefined ? { migrateSeconds: +(migrateMs / 1000).toFixed(1) } : {}),
      contentMs,
      ...(DETAIL ? { detailMs } : {}),
      contentWorstMs: worst,
      pushMedianMs: Math.round(median(push)),
      pushMaxMs: Math.round(Math.max(...push)),
      floors: { contentMs: 500, pushMs: 1000 },
      ok: worst < 500 && Math.max(...push) < 1000,
    })}\n`,
  );
} finally {
  await stores.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
