import { readFile } from 'node:fs/promises';

/** The kernel's host-wide UDP counters (all sockets, not only ours): what was lost before we could read it. */
export interface UdpKernelStats {
  rcvbufErrors: number;
  inErrors: number;
}

/**
 * Parses /proc/net/snmp (`Udp:` header line then values line) and, when given, /proc/net/snmp6
 * (`Udp6RcvbufErrors N`). Missing fields read as 0; never throws on odd content.
 */
export function parseUdpSnmp(snmp: string, snmp6 = ''): UdpKernelStats {
  const out = { rcvbufErrors: 0, inErrors: 0 };
  const lines = snmp.split('\n').filter((l) => l.startsWith('Udp: '));
  if (lines.length >= 2) {
    const names = lines[0]!.trim().split(/\s+/);
    const vals = lines[1]!.trim().split(/\s+/);
    const rb = names.indexOf('RcvbufErrors');
    const ie = names.indexOf('InErrors');
    if (rb > 0) out.rcvbufErrors += Number(vals[rb]) || 0;
    if (ie > 0) out.inErrors += Number(vals[ie]) || 0;
  }
  for (const l of snmp6.split('\n')) {
    const [k, v] = l.trim().split(/\s+/);
    if (k === 'Udp6RcvbufErrors') out.rcvbufErrors += Number(v) || 0;
    else if (k === 'Udp6InErrors') out.inErrors += Number(v) || 0;
  }
  return out;
}

/** Reads the host's UDP error counters, or undefined where /proc is absent (not Linux). */
export async function readUdpKernelStats(): Promise<UdpKernelStats | undefined> {
  let snmp: string;
  try {
    snmp = await readFile('/proc/net/snmp', 'utf8');
  } catch {
    return undefined;
  }
  const snmp6 = await readFile('/proc/net/snmp6', 'utf8').catch(() => '');
  return parseUdpSnmp(snmp, snmp6);
}
