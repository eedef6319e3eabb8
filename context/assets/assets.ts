/**
 * The agencies' asset inventory: hosts with owner, role, address, criticality (1-5) and the information-system
 * security level (cấp độ 1-5, Decree 85/2016/NĐ-CP and its successor). Stored in the state store collection
 * `assets` with agencyId, so an agency scope sees and writes only its own agency's assets (tenancy in the store).
 * CSV import (Vietnamese or English headers) with per-line problems; hosts seen in the logs but not in the
 * inventory are listed for completion.
 */
import { createHash } from 'node:crypto';
import { listAll } from '../../store/list-all.js';
import type { Scope, StateStore, Versioned } from '../../store/types.js';
import { splitCsv } from '../ti/feeds/plain.js';
import { normaliseIndicator } from '../ti/observable.js';

/** One asset. */
export interface Asset {
  id: string;
  agencyId: string;
  /** Host name as the logs name it (host.name), lower-case. */
  host: string;
  /** Addresses (IPv4/IPv6). */
  addresses: string[];
  owner?: string;
  /** What it is for: "Cổng dịch vụ công", "máy chủ thư", ... */
  role?: string;
  /** 1 (low) - 5 (vital). */
  criticality: number;
  /** Cấp độ an toàn hệ thống thông tin, 1-5 (Decree 85/2016/NĐ-CP). */
  securityLevel?: number;
  notes?: string;
  updatedBy?: string;
  updatedAt?: number;
}

/** A refused field: which one and why. */
export interface AssetProblem {
  field: string;
  reason: string;
  /** CSV line (1-based) when importing. */
  line?: number;
}

/** The id of an agency's asset: stable from agency and host, so an import updates instead of duplicating. */
export function assetId(agencyId: string, host: string): string {
  return createHash('sha256').update(`${agencyId}\u0000${host.toLowerCase()}`).digest('hex').slice(0, 32);
}

const level = (v: unknown, field: string, problems: AssetProblem[], required: boolean): number | undefined => {
  if (v === undefined || v === null || v === '') {
    if (required) problems.push({ field, reason: 'required, 1-5' });
    return undefined;
  }
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isInteger(n) || n < 1 || n > 5) {
    problems.push({ field, reason: `must be an integer 1-5, got ${String(v).slice(0, 20)}` });
    return undefined;
  }
  return n;
};

const text = (v: unknown, field: string, max: number, problems: AssetProblem[]): string | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') {
    problems.push({ field, reason: 'must be text' });
    return undefined;
  }
  if (v.length > max) problems.push({ field, reason: `longer than ${max} characters` });
  return v.trim();
};

/** Validates an asset body (API or CSV row); problems name the field. */
export function validateAsset(
  body: Record<string, unknown>,
  agencyId: string,
): { asset: Asset } | { problems: AssetProblem[] } {
  const problems: AssetProblem[] = [];
  const host = text(body.host, 'host', 253, problems)?.toLowerCase();
  if (!host) problems.push({ field: 'host', reason: 'required' });
  const rawAddrs = Array.isArray(body.addresses)
    ? body.addresses
    : typeof body.addresses === 'string'
      ? body.addresses.split(/[\s;,]+/).filter(Boolean)
      : body.addresses === undefined
        ? []
        : [body.addresses];
  const addresses: string[] = [];
  for (const a of rawAddrs) {
    const n = typeof a === 'string' ? normaliseIndicator(a) : { error: 'not text' };
    if ('error' in n || (n.type !== 'ipv4' && n.type !== 'ipv6'))
      problems.push({ field: 'addresses', reason: `not an IP address: ${String(a).slice(0, 60)}` });
    else addresses.push(n.value);
  }
  const criticality = level(body.criticality, 'criticality', problems, true);
  const securityLevel = level(body.securityLevel, 'securityLevel', problems, false);
  const owner = text(body.owner, 'owner', 200, problems);
  const role = text(body.role, 'role', 200, problems);
  const notes = text(body.notes, 'notes', 2000, problems);
  if (problems.length > 0 || !host || criticality === undefined) return { problems };
  const asset: Asset = { id: assetId(agencyId, host), agencyId, host, addresses, criticality };
  if (owner) asset.owner = owner;
  if (role) asset.role = role;
  if (securityLevel !== undefined) asset.securityLevel = securityLevel;
  if (notes) asset.notes = notes;
  return { asset };
}

