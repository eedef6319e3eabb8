/**
 * Helpers for tests that run local programs (rsyslogd, logger, redis-server, the health check): whether a command
 * or rsyslog module is installed, a free port, polling, rsyslogd in the foreground, feeding lines over TCP.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

/** Whether `cmd` is on the PATH. */
export function have(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const RSYSLOG_MODULES = ['/usr/lib/x86_64-linux-gnu/rsyslog', '/usr/lib/aarch64-linux-gnu/rsyslog', '/usr/lib/rsyslog'];

/** Whether rsyslog's module `name` (e.g. imtcp, omrelp, lmnsd_gtls) is installed. */
export function hasRsyslogModule(name: string): boolean {
  return RSYSLOG_MODULES.some((d) => existsSync(join(d, `${name}.so`)));
}

/** Resolves once `cond()` holds; throws after `ms`. */
export async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('Timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** rsyslogd in the foreground with config `conf` (pid file in `dir`); resolves once its imtcp input accepts. */
export async function spawnRsyslogd(dir: string, conf: string, inPort: number): Promise<ChildProcess> {
  const child = spawn('rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const end = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const s = connect({ host: '127.0.0.1', port: inPort }, () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (up) return child;
    if (child.exitCode !== null || Date.now() > end) throw new Error(`rsyslogd did not start (exit ${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGTERM to a child, resolving once it exited (at once if it already has). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

/** Sends `lines` LF-terminated over one TCP connection to 127.0.0.1:port. */
export async function feed(port: number, lines: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.end(lines.map((l) => `${l}\n`).join(''), resolve));
    s.on('error', reject);
  });
}
