/**
 * The end-to-end figure with the context stages (GeoIP/ASN from the shipped databases, threat-intel matching
 * against a feed of --indicators entries) beside the figure without them, in one run: dist/bench/e2e-service.js
 * twice with the same arguments, `--context off` then `--context on`, one after the other on the same machine.
 * Prints ONE JSON line: both results' headline figures and the differences. Other arguments are passed through.
 *
 *   npm run build && node dist/bench/e2e-context.js --rate 5000 --seconds 120 [--indicators 100000]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const args = process.argv.slice(2);
const script = join(import.meta.dirname, 'e2e-service.js');

function run(context: 'on' | 'off'): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args, '--context', context], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`e2e-service --context ${context} exited with ${code}`));
      else resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
}

type Figures = {
  sent_per_s: number;
  stored_per_s_during_run: number;
  drained: boolean;
  drain_seconds: number;
  rss_mb: { max: number; end: number };
  incident_delay_ms: { p50: number; p99: number; missing: number };
};
const pick = (r: Record<string, unknown>) => {
  const f = r as unknown as Figures;
  return {
    sent_per_s: f.sent_per_s,
    stored_per_s_during_run: f.stored_per_s_during_run,
    drained: f.drained,
    drain_seconds: f.drain_seconds,
    rss_mb_max: f.rss_mb.max,
    incident_delay_ms_p50: f.incident_delay_ms.p50,
    incident_delay_ms_p99: f.incident_delay_ms.p99,
    planted_incidents_missing: f.incident_delay_ms.missing,
  };
};

const off = pick(await run('off'));
const on = pick(await run('on'));
process.stdout.write(
  `${JSON.stringify({
    bench: 'e2e-context',
    args: args.join(' '),
    context_off: off,
    context_on: on,
    stored_per_s_change_pct: Number(
      ((100 * (on.stored_per_s_during_run - off.stored_per_s_during_run)) / off.stored_per_s_during_run).toFixed(1),
    ),
    rss_mb_max_change: on.rss_mb_max - off.rss_mb_max,
    note: 'shared 2-core machine: other engineers build and test at the same time; the two runs follow each other',
  })}\n`,
);
