/**
 * TCP syslog intake into the spool: a worker thread opens --connections sockets and writes --messages
 * LF-delimited (or --octet) messages as fast as the sockets accept them; the TCP source frames them and
 * appends to a FileSpool (fsync always by default, group-committed) that a reader drains and commits. With
 * --normalise the reader also runs every record through decode + normalise (ingest/normalise), in the same
 * thread (otherwise batches are read as NDJSON bytes, unparsed, as handed to the worker pool). The figure:
 * messages/s from the first byte sent to the last record read. Prints one JSON line.
 *
 *   npm run build && node dist/bench/syslog-tcp.js [--messages 500000] [--connections 8]
 *       [--fsync always|interval|never] [--octet] [--normalise] [--size 250]
 *   (or without a build: node --import ./tests/ingest/ts-register.mjs bench/syslog-tcp.ts ...)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createNormaliseContext, normaliseRecord } from '../ingest/normalise/index.js';
import { FileSpool, type FsyncPolicy } from '../ingest/spool/file-spool.js';
import { SyslogTcpSource } from '../ingest/sources/syslog-tcp/source.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const messages = Number(arg('messages', '500000'));
const connections = Number(arg('connections', '8'));
const fsync = arg('fsync', 'always') as FsyncPolicy;
const size = Number(arg('size', '250'));
const octet = flag('octet');
const normalise = flag('normalise');

// Plain JS in a worker: the sender must not share the measured event loop. Messages are pre-rendered in
// 64 KiB chunks so the sender costs little per message.
const SENDER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { port, messages, connections, size, octet } = workerData;
const per = Math.ceil(messages / connections);
let done = 0;
const t0 = Date.now();
for (let c = 0; c < connections; c++) {
  const count = Math.min(per, messages - c * per);
  const s = net.connect(port, '127.0.0.1', () => {
    let i = 0;
    const write = () => {
      while (i < count) {
        const parts = [];
        let bytes = 0;
        while (i < count && bytes < 65536) {
          const body = '<38>Nov 22 10:00:00 web-' + c + ' sshd[1234]: Failed password for invalid user admin from 203.0.113.' + (i % 250) + ' port ' + (40000 + (i % 20000)) + ' ssh2 seq=' + i + ' ';
          const m = body + 'x'.repeat(Math.max(0, size - body.length));
          const line = octet ? Buffer.byteLength(m) + ' ' + m : m + '\\n';
          parts.push(line);
          bytes += line.length;
          i++;
        }
        if (!s.write(parts.join(''))) return s.once('drain', write);
      }
      s.end();
    };
    write();
  });
  s.on('close', () => { if (++done === connections) parentPort.postMessage({ ms: Date.now() - t0 }); });
}
`;

const dir = mkdtempSync(join(tmpdir(), 'canhgac-bench-tcp-'));
try {
  const spool = await FileSpool.open({ dir, fsync, maxBytes: 4 * 1024 * 1024 * 1024, name: 'bench-tcp' });
  const src = new SyslogTcpSource({ host: '127.0.0.1', port: 0, maxInflightBytes: 8 * 1024 * 1024 }, spool);
  const port = await src.start();
  const ctx = normalise ? createNormaliseContext({}) : undefined;
  let received = 0;
  let normalised = 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const w = new Worker(SENDER, { eval: true, workerData: { port, messages, connections, size, octet } });
  let sendMs = 0;
  w.once('message', (m: { ms: number }) => {
    sendMs = m.ms;
  });
  const deadline = Date.now() + 300_000;
  while (received < messages && Date.now() < deadline) {
    if (ctx) {
      const b = await spool.read(10_000, 200);
      if (!b) continue;
      received += b.records.length;
      for (const r of b.records) if (normaliseRecord(r, ctx)) normalised++;
      await spool.commit(b.cursor);
    } else {
      // As the pipeline would: NDJSON bytes handed on unparsed (workers parse).
      const b = await spool.readNdjson(10_000, 200);
      if (!b) continue;
      received += b.count;
      await spool.commit(b.cursor);
    }
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  await src.stop();
  await spool.close();
  await w.terminate();
  process.stdout.write(
    `${JSON.stringify({
      bench: normalise ? 'syslog-tcp+normalise' : 'syslog-tcp',
      fsync,
      framing: octet ? 'octet-counted' : 'lf',
      connections,
      messages,
      received,
      normalised: ctx ? normalised : undefined,
      seconds: Number(secs.toFixed(3)),
      msgs_per_s: Math.round(received / secs),
      sender_seconds: sendMs / 1000,
      main_thread_cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      cpu: cpus()[0]?.model,
      node: process.version,
    })}\n`,
  );
  if (received < messages) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
