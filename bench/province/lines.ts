/**
 * Raw lines as the province's servers send them: RFC 3164 syslog in local time (Asia/Ho_Chi_Minh, what rsyslog
 * forwards by default), nginx access lines through syslog (`access_log syslog:server=...`), netfilter kernel lines,
 * and NXLog `to_json()` Windows Security events for the HTTP intake.
 */

/** Vietnam is UTC+7 all year (no summer time). */
export const VN_OFFSET_MS = 7 * 3_600_000;
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** `Dec  7 11:00:00` in Vietnam time. */
export function rfc3164Time(t: number): string {
  const l = new Date(t + VN_OFFSET_MS);
  const d = l.getUTCDate();
  return `${MON[l.getUTCMonth()]} ${d < 10 ? ` ${d}` : d} ${p2(l.getUTCHours())}:${p2(l.getUTCMinutes())}:${p2(l.getUTCSeconds())}`;
}

/** `07/Dec/2026:11:00:00 +0700` (nginx $time_local). */
export function clfTime(t: number): string {
  const l = new Date(t + VN_OFFSET_MS);
  return `${p2(l.getUTCDate())}/${MON[l.getUTCMonth()]}/${l.getUTCFullYear()}:${p2(l.getUTCHours())}:${p2(l.getUTCMinutes())}:${p2(l.getUTCSeconds())} +0700`;
}

/** `2026-12-07 11:00:00` local (NXLog EventTime). */
export function nxlogTime(t: number): string {
  const l = new Date(t + VN_OFFSET_MS);
  return `${l.getUTCFullYear()}-${p2(l.getUTCMonth() + 1)}-${p2(l.getUTCDate())} ${p2(l.getUTCHours())}:${p2(l.getUTCMinutes())}:${p2(l.getUTCSeconds())}`;
}

/** Vietnam local hour of a time (for the daytime curve). */
export function localHour(t: number): number {
  return new Date(t + VN_OFFSET_MS).getUTCHours();
}

/** `<PRI>Mmm dd hh:mm:ss host app[pid]: msg` (facility auth=4 / authpriv=10 / cron=9 / local7=23 / kern=0). */
export function syslog(t: number, pri: number, host: string, app: string, pid: number | null, msg: string): string {
  return `<${pri}>${rfc3164Time(t)} ${host} ${app}${pid === null ? '' : `[${pid}]`}: ${msg}`;
}

/** PRI values used. */
export const PRI = {
  authInfo: 38,
  authprivInfo: 86,
  authprivNotice: 85,
  authprivAlert: 81,
  cronInfo: 78,
  local7Info: 190,
  kernWarning: 4,
} as const;

/** An nginx combined-format access line, as nginx sends it to syslog. */
export function nginx(
  t: number,
  host: string,
  client: string,
  method: string,
  uri: string,
  status: number,
  bytes: number,
  ua: string,
  referer = '-',
): string {
  return syslog(
    t,
    PRI.local7Info,
    host,
    'nginx',
    null,
    `${client} - - [${clfTime(t)}] "${method} ${uri} HTTP/1.1" ${status} ${bytes} "${referer}" "${ua}"`,
  );
}

/** A netfilter kernel line for a dropped packet (the common `-j LOG --log-prefix "IPTABLES-DROP: "` rule). */
export function iptablesDrop(
  t: number,
  host: string,
  src: string,
  dst: string,
  proto: 'TCP' | 'UDP',
  spt: number,
  dpt: number,
  id: number,
): string {
  const up = (t / 1000) % 9_000_000;
  const tail = proto === 'TCP' ? `WINDOW=1024 RES=0x00 SYN URGP=0` : `LEN=20`;
  return syslog(
    t,
    PRI.kernWarning,
    host,
    'kernel',
    null,
    `[${up.toFixed(6)}] IPTABLES-DROP: IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${src} DST=${dst} LEN=44 TOS=0x00 PREC=0x00 TTL=${40 + (id % 80)} ID=${id} PROTO=${proto} SPT=${spt} DPT=${dpt} ${tail}`,
  );
}

const WIN_COMMON = {
  // NXLog prints the 64-bit keyword mask as a number beyond double precision: written verbatim below.
  Keywords: '@KEYWORDS@',
  SourceName: 'Microsoft-Windows-Security-Auditing',
  ProviderGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
  Version: 0,
  Task: 12544,
  OpcodeValue: 0,
  ProcessID: 668,
  ThreadID: 4120,
  Channel: 'Security',
};

/** An NXLog `to_json()` Windows event (one JSON line for the HTTP intake). */
export function winEvent(
  t: number,
  hostname: string,
  eventId: number,
  record: number,
  fields: Record<string, string | number>,
  failure = false,
): string {
  return JSON.stringify({
    EventTime: nxlogTime(t),
    Hostname: hostname,
    ...WIN_COMMON,
    EventType: failure ? 'AUDIT_FAILURE' : 'AUDIT_SUCCESS',
    SeverityValue: failure ? 4 : 2,
    Severity: failure ? 'ERROR' : 'INFO',
    EventID: eventId,
    RecordNumber: record,
    ...(eventId === 1102 ? { SourceName: 'Microsoft-Windows-Eventlog' } : {}),
    ...fields,
    EventReceivedTime: nxlogTime(t + 1000),
    SourceModuleName: 'eventlog',
    SourceModuleType: 'im_msvistalog',
  }).replace('"@KEYWORDS@"', failure ? '-9218868437227405312' : '-9214364837600034816');
}

/** Browsers people use on the province's portals (desktop and phone). */
export const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
  'Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) coc_coc_browser/130.0.0 Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
];

/** Crawlers that visit Vietnamese government portals. */
export const CRAWLERS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)',
];
