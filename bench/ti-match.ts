/**
 * Threat-intelligence matching cost: 1,000,000 indicators (addresses, networks, IPv6, domains, URLs, hashes, in
 * the proportions of the abuse.ch and MISP feeds), then realistic normalised events (two addresses each; a third
 * with a URL, a tenth with a DNS name, a twentieth with a file hash; 1% hitting) checked against them. Prints one
 * JSON line: nsPerEvent, the figure to compare (the matcher's CPU time per event, the median of five rounds of
 * events/5 each; wall time beside it), build time, and the memory the set holds (heap + array buffers after a GC,
 * minus before; the front filters apart). Usage (one core):
 *   taskset -c 1 node --expose-gc dist/bench/ti-match.js [--indicators 1000000] [--events 2000000]
 */
import { Matcher } from '../context/ti/matcher.js';
import { formatIPv4, normaliseIndicator } from '../context/ti/observable.js';
import { IndicatorSet } from '../context/ti/set.js';
import type { Indicator, IndicatorHit } from '../context/ti/types.js';
import { flag, rng } from './sqlite-corpus.js';

const argv = process.argv.slice(2);
const nInd = Number(flag(argv, 'indicators', '1000000'));
const nEv = Number(flag(argv, 'events', '2000000'));
const rand = rng(42);
const int = (n: number) => Math.floor(rand() * n);
const hex = (len: number) => {
  let s = '';
  while (s.length < len) s += int(0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, len);
};
const word = () => hex(4 + int(8)).replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)]!);

function gcMem(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const before = gcMem();
const t0 = performance.now();
const feeds = ['feodo', 'urlhaus', 'threatfox', 'misp-circl', 'vncert'];
const indicators: Indicator[] = [];
const descriptions = Array.from({ length: 1000 }, (_, i) => `Botnet C2 ${i}`);
const samples: { ip: string[]; domain: string[]; url: string[]; hash: string[] } = {
  ip: [],
  domain: [],
  url: [],
  hash: [],
};
for (let i = 0; i < nInd; i++) {
  const r = i % 100;
  let raw: string;
  if (r < 45) raw = formatIPv4(int(0x100000000));
  else if (r < 50) raw = `${formatIPv4(int(0x100000000))}/${[24, 24, 24, 23, 22, 20, 28, 32][int(8)]}`;
  else if (r < 52) raw = `2001:db8:${hex(4)}::${hex(4)}`;
  else if (r < 77) raw = `${word()}.${word()}.${['com', 'net', 'ru', 'vn', 'xyz'][int(5)]}`;
  else if (r < 90) raw = `http://${word()}.${word()}.com/${word()}/${word()}.php?id=${int(1e6)}`;
  else raw = hex([32, 40, 64][int(3)]!);
  const n = normaliseIndicator(raw);
  if ('error' in n) continue;
  // One literal shape per indicator, as the feed parsers build them (a spread would add a properties store).
  const indicator: Indicator = {
    type: n.type,
    value: n.value,
    feed: feeds[i % feeds.length]!,
    confidence: 50 + int(50),
    tlp: 'green',
    firstSeen: Date.now() - int(30 * 86_400_000),
    expiresAt: Date.now() + 90 * 86_400_000,
  };
  if (i % 10 === 0) indicator.description = descriptions[i % descriptions.length]!;
  indicators.push(indicator);
  const s =
    n.type === 'ipv4'
      ? samples.ip
      : n.type === 'domain'
        ? samples.domain
        : n.type === 'url'
          ? samples.url
          : n.type.startsWith('sha') || n.type === 'md5'
            ? samples.hash
            : undefined;
  if (s && s.length < 1000) s.push(n.value);
}
const set = new IndicatorSet(indicators);
const buildMs = performance.now() - t0;
const setBytes = gcMem() - before;

// Events built before timing: shapes as normalise produces them (dictionary of dotted keys).
const templates: Record<string, unknown>[] = [];
for (let i = 0; i < 10_000; i++) {
  const hit = i % 100 === 0;
  const e: Record<string, unknown> = {
    '@timestamp': new Date().toISOString(),
    'event.id': `e${i}`,
    'agency.id': '000.00.00.H40',
    'host.name': `web-${i % 50}`,
    'log.syslog.appname': 'nginx',
    message: 'GET /index.html 200',
    'logsource.product': 'linux',
    'source.ip': hit ? samples.ip[i % samples.ip.length]! : formatIPv4(int(0x100000000)),
    'destination.ip': `10.0.${i % 256}.${(i * 7) % 256}`,
    'source.port': 40000 + (i % 20000),
  };
  if (i % 3 === 0)
    e['url.original'] =
      hit && i % 2 ? samples.url[i % samples.url.length]! : `http://portal.tinh.gov.vn/${word()}?q=${i}`;
  if (i % 10 === 0)
    e['dns.question.name'] = hit ? `x.${samples.domain[i % samples.domain.length]!}` : `www.${word()}.vn`;
  if (i % 20 === 0) e['file.hash.sha256'] = hex(64);
  templates.push(e);
}
const now = Date.now();
/** CPU ns per event of matching `n` events against `m` (median of five rounds), after a warm-up. */
function run(m: Matcher, n: number): { cpuNs: number; wallNs: number; hits: number } {
  const out: IndicatorHit[] = [];
  for (let i = 0; i < 200_000; i++) {
    out.length = 0;
    m.match(templates[i % templates.length]!, now, out);
  }
  let hits = 0;
  const rounds: { cpuNs: number; wallNs: number }[] = [];
  const per = Math.max(1, Math.floor(n / 5));
  for (let r = 0; r < 5; r++) {
    const t1 = process.hrtime.bigint();
    const c1 = process.cpuUsage();
    for (let i = r * per; i < (r + 1) * per; i++) {
      out.length = 0;
      hits += m.match(templates[i % templates.length]!, now, out);
    }
    const wallNs = Number(process.hrtime.bigint() - t1) / per;
    const cpu = process.cpuUsage(c1);
    // CPU time, not wall time: on a shared machine the process waits for its core; the CPU it used is the cost.
    rounds.push({ cpuNs: ((cpu.user + cpu.system) * 1000) / per, wallNs });
  }
  rounds.sort((a, b) => a.cpuNs - b.cpuNs);
  return { ...rounds[2]!, hits: hits / (per * 5) };
}
// The same events against the first 1,000 indicators: what the field scan and lookups cost when everything is
// in cache; the difference to the full set is memory latency.
const small = run(new Matcher(new IndicatorSet(indicators.slice(0, 1000))), nEv);
const full = run(new Matcher(set), nEv);
const cpuNs = full.cpuNs;
const ns = full.wallNs;
console.log(
  JSON.stringify({
    bench: 'ti-match',
    indicators: set.size,
    events: nEv,
    nsPerEvent: Math.round(cpuNs),
    wallNsPerEvent: Math.round(ns),
    nsPerEventWith1kIndicators: Math.round(small.cpuNs),
    hitRate: Number(full.hits.toFixed(4)),
    buildMs: Math.round(buildMs),
    setMB: Math.round(setBytes / 1048576),
    bytesPerIndicator: Math.round(setBytes / set.size),
    filterMB: Number((set.filterBytes / 1048576).toFixed(1)),
    counts: set.counts,
  }),
);
