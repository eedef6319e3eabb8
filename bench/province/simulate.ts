/**
 * The province simulator's run: builds the province (model.ts), its background (background.ts) and the injected
 * attacks (attacks.ts) from a seed; starts the real embedded service (what `canhgac start` runs: every listener on
 * 127.0.0.1 with kernel-picked ports, a temporary data directory); sends the simulated window compressed by
 * `scale` (syslog over TCP from each agency's relay address 127.0.1.N, Windows events as NDJSON over the HTTP
 * intake with the agency's key); waits until every record is stored; reads alerts and incidents through the REST
 * API; scores them against the ground truth (score.ts).
 *
 * The simulated window ends at the last 17:00 Vietnam time before the run (windowEnd), so every event time is in
 * the past (correlation works on event times; a time ahead of the wall clock would be clamped) and a seed gives the
 * same lines whenever it runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ATTACK_KINDS, type Attack, type AttackKind, planAttacks } from './attacks.js';
import { backgroundGenerators } from './background.js';
import { type Agency, buildProvince, DEFAULT_RATES, type Rates, Rng, type SimEvent } from './model.js';
import { type AlertView, candidates, type IncidentView, type Score, score } from './score.js';

/** Options of one run. */
export interface ProvinceOptions {
  seed: number;
  /** Simulated hours. */
  hours: number;
  /** Simulated seconds per real second. */
  scale: number;
  attacks: number;
  agencies: number;
  kinds: readonly AttackKind[];
  rates: Rates;
  /** Attack kinds the shipped pack is expected to raise (recall is also given for these alone). */
  covered: readonly AttackKind[];
  /** Seconds to wait for the backlog after sending. */
  drainSeconds: number;
  log?: (m: string) => void;
}

/**
 * Attack kinds the shipped pack raises: all of them since the SQL injection rule learnt the stacked and encoded
 * forms (before that, `sqli_stacked_encoded` was raised by nothing).
 */
export const COVERED: readonly AttackKind[] = ATTACK_KINDS;

export const DEFAULT_OPTIONS: ProvinceOptions = {
  seed: 1,
  hours: 24,
  scale: 480,
  attacks: 30,
  agencies: 8,
  kinds: ATTACK_KINDS,
  rates: DEFAULT_RATES,
  covered: COVERED,
  drainSeconds: 300,
};

/** The bench's JSON line. */
export interface ProvinceResult extends Score {
  bench: 'province';
  seed: number;
  simulatedHours: number;
  scale: number;
  sent: number;
  stored: number;
  sendSeconds: number;
  agencies: number;
  hosts: number;
}

/** Local (UTC+7) hour at which the simulated window ends: the end of an office day. */
export const WINDOW_END_HOUR = 17;

/**
 * The end of the simulated window: the latest 17:00 Vietnam time not after `now`. Every run of a seed then covers
 * the same hours of the day, so the same lines (only their date differs), and no event is ahead of the wall clock.
 */
export function windowEnd(now: number): number {
  const hour = 3_600_000;
  const day = 24 * hour;
  const localEnd = WINDOW_END_HOUR - 7; // in UTC
  let e = Math.floor(now / day) * day + localEnd * hour;
  while (e > now) e -= day;
  return e;
}

const BOOTSTRAP_KEY = 'province-bench-admin-key-0123456789abcdef';

