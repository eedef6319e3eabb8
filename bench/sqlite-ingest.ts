/**
 * Ingest throughput of the embedded SQLite event store: events/s for bulk writes of synthetic events into a
 * fresh file (WAL, FTS5). Prints one JSON line. Usage: node dist/bench/sqlite-ingest.js [--count N] [--batch B]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCOPE_ALL, type StoredEvent } from '../store/types.js';
import { openSqliteStores } from '../store/sqlite/index.js';
import { flag, rng, syntheticEvent } from './sqlite-corpus.js';

const argv = process.argv.slice(2);
const count = Number(flag(argv, 'count', '200000'));
const batch = Number(flag(argv, 'batch', '5000'));
const dir = mkdtempSync(join(tmpdir(), 'canhgac-bench-'));
const stores = openSqliteStores({ path: join(dir, 'canhgac.db') });
const r = rng(42);
const now = Date.now();
const events: StoredEvent[] = [];
for (let i = 0; i < count; i++) events.push(syntheticEvent(i, count, r, now, 7 * 86400000));
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
let written = 0;
for (let at = 0; at < count; at += batch)
  written += stores.events.writeSync(SCOPE_ALL, events.slice(at, at + batch)).written;
const s = Number(process.hrtime.bigint() - t0) / 1e9;
// CPU time too: on a shared machine wall time measures the neighbours as much as the store.
const cpu = process.cpuUsage(c0);
const cpuS = (cpu.user + cpu.system) / 1e6;
await stores.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ bench: 'sqlite-ingest', events: written, seconds: +s.toFixed(3), eventsPerSec: Math.round(written / s), cpuSeconds: +cpuS.toFixed(3), eventsPerCpuSec: Math.round(written / cpuS) })}\n`,
);
