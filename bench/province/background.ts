/**
 * The province's ordinary traffic, as Poisson processes per host (rates in model.ts, sources in README.md): bots
 * and credential stuffing on internet-facing sshd, administrators (typos, then success, sudo), cron, nginx portals
 * (people, crawlers, scanners' probes, ordinary 4xx), firewall denies, Windows Security events.
 *
 * Each source is a generator: `fire(t, out)` appends the lines of one occurrence at simulated time t and returns
 * when it fires next. Each has its own Rng (seed + index), so the stream depends only on the seed and the window.
 */
import { type Ctx, CURVE_MAX, DAY_CURVE, type Generator, port } from './background-common.js';
import { firewall, web, windows } from './background-web.js';
import { localHour, PRI, syslog } from './lines.js';
import { type Agency, type Host, type Rates, Rng, type SimEvent } from './model.js';

export type { Generator } from './background-common.js';

const BOT_USERS = [
  'root',
  'root',
  'root',
  'root',
  'admin',
  'test',
  'user',
  'ubuntu',
  'oracle',
  'postgres',
  'git',
  'ftpuser',
  'guest',
  'deploy',
  'pi',
  'support',
  'mysql',
  'www',
  'dev',
  'hadoop',
  'test1',
  'student',
  'minecraft',
  'steam',
  'debian',
  'centos',
  'administrator',
  'nagios',
  'tomcat',
  'elastic',
  'es',
  'sol',
  'solana',
  'validator',
  'jenkins',
];

/** A line with its own (simulated) time. */
type Timed = [number, string];

function sshdLine(t: number, host: string, pid: number, msg: string, pri: number = PRI.authprivInfo): Timed {
  return [t, syslog(t, pri, host, 'sshd', pid, msg)];
}

function sys(t: number, pri: number, host: string, app: string, pid: number | null, msg: string): Timed {
  return [t, syslog(t, pri, host, app, pid, msg)];
}

/** One failed attempt as OpenSSH 8/9 on Ubuntu logs it (PAM line included for real accounts). */
function failedAttempt(t: number, h: string, pid: number, user: string, ip: string, p: number, out: Timed[]): void {
  const invalid = !['root', 'admin', 'ubuntu', 'deploy', 'git', 'postgres', 'mysql', 'www'].includes(user);
  if (invalid) {
    out.push(sshdLine(t, h, pid, `Invalid user ${user} from ${ip} port ${p}`));
    out.push(sshdLine(t + 2000, h, pid, `Failed password for invalid user ${user} from ${ip} port ${p} ssh2`));
  } else {
    out.push(
      sshdLine(
        t + 1500,
        h,
        pid,
        `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=${user}`,
        PRI.authprivNotice,
      ),
    );
    out.push(sshdLine(t + 2000, h, pid, `Failed password for ${user} from ${ip} port ${p} ssh2`));
  }
}

const push = (out: SimEvent[], agency: number, lines: Timed[]) => {
  for (const [t, line] of lines) out.push({ t, agency, transport: 'tcp', line, attack: -1 });
};

/** Bots on every internet-facing sshd of the province, with addresses reused across hosts (sweeps). */
function sshBots(ctx: Ctx, rng: Rng): Generator {
  const exposed: [number, Host][] = [];
  ctx.agencies.forEach((a, i) => {
    for (const h of a.hosts) if (h.sshExposed) exposed.push([i, h]);
  });
  const sessionsPerHour = ((ctx.rates.sshBotAttemptsPerDay / 2.5) * exposed.length) / 24;
  const pool: string[] = Array.from({ length: 300 }, () => rng.publicIp());
  let pid = 20000;
  return {
    next: ctx.t0 + rng.gapMs(sessionsPerHour),
    fire(t, out) {
      const [ai, host] = rng.pick(exposed);
      const slot = rng.int(0, pool.length - 1);
      if (rng.chance(0.25)) pool[slot] = rng.publicIp();
      const ip = pool[slot]!;
      const lines: Timed[] = [];
      const p = port(rng);
      pid = pid >= 65000 ? 20000 : pid + rng.int(1, 40);
      if (rng.chance(0.15)) {
        // Banner grabbers and scanners that never authenticate.
        lines.push(sshdLine(t, host.name, pid, `Connection closed by ${ip} port ${p} [preauth]`));
      } else {
        const n = rng.chance(0.5) ? 1 : rng.int(2, 6);
        let tt = t;
        for (let k = 0; k < n; k++) {
          failedAttempt(tt, host.name, pid, rng.pick(BOT_USERS), ip, p, lines);
          tt += rng.int(2000, 6000);
        }
        lines.push(sshdLine(tt, host.name, pid, `Received disconnect from ${ip} port ${p}:11: Bye Bye [preauth]`));
      }
      push(out, ai, lines);
      return t + rng.gapMs(sessionsPerHour);
    },
  };
}

