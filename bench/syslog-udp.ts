/**
 * UDP syslog intake into the spool: a worker thread sends datagrams at a fixed rate (default 100,000 msg/s,
 * paced every millisecond) to the UDP source, which appends to a FileSpool that a reader drains. Counts what
 * arrived against what was sent, plus the kernel's receive-buffer drops. Prints one JSON line.
 *
 *   npm run build && node dist/bench/syslog-udp.js [--rate 100000] [--seconds 5] [--fsync always|interval|never]
 *       [--rcvbuf 33554432] [--size 300]
 *   (or without a build: node --import ./tests/ingest/ts-register.mjs bench/syslog-udp.ts ...)
 * A large SO_RCVBUF needs net.core.rmem_max at least as large (the kernel caps it silently; the output shows
 * what was granted).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { FileSpool, type FsyncPolicy } from '../ingest/spool/file-spool.js';
import { SyslogUdpSource } from '../ingest/sources/syslog-udp/source.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

const rate = Number(arg('rate', '100000'));
const seconds = Number(arg('seconds', '5'));
const fsync = arg('fsync', 'always') as FsyncPolicy;
const rcvbuf = Number(arg('rcvbuf', String(32 * 1024 * 1024)));
const size = Number(arg('size', '300'));

// The sender runs in a worker so it does not share the event loop it measures (plain JS: no loader needed).
const SENDER = `
const { parentPort, workerData } = require('node:worker_threads');
const dgram = require('node:dgram');
const { port, rate, seconds, size } = workerData;
const s = dgram.createSocket('udp4');
s.connect(port, '127.0.0.1', () => {
  const pad = 'x'.repeat(Math.max(0, size - 80));
  let sent = 0;
  const total = rate * seconds;
  const t0 = Date.now();
  const tick = () => {
    const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * rate));
    while (sent < due) {
      s.send('<134>Nov 22 10:00:00 bench-host app[1234]: seq=' + sent + ' ' + pad);
      sent++;
    }
    if (sent < total) setTimeout(tick, 1);
    else setTimeout(() => { s.close(); parentPort.postMessage({ sent, ms: Date.now() - t0 }); }, 50);
  };
  tick();
});
`;

const dir = mkdtempSync(join(tmpdir(), 'canhgac-bench-udp-'));
try {
  const spool = await FileSpool.open({ dir, fsync, maxBytes: 4 * 1024 * 1024 * 1024, name: 'bench-udp' });
  const src = new SyslogUdpSource({ host: '127.0.0.1', port: 0, recvBufferBytes: rcvbuf }, spool);
  const port = await src.start();
  let received = 0;
  let reading = true;
  const reader = (async () => {
    while (reading) {
      const b = await spool.readNdjson(10_000, 100);
      if (!b) continue;
      received += b.count;
      await spool.commit(b.cursor);
    }
  })();
  const t0 = process.hrtime.bigint();
  const w = new Worker(SENDER, { eval: true, workerData: { port, rate, seconds, size } });
  const { sent, ms } = await new Promise<{ sent: number; ms: number }>((r) => w.once('message', r));
  // Let the tail drain: the kernel buffer and the last appends.
  const until = Date.now() + 5000;
  while (received < sent && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const kernelDrops = await src.kernelDropsSinceStart();
  reading = false;
  await reader;
  await src.stop();
  await spool.close();
  await w.terminate();
  process.stdout.write(
    `${JSON.stringify({
      bench: 'syslog-udp',
      fsync,
      rate_target: rate,
      sent,
      received,
      lost: sent - received,
      kernel_rcvbuf_errors: kernelDrops,
      send_seconds: ms / 1000,
      msgs_per_s: Math.round(received / (ms / 1000)),
      elapsed_s: Number(elapsed.toFixed(2)),
      rcvbuf_asked: rcvbuf,
      cpu: cpus()[0]?.model,
      node: process.version,
    })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