/** CSV header names (Vietnamese and English, case- and accent-insensitive) -> asset field. */
const HEADERS: Record<string, keyof Asset> = {
  host: 'host',
  hostname: 'host',
  'ten may': 'host',
  'ten may chu': 'host',
  address: 'addresses',
  addresses: 'addresses',
  ip: 'addresses',
  'dia chi': 'addresses',
  'dia chi ip': 'addresses',
  owner: 'owner',
  'chu quan': 'owner',
  'nguoi quan ly': 'owner',
  'don vi quan ly': 'owner',
  role: 'role',
  'vai tro': 'role',
  'chuc nang': 'role',
  criticality: 'criticality',
  'muc quan trong': 'criticality',
  'muc do quan trong': 'criticality',
  securitylevel: 'securityLevel',
  security_level: 'securityLevel',
  'cap do': 'securityLevel',
  'cap do an toan': 'securityLevel',
  notes: 'notes',
  'ghi chu': 'notes',
};

function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Parses an inventory CSV (first line: header); every refused row is a problem with its line and field. */
export function parseAssetsCsv(csv: string, agencyId: string): { assets: Asset[]; problems: AssetProblem[] } {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  const problems: AssetProblem[] = [];
  const assets: Asset[] = [];
  const headerLine = lines[0] ?? '';
  const sep = headerLine.includes(';') && !headerLine.includes(',') ? ';' : ',';
  const cols = splitCsv(headerLine, sep).map((h) => HEADERS[fold(h)]);
  if (!cols.includes('host'))
    return { assets, problems: [{ line: 1, field: 'host', reason: 'no host column in the header' }] };
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const cells = splitCsv(lines[i]!, sep);
    const body: Record<string, unknown> = {};
    cols.forEach((c, j) => {
      if (c && cells[j] !== undefined && cells[j] !== '') body[c] = cells[j];
    });
    const r = validateAsset(body, agencyId);
    if ('problems' in r) for (const p of r.problems) problems.push({ ...p, line: i + 1 });
    else assets.push(r.asset);
  }
  return { assets, problems };
}

/** The inventory on the state store; every call takes the caller's scope (tenancy is the store's). */
export class AssetService {
  constructor(private readonly state: StateStore) {}

  private get coll() {
    return this.state.collection<Asset>('assets');
  }

  /** Every asset the scope sees (optionally one agency). */
  async list(scope: Scope, agencyId?: string): Promise<Versioned<Asset>[]> {
    return listAll(this.coll, scope, agencyId ? { agencyId } : undefined);
  }

  /** Creates or replaces one asset (the store refuses another agency's for an agency scope). */
  put(scope: Scope, asset: Asset, actor: string): Promise<Versioned<Asset>> {
    return this.coll.put(scope, { ...asset, updatedBy: actor, updatedAt: Date.now() });
  }

  /** Imports a CSV into one agency: valid rows are written (updating by host), problems returned per line. */
  async importCsv(
    scope: Scope,
    agencyId: string,
    csv: string,
    actor: string,
  ): Promise<{ written: number; problems: AssetProblem[] }> {
    const { assets, problems } = parseAssetsCsv(csv, agencyId);
    for (const a of assets) await this.put(scope, a, actor);
    return { written: assets.length, problems };
  }

  /** Hosts seen in the logs (the silent-host records) of the scope that are not in the inventory yet. */
  async learned(scope: Scope, agencyId?: string): Promise<{ agencyId: string; host: string; lastSeen: number }[]> {
    const known = new Set((await this.list(scope, agencyId)).map((a) => `${a.agencyId}\u0000${a.host}`));
    const hosts = this.state.collection<{ agencyId: string; host: string; lastSeen: number }>('hosts');
    const out: { agencyId: string; host: string; lastSeen: number }[] = [];
    for (const h of await listAll(hosts, scope, agencyId ? { agencyId } : undefined))
      if (!known.has(`${h.agencyId}\u0000${h.host.toLowerCase()}`))
        out.push({ agencyId: h.agencyId, host: h.host, lastSeen: h.lastSeen });
    return out.sort((a, b) => b.lastSeen - a.lastSeen);
  }

  /** Index for enrichment: asset by lower-case host name and by address. */
  static index(assets: readonly Asset[]): Map<string, Asset> {
    const m = new Map<string, Asset>();
    for (const a of assets) {
      m.set(`${a.agencyId}\u0000${a.host}`, a);
      for (const ip of a.addresses) m.set(`${a.agencyId}\u0000${ip}`, a);
    }
    return m;
  }
}
