/**
 * Retro-match time over stored events: --events synthetic events (default 1,000,000) spread over the last 7 days
 * in a SQLite store (two addresses each, a DNS name in one in ten, a URL in one in twenty), then --indicators new
 * indicators (default 1,000: addresses, a few networks, domains and URLs; one in ten names stored events) searched
 * for in the last 7 days as a feed refresh would. Prints ONE JSON line: events stored, load time, retro-match wall
 * time, events raised, and the time per indicator. Usage:
 *   node dist/bench/ti-retro.js [--events 1000000] [--indicators 1000] [--strategy scan|query|both] [--db FILE]
 * (scan: what the SQLite service runs; query: one store query per 100 indicators, what OpenSearch runs)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { retroMatch } from '../context/stage.js';
import { formatIPv4, normaliseIndicator } from '../context/ti/observable.js';
import type { Indicator } from '../context/ti/types.js';
import { openSqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL, type StoredEvent } from '../store/types.js';
import { flag, rng } from './sqlite-corpus.js';

const argv = process.argv.slice(2);
const nEv = Number(flag(argv, 'events', '1000000'));
const nInd = Number(flag(argv, 'indicators', '1000'));
const dir = mkdtempSync(join(tmpdir(), 'canhgac-retro-bench-'));
const db = flag(argv, 'db', join(dir, 'retro.db'));
const rand = rng(11);
const int = (n: number) => Math.floor(rand() * n);
const DAY = 86_400_000;
const now = Date.now();

// Attackers: 50,000 public addresses with a skewed mix; victims: 2,000 of the province's addresses.
const attackers = Array.from({ length: 50_000 }, () => formatIPv4(0x2d000000 + int(0x60000000)));
const domains = Array.from({ length: 20_000 }, (_, i) => `d${i.toString(36)}.example-${i % 97}.vn`);
const stores = openSqliteStores({ path: db });
const l0 = performance.now();
const batch: StoredEvent[] = [];
for (let i = 0; i < nEv; i++) {
  const e: StoredEvent = {
    '@timestamp': new Date(now - int(7 * DAY - 60_000)).toISOString(),
    'event.id': `r${i}`,
    'agency.id': `000.00.${31 + (i % 8)}.H40`,
    'host.name': `srv-${i % 300}`,
    'source.ip': attackers[rand() < 0.5 ? int(500) : int(attackers.length)]!,
    'destination.ip': `10.${(i >> 8) & 7}.${i & 255}.${i % 7}`,
    message: `connection ${i}`,
  };
  if (i % 10 === 0) e['dns.question.name'] = domains[int(domains.length)]!;
  if (i % 20 === 0) e['url.original'] = `http://${domains[int(domains.length)]}/p/${i % 1000}`;
  batch.push(e);
  if (batch.length === 5000) {
    await stores.events.write(SCOPE_ALL, batch.splice(0));
  }
}
if (batch.length) await stores.events.write(SCOPE_ALL, batch.splice(0));
const loadS = (performance.now() - l0) / 1000;

const ind = (raw: string): Indicator => {
  const n = normaliseIndicator(raw);
  if ('error' in n) throw new Error(`${raw}: ${n.error}`);
  return { ...n, feed: 'bench', confidence: 80, tlp: 'amber', firstSeen: now - 30 * DAY };
};
const added: Indicator[] = [];
for (let i = 0; i < nInd; i++) {
  const hit = i % 10 === 0;
  const k = i % 20;
  if (k < 14) added.push(ind(hit ? attackers[500 + int(attackers.length - 500)]! : formatIPv4(0xc6000000 + i)));
  else if (k < 15) added.push(ind(`${formatIPv4(0xc7000000 + i * 256)}/24`));
  else if (k < 19) added.push(ind(hit ? domains[int(domains.length)]! : `nx${i}.bad.example`));
  else added.push(ind(`http://nx${i}.bad.example/x`));
}
const strategies = (
  flag(argv, 'strategy', 'scan') === 'both' ? ['scan', 'query'] : [flag(argv, 'strategy', 'scan')]
) as ('scan' | 'query')[];
const runs: Record<string, { retro_seconds: number; ms_per_indicator: number; events_raised: number }> = {};
for (const strategy of strategies) {
  let raised = 0;
  const r0 = performance.now();
  await retroMatch(
    stores.events,
    added,
    7,
    async () => {
      raised++;
    },
    { strategy },
  );
  const retroS = (performance.now() - r0) / 1000;
  runs[strategy] = {
    retro_seconds: Number(retroS.toFixed(2)),
    ms_per_indicator: Number(((retroS * 1000) / nInd).toFixed(2)),
    events_raised: raised,
  };
}
await stores.close();
if (!argv.includes('--db')) rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    bench: 'ti-retro',
    store: 'sqlite',
    events: nEv,
    load_seconds: Number(loadS.toFixed(1)),
    indicators: nInd,
    ...runs,
    note: 'shared 2-core machine; wall time',
  }),
);
