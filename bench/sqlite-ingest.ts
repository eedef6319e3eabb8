/**
 * Ingest throughput of the embedded SQLite event store: events/s for bulk writes into a fresh file (WAL, FTS5).
 * Prints one JSON line. Usage: node dist/bench/sqlite-ingest.js [--count N] [--batch B] [--realistic]
 *
 * Default: synthetic events (bench/sqlite-corpus.ts), all built before timing. `--realistic`: the syslog lines of
 * ../shared/corpus (syslog/ and loghub Linux, OpenSSH, Apache) decoded and normalised by ingest/normalise with
 * event.original kept (~1 KB of JSON each, as the service stores them), replayed round-robin with fresh event ids
 * and current, increasing timestamps; each batch is built outside the timed write, so --count 1000000 and more fit
 * in memory and show how the write rate holds up as the file grows (a rate per 100k is printed to stderr).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newEventId } from '../core/ids.js';
import { explainSkip, sharedPath } from '../core/shared-data.js';
import { createNormaliseContext, normaliseRecord } from '../ingest/normalise/index.js';
import { openSqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL, type StoredEvent } from '../store/types.js';
import { flag, rng, syntheticEvent } from './sqlite-corpus.js';

const argv = process.argv.slice(2);
const realistic = argv.includes('--realistic');
const count = Number(flag(argv, 'count', realistic ? '1000000' : '200000'));
const batch = Number(flag(argv, 'batch', '5000'));
const dir = mkdtempSync(join(tmpdir(), 'canhgac-bench-'));
const stores = openSqliteStores({ path: join(dir, 'canhgac.db') });

/** Normalised corpus events (templates replayed with new ids and times). */
function corpusTemplates(): StoredEvent[] {
  const root = sharedPath('corpus');
  if (root === undefined || !existsSync(root)) {
    explainSkip('bench sqlite-ingest --realistic');
    process.exit(2);
  }
  const files: string[] = [];
  const sys = join(root, 'syslog');
  for (const f of readdirSync(sys)) if (f.endsWith('.log')) files.push(join(sys, f));
  for (const f of ['Linux/Linux_2k.log', 'OpenSSH/OpenSSH_2k.log', 'Apache/Apache_2k.log'])
    if (existsSync(join(root, 'loghub', f))) files.push(join(root, 'loghub', f));
  const ctx = createNormaliseContext({
    keepOriginal: true,
    // Ten agencies of five /24s each, so events carry real agency ids (the tenancy index sees a real spread).
    agencies: Array.from({ length: 10 }, (_, a) => ({
      id: `000.00.${String(a).padStart(2, '0')}.H40`,
      name: `Sở ${a}`,
      networks: Array.from({ length: 5 }, (_, k) => `10.0.${a * 5 + k}.0/24`),
    })),
  });
  const out: StoredEvent[] = [];
  let n = 0;
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const e = normaliseRecord(
        { id: newEventId(), receivedAt: Date.now(), transport: 'tcp', source: `10.0.${n % 50}.${n % 200}`, data: line },
        ctx,
      );
      n++;
      if (e !== undefined) out.push(e as StoredEvent);
    }
  }
  // Interleave the files as a real mix of senders would be.
  const r = rng(7);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const templates = realistic ? corpusTemplates() : [];
const synthetic: StoredEvent[] = [];
if (!realistic) {
  const r = rng(42);
  const now = Date.now();
  for (let i = 0; i < count; i++) synthetic.push(syntheticEvent(i, count, r, now, 7 * 86400000));
}
const start = Date.now();
function batchAt(at: number, n: number): StoredEvent[] {
  if (!realistic) return synthetic.slice(at, at + n);
  const out: StoredEvent[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const k = at + i;
    // 20,000 ev/s of wall time: the service's target rate, timestamps increasing like live traffic.
    const ms = start + Math.floor(k / 20);
    out[i] = {
      ...templates[k % templates.length]!,
      'event.id': newEventId(ms),
      '@timestamp': new Date(ms).toISOString(),
    };
  }
  return out;
}

let bytes = 0;
let sampled = 0;
let timedNs = 0n;
let cpuUs = 0;
let written = 0;
let lastMark = 0;
let markNs = 0n;
for (let at = 0; at < count; at += batch) {
  const evs = batchAt(at, Math.min(batch, count - at));
  if (at % 100_000 < batch) {
    for (const e of evs.slice(0, 100)) bytes += JSON.stringify(e).length;
    sampled += Math.min(100, evs.length);
  }
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  written += stores.events.writeSync(SCOPE_ALL, evs).written;
  timedNs += process.hrtime.bigint() - t0;
  // CPU time too: on a shared machine wall time measures the neighbours as much as the store.
  const c = process.cpuUsage(c0);
  cpuUs += c.user + c.system;
  if (written - lastMark >= 100_000) {
    const s = Number(timedNs - markNs) / 1e9;
    process.stderr.write(
      `${written} events: ${Math.round((written - lastMark) / s)} ev/s over the last ${written - lastMark}\n`,
    );
    lastMark = written;
    markNs = timedNs;
  }
}
const s = Number(timedNs) / 1e9;
const cpuS = cpuUs / 1e6;
await stores.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ bench: 'sqlite-ingest', mode: realistic ? 'realistic' : 'synthetic', events: written, avgJsonBytes: Math.round(bytes / Math.max(1, sampled)), seconds: +s.toFixed(3), eventsPerSec: Math.round(written / s), cpuSeconds: +cpuS.toFixed(3), eventsPerCpuSec: Math.round(written / cpuS) })}\n`,
);
