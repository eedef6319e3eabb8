import { describe, expect, it } from '@jest/globals';
import type { NormalisedEvent as SigmaEvent } from '../../core/event/event.js';
import { createNormaliseContext, normaliseRecord } from './normalise.js';

const AT = Date.parse('2026-11-22T03:20:00Z');

function ev(line: string): SigmaEvent {
  const e = normaliseRecord(
    { id: 'x', receivedAt: AT, transport: 'tcp', source: '10.20.0.5', data: line },
    createNormaliseContext({}),
  );
  if (!e) throw new Error('no event');
  return e;
}

/** The fields linux-auth.ts writes (absent ones left out). */
function auth(line: string): Record<string, unknown> {
  const e = ev(line);
  const out: Record<string, unknown> = {};
  for (const k of [
    'event.action',
    'event.outcome',
    'user.name',
    'user.target.name',
    'user.id',
    'group.name',
    'group.id',
    'client.ip',
    'client.port',
    'process.command_line',
    'process.working_directory',
    'process.tty',
    'ssh.method',
    'ssh.invalid_user',
  ])
    if (e[k] !== undefined) out[k] = e[k];
  return out;
}

const sshd = (m: string) => `<86>Nov 22 10:15:00 web01 sshd[2211]: ${m}`;

describe('sshd lines', () => {
  it.each([
    [
      'Failed password for root from 203.0.113.5 port 52144 ssh2',
      {
        'event.action': 'ssh_login',
        'event.outcome': 'failure',
        'ssh.method': 'password',
        'user.name': 'root',
        'client.ip': '203.0.113.5',
        'client.port': 52144,
      },
    ],
    [
      'Failed password for invalid user admin from 203.0.113.5 port 52150 ssh2',
      {
        'event.action': 'ssh_login',
        'event.outcome': 'failure',
        'ssh.method': 'password',
        'ssh.invalid_user': true,
        'user.name': 'admin',
        'client.ip': '203.0.113.5',
        'client.port': 52150,
      },
    ],
    [
      // A user name with spaces and the word "from" in it: the address is the last ` from `.
      'Failed password for invalid user a from b from 203.0.113.5 port 1 ssh2',
      {
        'event.action': 'ssh_login',
        'event.outcome': 'failure',
        'ssh.method': 'password',
        'ssh.invalid_user': true,
        'user.name': 'a from b',
        'client.ip': '203.0.113.5',
        'client.port': 1,
      },
    ],
    [
      'Accepted publickey for deploy from 2001:db8::25 port 61022 ssh2: ED25519 SHA256:abc',
      {
        'event.action': 'ssh_login',
        'event.outcome': 'success',
        'ssh.method': 'publickey',
        'user.name': 'deploy',
        'client.ip': '2001:db8::25',
        'client.port': 61022,
      },
    ],
    [
      'Invalid user oracle from 203.0.113.9 port 41234',
      {
        'event.action': 'ssh_invalid_user',
        'event.outcome': 'failure',
        'user.name': 'oracle',
        'client.ip': '203.0.113.9',
        'client.port': 41234,
      },
    ],
    // OpenSSH before 7.x: no port.
    [
      'Invalid user oracle from 203.0.113.9',
      {
        'event.action': 'ssh_invalid_user',
        'event.outcome': 'failure',
        'user.name': 'oracle',
        'client.ip': '203.0.113.9',
      },
    ],
    [
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root',
      {
        'event.action': 'ssh_auth_failure',
        'event.outcome': 'failure',
        'user.name': 'root',
        'client.ip': '203.0.113.5',
      },
    ],
    [
      'message repeated 3 times: [ Failed password for root from 203.0.113.5 port 52144 ssh2]',
      {
        'event.action': 'ssh_login',
        'event.outcome': 'failure',
        'ssh.method': 'password',
        'user.name': 'root',
        'client.ip': '203.0.113.5',
        'client.port': 52144,
      },
    ],
    [
      'error: maximum authentication attempts exceeded for invalid user pi from 203.0.113.5 port 52144 ssh2 [preauth]',
      {
        'event.action': 'ssh_too_many_failures',
        'event.outcome': 'failure',
        'user.name': 'pi',
        'client.ip': '203.0.113.5',
        'client.port': 52144,
      },
    ],
    [
      'Connection closed by authenticating user root 203.0.113.5 port 52160 [preauth]',
      {
        'event.action': 'ssh_preauth_disconnect',
        'user.name': 'root',
        'client.ip': '203.0.113.5',
        'client.port': 52160,
      },
    ],
    // Lines without an account or an address get nothing.
    ['Connection closed by 203.0.113.5 port 52160 [preauth]', {}],
    ['Server listening on 0.0.0.0 port 22.', {}],
    ['Failed password for root', {}],
  ])('%s', (m, want) => {
    expect(auth(sshd(m))).toEqual(want);
  });

  it('one field per entity: source.ip the attacker, log.source.address the sender, host.name the syslog host', () => {
    const e = ev(sshd('Failed password for root from 203.0.113.5 port 52144 ssh2'));
    expect([e['source.ip'], e['client.ip'], e['log.source.address'], e['host.name'], e['logsource.service']]).toEqual([
      '203.0.113.5',
      '203.0.113.5',
      '10.20.0.5',
      'web01',
      'sshd',
    ]);
  });

  it('works for lines shipped inside JSON by Filebeat or Fluent Bit', () => {
    const line = JSON.stringify({
      '@timestamp': '2026-11-22T03:15:00.000Z',
      agent: { type: 'filebeat' },
      log: { file: { path: '/var/log/auth.log' } },
      message: 'Nov 22 10:15:00 web01 sshd[2211]: Failed password for root from 203.0.113.5 port 52144 ssh2',
    });
    const e = ev(line);
    expect([e['canhgac.decoder'], e['logsource.service'], e['user.name'], e['client.ip']]).toEqual([
      'json-syslog',
      'sshd',
      'root',
      '203.0.113.5',
    ]);
  });

  it('works for RFC 5424 lines and sshd-session (OpenSSH 9.8)', () => {
    expect(
      auth(
        '<38>1 2026-11-22T10:15:05+07:00 db01 sshd-session 918 - - Failed password for an from 10.20.3.15 port 40022 ssh2',
      ),
    ).toMatchObject({ 'user.name': 'an', 'client.ip': '10.20.3.15' });
  });
});

