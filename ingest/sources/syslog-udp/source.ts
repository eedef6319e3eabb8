import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { logger } from '../../../core/log.js';
import { counter, gauge } from '../../../core/metrics.js';
import type { Spool } from '../../spool/types.js';
import { SpoolFullError } from '../../spool/types.js';
import { decodeRecords, RecordWriter } from '../../spool/writer.js';
import { senderAddress } from '../framing/address.js';
import { sourceError } from '../framing/errors.js';
import { sourceTelemetry } from '../framing/telemetry.js';
import type { SenderGate } from '../gate.js';
import { type SyslogUdpConfig, syslogUdpConfig } from './config.js';
import { readUdpKernelStats, type UdpKernelStats } from './kernel-stats.js';

const log = logger('syslog_udp');
const kernelRcvbuf = gauge(
  'canhgac_udp_kernel_rcvbuf_errors',
  'Host-wide UDP datagrams the kernel dropped because a receive buffer was full (/proc/net/snmp RcvbufErrors)',
);
const kernelInErrors = gauge('canhgac_udp_kernel_in_errors', 'Host-wide UDP receive errors (/proc/net/snmp InErrors)');
const kernelLostSinceStart = counter(
  'canhgac_udp_kernel_rcvbuf_errors_since_start_total',
  'Increase of the host-wide UDP RcvbufErrors since this source started',
);
const rcvbufGauge = gauge('canhgac_udp_receive_buffer_bytes', 'SO_RCVBUF the kernel granted the UDP source socket');

// Trailing LF, CR and NUL are how some senders end a datagram, not part of the message.
function messageEnd(b: Buffer): number {
  let e = b.length;
  while (e > 0) {
    const c = b[e - 1]!;
    if (c !== 0x0a && c !== 0x0d && c !== 0x00) break;
    e--;
  }
  return e;
}

/**
 * The syslog UDP source: one datagram = one message. UDP cannot push back, so a full spool means a counted,
 * logged drop (reason `spool_full`); the kernel's own drops are read from /proc/net/snmp into gauges.
 */
export class SyslogUdpSource {
  readonly kind = 'syslog_udp';
  readonly config: SyslogUdpConfig;
  private readonly t = sourceTelemetry('syslog_udp');
  private socket: Socket | undefined;
  /** Datagrams since the last flush, encoded for the spool as they come (./spool/writer.ts). */
  private readonly batch: RecordWriter;
  private batchBytes = 0;
  private flushQueued = false;
  private readonly pending = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private kernelBase: UdpKernelStats | undefined;
  private lastKernel = 0;
  private droppedSinceLog = 0;
  private lastDropLog = 0;

  private readonly gate: SenderGate | undefined;

  /** `opts.gate`: what to do with senders no agency claims (checked per datagram, before the spool). */
  constructor(
    config: Partial<SyslogUdpConfig>,
    private readonly spool: Spool,
    opts: { gate?: SenderGate } = {},
  ) {
    this.config = syslogUdpConfig(config);
    this.gate = opts.gate;
    this.batch = new RecordWriter({ transport: 'udp', source: '', format: this.config.format });
  }

