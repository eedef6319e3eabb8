/**
 * Fields of the Linux authentication and account messages (sshd, sudo, su, useradd/usermod/groupadd/gpasswd),
 * which arrive as free text in syslog. Rules and correlations group by who and from where, so these lines get
 * ECS names (decision 0001: the flat event carries them as dotted keys):
 *
 * - `client.ip`, `client.port`: the remote peer of an SSH connection, kept for the rules that name them; the
 *   normaliser also copies it to `source.ip` (one field per entity, core/event/entity-fields.ts), and the sender
 *   of the log line (the relay) is `log.source.address`.
 * - `user.name`: the account logged into / the invoking user (sudo, su) / the account created or changed;
 *   `user.target.name`: the account sudo/su switches to; `group.name`, `group.id`, `user.id` for account changes.
 * - `process.command_line`, `process.working_directory`, `process.tty`: what sudo ran, where.
 * - `event.action`, `event.outcome` (`success` | `failure`): what the line reports (the values below).
 *
 * Hand-written scans (indexOf), no regex: this runs for every sshd/sudo line at full ingest rate. A message the
 * scanners do not know keeps its text and gets no fields; nothing is dropped.
 */

import type { Decoded } from '../decoders/types.js';

/** `event.action` values written here. */
export const LINUX_AUTH_ACTIONS = [
  'ssh_login',
  'ssh_invalid_user',
  'ssh_auth_failure',
  'ssh_too_many_failures',
  'ssh_preauth_disconnect',
  'sudo_command',
  'sudo_not_in_sudoers',
  'sudo_auth_failure',
  'sudo_password_required',
  'su',
  'su_auth_failure',
  'pam_auth_failure',
  'session_opened',
  'user_created',
  'group_created',
  'user_added_to_group',
  'user_uid_changed',
] as const;

function fieldsOf(d: Decoded): Record<string, unknown> {
  if (!d.fields) d.fields = {};
  return d.fields;
}

/** The word at s[i] (up to a space or the end). */
function wordAt(s: string, i: number): string {
  const sp = s.indexOf(' ', i);
  return s.slice(i, sp < 0 ? s.length : sp);
}

/** `from A port P` / `A port P` at s[i]: fills client.ip / client.port. */
function peerAt(f: Record<string, unknown>, s: string, i: number): void {
  const ip = wordAt(s, i);
  if (ip === '' || ip.indexOf('=') >= 0) return;
  f['client.ip'] = ip;
  const pi = i + ip.length;
  if (s.startsWith(' port ', pi)) {
    const p = Number(wordAt(s, pi + 6));
    if (Number.isInteger(p) && p >= 0 && p <= 65535) f['client.port'] = p;
  }
}

/** Value after ` key=` in a PAM line (`... rhost=1.2.3.4  user=root`); '' when empty, undefined when absent. */
function pamValue(s: string, needle: string, from: number): string | undefined {
  const i = s.indexOf(needle, from);
  return i < 0 ? undefined : wordAt(s, i + needle.length);
}

/** `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=A  user=X`. */
function pamFailure(f: Record<string, unknown>, msg: string, action: string): boolean {
  const at = msg.indexOf('authentication failure;');
  if (at < 0) return false;
  const logname = pamValue(msg, ' logname=', at);
  const ruser = pamValue(msg, ' ruser=', at);
  const rhost = pamValue(msg, ' rhost=', at);
  if (rhost) f['client.ip'] = rhost;
  const user = pamValue(msg, ' user=', at);
  f['event.action'] = action;
  f['event.outcome'] = 'failure';
  if (action === 'ssh_auth_failure') {
    if (user) f['user.name'] = user;
  } else {
    // sudo/su: the invoking user is ruser (or logname); `user` is the account whose password was asked.
    const who = ruser || logname;
    if (who) f['user.name'] = who;
    if (user) f['user.target.name'] = user;
  }
  return true;
}

