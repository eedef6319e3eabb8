/**
 * The matrix's content: the shipped rule samples that hold an SSH brute force, a sudo abuse, an nginx SQL
 * injection, a Windows 4625 burst and a 4688 PowerShell download cradle, as raw lines (what syslog or NXLog would
 * deliver), plus the shipper documents made from them.
 */
import { join } from 'node:path';
import { readSample, SAMPLES_DIR, type SampleLine } from '../rules/samples.js';
import { ACCESS_SHAPES, parseSyslog, SYSLOG_SHAPES, WINDOWS_SHAPES } from './shapes.js';

/** One kind of content: raw lines and which shapes can carry it. */
export interface Content {
  name: string;
  kind: 'syslog' | 'access' | 'windows';
  raw: SampleLine[];
}

const sample = (f: string) => readSample(join(SAMPLES_DIR, f));

/** An access line as nginx's syslog output (`access_log syslog:server=...`) sends it. */
function asSyslog(access: string): string {
  const t = /\[(\d\d)\/\w+\/\d{4}:(\d\d:\d\d:\d\d)/.exec(access);
  return `<190>Nov ${t?.[1] ?? '22'} ${t?.[2] ?? '10:15:00'} web01 nginx: ${access}`;
}

/** The access-log lines of the SQL injection sample (the IIS W3C lines are not nginx's). */
function accessLines(): SampleLine[] {
  return sample('web/sql_injection.log')
    .filter((l) => !l.text.startsWith('#') && !/^\d{4}-/.test(l.text))
    .map((l) => ({ ...l, text: l.text.startsWith('<') ? l.text.slice(l.text.indexOf('nginx: ') + 7) : l.text }));
}

/** Every content of the matrix. */
export function contents(): Content[] {
  const nxlog = (f: string) => sample(f).filter((l) => l.text.includes('"EventID":'));
  return [
    { name: 'ssh-brute-force', kind: 'syslog', raw: sample('linux/sshd_brute_force.log') },
    { name: 'sudo-abuse', kind: 'syslog', raw: sample('linux/sudo_not_in_sudoers.log') },
    { name: 'nginx-sqli-syslog', kind: 'syslog', raw: accessLines().map((l) => ({ ...l, text: asSyslog(l.text) })) },
    { name: 'nginx-sqli-file', kind: 'access', raw: accessLines() },
    { name: 'windows-4625-burst', kind: 'windows', raw: nxlog('windows/rdp_brute_force.jsonl') },
    { name: 'windows-4688-cradle', kind: 'windows', raw: nxlog('windows/powershell_download_cradle.jsonl') },
  ];
}

/** Every shipper shape by name with the kind of content it carries. */
export function shapes(): Array<{ shape: string; kind: Content['kind'] }> {
  return [
    ...Object.keys(SYSLOG_SHAPES).map((shape) => ({ shape, kind: 'syslog' as const })),
    ...Object.keys(ACCESS_SHAPES).map((shape) => ({ shape, kind: 'access' as const })),
    ...Object.keys(WINDOWS_SHAPES).map((shape) => ({ shape, kind: 'windows' as const })),
  ];
}

/** The raw lines as documents of `shape` (one JSON text per line, same line numbers). */
export function shipped(shape: string, c: Content): SampleLine[] {
  return c.raw.map((l) => {
    let doc: Record<string, unknown>;
    if (c.kind === 'syslog') doc = SYSLOG_SHAPES[shape]!(parseSyslog(l.text));
    else if (c.kind === 'access') doc = ACCESS_SHAPES[shape]!(l.text);
    else doc = WINDOWS_SHAPES[shape]!(JSON.parse(l.text) as Record<string, unknown>);
    return { ...l, text: JSON.stringify(doc) };
  });
}