  /** Starts listening; resolves with the bound port. */
  async start(): Promise<number> {
    const { host, port, recvBufferBytes } = this.config;
    const sock = createSocket({
      type: isIPv6(host) ? 'udp6' : 'udp4',
      recvBufferSize: recvBufferBytes,
      reuseAddr: false,
    });
    this.socket = sock;
    sock.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    await new Promise<void>((resolve, reject) => {
      sock.once('error', (e) =>
        reject(
          sourceError('CANHGAC_ERR_SOURCE_LISTEN', { kind: this.kind, host, port, reason: e.message }, { cause: e }),
        ),
      );
      sock.bind({ address: host, port }, () => resolve());
    });
    sock.on('error', (e) => {
      this.t.error('receiving', 'socket');
      log.error({ err: e }, 'UDP socket error');
    });
    // The kernel caps SO_RCVBUF at net.core.rmem_max (and reports double what it books): say what we got.
    const granted = sock.getRecvBufferSize();
    rcvbufGauge.set(granted);
    if (granted < recvBufferBytes) {
      log.warn(
        { asked: recvBufferBytes, granted },
        'The kernel granted a smaller UDP receive buffer than configured: raise net.core.rmem_max',
      );
    }
    if (this.config.kernelStatsIntervalMs > 0) {
      await this.pollKernel();
      this.timer = setInterval(() => void this.pollKernel(), this.config.kernelStatsIntervalMs);
      this.timer.unref();
    }
    const bound = sock.address().port;
    log.info({ host, port: bound, rcvbuf: granted }, 'Syslog UDP source listening');
    return bound;
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    // Counted per batch: a prom-client label lookup per datagram is measurable at 100k msg/s.
    this.batchBytes += msg.length;
    let end = messageEnd(msg);
    if (end === 0) {
      this.t.dropped('empty');
      return;
    }
    if (end > this.config.maxMessageBytes) {
      end = this.config.maxMessageBytes;
      this.t.truncated.inc();
    }
    const source = senderAddress(rinfo.address);
    if (this.gate !== undefined && !this.gate.admitRecords('udp', source, undefined)) {
      // UDP cannot refuse: the datagram is dropped, counted here and by the gate (with its reason), logged there.
      this.t.dropped('unclaimed_sender');
      return;
    }
    this.batch.add(msg, 0, end, Date.now(), undefined, source);
    if (this.batch.count >= this.config.batchSize) this.flush();
    else if (!this.flushQueued) {
      // Datagrams that arrive in one event-loop turn share one append (and one fsync).
      this.flushQueued = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.batchBytes > 0) {
      this.t.bytes.inc(this.batchBytes);
      this.batchBytes = 0;
    }
    const recs = this.batch.take();
    if (!recs) return;
    const n = recs.count;
    this.t.received(n);
    const spool = this.spool;
    const p = (spool.appendEncoded ? spool.appendEncoded(recs) : spool.append(decodeRecords(recs))).then(
      () => this.t.sent(n),
      (e: unknown) => this.drop(e instanceof SpoolFullError ? 'spool_full' : 'spool_error', n, e),
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private drop(reason: string, n: number, err: unknown): void {
    this.t.dropped(reason, n);
    if (reason !== 'spool_full') this.t.error('sending', 'spool_append');
    this.droppedSinceLog += n;
    // A full spool can drop thousands per second: one log line per 10 s with the count, never silence.
    const now = Date.now();
    if (now - this.lastDropLog >= 10_000) {
      log.error(
        { reason, records: this.droppedSinceLog, err: reason === 'spool_full' ? undefined : err },
        'Dropped UDP syslog messages: the spool refused them',
      );
      this.lastDropLog = now;
      this.droppedSinceLog = 0;
    }
  }

  private async pollKernel(): Promise<void> {
    const s = await readUdpKernelStats();
    if (!s) return;
    kernelRcvbuf.set(s.rcvbufErrors);
    kernelInErrors.set(s.inErrors);
    if (!this.kernelBase) this.kernelBase = s;
    const lost = s.rcvbufErrors - this.kernelBase.rcvbufErrors;
    if (lost > this.lastKernel) {
      kernelLostSinceStart.inc(lost - this.lastKernel);
      log.warn(
        { rcvbufErrors: lost - this.lastKernel },
        'The kernel dropped UDP datagrams: receive buffers overflowed (host-wide count)',
      );
      this.lastKernel = lost;
    }
  }

  /** Kernel receive-buffer drops seen since start (host-wide), for benchmarks and tests. */
  async kernelDropsSinceStart(): Promise<number> {
    await this.pollKernel();
    return this.lastKernel;
  }

  /** Stops receiving, appends what was read, waits for the spool. */
  async stop(): Promise<void> {
    const s = this.socket;
    if (!s) return;
    this.socket = undefined;
    if (this.timer) clearInterval(this.timer);
    await new Promise<void>((r) => s.close(() => r()));
    this.flush();
    await Promise.all(this.pending);
  }
}
