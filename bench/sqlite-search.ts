/**
 * Search latency of the embedded SQLite event store over a stored corpus (default 1,000,000 synthetic events):
 * p50/p95 of representative analyst queries (first page of 100, newest first) and aggregations.
 * Prints one JSON line. Usage: node dist/bench/sqlite-search.js [--count N] [--db FILE] [--repeat R]
 * With --db the corpus is kept between runs (filled only up to --count), so the fill is paid once.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseQuery } from '../store/query/parse.js';
import { openSqliteStores } from '../store/sqlite/index.js';
import { type AggregationRequest, SCOPE_ALL, type StoredEvent } from '../store/types.js';
import { flag, rng, syntheticEvent } from './sqlite-corpus.js';

const argv = process.argv.slice(2);
const count = Number(flag(argv, 'count', '1000000'));
const repeat = Number(flag(argv, 'repeat', '5'));
const keep = flag(argv, 'db', '');
const dir = keep ? '' : mkdtempSync(join(tmpdir(), 'canhgac-bench-'));
const path = keep || join(dir, 'canhgac.db');
const fresh = !existsSync(path);
const stores = openSqliteStores({ path });
const END = Date.UTC(2026, 2, 8);
const SPAN = 7 * 86_400_000;

const have = (stores.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
if (fresh || have < count) {
  const r = rng(7);
  const batch: StoredEvent[] = [];
  for (let i = 0; i < count; i++) {
    const e = syntheticEvent(i, count, r, END, SPAN);
    if (i < have) continue;
    batch.push(e);
    if (batch.length === 10_000) {
      stores.events.writeSync(SCOPE_ALL, batch);
      batch.length = 0;
    }
  }
  if (batch.length) stores.events.writeSync(SCOPE_ALL, batch);
  stores.db.exec('ANALYZE');
}

const QUERIES: Record<string, string> = {
  host: 'host.name:srv-042.tinh.gov.vn',
  field_and: 'EventID:4625 AND User:admin',
  free_text: 'failed',
  phrase_vi: '"đăng nhập"',
  contains: 'CommandLine:*powershell*',
  range: 'sc-status:>=500',
  not_wildcard: 'NOT logsource.category:webserver AND Image:*\\\\cmd.exe',
  rare: 'User:nobody-at-all',
};

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(2);
}

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const ms: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { p50: pct(ms, 50), p95: pct(ms, 95) };
}

const results: Record<string, { p50: number; p95: number }> = {};
for (const [name, text] of Object.entries(QUERIES)) {
  const query = parseQuery(text);
  results[name] = await time(() => stores.events.search(SCOPE_ALL, { query, size: 100 }));
}
const day = { from: END - 86_400_000, to: END };
const aggs: Record<string, AggregationRequest> = {
  count_24h_failed: { query: parseQuery('failed'), ...day, agg: { kind: 'count' } },
  terms_24h_host: { query: parseQuery(''), ...day, agg: { kind: 'terms', field: 'host.name', size: 10 } },
  histogram_7d_hourly: { query: parseQuery('sc-status:500'), agg: { kind: 'date_histogram', intervalMs: 3_600_000 } },
};
for (const [name, req] of Object.entries(aggs))
  results[name] = await time(() => stores.events.aggregate(SCOPE_ALL, req));

const stored = (stores.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
await stores.close();
if (dir) rmSync(dir, { recursive: true, force: true });
const p50s = Object.values(results).map((r) => r.p50);
process.stdout.write(
  `${JSON.stringify({ bench: 'sqlite-search', events: stored, repeat, medianOfP50Ms: pct(p50s, 50), results })}\n`,
);