/** sshd: failed/accepted logins, invalid users, PAM failures, pre-auth disconnects. */
export function sshdFields(d: Decoded, msg: string): void {
  // rsyslog folds repeats: `message repeated 3 times: [ Failed password for ...]`.
  let m = msg;
  if (m.startsWith('message repeated ')) {
    const b = m.indexOf('[ ');
    if (b > 0) m = m.slice(b + 2, m.endsWith(']') ? -1 : m.length).trimEnd();
  }
  const failed = m.startsWith('Failed ');
  if (failed || m.startsWith('Accepted ')) {
    const lead = failed ? 'Failed ' : 'Accepted ';
    const outcome = failed ? 'failure' : 'success';
    // `Failed password for [invalid user ]X from A port P ssh2`, `Accepted publickey for X from A port P ssh2: ...`
    const forAt = m.indexOf(' for ', lead.length);
    const fromAt = m.lastIndexOf(' from ');
    if (forAt < 0 || fromAt < forAt) return;
    const f = fieldsOf(d);
    f['event.action'] = 'ssh_login';
    f['event.outcome'] = outcome;
    f['ssh.method'] = m.slice(lead.length, forAt);
    let u = forAt + 5;
    if (m.startsWith('invalid user ', u)) {
      u += 13;
      f['ssh.invalid_user'] = true;
    }
    f['user.name'] = m.slice(u, fromAt);
    peerAt(f, m, fromAt + 6);
    return;
  }
  if (m.startsWith('Invalid user ')) {
    // `Invalid user X from A port P` (older: no port). X may be empty: `Invalid user  from A`.
    const fromAt = m.lastIndexOf(' from ');
    if (fromAt < 12) return;
    const f = fieldsOf(d);
    f['event.action'] = 'ssh_invalid_user';
    f['event.outcome'] = 'failure';
    f['user.name'] = m.slice(13, fromAt);
    peerAt(f, m, fromAt + 6);
    return;
  }
  // `pam_unix(sshd:auth): authentication failure; ...`, or with the PAM module in the tag (`sshd(pam_unix)[pid]:
  // authentication failure; ...`, older Red Hat).
  if (m.startsWith('pam_unix(sshd:auth)') || m.startsWith('authentication failure;')) {
    pamFailure(fieldsOf(d), m, 'ssh_auth_failure');
    return;
  }
  // `error: maximum authentication attempts exceeded for [invalid user ]X from A port P ssh2 [preauth]`
  const max = m.indexOf('maximum authentication attempts exceeded for ');
  if (max >= 0) {
    const fromAt = m.lastIndexOf(' from ');
    let u = max + 45;
    if (fromAt < u) return;
    if (m.startsWith('invalid user ', u)) u += 13;
    const f = fieldsOf(d);
    f['event.action'] = 'ssh_too_many_failures';
    f['event.outcome'] = 'failure';
    f['user.name'] = m.slice(u, fromAt);
    peerAt(f, m, fromAt + 6);
    return;
  }
  // `Connection closed by [authenticating|invalid] user X A port P [preauth]`, `Disconnected from ... user X A port P`
  if (m.endsWith('[preauth]')) {
    const ua = m.indexOf(' user ');
    const port = m.lastIndexOf(' port ');
    if (ua < 0 || port < ua) return;
    const ipStart = m.lastIndexOf(' ', port - 1);
    if (ipStart <= ua + 5) return;
    const f = fieldsOf(d);
    f['event.action'] = 'ssh_preauth_disconnect';
    f['user.name'] = m.slice(ua + 6, ipStart);
    peerAt(f, m, ipStart + 1);
  }
}

/** `alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id` (and the failure variants). */
export function sudoFields(d: Decoded, msg: string): void {
  if (msg.startsWith('pam_unix(sudo')) {
    if (pamFailure(fieldsOf(d), msg, 'sudo_auth_failure')) return;
    sessionOpened(fieldsOf(d), msg);
    return;
  }
  const colon = msg.indexOf(' : ');
  if (colon <= 0 || msg.indexOf('COMMAND=', colon) < 0) return;
  const f = fieldsOf(d);
  f['user.name'] = msg.slice(0, colon).trim();
  const parts = msg.slice(colon + 3).split(' ; ');
  let action = 'sudo_command';
  let outcome = 'success';
  for (const p of parts) {
    if (p.startsWith('TTY=')) f['process.tty'] = p.slice(4);
    else if (p.startsWith('PWD=')) f['process.working_directory'] = p.slice(4);
    else if (p.startsWith('USER=')) f['user.target.name'] = p.slice(5);
    else if (p.startsWith('COMMAND=')) {
      // The command is last and may itself contain ` ; `.
      f['process.command_line'] = msg.slice(msg.indexOf('COMMAND=', colon) + 8);
      break;
    } else if (p.includes('NOT in sudoers') || p.includes('not allowed to')) {
      action = 'sudo_not_in_sudoers';
      outcome = 'failure';
    } else if (p.includes('incorrect password attempt')) {
      action = 'sudo_auth_failure';
      outcome = 'failure';
    } else if (p.includes('a password is required')) {
      // `sudo -n` in a script without NOPASSWD: refused, but no password was tried.
      action = 'sudo_password_required';
      outcome = 'failure';
    }
  }
  f['event.action'] = action;
  f['event.outcome'] = outcome;
}