const sudo = (m: string) => `<85>Nov 22 10:15:00 app01 sudo: ${m}`;
const su = (m: string) => `<85>Nov 22 10:15:00 app01 su[3301]: ${m}`;

describe('sudo and su lines', () => {
  it.each([
    [
      sudo('   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update ; echo x'),
      {
        'event.action': 'sudo_command',
        'event.outcome': 'success',
        'user.name': 'alice',
        'user.target.name': 'root',
        'process.tty': 'pts/0',
        'process.working_directory': '/home/alice',
        'process.command_line': '/usr/bin/apt update ; echo x',
      },
    ],
    [
      sudo('bob : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/bash'),
      {
        'event.action': 'sudo_not_in_sudoers',
        'event.outcome': 'failure',
        'user.name': 'bob',
        'user.target.name': 'root',
        'process.tty': 'pts/1',
        'process.working_directory': '/home/bob',
        'process.command_line': '/bin/bash',
      },
    ],
    [
      sudo('alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/su'),
      {
        'event.action': 'sudo_auth_failure',
        'event.outcome': 'failure',
        'user.name': 'alice',
        'user.target.name': 'root',
        'process.tty': 'pts/0',
        'process.working_directory': '/home/alice',
        'process.command_line': '/bin/su',
      },
    ],
    [
      sudo(
        'pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice',
      ),
      {
        'event.action': 'sudo_auth_failure',
        'event.outcome': 'failure',
        'user.name': 'alice',
        'user.target.name': 'alice',
      },
    ],
    [
      sudo('pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)'),
      {
        'event.action': 'session_opened',
        'event.outcome': 'success',
        'user.name': 'alice',
        'user.target.name': 'root',
      },
    ],
    [
      su('FAILED SU (to root) alice on pts/0'),
      {
        'event.action': 'su_auth_failure',
        'event.outcome': 'failure',
        'user.name': 'alice',
        'user.target.name': 'root',
        'process.tty': 'pts/0',
      },
    ],
    [
      su('(to root) alice on pts/0'),
      {
        'event.action': 'su',
        'event.outcome': 'success',
        'user.name': 'alice',
        'user.target.name': 'root',
        'process.tty': 'pts/0',
      },
    ],
    [
      su('FAILED su for root by tranb'),
      {
        'event.action': 'su_auth_failure',
        'event.outcome': 'failure',
        'user.name': 'tranb',
        'user.target.name': 'root',
      },
    ],
    [
      su('Successful su for root by tranb'),
      { 'event.action': 'su', 'event.outcome': 'success', 'user.name': 'tranb', 'user.target.name': 'root' },
    ],
    [
      su(
        'pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=pts/0 ruser=alice rhost=  user=root',
      ),
      {
        'event.action': 'su_auth_failure',
        'event.outcome': 'failure',
        'user.name': 'alice',
        'user.target.name': 'root',
      },
    ],
    [
      su('BAD SU ger to fwmaster on /dev/ttyp0'),
      {
        'event.action': 'su_auth_failure',
        'event.outcome': 'failure',
        'user.name': 'ger',
        'user.target.name': 'fwmaster',
        'process.tty': '/dev/ttyp0',
      },
    ],
    [
      su('dcid to root on /dev/ttyp1'),
      {
        'event.action': 'su',
        'event.outcome': 'success',
        'user.name': 'dcid',
        'user.target.name': 'root',
        'process.tty': '/dev/ttyp1',
      },
    ],
    [
      su('failed: ttyq4 changing from ldap to root'),
      {
        'event.action': 'su_auth_failure',
        'event.outcome': 'failure',
        'user.name': 'ldap',
        'user.target.name': 'root',
        'process.tty': 'ttyq4',
      },
    ],
    [su('pam_unix(su:session): session closed for user root'), {}],
    [
      sudo('backup : a password is required ; TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/usr/bin/rsync'),
      {
        'event.action': 'sudo_password_required',
        'event.outcome': 'failure',
        'user.name': 'backup',
        'user.target.name': 'root',
        'process.tty': 'unknown',
        'process.working_directory': '/',
        'process.command_line': '/usr/bin/rsync',
      },
    ],
    [sudo('unable to resolve host app01: Name or service not known'), {}],
  ])('%s', (line, want) => {
    expect(auth(line)).toEqual(want);
  });
});