/** Credential stuffing runs: one bot, 15-60 attempts on one host over 3-15 minutes (each attempt its own event). */
function sshStuffing(ctx: Ctx, rng: Rng, ai: number, host: Host): Generator {
  const perHour = ctx.rates.sshStuffingRunsPerDay / 24;
  let run: { ip: string; left: number; gap: number; users: string[] } | null = null;
  let pid = 40000;
  return {
    next: ctx.t0 + rng.gapMs(perHour),
    fire(t, out) {
      if (!run) {
        const n = rng.int(15, 60);
        const span = rng.int(180_000, 900_000);
        const users = rng.chance(0.6) ? ['root'] : Array.from({ length: rng.int(3, 12) }, () => rng.pick(BOT_USERS));
        run = { ip: rng.publicIp(), left: n, gap: span / n, users };
      }
      const lines: Timed[] = [];
      pid = pid >= 65000 ? 40000 : pid + rng.int(1, 9);
      failedAttempt(t, host.name, pid, rng.pick(run.users), run.ip, port(rng), lines);
      push(out, ai, lines);
      if (--run.left > 0) return t + run.gap * (0.5 + rng.next());
      run = null;
      return t + rng.gapMs(perHour);
    },
  };
}

const ADMIN_SUDO = [
  '/usr/bin/systemctl restart nginx',
  '/usr/bin/systemctl status nginx',
  '/usr/bin/apt update',
  '/usr/bin/apt upgrade -y',
  '/usr/bin/tail -n 200 /var/log/nginx/error.log',
  '/usr/bin/journalctl -u nginx --since today',
  '/usr/bin/docker ps',
  '/usr/bin/less /var/log/syslog',
  '/usr/bin/cp /etc/nginx/sites-available/portal /root/portal.bak',
  '/usr/bin/vim /etc/nginx/sites-available/portal',
  '/usr/sbin/nginx -t',
  '/usr/bin/df -h',
  '/usr/bin/du -sh /var/log',
  '/usr/bin/mysqldump --all-databases -r /backup/all.sql',
  '/usr/bin/certbot renew',
];