/** `pam_unix(x:session): session opened for user root(uid=0) by alice(uid=1000)`. */
function sessionOpened(f: Record<string, unknown>, msg: string): void {
  const i = msg.indexOf('session opened for user ');
  if (i < 0) return;
  const t = wordAt(msg, i + 24);
  const by = msg.indexOf(' by ', i);
  f['event.action'] = 'session_opened';
  f['event.outcome'] = 'success';
  f['user.target.name'] = t.replace(/\(.*$/, '');
  if (by > 0) {
    const who = wordAt(msg, by + 4).replace(/\(.*$/, '');
    if (who) f['user.name'] = who;
  }
}

/**
 * su (util-linux and shadow-utils): `FAILED SU (to root) alice on pts/0`, `FAILED su for root by alice`,
 * `(to root) alice on pts/0`, `Successful su for root by alice`, `pam_unix(su:auth): authentication failure; ...`,
 * and the older `BAD SU x to y on tty`, `x to y on tty`, `failed: tty changing from x to y`.
 */
export function suFields(d: Decoded, msg: string): void {
  if (msg.startsWith('pam_unix(su')) {
    if (pamFailure(fieldsOf(d), msg, 'su_auth_failure')) return;
    sessionOpened(fieldsOf(d), msg);
    return;
  }
  const failed = msg.startsWith('FAILED ');
  const m = failed ? msg.slice(7) : msg;
  const to = m.indexOf('(to ');
  if (to >= 0 && (to === 0 || m.startsWith('SU '))) {
    const close = m.indexOf(') ', to);
    if (close < 0) return;
    const f = fieldsOf(d);
    f['event.action'] = failed ? 'su_auth_failure' : 'su';
    f['event.outcome'] = failed ? 'failure' : 'success';
    f['user.target.name'] = m.slice(to + 4, close);
    const on = m.indexOf(' on ', close);
    f['user.name'] = m.slice(close + 2, on < 0 ? m.length : on);
    if (on > 0) f['process.tty'] = m.slice(on + 4);
    return;
  }
  // Older and BSD-style su: `BAD SU ger to fwmaster on /dev/ttyp0`, `dcid to root on /dev/ttyp1`,
  // `failed: ttyq4 changing from ldap to root`.
  if (msg.startsWith('failed: ')) {
    const ch = msg.indexOf(' changing from ');
    const to = msg.lastIndexOf(' to ');
    if (ch < 0 || to < ch) return;
    const f = fieldsOf(d);
    f['event.action'] = 'su_auth_failure';
    f['event.outcome'] = 'failure';
    f['process.tty'] = msg.slice(8, ch);
    f['user.name'] = msg.slice(ch + 15, to);
    f['user.target.name'] = msg.slice(to + 4);
    return;
  }
  const bad = msg.startsWith('BAD SU ');
  const bsd = bad ? msg.slice(7) : msg;
  const sp = bsd.indexOf(' ');
  if (sp > 0 && bsd.startsWith(' to ', sp) && bsd.indexOf(' on ', sp + 4) > 0) {
    const on = bsd.indexOf(' on ', sp + 4);
    const f = fieldsOf(d);
    f['event.action'] = bad ? 'su_auth_failure' : 'su';
    f['event.outcome'] = bad ? 'failure' : 'success';
    f['user.name'] = bsd.slice(0, sp);
    f['user.target.name'] = bsd.slice(sp + 4, on);
    f['process.tty'] = bsd.slice(on + 4);
    return;
  }
  const lead = failed ? 'su for ' : m.startsWith('Successful su for ') ? 'Successful su for ' : '';
  if (lead === '' || !m.startsWith(lead)) return;
  const by = m.indexOf(' by ', lead.length);
  if (by < 0) return;
  const f = fieldsOf(d);
  f['event.action'] = failed ? 'su_auth_failure' : 'su';
  f['event.outcome'] = failed ? 'failure' : 'success';
  f['user.target.name'] = m.slice(lead.length, by);
  f['user.name'] = m.slice(by + 4);
}

/** `name=x, UID=1002, GID=1002, home=...` -> pairs. */
function commaPairs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of s.split(', ')) {
    const eq = p.indexOf('=');
    if (eq > 0) out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

/** `'x'` -> x. */
function unquote(s: string): string {
  return s.length >= 2 && s[0] === "'" && s[s.length - 1] === "'" ? s.slice(1, -1) : s;
}

/**
 * shadow-utils account changes (useradd, usermod, groupadd, gpasswd, userdel): `new user: name=x, UID=...`,
 * `new group: name=x, GID=...`, `add 'x' to [shadow ]group 'sudo'`, `user x added by root to group sudo`,
 * `change user 'x' UID from '1001' to '0'`.
 */
export function accountFields(d: Decoded, msg: string): void {
  if (msg.startsWith('new user: ')) {
    const p = commaPairs(msg.slice(10));
    const f = fieldsOf(d);
    f['event.action'] = 'user_created';
    if (p.name !== undefined) f['user.name'] = p.name;
    if (p.UID !== undefined) f['user.id'] = p.UID;
    if (p.GID !== undefined) f['group.id'] = p.GID;
    return;
  }
  if (msg.startsWith('new group: ') || msg.startsWith('group added to /etc/group: ')) {
    const p = commaPairs(msg.slice(msg.indexOf(': ') + 2));
    const f = fieldsOf(d);
    f['event.action'] = 'group_created';
    if (p.name !== undefined) f['group.name'] = p.name;
    if (p.GID !== undefined) f['group.id'] = p.GID;
    return;
  }
  if (msg.startsWith('add ')) {
    // `add 'alice' to group 'sudo'`, `add 'alice' to shadow group 'sudo'`
    const to = msg.indexOf(' to ');
    const g = msg.lastIndexOf('group ');
    if (to < 0 || g < to) return;
    const f = fieldsOf(d);
    f['event.action'] = 'user_added_to_group';
    f['user.name'] = unquote(msg.slice(4, to));
    f['group.name'] = unquote(msg.slice(g + 6));
    return;
  }
  if (msg.startsWith('user ') && msg.includes(' added by ')) {
    // gpasswd -a: `user alice added by root to group sudo`
    const by = msg.indexOf(' added by ');
    const to = msg.indexOf(' to group ', by);
    if (to < 0) return;
    const f = fieldsOf(d);
    f['event.action'] = 'user_added_to_group';
    f['user.name'] = msg.slice(5, by);
    f['group.name'] = msg.slice(to + 10);
    return;
  }
  if (msg.startsWith("change user '")) {
    // usermod -u: `change user 'x' UID from '1001' to '0'`
    const end = msg.indexOf("' ", 13);
    const uid = msg.indexOf(' UID from ', end);
    if (end < 0 || uid < 0) return;
    const to = msg.lastIndexOf(' to ');
    const f = fieldsOf(d);
    f['event.action'] = 'user_uid_changed';
    f['user.name'] = msg.slice(13, end);
    f['user.id'] = unquote(msg.slice(to + 4));
  }
}

/** Adds the fields for linux sshd/sudo/su/account services; leaves other events alone. */
export function linuxAuthInto(d: Decoded): void {
  // Syslog lines have no fields yet; a line carried in JSON (Filebeat, Fluent Bit: `json-syslog`) keeps the
  // shipper's keys beside these.
  if (d.product !== 'linux') return;
  switch (d.service) {
    case 'sshd':
      sshdFields(d, d.message);
      return;
    case 'sudo':
      sudoFields(d, d.message);
      return;
    case 'su':
      suFields(d, d.message);
      return;
    case 'useradd':
    case 'usermod':
    case 'groupadd':
    case 'gpasswd':
    case 'userdel':
      accountFields(d, d.message);
      return;
  }
}
