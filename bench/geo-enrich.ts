/**
 * GeoIP enrichment cost per event: events with a public source address drawn from a skewed pool (a few busy
 * scanners, a long tail: 20,000 distinct addresses, the top 1% sending half the events) (sshd lines through
 * ingest/normalise), through the cached enricher with the shipped city and AS databases. Prints one JSON line: CPU ns per event (cache
 * warm), the uncached cost of one lookup, and the cache hit rate. Usage (one core):
 *   taskset -c 1 node --expose-gc dist/bench/geo-enrich.js [--events 1000000]
 */
import { enrichEvent, GeoEnricher } from '../context/geo/enrich.js';
import { formatIPv4 } from '../context/ti/observable.js';
import { createNormaliseContext, normaliseRecord } from '../ingest/normalise/index.js';
import { flag, rng } from './sqlite-corpus.js';

const argv = process.argv.slice(2);
const nEv = Number(flag(argv, 'events', '1000000'));
const rand = rng(7);
const pool = Array.from({ length: 20_000 }, () => formatIPv4(Math.floor(rand() * 0xdfffffff) + 0x01000000));
const pick = () => (rand() < 0.5 ? pool[Math.floor(rand() * 200)]! : pool[Math.floor(rand() * pool.length)]!);
// Real normalised events (sshd failures: source.ip is the remote party), built outside the timing.
const ctx = createNormaliseContext({});
const normalised = (i: number) =>
  normaliseRecord(
    {
      id: `e${i}`,
      receivedAt: Date.now(),
      transport: 'tcp',
      source: '10.0.0.5',
      data: `<38>Dec  7 04:00:01 web-${i % 20} sshd[${1000 + (i % 9000)}]: Failed password for root from ${pick()} port ${40000 + (i % 20000)} ssh2`,
    },
    ctx,
  )!;

// Uncached: a fresh enricher with no cache reuse over distinct addresses.
const cold = new GeoEnricher({ cacheSize: 1 });
const c0 = process.cpuUsage();
for (let i = 0; i < 20_000; i++) cold.lookup(pool[i]!);
const cu = process.cpuUsage(c0);
const coldNs = ((cu.user + cu.system) * 1000) / 20_000;

// Opening the shipped databases (DB-IP City Lite IPv4, the AS table): time and memory held.
const memBefore = process.memoryUsage();
const o0 = performance.now();
const g = new GeoEnricher();
const openMs = performance.now() - o0;
(globalThis as { gc?: () => void }).gc?.();
const memAfter = process.memoryUsage();
const heldMb = (memAfter.heapUsed + memAfter.arrayBuffers - memBefore.heapUsed - memBefore.arrayBuffers) / 1048576;
for (let i = 0; i < 100_000; i++) enrichEvent(g, normalised(i));
g.hits = 0;
g.misses = 0;
const batch = Array.from({ length: 10_000 }, () => ({}) as Record<string, unknown>);
let cpuNs = 0;
for (let done = 0; done < nEv; done += batch.length) {
  for (let j = 0; j < batch.length; j++) batch[j] = normalised(done + j);
  const t = process.cpuUsage();
  for (let j = 0; j < batch.length; j++) enrichEvent(g, batch[j]!);
  const u = process.cpuUsage(t);
  cpuNs += (u.user + u.system) * 1000;
}
console.log(
  JSON.stringify({
    bench: 'geo-enrich',
    events: nEv,
    nsPerEvent: Math.round(cpuNs / nEv),
    uncachedNsPerLookup: Math.round(coldNs),
    cacheHitRate: Number((g.hits / (g.hits + g.misses)).toFixed(4)),
    databases: 'DB-IP City Lite (IPv4) + AS table (@ip-location-db/asn), shipped',
    openMs: Math.round(openMs),
    heldMb: Math.round(heldMb),
  }),
);
