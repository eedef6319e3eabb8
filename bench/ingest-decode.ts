/**
 * Decode + normalise throughput on one core: a realistic mix of syslog traffic (Linux auth, RFC 5424 with
 * structured data, FortiGate key=value, CEF, nginx access, netfilter) from a few hundred senders, run through
 * normaliseRecord in a loop. Prints one JSON line with msgs_per_s.
 *
 *   npm run build && node dist/bench/ingest-decode.js [--seconds 5]
 */

import { createNormaliseContext, normaliseRecord } from '../ingest/normalise/index.js';
import type { RawRecord } from '../ingest/spool/types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Message templates, weighted roughly like a provincial SOC's intake (mostly Linux auth and firewall). */
function line(k: number, sec: number): string {
  const t = new Date(Date.UTC(2026, 10, 22, 1, 0, 0) + sec * 1000);
  const bsd = `${MONTHS[t.getUTCMonth()]} ${String(t.getUTCDate()).padStart(2, ' ')} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
  const iso = t.toISOString();
  const ip = `203.0.${k % 200}.${(k * 7) % 250}`;
  switch (k % 10) {
    case 0:
    case 1:
      return `<38>${bsd} web-${k % 40} sshd[${1000 + (k % 5000)}]: Failed password for invalid user admin from ${ip} port ${40000 + (k % 20000)} ssh2`;
    case 2:
      return `<86>${bsd} app-${k % 30} sudo:   nguyenvana : TTY=pts/0 ; PWD=/home/nguyenvana ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`;
    case 3:
      return `<30>1 ${iso} mail-${k % 20}.sotttt.gov.vn postfix 2314 - [meta sequenceId="${k}"][origin ip="10.1.2.3"] connect from unknown[${ip}]`;
    case 4:
    case 5:
      return `<189>date=${iso.slice(0, 10)} time=${iso.slice(11, 19)} devname="FGT-${k % 10}" devid="FG100F${k % 10}" logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" srcip=10.1.${k % 250}.5 srcport=${50000 + (k % 10000)} srcintf="port1" dstip=${ip} dstport=443 dstintf="wan1" proto=6 action="deny" policyid=12 service="HTTPS" sentbyte=0 rcvdbyte=0`;
    case 6:
      return `<134>${bsd} fw-${k % 5} CEF:0|Check Point|VPN-1 & FireWall-1|R81|Drop|Drop|5|src=${ip} dst=10.1.0.${k % 250} spt=${40000 + (k % 1000)} dpt=22 proto=TCP act=drop msg=Blocked by policy rule 7`;
    case 7:
      return `<190>${bsd} www-${k % 10} nginx: ${ip} - - [22/Nov/2026:08:00:${pad(sec % 60)} +0700] "GET /index.php?id=${k}&page=2 HTTP/1.1" 200 5123 "https://dichvucong.gov.vn/" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"`;
    case 8:
      return `<4>${bsd} gw-${k % 8} kernel: [123456.789012] IPTABLES-DROP: IN=eth0 OUT= MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 SRC=${ip} DST=10.1.0.1 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=54321 DF PROTO=TCP SPT=${30000 + k} DPT=3389 WINDOW=29200 RES=0x00 SYN URGP=0`;
    default:
      return `<78>${bsd} app-${k % 30} CRON[${2000 + k}]: (root) CMD (/usr/local/bin/backup.sh >/dev/null 2>&1)`;
  }
}

function main(): void {
  const secIdx = process.argv.indexOf('--seconds');
  const seconds = secIdx > 0 ? Number(process.argv[secIdx + 1]) : 5;
  const N = 50_000;
  const records: RawRecord[] = [];
  const now = Date.UTC(2026, 10, 22, 2, 0, 0);
  for (let i = 0; i < N; i++) {
    // About 20 messages per second of log time, from 300 senders.
    records.push({
      id: `0193${i.toString(16).padStart(28, '0')}`,
      receivedAt: now + Math.floor(i / 20),
      transport: 'udp',
      source: `10.${1 + (i % 3)}.${i % 100}.${i % 250}`,
      data: line(i, Math.floor(i / 20)),
    });
  }
  const ctx = createNormaliseContext({
    agencies: [
      { id: '000.00.00.H40', name: 'Sở Thông tin và Truyền thông', networks: ['10.1.0.0/16'] },
      { id: '000.00.01.H40', name: 'Sở Tài chính', networks: ['10.2.0.0/16', '2001:db8:2::/48'] },
    ],
  });
  let sink = 0;
  // Warm-up so the figure is steady-state JIT code, not the interpreter.
  for (let r = 0; r < 3; r++) for (const rec of records) sink += normaliseRecord(rec, ctx) ? 1 : 0;
  let msgs = 0;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let nowNs = start;
  while (nowNs < deadline) {
    for (const rec of records) {
      const ev = normaliseRecord(rec, ctx);
      if (ev !== undefined) sink++;
    }
    msgs += N;
    nowNs = process.hrtime.bigint();
  }
  const secs = Number(nowNs - start) / 1e9;
  // CPU time of this process too: on a shared machine the wall-clock figure also measures the neighbours.
  const cpu = process.cpuUsage(cpu0);
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'ingest-decode',
      msgs,
      seconds: Number(secs.toFixed(3)),
      msgs_per_s: Math.round(msgs / secs),
      msgs_per_cpu_s: Math.round(msgs / cpuSecs),
      node: process.version,
      sink: sink > 0,
    })}\n`,
  );
}

main();
