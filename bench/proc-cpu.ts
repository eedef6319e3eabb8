/**
 * CPU-seconds of processes from /proc (utime + stime of the process and its threads; Linux only), so a benchmark
 * can state what each process of a run cost per million events. Services shared with other users (a Redis or
 * OpenSearch serving other tests) are found by the port they listen on; their figure then includes that other
 * load, which the benchmark says.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU-seconds used so far by a process, or undefined when it is gone or /proc is absent. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/** The process listening on a loopback TCP port (ss -ltnp), or undefined. */
export function pidOfPort(port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    const m = /pid=(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Samples named processes now; `since` gives each one's CPU-seconds from that sample on. */
export function cpuSample(pids: Record<string, number | undefined>): { since(): Record<string, number> } {
  const start = new Map<string, number>();
  for (const [k, pid] of Object.entries(pids)) {
    const s = pid === undefined ? undefined : cpuSeconds(pid);
    if (s !== undefined) start.set(k, s);
  }
  return {
    since() {
      const out: Record<string, number> = {};
      for (const [k, s0] of start) {
        const s = cpuSeconds(pids[k]!);
        if (s !== undefined) out[k] = Math.round((s - s0) * 100) / 100;
      }
      return out;
    },
  };
}
