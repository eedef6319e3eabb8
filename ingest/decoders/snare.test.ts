import { describe, expect, it } from '@jest/globals';
import { decodeRfc3164 } from './syslog.js';
import { decodeContext } from './types.js';

const line = (eid: number, cat: string, text: string) =>
  `<14>Nov 22 10:15:14 SRV MSWinEventLog\t1\tSecurity\t880114\tSun Nov 22 10:15:14 2026\t${eid}\tMicrosoft-Windows-Security-Auditing\tN/A\tN/A\tFailure Audit\tSRV.so.gov.vn\t${cat}\t\t${text}\t880114`;

function fields(l: string): Record<string, unknown> {
  const ctx = decodeContext();
  ctx.receivedAt = Date.parse('2026-11-22T03:20:00Z');
  return decodeRfc3164(l, ctx).fields ?? {};
}

describe('Snare: EventData read back from the rendered message', () => {
  it('4625: logon type, target account, workstation, source address and port', () => {
    const f = fields(
      line(
        4625,
        'Logon',
        'An account failed to log on.    Subject:   Security ID:  S-1-0-0   Account Name:  -   Account Domain:  -    Logon Type:   10    ' +
          'Account For Which Logon Failed:   Security ID:  S-1-0-0   Account Name:  ketoan   Account Domain:  SOTTTT    ' +
          'Network Information:   Workstation Name: KALI   Source Network Address: 203.0.113.79   Source Port:  51515',
      ),
    );
    expect(f).toMatchObject({
      EventID: 4625,
      LogonType: '10',
      TargetUserName: 'ketoan',
      TargetDomainName: 'SOTTTT',
      WorkstationName: 'KALI',
      IpAddress: '203.0.113.79',
      IpPort: '51515',
    });
  });

  it('4732: member SID, group SID and a multi-word group name; 4720: the new account', () => {
    expect(
      fields(
        line(
          4732,
          'Security Group Management',
          'A member was added to a security-enabled local group.    Subject:   Security ID:  S-1-5-21-1-2-3-500   Account Name:  Administrator    ' +
            'Member:   Security ID:  S-1-5-21-1-2-3-1032   Account Name:  -    Group:   Security ID:  S-1-5-32-555   ' +
            'Group Name:  Remote Desktop Users   Group Domain:  Builtin',
        ),
      ),
    ).toMatchObject({
      MemberSid: 'S-1-5-21-1-2-3-1032',
      TargetSid: 'S-1-5-32-555',
      TargetUserName: 'Remote Desktop Users',
    });
    expect(
      fields(
        line(
          4720,
          'User Account Management',
          'A user account was created.    Subject:   Security ID:  S-1-5-21-1-2-3-500   Account Name:  Administrator    ' +
            'New Account:   Security ID:  S-1-5-21-1-2-3-1109   Account Name:  support$x   Account Domain:  SRV',
        ),
      ),
    ).toMatchObject({ TargetSid: 'S-1-5-21-1-2-3-1109', TargetUserName: 'support$x' });
  });

  it('leaves other events and unlabelled text alone', () => {
    const f = fields(line(4625, 'Logon', 'An account failed to log on.'));
    expect([f.LogonType, f.IpAddress, f.TargetUserName]).toEqual([undefined, undefined, undefined]);
    expect(fields(line(4688, 'Process Creation', 'Logon Type: 3')).LogonType).toBeUndefined();
  });
});
