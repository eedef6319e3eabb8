/**
 * Sigma logsource for non-Windows events (Windows events get theirs from logsource-windows.ts): what the
 * decoder recognised (firewall vendor, web server, CEF/LEEF vendor) wins; otherwise syslog programs map to
 * `product: linux` and a service (sshd, sudo, su, cron, auditd, kernel ...; everything else `syslog`).
 */

import type { Decoded } from '../decoders/types.js';

/** Program name (as in the syslog tag, lower-cased, `(pam_unix)` suffix removed) -> Sigma linux service. */
export const LINUX_SERVICES: Readonly<Record<string, string>> = {
  sshd: 'sshd',
  'sshd-session': 'sshd',
  sudo: 'sudo',
  su: 'su',
  cron: 'cron',
  crond: 'cron',
  anacron: 'cron',
  auditd: 'auditd',
  audispd: 'auditd',
  'audit-dispatcher': 'auditd',
  kernel: 'kernel',
  vsftpd: 'vsftpd',
  clamd: 'clamav',
  freshclam: 'clamav',
  clamav: 'clamav',
  guacd: 'guacamole',
  guacamole: 'guacamole',
  'systemd-logind': 'systemd-logind',
  useradd: 'useradd',
  usermod: 'usermod',
  groupadd: 'groupadd',
  gpasswd: 'gpasswd',
  userdel: 'userdel',
  passwd: 'passwd',
  login: 'login',
};

/** Syslog formats whose unrecognised programs are Linux services. */
const SYSLOG_FORMATS: Record<string, true> = { rfc3164: true, rfc5424: true, 'json-syslog': true };

const serviceCache = new Map<string, string>();

/** Sigma linux service for a syslog program name (cached: a few hundred distinct names in practice). */
export function linuxService(appname: string): string {
  const hit = serviceCache.get(appname);
  if (hit !== undefined) return hit;
  let base = appname.toLowerCase();
  const p = base.indexOf('(');
  if (p > 0) base = base.slice(0, p);
  const slash = base.lastIndexOf('/');
  if (slash >= 0) base = base.slice(slash + 1);
  const svc = LINUX_SERVICES[base] ?? 'syslog';
  if (serviceCache.size > 10_000) serviceCache.clear();
  serviceCache.set(appname, svc);
  return svc;
}

/** Writes product/category/service hints into the Decoded for syslog programs the decoder left plain. */
export function resolveLogsource(d: Decoded): void {
  if (d.product !== undefined || d.category !== undefined) return;
  if (SYSLOG_FORMATS[d.format] && d.appname !== undefined) {
    d.product = 'linux';
    d.service = linuxService(d.appname);
  }
}