/** The whole simulated stream, in time order, without sending it (for tests of the simulator itself). */
export function* simulate(
  opts: Pick<ProvinceOptions, 'seed' | 'hours' | 'attacks' | 'agencies' | 'kinds' | 'rates'>,
  t0: number,
): Generator<SimEvent[], { attacks: Attack[]; province: Agency[] }> {
  const rng = new Rng(opts.seed);
  const province = buildProvince(rng, opts.agencies);
  const span = opts.hours * 3_600_000;
  const { attacks, events: attackEvents } = planAttacks(rng, province, t0, span, opts.attacks, opts.kinds);
  attackEvents.sort((a, b) => a.t - b.t);
  const gens = backgroundGenerators(province, opts.rates, t0, opts.seed);
  const end = t0 + span;
  let pending: SimEvent[] = [];
  let ai = 0;
  const step = 60_000;
  for (let cut = t0 + step; cut <= end + step; cut += step) {
    const c = Math.min(cut, end);
    for (const g of gens) while (g.next <= c) g.next = g.fire(g.next, pending);
    while (ai < attackEvents.length && attackEvents[ai]!.t <= c) pending.push(attackEvents[ai++]!);
    pending.sort((a, b) => a.t - b.t);
    let k = 0;
    while (k < pending.length && pending[k]!.t <= c) k++;
    const due = pending.slice(0, k);
    // Lines a session writes after the window's end are left out (the window ends now).
    pending = c >= end ? [] : pending.slice(k);
    yield due;
    if (c >= end) break;
  }
  return { attacks, province };
}

interface Sender {
  tcp: Socket[];
  send(batch: SimEvent[]): Promise<void>;
  close(): Promise<void>;
}

function tcpTo(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(s));
    s.once('error', reject);
  });
}

