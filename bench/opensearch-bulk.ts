/**
 * OpenSearch write and search benchmark against a real node (tools/opensearch-node/node.sh start):
 * 1. bulk indexing the same generated events with canhgac's writer (OpenSearchEventStore.write) and with the
 *    client's own helper (`client.helpers.bulk`), same mapping, same concurrency and request size; prints both
 *    rates and their ratio (acceptance floor 0.9);
 * 2. search latency (p50/p95/max per query shape) over a large stored set (the issue asks for 1,000,000).
 * Prints one JSON line per figure. Run once, not in a loop (the machine is shared):
 *
 *   npm run build && eval "$(bash tools/opensearch-node/node.sh start)" &&
 *   node dist/bench/opensearch-bulk.js [--events 200000] [--search-events 1000000] [--concurrency 2] [--batch 10000] [--keep]
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import { q, type QueryNode } from '../core/event/query.js';
import { rest } from '../store/opensearch/client.js';
import { openOpenSearchStores } from '../store/opensearch/index.js';
import { eventsIndexFor, layout } from '../store/opensearch/schema.js';
import { agencyScope, SCOPE_ALL, type StoredEvent } from '../store/types.js';

function flag(name: string, dflt: number): number {
  const k = process.argv.indexOf(`--${name}`);
  const v = k >= 0 ? Number(process.argv[k + 1]) : dflt;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a non-negative number`);
  return v;
}

const URL = process.env.CANHGAC_TEST_OPENSEARCH_URL;
const EVENTS = flag('events', 200_000);
const SEARCH_EVENTS = flag('search-events', 1_000_000);
const CONCURRENCY = flag('concurrency', 2);
const BATCH = flag('batch', 10_000);
const SEARCHES = flag('searches', 30);
const FLUSH_BYTES = 5 * 1024 * 1024;
const KEEP = process.argv.includes('--keep');

const AGENCIES = Array.from({ length: 40 }, (_, k) => `000.00.${String(k + 10).padStart(2, '0')}.H40`);
const T0 = Date.UTC(2026, 2, 1);

/** A realistic mix: Windows process creation, web access, sshd; a few hundred hosts over three days. */
function makeEvent(tag: string, k: number): StoredEvent {
  const agency = AGENCIES[k % AGENCIES.length]!;
  const host = `srv${k % 300}`;
  const base: StoredEvent = {
    '@timestamp': new Date(T0 + ((k * 7919) % (3 * 86_400_000))).toISOString(),
    'event.id': `${tag}-${k}`,
    'event.ingested': new Date(T0 + 3 * 86_400_000).toISOString(),
    'agency.id': agency,
    'host.name': host,
    'host.ip': `10.${k % 40}.${(k >> 8) % 256}.${k % 256}`,
  };
  switch (k % 3) {
    case 0:
      return {
        ...base,
        'logsource.product': 'windows',
        'logsource.category': 'process_creation',
        EventID: 4688,
        Image: k % 50 === 0 ? 'C:\\Windows\\System32\\cmd.exe' : `C:\\Program Files\\App${k % 97}\\app.exe`,
        CommandLine: k % 50 === 0 ? `cmd.exe /c whoami /all ${k}` : `app.exe --job ${k % 1000} --mode sync`,
        User: `NGUYỄN VĂN ${k % 500}`,
        message: `Process created ${k}`,
      };
    case 1:
      return {
        ...base,
        'logsource.category': 'webserver',
        'cs-method': k % 7 === 0 ? 'POST' : 'GET',
        'cs-uri-stem': `/portal/page${k % 200}`,
        'cs-uri-query': k % 101 === 0 ? "id=1' UNION SELECT password FROM users--" : `id=${k % 5000}`,
        'sc-status': k % 13 === 0 ? 404 : 200,
        'c-ip': `203.0.113.${k % 256}`,
        message: `GET /portal/page${k % 200} ${k % 13 === 0 ? 404 : 200}`,
      };
    default:
      return {
        ...base,
        'logsource.product': 'linux',
        'logsource.service': 'sshd',
        message:
          k % 11 === 0
            ? `Failed password for root from 198.51.100.${k % 256} port ${1024 + (k % 60000)} ssh2`
            : `Accepted publickey for user${k % 300} from 10.0.${k % 256}.1 port 22 ssh2`,
      };
  }
}

function events(tag: string, from: number, to: number): StoredEvent[] {
  const out: StoredEvent[] = new Array(to - from);
  for (let k = from; k < to; k++) out[k - from] = makeEvent(tag, k);
  return out;
}

