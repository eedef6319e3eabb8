/**
 * The peer harness: canhgac against the best open peers on the same inputs, in one invocation, one JSON line per
 * comparison with both figures and the ratio (canhgac's figure over the peer's, so above 1 means canhgac is ahead;
 * for times, the peer's seconds over canhgac's).
 *
 *   node dist/bench/peers/peers.js [--only rule_load,detect_windows,syslog_lane,intake_tcp,intake_udp]
 *     [--rules DIR] [--events FILE] [--seconds N] [--replay N] [--messages N]
 *
 * - rule_load: canhgac cold (no cache: every file through the YAML front end) and warm (compiled-rule cache) parse +
 *   compile, against `rsigma engine eval` on no events (its parse + compile + start), each in a process pinned
 *   to core 1 (`taskset -c 1`).
 * - detect_windows: `canhgac bench detect` against rsigma over the same OTRF Windows events (replayed N times for
 *   rsigma, whose rate is N·events / (time with N copies − time with none)), both pinned to core 1; rsigma with
 *   its logsource routing (product=windows) and without. Then one pass of each for match agreement on (event,
 *   rule) pairs.
 * - syslog_lane: Linux auth, web and firewall syslog lines with the SigmaHQ linux/web/network rules and the
 *   shipped rules; rates as above, agreement on (line, rule) pairs (rsigma with `--input-format syslog`).
 * - intake_tcp, intake_udp: bench/syslog-ng-compare.sh (loggen into syslog-ng and into canhgac's syslog source +
 *   spool, one after the other); its fsync policy is in the line.
 * A peer that cannot be had (rsigma not built, syslog-ng not unpacked) gives a line with `skipped` and the reason.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot, sharedPath } from '../../core/shared-data.js';
import { agreement, pairsOfCanhgac, pairsOfRsigma } from './agreement.js';

const ROOT = projectRoot;
const CLI = join(ROOT, 'bin', 'canhgac.js');

function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'peers', ...line })}\n`);
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** Runs a command pinned to core 1 when taskset exists; returns wall seconds and stdout. */
function timed(cmd: string, args: string[], input?: string): { s: number; out: string; ok: boolean; err: string } {
  const pin = spawnSync('taskset', ['-c', '1', 'true']).status === 0;
  const [c, a] = pin ? ['taskset', ['-c', '1', cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c, a, { input: input ?? '', maxBuffer: 1 << 30, encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { s, out: r.stdout ?? '', ok: r.status === 0 || r.status === 1, err: (r.stderr ?? '').slice(-500) };
}

function findRsigma(): { bin?: string; reason?: string } {
  const r = spawnSync('bash', [join(ROOT, 'bench', 'peers', 'find-rsigma.sh')], {
    encoding: 'utf8',
    env: { ...process.env, RSIGMA_NO_BUILD: process.env.RSIGMA_NO_BUILD ?? '1' },
  });
  if (r.status === 0 && r.stdout.trim()) return { bin: r.stdout.trim() };
  return { reason: (r.stderr || 'find-rsigma.sh failed').trim().split('\n').slice(-2).join(' ') };
}

/** rsigma reads syslog text only when built with its daemon feature (rsigma-runtime's input adapters). */
function rsigmaHasSyslog(bin: string): boolean {
  const r = spawnSync(bin, ['--features'], { encoding: 'utf8' });
  return /\bdaemon\b/.test(r.stdout ?? '');
}

function rsigmaVersion(bin: string): string {
  return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
}

/** A file of `copies` copies of the NDJSON or text lines. */
function replicate(file: string, copies: number, dir: string): string {
  const text = readFileSync(file, 'utf8').replace(/\n?$/, '\n');
  const out = join(dir, `x${copies}-${file.replace(/[^a-z0-9]+/gi, '_').slice(-60)}`);
  writeFileSync(out, text.repeat(copies));
  return out;
}

function lineCount(file: string): number {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;
}

interface Side {
  bin: string;
  rules: string;
  extra: string[];
}

/** rsigma's events/s: N copies against none, the difference being evaluation alone. */
function rsigmaRate(side: Side, file: string, replay: number, dir: string): { events_per_s: number; load_s: number } {
  const empty = join(dir, 'empty');
  writeFileSync(empty, '');
  const base = ['engine', 'eval', '-r', side.rules, ...side.extra];
  const t0 = timed(side.bin, [...base, '-e', `@${empty}`]);
  const big = replicate(file, replay, dir);
  const t1 = timed(side.bin, [...base, '-e', `@${big}`]);
  if (!t1.ok) throw new Error(`rsigma failed: ${t1.err}`);
  const n = lineCount(file) * replay;
  return { events_per_s: Math.round(n / Math.max(1e-6, t1.s - t0.s)), load_s: round(t0.s) };
}

function canhgacDetect(rules: string[], events: string, seconds: number): Record<string, number> {
  const r = timed('node', [
    CLI,
    'bench',
    'detect',
    '--json',
    '--seconds',
    String(seconds),
    '--events',
    events,
    ...rules,
  ]);
  const line = r.out.trim().split('\n').pop() ?? '';
  if (!r.ok || !line.startsWith('{')) throw new Error(`canhgac bench detect failed: ${r.err}`);
  return JSON.parse(line) as Record<string, number>;
}

function ruleLoad(bin: string | undefined, rules: string, dir: string): void {
  const cache = join(dir, 'rule-cache');
  const script = `import('${join(ROOT, 'dist', 'cli', 'rules', 'common.js')}').then(async (m) => {
    const t = process.hrtime.bigint(); const s = await m.loadRuleSet([${JSON.stringify(rules)}]);
    console.log(JSON.stringify({ rules: s.loaded, s: Number(process.hrtime.bigint() - t) / 1e9 })); })`;
  const run = (env: Record<string, string>) => {
    const r = spawnSync('taskset', ['-c', '1', 'node', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { rules: number; s: number };
  };
  const cold = run({ CANHGAC_RULE_CACHE_DIR: 'off' });
  run({ CANHGAC_RULE_CACHE_DIR: cache }); // fills the cache
  const warm = run({ CANHGAC_RULE_CACHE_DIR: cache });
  const canhgac = { rules: cold.rules, cold_s: round(cold.s), warm_s: round(warm.s) };
  if (!bin) {
    emit({ comparison: 'rule_load', canhgac, skipped: 'rsigma not available' });
    return;
  }
  const empty = join(dir, 'empty');
  writeFileSync(empty, '');
  const samples = [0, 1, 2].map(() => timed(bin, ['engine', 'eval', '-r', rules, '-e', `@${empty}`]).s);
  const rs = Math.min(...samples);
  emit({
    comparison: 'rule_load',
    pinned: 'taskset -c 1',
    canhgac: { ...canhgac, note: 'parse + compile in process (node start excluded)' },
    rsigma: {
      version: rsigmaVersion(bin),
      seconds: round(rs),
      note: 'engine eval on no events, whole process, best of 3',
    },
    ratio_warm: round(rs / warm.s),
    ratio_cold: round(rs / cold.s),
  });
}

async function detectLane(
  name: string,
  bin: string | undefined,
  o: { rules: string[]; files: string[]; seconds: number; replay: number; dir: string; windows: boolean },
): Promise<void> {
  const events = o.files.length === 1 ? o.files[0]! : join(o.dir, `${name}.lines`);
  if (o.files.length > 1)
    writeFileSync(events, o.files.map((f) => readFileSync(f, 'utf8').replace(/\n?$/, '\n')).join(''));
  const cg = canhgacDetect(o.rules, events, o.seconds);
  const canhgac = { events_per_s: cg.events_per_s, rules: cg.rules, rule_load_s: cg.rule_load_s };
  if (!bin) {
    emit({ comparison: name, canhgac, skipped: 'rsigma not available' });
    return;
  }
  // rsigma takes one rules path: the sets are linked into one directory.
  const rdir = join(o.dir, `${name}-rules`);
  execFileSync('mkdir', ['-p', rdir]);
  for (const [i, r] of o.rules.entries()) execFileSync('ln', ['-sfn', resolve(r), join(rdir, `r${i}`)]);
  const input = o.windows ? [] : ['--input-format', 'syslog'];
  const routed: Side = {
    bin,
    rules: rdir,
    extra: [...input, '--logsource-routing', '--event-logsource', o.windows ? 'product=windows' : 'product=linux'],
  };
  const plain: Side = { bin, rules: rdir, extra: input };
  const withRouting = rsigmaRate(routed, events, o.replay, o.dir);
  const without = rsigmaRate(plain, events, o.replay, o.dir);
  const agree = await agreement(pairsOfCanhgac(o.rules, events), pairsOfRsigma(bin, rdir, events, o.windows, o.dir));
  emit({
    comparison: name,
    pinned: 'taskset -c 1',
    events: lineCount(events),
    canhgac,
    rsigma: {
      version: rsigmaVersion(bin),
      events_per_s_routed: withRouting.events_per_s,
      events_per_s: without.events_per_s,
      replayed: o.replay,
    },
    ratio: round(cg.events_per_s! / withRouting.events_per_s, 2),
    ratio_unrouted: round(cg.events_per_s! / without.events_per_s, 2),
    agreement: agree,
  });
}

function compare(transport: 'tcp' | 'udp', messages: number, reader: 'on' | 'off') {
  const r = spawnSync('bash', [join(ROOT, 'bench', 'syslog-ng-compare.sh')], {
    encoding: 'utf8',
    env: { ...process.env, TRANSPORT: transport, MESSAGES: String(messages), READER: reader },
  });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) return `syslog-ng compare failed: ${(r.stderr ?? '').slice(-300)}`;
  return JSON.parse(line) as {
    canhgac: { msgs_per_s: number };
    syslog_ng: { msgs_per_s: number };
    ratio_canhgac_to_syslog_ng: number;
  };
}

/** Intake: spool appends counted like syslog-ng's file lines (reader off), then with canhgac's reader draining
 * the spool on the same thread (reader on, the pipeline's load). */
function intake(transport: 'tcp' | 'udp', messages: number): void {
  const off = compare(transport, messages, 'off');
  const on = compare(transport, messages, 'on');
  if (typeof off === 'string' || typeof on === 'string') {
    emit({ comparison: `intake_${transport}`, skipped: typeof off === 'string' ? off : on });
    return;
  }
  emit({
    comparison: `intake_${transport}`,
    messages,
    canhgac: off.canhgac,
    syslog_ng: off.syslog_ng,
    ratio: off.ratio_canhgac_to_syslog_ng,
    with_reader: { canhgac: on.canhgac, syslog_ng: on.syslog_ng, ratio: on.ratio_canhgac_to_syslog_ng },
    fsync:
      'neither side fsyncs per message (syslog-ng file() default; canhgac --fsync never); canhgac acknowledges (reads on) only what it appended to the spool',
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      rules: { type: 'string' },
      events: { type: 'string' },
      seconds: { type: 'string', default: '10' },
      replay: { type: 'string', default: '10' },
      messages: { type: 'string', default: '1000000' },
    },
  });
  const only = new Set((values.only ?? 'rule_load,detect_windows,syslog_lane,intake_tcp,intake_udp').split(','));
  const sigma = values.rules ?? sharedPath('sigma', 'rules');
  const win =
    values.events ??
    sharedPath(
      'corpus',
      'otrf',
      'empire_wmi_dcerpc_wmi_IWbemServices_ExecMethod',
      'empire_wmi_dcerpc_wmi_IWbemServices_ExecMethod_2020-09-21001437.json',
    );
  const rs = findRsigma();
  if (!rs.bin) process.stderr.write(`peers: rsigma skipped: ${rs.reason}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'canhgac-peers-'));
  const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ');
  emit({ comparison: 'machine', load_average: load, cores: (await import('node:os')).cpus().length });
  try {
    const seconds = Number(values.seconds);
    const replay = Number(values.replay);
    if (!sigma) emit({ comparison: 'rules', skipped: 'no SigmaHQ rules (../shared/sigma/rules or --rules)' });
    if (sigma && only.has('rule_load')) ruleLoad(rs.bin, sigma, dir);
    if (sigma && win && only.has('detect_windows'))
      await detectLane('detect_windows', rs.bin, { rules: [sigma], files: [win], seconds, replay, dir, windows: true });
    const sys = sharedPath('corpus', 'syslog');
    if (sigma && sys && only.has('syslog_lane')) {
      const files = ['auth_sshd_sudo.log', 'nginx_access.log', 'apache_access_combined.log', 'iptables_netfilter.log'];
      const rules = ['linux', 'web', 'network'].map((d) => join(sigma, d));
      const syslogBin = rs.bin && rsigmaHasSyslog(rs.bin) ? rs.bin : undefined;
      if (rs.bin && !syslogBin)
        process.stderr.write('peers: this rsigma was built without its daemon feature: no syslog input\n');
      await detectLane('syslog_lane', syslogBin, {
        rules: [...rules, join(ROOT, 'rules', 'sigma')],
        files: files.map((f) => join(sys, f)),
        seconds,
        replay,
        dir,
        windows: false,
      });
    }
    for (const t of ['tcp', 'udp'] as const) if (only.has(`intake_${t}`)) intake(t, Number(values.messages));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