/** Administrators' sessions on one Linux host: typos then success, sudo, session close. */
function adminSessions(ctx: Ctx, rng: Rng, ai: number, host: Host): Generator {
  const a = ctx.agencies[ai]!;
  const peak = (ctx.rates.adminLoginsPerDay / 24) * CURVE_MAX;
  let pid = 30000;
  return {
    next: ctx.t0 + rng.gapMs(peak),
    fire(t, out) {
      if (rng.next() * CURVE_MAX > DAY_CURVE[localHour(t)]!) return t + rng.gapMs(peak);
      const user = rng.pick(a.admins);
      const ip = rng.pick(a.adminIps);
      const h = host.name;
      const lines: Timed[] = [];
      pid = pid >= 65000 ? 30000 : pid + rng.int(1, 50);
      let tt = t;
      const password = rng.chance(0.4);
      if (password && rng.chance(ctx.rates.adminTypoShare / 0.4)) {
        for (let k = rng.int(1, 2); k > 0; k--) {
          lines.push(
            sshdLine(
              tt,
              h,
              pid,
              `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=${user}`,
              PRI.authprivNotice,
            ),
          );
          lines.push(sshdLine(tt + 2000, h, pid, `Failed password for ${user} from ${ip} port ${port(rng)} ssh2`));
          tt += rng.int(4000, 12000);
        }
      }
      const p = port(rng);
      lines.push(
        sshdLine(
          tt,
          h,
          pid,
          password
            ? `Accepted password for ${user} from ${ip} port ${p} ssh2`
            : `Accepted publickey for ${user} from ${ip} port ${p} ssh2: ED25519 SHA256:${Buffer.from(user + h)
                .toString('base64')
                .slice(0, 43)}`,
        ),
      );
      lines.push(sshdLine(tt, h, pid, `pam_unix(sshd:session): session opened for user ${user}(uid=1000) by (uid=0)`));
      lines.push(sys(tt, PRI.authInfo, h, 'systemd-logind', 812, `New session ${rng.int(100, 9999)} of user ${user}.`));
      for (let k = rng.int(...ctx.rates.sudoPerSession); k > 0; k--) {
        tt += rng.int(20_000, 600_000);
        const cmd = rng.pick(ADMIN_SUDO);
        if (rng.chance(0.05)) {
          lines.push(
            sys(
              tt,
              PRI.authprivNotice,
              h,
              'sudo',
              null,
              `pam_unix(sudo:auth): authentication failure; logname=${user} uid=1000 euid=0 tty=/dev/pts/0 ruser=${user} rhost=  user=${user}`,
            ),
          );
          tt += 5000;
        }
        lines.push(
          sys(
            tt,
            PRI.authprivNotice,
            h,
            'sudo',
            null,
            `   ${user} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=${cmd}`,
          ),
        );
        lines.push(
          sys(
            tt,
            PRI.authprivInfo,
            h,
            'sudo',
            null,
            `pam_unix(sudo:session): session opened for user root(uid=0) by ${user}(uid=1000)`,
          ),
        );
        lines.push(
          sys(tt + 3000, PRI.authprivInfo, h, 'sudo', null, 'pam_unix(sudo:session): session closed for user root'),
        );
      }
      tt += rng.int(30_000, 1_200_000);
      lines.push(sshdLine(tt, h, pid, `Received disconnect from ${ip} port ${p}:11: disconnected by user`));
      lines.push(sshdLine(tt, h, pid, `pam_unix(sshd:session): session closed for user ${user}`));
      push(out, ai, lines);
      return t + rng.gapMs(peak);
    },
  };
}

/** Debian/Ubuntu's packaged crontabs: sysstat every 10 min, cron.hourly at :17, PHP session cleanup at :09/:39. */
function cron(ctx: Ctx, rng: Rng, ai: number, host: Host): Generator {
  const minute = 60_000;
  const first = Math.ceil(ctx.t0 / minute) * minute;
  let pid = 10000;
  return {
    next: first,
    fire(t, out) {
      const m = new Date(t).getUTCMinutes();
      const jobs: string[] = [];
      if (m % 10 === 0) jobs.push('command -v debian-sa1 > /dev/null && debian-sa1 1 1');
      if (m === 17) jobs.push('cd / && run-parts --report /etc/cron.hourly');
      if (host.kind === 'web' && (m === 9 || m === 39))
        jobs.push(
          '[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi',
        );
      const lines: Timed[] = [];
      for (const cmd of jobs) {
        pid = pid >= 65000 ? 10000 : pid + rng.int(1, 300);
        const tt = t + rng.int(0, 1500);
        lines.push(
          sys(
            tt,
            PRI.authprivInfo,
            host.name,
            'CRON',
            pid,
            'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)',
          ),
        );
        lines.push(sys(tt, PRI.cronInfo, host.name, 'CRON', pid + 1, `(root) CMD (${cmd})`));
        lines.push(
          sys(
            tt + 1000,
            PRI.authprivInfo,
            host.name,
            'CRON',
            pid,
            'pam_unix(cron:session): session closed for user root',
          ),
        );
      }
      if (lines.length) push(out, ai, lines);
      return t + minute;
    },
  };
}

export function backgroundGenerators(agencies: Agency[], rates: Rates, t0: number, seed: number): Generator[] {
  const ctx: Ctx = { agencies, rates, t0 };
  let k = 0;
  const r = () => new Rng(seed * 7919 + ++k * 104729);
  const gens: Generator[] = [sshBots(ctx, r())];
  agencies.forEach((a, ai) => {
    for (const h of a.hosts) {
      if (h.kind === 'firewall') gens.push(firewall(ctx, r(), ai, h));
      else if (h.kind === 'windows') gens.push(windows(ctx, r(), ai, h));
      else {
        gens.push(cron(ctx, r(), ai, h), adminSessions(ctx, r(), ai, h));
        if (h.sshExposed) gens.push(sshStuffing(ctx, r(), ai, h));
        if (h.kind === 'web') gens.push(web(ctx, r(), ai, h));
      }
    }
  });
  return gens;
}
