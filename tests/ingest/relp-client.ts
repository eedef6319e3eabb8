import { connect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { encodeRelp, RelpParser } from '../../ingest/sources/relp/parser.js';

/**
 * A small RELP client for tests and benchmarks: sends `syslog` frames without waiting (a window), and
 * resolves each send only when the server answered `rsp 200`. Rejects pending sends when the connection dies.
 */
export class RelpClient {
  private sock!: Socket;
  private txnr = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private parser!: RelpParser;
  /** Set when the server said `serverclose` or the connection closed. */
  closed = false;

  /** Connects and performs the `open` handshake. */
  static async connect(port: number, host = '127.0.0.1', tls?: ConnectionOptions): Promise<RelpClient> {
    const c = new RelpClient();
    await c.init(port, host, tls);
    return c;
  }

  private async init(port: number, host: string, tls: ConnectionOptions | undefined): Promise<void> {
    this.parser = new RelpParser({
      frame: (f) => {
        if (f.command === 'serverclose') {
          this.fail(new Error('serverclose'));
          return;
        }
        const p = this.pending.get(f.txnr);
        if (!p) return;
        this.pending.delete(f.txnr);
        if (f.data.startsWith('200') || (f.data === '' && f.command === 'rsp')) p.resolve();
        else p.reject(new Error(`RELP ${f.data}`));
      },
      error: (offset, reason) => this.fail(new Error(`bad RELP response at ${offset}: ${reason}`)),
    });
    this.sock = await new Promise<Socket>((resolve, reject) => {
      const s: Socket = tls
        ? tlsConnect({ host, port, ...tls }, () => resolve(s))
        : connect({ host, port }, () => resolve(s));
      s.once('error', reject);
    });
    this.sock.on('data', (d: Buffer) => this.parser.push(d));
    this.sock.on('error', (e) => this.fail(e));
    this.sock.on('close', () => this.fail(new Error('connection closed')));
    await this.command('open', 'relp_version=0\nrelp_software=canhgac-test\ncommands=syslog');
  }

  private fail(e: Error): void {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private command(cmd: string, data: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    const t = ++this.txnr;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(t, { resolve, reject });
      this.sock.write(encodeRelp(t, cmd, data));
    });
  }

  /** Sends one syslog message; resolves when it was acknowledged (durably stored by the server). */
  send(msg: string): Promise<void> {
    return this.command('syslog', msg);
  }

  /** Sends `close`, waits for its response and the end of the connection. */
  async close(): Promise<void> {
    await this.command('close', '');
    this.sock.end();
  }

  /** Drops the connection without a goodbye. */
  destroy(): void {
    this.sock.destroy();
  }
}
