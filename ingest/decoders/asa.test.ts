import { describe, expect, it } from '@jest/globals';
import { decodeRfc3164 } from './syslog.js';
import { decodeContext } from './types.js';

const AT = Date.parse('2026-11-22T03:20:00Z');

function fields(line: string): Record<string, unknown> {
  const ctx = decodeContext();
  ctx.receivedAt = AT;
  const d = decodeRfc3164(line, ctx);
  const f = d.fields ?? {};
  const out: Record<string, unknown> = { product: d.product, category: d.category };
  for (const k of ['src_ip', 'src_port', 'src_interface', 'dst_ip', 'dst_port', 'dst_interface', 'protocol', 'action'])
    if (f[k] !== undefined) out[k] = f[k];
  return out;
}

const asa = (m: string) => `<164>Nov 22 2026 10:15:01: %ASA-4-${m}`;
const fw = { product: 'asa', category: 'firewall' };

describe('Cisco ASA connection and ACL messages -> Sigma firewall fields', () => {
  it.each([
    [
      '106023: Deny tcp src outside:203.0.113.97/41000 dst inside:10.20.0.12/445 by access-group "outside_access_in" [0x0, 0x0]',
      {
        ...fw,
        src_ip: '203.0.113.97',
        src_port: 41000,
        src_interface: 'outside',
        dst_ip: '10.20.0.12',
        dst_port: 445,
        dst_interface: 'inside',
        protocol: 'tcp',
        action: 'deny',
      },
    ],
    [
      '106023: Deny icmp src outside:203.0.113.93 dst inside:10.20.0.12 (type 8, code 0) by access-group "outside_access_in" [0x0, 0x0]',
      {
        ...fw,
        src_ip: '203.0.113.93',
        src_interface: 'outside',
        dst_ip: '10.20.0.12',
        dst_interface: 'inside',
        protocol: 'icmp',
        action: 'deny',
      },
    ],
    [
      '106001: Inbound TCP connection denied from 203.0.113.95/41234 to 10.20.0.12/23 flags SYN  on interface outside',
      {
        ...fw,
        src_ip: '203.0.113.95',
        src_port: 41234,
        dst_ip: '10.20.0.12',
        dst_port: 23,
        protocol: 'tcp',
        action: 'deny',
      },
    ],
    [
      '106100: access-list outside_access_in denied tcp outside/203.0.113.94(41235) -> inside/10.20.0.12(1433) hit-cnt 1 first hit [0x91e5c7a3, 0x0]',
      {
        ...fw,
        src_ip: '203.0.113.94',
        src_port: 41235,
        src_interface: 'outside',
        dst_ip: '10.20.0.12',
        dst_port: 1433,
        dst_interface: 'inside',
        protocol: 'tcp',
        action: 'deny',
      },
    ],
    [
      '710003: TCP access denied by ACL from 203.0.113.9/51515 to outside:198.51.100.1/22',
      {
        ...fw,
        src_ip: '203.0.113.9',
        src_port: 51515,
        dst_ip: '198.51.100.1',
        dst_port: 22,
        dst_interface: 'outside',
        protocol: 'tcp',
        action: 'deny',
      },
    ],
    [
      // Inbound: the NAT translations in parentheses are skipped.
      '302013: Built inbound TCP connection 48213 for outside:203.0.113.90/51000 (203.0.113.90/51000) to inside:10.20.0.12/443 (198.51.100.10/443)',
      {
        ...fw,
        src_ip: '203.0.113.90',
        src_port: 51000,
        src_interface: 'outside',
        dst_ip: '10.20.0.12',
        dst_port: 443,
        dst_interface: 'inside',
        protocol: 'tcp',
        action: 'permit',
      },
    ],
    [
      // Outbound: the inside host started it, though ASA names the outside end first.
      '302013: Built outbound TCP connection 48214 for outside:142.250.66.78/443 (142.250.66.78/443) to inside:10.20.3.15/50123 (198.51.100.10/50123)',
      {
        ...fw,
        src_ip: '10.20.3.15',
        src_port: 50123,
        src_interface: 'inside',
        dst_ip: '142.250.66.78',
        dst_port: 443,
        dst_interface: 'outside',
        protocol: 'tcp',
        action: 'permit',
      },
    ],
    [
      '106015: Deny TCP (no connection) from 10.20.0.12/443 to 203.0.113.5/5555 flags RST  on interface inside',
      {
        ...fw,
        src_ip: '10.20.0.12',
        src_port: 443,
        dst_ip: '203.0.113.5',
        dst_port: 5555,
        protocol: 'tcp',
        action: 'deny',
      },
    ],
    // Messages without two endpoints keep no firewall fields.
    ['113004: AAA user authentication Successful : server = 10.20.0.2 : user = admin', { ...fw }],
  ])('%s', (m, want) => {
    expect(fields(asa(m))).toEqual(want);
  });

  it('leaves Cisco IOS messages alone', () => {
    expect(
      fields('<189>Nov 22 10:15:01 sw01 %SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.20.3.15)'),
    ).toEqual({
      product: 'cisco',
      category: undefined,
    });
  });
});