function postNdjson(port: number, key: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/ingest/v1/events',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode && res.statusCode < 300
            ? resolve()
            : reject(new Error(`HTTP intake answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function openSender(province: Agency[], tcpPort: number, httpPort: number): Promise<Sender> {
  const tcp = await Promise.all(province.map((a) => tcpTo(tcpPort, a.relay)));
  return {
    tcp,
    async send(batch) {
      const frames: string[][] = province.map(() => []);
      const http: string[][] = province.map(() => []);
      for (const e of batch) {
        if (e.transport === 'http') http[e.agency]!.push(e.line);
        else frames[e.agency]!.push(`${Buffer.byteLength(e.line)} ${e.line}`);
      }
      const waits: Promise<void>[] = [];
      frames.forEach((f, i) => {
        if (f.length === 0) return;
        const s = tcp[i]!;
        if (!s.write(f.join(''))) waits.push(new Promise((r) => s.once('drain', () => r())));
      });
      http.forEach((h, i) => {
        if (h.length) waits.push(postNdjson(httpPort, province[i]!.intakeKey, `${h.join('\n')}\n`));
      });
      await Promise.all(waits);
    },
    async close() {
      await Promise.all(tcp.map((s) => new Promise<void>((r) => s.end(() => r()))));
    },
  };
}

async function api<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${BOOTSTRAP_KEY}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function listAll<T>(base: string, path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api<{ items: T[]; next?: string }>(
      base,
      `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    out.push(...page.items);
    if (!page.next || page.items.length === 0) return out;
    cursor = page.next;
  }
}

/** Runs the simulator against a fresh embedded service and returns the figures. */
export async function runProvince(opts: ProvinceOptions): Promise<ProvinceResult> {
  const say = opts.log ?? (() => undefined);
  const { loadConfig } = await import('../../core/config/load.js');
  const { LOOPBACK_LISTENERS } = await import('../../tests/kit/loopback.js');
  const { registry } = await import('../../core/metrics.js');
  const { startService, SHIPPED_RULES } = await import('../../cli/service.js');
  const { hashApiKey } = await import('../../ingest/sources/http/auth.js');
  const { loadRuleSet } = await import('../../cli/rules/common.js');

  const span = opts.hours * 3_600_000;
  const t0 = windowEnd(Date.now()) - span;
  const preview = buildProvince(new Rng(opts.seed), opts.agencies);
  const dir = mkdtempSync(join(tmpdir(), 'canhgac-province-'));
  const previousKey = process.env.CANHGAC_BOOTSTRAP_API_KEY;
  process.env.CANHGAC_BOOTSTRAP_API_KEY = BOOTSTRAP_KEY;
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: dir,
      ...LOOPBACK_LISTENERS,
      'store.retentionDays': 36500,
      'intake.apiKeys': preview.map((a) => ({
        sha256: hashApiKey(a.intakeKey),
        agency: a.id,
        name: `nxlog ${a.slug}`,
      })),
      agencies: preview.map((a) => ({ id: a.id, name: a.name, networks: [`${a.relay}/32`] })),
    },
  });
  const svc = await startService(config);
  const stored = registry.getSingleMetric('canhgac_pipeline_events_stored_total');
  const storedNow = async () => (stored ? (await stored.get()).values.reduce((s, v) => s + v.value, 0) : 0);
  const storedBefore = await storedNow();
  try {
    const sender = await openSender(preview, svc.ports.syslog_tcp!, svc.ports.http!);
    say(`service up (API ${svc.apiUrl}); sending ${opts.hours} h of ${preview.length} agencies at x${opts.scale}`);
    const stream = simulate(opts, t0);
    let sent = 0;
    let background = 0;
    const wall0 = Date.now();
    let lastSay = wall0;
    let last: IteratorResult<SimEvent[], { attacks: Attack[]; province: Agency[] }>;
    for (;;) {
      last = stream.next();
      if (last.done) break;
      const batch = last.value;
      // Pace: the batch's last simulated time is sent no earlier than its compressed offset.
      const simOffset = batch.length ? batch[batch.length - 1]!.t - t0 : 0;
      const due = wall0 + simOffset / opts.scale;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      for (let i = 0; i < batch.length; i += 2000) await sender.send(batch.slice(i, i + 2000));
      sent += batch.length;
      for (const e of batch) if (e.attack < 0) background++;
      if (Date.now() - lastSay >= 10_000) {
        lastSay = Date.now();
        say(
          `${((simOffset / span) * 100).toFixed(0)} % of the window sent (${sent} records, ${((Date.now() - wall0) / 1000).toFixed(0)} s)`,
        );
      }
    }
    await sender.close();
    const sendSeconds = (Date.now() - wall0) / 1000;
    const { attacks } = last.value;
    say(`sent ${sent} records (${background} background, ${sent - background} attack) in ${sendSeconds.toFixed(1)} s`);
    const deadline = Date.now() + opts.drainSeconds * 1000;
    let got = await storedNow();
    say(`waiting for the backlog: ${got - storedBefore} of ${sent} stored`);
    while (got - storedBefore < sent && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      got = await storedNow();
    }
    const base = svc.apiUrl;
    const alerts = await listAll<AlertView>(base, '/api/v1/alerts');
    // An incident merged into another (an alert bridged the two: incidents/merge.ts) is not one of its own.
    const incidents = (await listAll<IncidentView & { mergedInto?: string }>(base, '/api/v1/incidents')).filter(
      (i) => !i.mergedInto,
    );
    const set = await loadRuleSet([SHIPPED_RULES]);
    const names = new Map<string, string>();
    for (const d of set.load.documents) if (d.name) names.set(d.id, d.name);
    // The events of alerts that could be an attack's, to check its indicators (at most 20 events an alert).
    const texts = new Map<string, string>();
    for (const al of alerts) {
      if (candidates(al, attacks).length === 0) continue;
      const evs = await Promise.all(
        al.eventIds
          .slice(0, 20)
          .map((id) => api<unknown>(base, `/api/v1/events/${encodeURIComponent(id)}`).catch(() => null)),
      );
      texts.set(al.id, JSON.stringify(evs));
    }
    const s = score(attacks, alerts, incidents, names, texts, background, span, new Set(opts.covered));
    return {
      bench: 'province',
      seed: opts.seed,
      simulatedHours: opts.hours,
      scale: opts.scale,
      sent,
      stored: got - storedBefore,
      sendSeconds: Math.round(sendSeconds * 10) / 10,
      agencies: preview.length,
      hosts: preview.reduce((n, a) => n + a.hosts.length, 0),
      ...s,
    };
  } finally {
    await svc.stop();
    if (previousKey === undefined) delete process.env.CANHGAC_BOOTSTRAP_API_KEY;
    else process.env.CANHGAC_BOOTSTRAP_API_KEY = previousKey;
    rmSync(dir, { recursive: true, force: true });
  }
}
