/** Sigma log source from the vendor/product a CEF or LEEF header names (lower-cased lookups, no regex). */

/** Log source triple (Sigma taxonomy); undefined members are left unset. */
export interface SourceHint {
  product: string | undefined;
  category: string | undefined;
}

const FIREWALLS: Record<string, string> = {
  fortinet: 'fortigate',
  fortigate: 'fortigate',
  'palo alto networks': 'paloalto',
  paloalto: 'paloalto',
  'check point': 'checkpoint',
  checkpoint: 'checkpoint',
  sophos: 'sophos',
  forcepoint: 'forcepoint',
  sonicwall: 'sonicwall',
  juniper: 'juniper',
  pfsense: 'pfsense',
  opnsense: 'opnsense',
  ubiquiti: 'unifi',
  watchguard: 'watchguard',
};

/** Maps a header's vendor and product to a Sigma product/category. */
export function vendorHint(vendor: string, product: string): SourceHint {
  const v = vendor.toLowerCase();
  const p = product.toLowerCase();
  if (v === 'cisco') {
    if (p.includes('asa')) return { product: 'asa', category: 'firewall' };
    return { product: 'cisco', category: undefined };
  }
  if (v === 'microsoft') return { product: 'windows', category: undefined };
  const fw = FIREWALLS[v];
  if (fw) return { product: fw, category: p.includes('firewall') || fw !== 'unifi' ? 'firewall' : undefined };
  if (p.includes('firewall')) return { product: slug(v), category: 'firewall' };
  return { product: slug(v || p), category: undefined };
}

/** Lower-case name with runs of non-alphanumerics collapsed to `_` (a safe product name). */
export function slug(s: string): string {
  let out = '';
  let gap = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
    if (alnum) {
      if (gap && out.length > 0) out += '_';
      out += s[i]!.toLowerCase();
      gap = false;
    } else gap = true;
  }
  return out || 'unknown';
}

/**
 * Adds the Sigma firewall taxonomy names (`src_ip`, `dst_ip`, `src_port`, `dst_port`, `action`) from a
 * vendor's own keys, leaving names the event already has alone. Ports become numbers.
 */
export function firewallAliases(
  f: Record<string, unknown>,
  src: string,
  dst: string,
  spt: string,
  dpt: string,
  act: string,
) {
  if (f.src_ip === undefined && f[src] !== undefined) f.src_ip = f[src];
  if (f.dst_ip === undefined && f[dst] !== undefined) f.dst_ip = f[dst];
  if (f.src_port === undefined && f[spt] !== undefined) f.src_port = portOf(f[spt]);
  if (f.dst_port === undefined && f[dpt] !== undefined) f.dst_port = portOf(f[dpt]);
  if (f.action === undefined && f[act] !== undefined) f.action = f[act];
}

function portOf(v: unknown): unknown {
  const n = typeof v === 'string' && v !== '' ? Number(v) : Number.NaN;
  return Number.isInteger(n) ? n : v;
}