const acct = (p: string, m: string) => `<86>Nov 22 10:15:00 app01 ${p}[4101]: ${m}`;

describe('account changes', () => {
  it.each([
    [
      acct(
        'useradd',
        'new user: name=backup2, UID=1002, GID=1002, home=/home/backup2, shell=/bin/bash, from=/dev/pts/0',
      ),
      { 'event.action': 'user_created', 'user.name': 'backup2', 'user.id': '1002', 'group.id': '1002' },
    ],
    [
      acct('useradd', 'new group: name=backup2, GID=1002'),
      { 'event.action': 'group_created', 'group.name': 'backup2', 'group.id': '1002' },
    ],
    [
      acct('groupadd', 'group added to /etc/group: name=ops, GID=1005'),
      { 'event.action': 'group_created', 'group.name': 'ops', 'group.id': '1005' },
    ],
    [
      acct('usermod', "add 'backup2' to group 'sudo'"),
      { 'event.action': 'user_added_to_group', 'user.name': 'backup2', 'group.name': 'sudo' },
    ],
    [
      acct('usermod', "add 'backup2' to shadow group 'sudo'"),
      { 'event.action': 'user_added_to_group', 'user.name': 'backup2', 'group.name': 'sudo' },
    ],
    [
      acct('gpasswd', 'user deploy added by root to group wheel'),
      { 'event.action': 'user_added_to_group', 'user.name': 'deploy', 'group.name': 'wheel' },
    ],
    [
      acct('usermod', "change user 'svc' UID from '1003' to '0'"),
      { 'event.action': 'user_uid_changed', 'user.name': 'svc', 'user.id': '0' },
    ],
    [acct('useradd', 'failed adding user x, data deleted'), {}],
  ])('%s', (line, want) => {
    expect(auth(line)).toEqual(want);
  });

  it('leaves other programs alone even when the text looks alike', () => {
    expect(auth('<86>Nov 22 10:15:00 app01 myapp[1]: Failed password for root from 203.0.113.5 port 1 ssh2')).toEqual(
      {},
    );
  });
});
