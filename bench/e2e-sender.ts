/**
 * The end-to-end benchmark's sender (bench/e2e-service.ts): a worker thread that replays the corpus lines over TCP
 * at a fixed rate, stamping each with the time it is sent, and plants the lines a shipped rule alerts on.
 */
import { Worker } from 'node:worker_threads';

// The sender: plain JS in a worker thread so that it does not share the measured event loop (embedded mode).
const SENDER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { port, lines, rate, seconds, connections, plantEvery, stormEvery, tzOffsetMs } = workerData;
// Each line is [before, kind, after]: kind 0 = no time to replace; else the format of the time that the send time
// replaces (see templates() in bench/e2e-service.ts): the rest of the line stays verbatim.
const MON = ['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec'];
const DAY = ['Sun','Mon','Tue','Wed','Thu','Fri','Sat'];
const p2 = (n) => (n < 10 ? '0' : '') + n;
let stampMs = -1;
const st = [''];
const stamp = () => {
  const now = Date.now();
  if (now === stampMs) return;
  stampMs = now;
  const l = new Date(now + tzOffsetMs); // wall-clock time in the service's zone, read with the UTC getters
  const d = l.getUTCDate(), mon = MON[l.getUTCMonth()], y = l.getUTCFullYear();
  const hms = p2(l.getUTCHours()) + ':' + p2(l.getUTCMinutes()) + ':' + p2(l.getUTCSeconds());
  const u = new Date(now);
  st[1] = mon + ' ' + (d < 10 ? ' ' + d : d) + ' ' + hms;
  st[2] = u.toISOString();
  st[3] = p2(u.getUTCDate()) + '/' + MON[u.getUTCMonth()] + '/' + u.getUTCFullYear() + ':' + p2(u.getUTCHours()) + ':' + p2(u.getUTCMinutes()) + ':' + p2(u.getUTCSeconds()) + ' +0000';
  st[4] = DAY[l.getUTCDay()] + ' ' + mon + ' ' + p2(d) + ' ' + hms + ' ' + y;
  st[5] = y + '-' + p2(l.getUTCMonth() + 1) + '-' + p2(d) + ' ' + hms;
  st[6] = y + '/' + p2(l.getUTCMonth() + 1) + '/' + p2(d) + ' ' + hms;
};
const line = (t) => (t[1] === 0 ? t[0] : t[0] + st[t[1]] + t[2]);
const socks = [];
let sent = 0, planted = 0, stormed = 0, next = 0, lagged = 0;
const total = Math.floor(rate * seconds);
const plant = (k) => {
  const m = '<85>1 ' + new Date().toISOString() + ' bench-p' + k + ' sudo - - -     bob : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/bash';
  return Buffer.byteLength(m) + ' ' + m;
};
const frame = (m) => Buffer.byteLength(m) + ' ' + m;
// An alert storm (--storm-every): two attacks, alternating: an SSH brute force from one address against one host,
// and a port scan from another address through the firewall (a new port each time).
const storm = (k) => {
  const ts = new Date().toISOString();
  return frame(k % 2 === 0
    ? '<38>1 ' + ts + ' storm-web01 sshd 2222 - - Failed password for root from 203.0.113.66 port ' + (40000 + (k % 20000)) + ' ssh2'
    : '<4>1 ' + ts + ' fw01 kernel - - - IPTABLES-DROP: IN=eth0 OUT= SRC=198.51.100.23 DST=10.20.0.10 LEN=44 TTL=41 ID=' + k + ' PROTO=TCP SPT=60000 DPT=' + (1 + (k % 1000)) + ' WINDOW=1024 SYN URGP=0');
};
let opened = 0;
for (let c = 0; c < connections; c++) {
  const s = net.connect(port, '127.0.0.1', () => { if (++opened === connections) start(); });
  s.on('error', (e) => parentPort.postMessage({ type: 'error', message: String(e) }));
  socks.push(s);
}
function start() {
  const t0 = Date.now();
  parentPort.postMessage({ type: 'start', t0 });
  const tick = () => {
    const elapsed = Date.now() - t0;
    const due = Math.min(total, Math.floor((rate * elapsed) / 1000)) - sent;
    if (due > 0) {
      const per = Math.ceil(due / connections);
      for (const s of socks) {
        if (sent >= total) break;
        // A socket whose kernel and user buffers are full means the service pushes back: count the lag, send later.
        if (s.writableLength > 4 * 1024 * 1024) { lagged++; continue; }
        const n = Math.min(per, total - sent);
        const parts = new Array(n);
        stamp();
        for (let i = 0; i < n; i++) {
          if (stormEvery > 0 && (sent + i) % stormEvery === stormEvery - 1) parts[i] = storm(stormed++);
          else if ((sent + i) % plantEvery === plantEvery - 1) parts[i] = plant(planted++);
          else { parts[i] = frame(line(lines[next])); next = (next + 1) % lines.length; }
        }
        s.write(parts.join(''));
        sent += n;
      }
    }
    if (sent >= total) {
      let open = socks.length;
      for (const s of socks) s.end(() => { if (--open === 0) parentPort.postMessage({ type: 'done', sent, planted, stormed, lagged, t1: Date.now() }); });
      return;
    }
    if (elapsed % 1000 < 10) parentPort.postMessage({ type: 'progress', sent, planted });
    setTimeout(tick, 5);
  };
  tick();
}
`;

export interface SenderDone {
  sent: number;
  planted: number;
  /** Attack lines of the storm (--storm-every). */
  stormed: number;
  lagged: number;
  t1: number;
}

/** A replayed line: the text before its time, the time's format (0: none to replace; see TIMES), the rest. */
export type Template = [string, number, string];

/**
 * The times replaced by the send time, by format number (the sender thread formats them): the syslog header
 * times, and the own time of the lines that have no syslog header (which the decoders read as the event time).
 * Local times are in the service's zone (Asia/Ho_Chi_Minh), as devices there write them.
 */
const TIMES: [number, RegExp][] = [
  // RFC 5424 header (UTC, Z)
  [2, /^(<\d{1,3}>1 )(\d{4}-\d\d-\d\dT[^ ]+)( .*)$/s],
  // RFC 3164 header, optional PRI (local)
  [1, /^((?:<\d{1,3}>)?)((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]?\d \d\d:\d\d:\d\d)( .*)$/s],
  // Apache/nginx access log: [17/May/2015:10:05:03 +0000] (written in UTC)
  [3, /^([^[]*\[)(\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})(\].*)$/s],
  // Apache error log: [Sun Dec 04 04:47:44 2005] (local)
  [4, /^(\[)([A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d \d{4})(\].*)$/s],
  // Windows CBS log: 2016-09-28 04:30:30, (local)
  [5, /^()(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(,.*)$/s],
  // nginx error log: 2021/12/01 13:53:33 (local)
  [6, /^()(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d)( .*)$/s],
];

/**
 * Live traffic carries the time it is sent: each line's syslog header time (RFC 3164, RFC 5424), or for lines
 * without one their own leading time (access and error logs), is replaced by the send time; the rest of the line
 * is verbatim. What matches none of TIMES (CEF, FortiGate key=value, some iptables lines) goes as it is.
 */
export function templates(lines: string[]): Template[] {
  return lines.map((l): Template => {
    for (const [kind, re] of TIMES) {
      const m = re.exec(l);
      if (m) return [m[1]!, kind, m[3]!];
    }
    return [l, 0, ''];
  });
}

/** Offset of the service's default zone (Asia/Ho_Chi_Minh, UTC+7 all year, no summer time). */
export const TZ_OFFSET_MS = 7 * 3600_000;

/**
 * What the sender is asked to do: events/s for seconds over connections, one planted line in plantEvery, and
 * (stormEvery > 0) one attack line of the storm in stormEvery.
 */
export interface SenderLoad {
  rate: number;
  seconds: number;
  connections: number;
  plantEvery: number;
  stormEvery?: number;
}

export function runSender(
  port: number,
  lines: Template[],
  load: SenderLoad,
  onStart: (t0: number) => void,
): Promise<SenderDone> {
  const w = new Worker(SENDER, {
    eval: true,
    workerData: { port, lines, stormEvery: 0, ...load, tzOffsetMs: TZ_OFFSET_MS },
  });
  return new Promise((resolve, reject) => {
    w.on('message', (m: { type: string } & Partial<SenderDone> & { t0?: number; message?: string }) => {
      if (m.type === 'start') onStart(m.t0!);
      else if (m.type === 'done') {
        resolve(m as SenderDone);
        void w.terminate();
      } else if (m.type === 'error') reject(new Error(`sender: ${m.message}`));
    });
    w.on('error', reject);
  });
}