async function writeAll(
  write: (batch: StoredEvent[]) => Promise<unknown>,
  tag: string,
  from: number,
  to: number,
): Promise<number> {
  // Two write calls outstanding, as the pipeline keeps two spool batches in flight; the writer's own
  // concurrency limit (shared by all calls) still caps the requests on the wire, like the helper's.
  const t = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  for (let k = from; k < to; k += BATCH) {
    const p = write(events(tag, k, Math.min(to, k + BATCH))).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 2) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return performance.now() - t;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

async function main(): Promise<void> {
  if (!URL) {
    console.error('CANHGAC_TEST_OPENSEARCH_URL is not set: eval "$(bash tools/opensearch-node/node.sh start)" first.');
    process.exit(2);
  }
  const tag = randomUUID().slice(0, 8);
  const ours = await openOpenSearchStores({
    node: URL,
    prefix: `bench-${tag}-canhgac`,
    bulk: { concurrency: CONCURRENCY, maxBytes: FLUSH_BYTES, maxDocs: 100_000 },
  });
  // The helper writes into indices made from the same template, so both pay the same mapping cost.
  const helperStores = await openOpenSearchStores({ node: URL, prefix: `bench-${tag}-helper` });
  const helperLayout = layout(`bench-${tag}-helper`);
  const client = new Client({ node: URL, requestTimeout: 120_000 });
  let helperFailed = 0;
  // The helper's natural use: one call streaming every document, its own concurrency limit on the wire.
  const helperRun = async (tagOf: string, from: number, to: number): Promise<number> => {
    const t = performance.now();
    await client.helpers.bulk({
      datasource: (async function* () {
        for (let k = from; k < to; k++) yield makeEvent(tagOf, k);
      })(),
      onDocument: (doc: StoredEvent) => ({
        create: {
          _index: eventsIndexFor(helperLayout, Date.parse(doc['@timestamp'] as string)),
          _id: doc['event.id'] as string,
        },
      }),
      flushBytes: FLUSH_BYTES,
      concurrency: CONCURRENCY,
      retries: 6,
      onDrop: () => {
        helperFailed++;
      },
    });
    return performance.now() - t;
  };
  let oursRejected = 0;
  const oursWrite = async (batch: StoredEvent[]) => {
    const r = await ours.events.write(SCOPE_ALL, batch);
    oursRejected += r.rejected.length;
  };

  const warm = Math.min(10_000, EVENTS);
  await writeAll(oursWrite, `${tag}w`, 0, warm);
  await helperRun(`${tag}w`, 0, warm);

  // ABBA order (ours, helper, helper, ours, each half the events) cancels the drift of a shared, busy
  // machine and of the node's background merges.
  const half = Math.floor(EVENTS / 2);
  let msOurs = await writeAll(oursWrite, tag, 0, half);
  let msHelper = await helperRun(tag, 0, half);
  msHelper += await helperRun(tag, half, EVENTS);
  msOurs += await writeAll(oursWrite, tag, half, EVENTS);
  const oursEps = EVENTS / (msOurs / 1000);
  const helperEps = EVENTS / (msHelper / 1000);
  console.log(
    JSON.stringify({
      bench: 'opensearch-bulk',
      events: EVENTS,
      concurrency: CONCURRENCY,
      flush_bytes: FLUSH_BYTES,
      canhgac_events_per_s: Math.round(oursEps),
      helper_events_per_s: Math.round(helperEps),
      ratio: Number((oursEps / helperEps).toFixed(3)),
      floor: 0.9,
      meets_floor: oursEps / helperEps >= 0.9,
      canhgac_rejected: oursRejected,
      helper_dropped: helperFailed,
    }),
  );
  await rest(client, 'DELETE', `/bench-${tag}-helper-*`, undefined, { ok: [404] });

  if (SEARCH_EVENTS > 0) {
    const have = EVENTS + warm;
    const tFill = await writeAll(oursWrite, tag, EVENTS, Math.max(EVENTS, SEARCH_EVENTS - warm));
    await ours.events.refresh();
    await rest(client, 'POST', `/${ours.layout.eventsPattern}/_forcemerge`, undefined, {
      querystring: { max_num_segments: 4 },
    });
    const stored = (await ours.events.aggregate(SCOPE_ALL, { query: q.all(), agg: { kind: 'count' } })).count ?? 0;
    const shapes: [string, QueryNode, boolean][] = [
      ['term host.name', q.eq('host.name', 'SRV42'), false],
      ['sigma contains CommandLine', q.match('CommandLine', [0, 'whoami', 0]), false],
      ['message substring', q.match('message', [0, 'failed password', 0]), false],
      ['agency scope newest 50', q.all(), true],
      ['cidr host.ip', { kind: 'cidr', field: 'host.ip', cidr: '10.7.0.0/16' }, false],
      ['sqli retro-hunt', q.match('cs-uri-query', [0, 'union select', 0]), false],
    ];
    for (const [name, query, scoped] of shapes) {
      const lat: number[] = [];
      let hits = 0;
      for (let k = 0; k < SEARCHES; k++) {
        const t = performance.now();
        const page = await ours.events.search(scoped ? agencyScope(AGENCIES[k % AGENCIES.length]!) : SCOPE_ALL, {
          query,
          size: 50,
        });
        lat.push(performance.now() - t);
        hits = page.events.length;
      }
      console.log(
        JSON.stringify({
          bench: 'opensearch-search',
          query: name,
          stored,
          page_hits: hits,
          p50_ms: Number(pct(lat, 50).toFixed(1)),
          p95_ms: Number(pct(lat, 95).toFixed(1)),
          max_ms: Number(Math.max(...lat).toFixed(1)),
        }),
      );
    }
    const tAgg = performance.now();
    await ours.events.aggregate(agencyScope(AGENCIES[3]!), {
      query: q.all(),
      agg: { kind: 'date_histogram', intervalMs: 3_600_000 },
    });
    console.log(
      JSON.stringify({
        bench: 'opensearch-aggregate',
        query: 'agency hourly histogram',
        stored,
        ms: Number((performance.now() - tAgg).toFixed(1)),
        fill_events: Math.max(0, SEARCH_EVENTS - have),
        fill_s: Number((tFill / 1000).toFixed(1)),
      }),
    );
  }
  if (!KEEP) await rest(client, 'DELETE', `/bench-${tag}-*`, undefined, { ok: [404] });
  await client.close();
  await helperStores.close();
  await ours.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
