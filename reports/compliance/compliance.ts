/**
 * Compliance view per agency: each information system of the asset inventory (context/assets: hosts with a role
 * and a security level; the hosts of one role form one system, a host without a role is a system of its own) with
 * its security level, the log types that level must keep centrally (tt12-2022.yml, Circular 12/2022/TT-BTTTT),
 * each checked against the events that actually arrived from the system's hosts in the period, and its retention:
 * at least 3 months, 12 where Decree 53/2022/NĐ-CP applies (a flag per system in `compliance_systems`, this
 * folder's own collection beside the inventory, which it only reads).
 *
 * Retention is enforced through the store's one retention: the longest legal minimum of all systems is written as
 * the `retentionMinimumDays` setting, which store/retention.ts never goes below and PUT /api/v1/settings refuses to
 * undercut (syncRetentionFloor).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AssetService } from '../../context/assets/assets.js';
import { configError } from '../../core/config/errors.js';
import type { QueryNode } from '../../core/event/query.js';
import { SETTINGS_ID, type SettingsDoc, settingsFor } from '../../core/settings.js';
import { projectRoot } from '../../core/shared-data.js';
import { listAll } from '../../store/list-all.js';
import { parseQuery } from '../../store/query/parse.js';
import { agencyScope, SCOPE_ALL, type Scope, type Stores } from '../../store/types.js';

/** One kind of log the texts name. */
export interface LogType {
  id: string;
  vi: string;
  en: string;
  /** Which events are of this type (the search language). */
  query: string;
}

/** The requirements file. */
export interface Requirements {
  id: string;
  title: string;
  retention: { baseDays: number; baseLabel: string; decree53Days: number; decree53Label: string };
  logTypes: LogType[];
  levels: Record<string, { logTypes: string[]; central: boolean }>;
}

/** The shipped requirements. */
export const DEFAULT_REQUIREMENTS = join(projectRoot, 'reports', 'compliance', 'tt12-2022.yml');

/** Reads a requirements file; a level naming an unknown log type or a query that does not parse is an error. */
export function loadRequirements(
  file: string = DEFAULT_REQUIREMENTS,
): Requirements & { queries: Map<string, QueryNode> } {
  const r = parse(readFileSync(file, 'utf8')) as Requirements;
  const queries = new Map<string, QueryNode>();
  for (const t of r.logTypes ?? []) {
    try {
      queries.set(t.id, parseQuery(t.query));
    } catch (err) {
      throw configError('CANHGAC_ERR_CONFIG_INVALID', {
        problems: `${file}: log type '${t.id}': ${(err as Error).message}`,
      });
    }
  }
  for (const lv of ['1', '2', '3', '4', '5']) {
    const l = r.levels?.[lv];
    if (!l) throw configError('CANHGAC_ERR_CONFIG_INVALID', { problems: `${file}: levels.${lv} is missing` });
    for (const id of l.logTypes)
      if (!queries.has(id))
        throw configError('CANHGAC_ERR_CONFIG_INVALID', {
          problems: `${file}: levels.${lv} names unknown log type '${id}'`,
        });
  }
  return { ...r, queries };
}

/** The per-system flags kept beside the inventory. */
export interface SystemFlags {
  id: string;
  agencyId: string;
  system: string;
  /** Decree 53/2022/NĐ-CP applies: system logs kept 12 months. */
  decree53: boolean;
  updatedBy?: string;
  updatedAt?: number;
}

/** The id of a system's flags. */
export const systemKey = (agencyId: string, system: string) =>
  `${agencyId}|${system.toLowerCase()}`.replace(/[^\p{L}\p{N}|._-]+/gu, '_').slice(0, 200);

/** One log type of one system. */
export interface LogCheck {
  id: string;
  required: boolean;
  /** Events of this type from the system's hosts in the period. */
  events: number;
  /** Hosts of the system that sent this type. */
  hostsWith: number;
  status: 'ok' | 'missing' | 'partial' | 'not_required';
}

/** One information system. */
export interface SystemCompliance {
  agencyId: string;
  name: string;
  /** The system's level: the highest of its hosts' (undefined: none declared). */
  level?: number;
  /** Hosts declare different levels (the inventory should be corrected). */
  levelsDiffer: boolean;
  hosts: { host: string; securityLevel?: number; events: number }[];
  central: boolean;
  logs: LogCheck[];
  decree53: boolean;
  retention: { requiredDays: number; label: string; effectiveDays: number | undefined; ok: boolean };
  /** Every required log type arrived from every host. */
  ok: boolean;
}

/** The compliance view of a period. */
export interface ComplianceModel {
  requirements: { id: string; title: string };
  from: number;
  to: number;
  logTypes: { id: string; vi: string; en: string }[];
  agencies: { id: string; name?: string; systems: SystemCompliance[] }[];
  /** Days the store keeps events now (the setting, else the configuration, never below the minimum). */
  retentionDays: number | undefined;
  /** The legal minimum of the store (undefined: no system with a level in the inventory). */
  retentionMinimumDays: number | undefined;
  summary: { systems: number; compliant: number; withoutLevel: number; missingLogTypes: number };
}

/** What to build it for. */
export interface ComplianceRequest {
  scope: Scope;
  agencyId?: string;
  from: number;
  to: number;
  /** `store.retentionDays` of the configuration (the setting overrides it). */
  configuredRetentionDays?: number;
  requirements?: ReturnType<typeof loadRequirements>;
}

/** A state collection's documents in the scope (optionally one agency's). */
function listNamed<T extends object>(stores: Stores, name: string, scope: Scope, agencyId?: string) {
  return listAll(stores.state.collection<T>(name), scope, agencyId ? { agencyId } : undefined);
}

/** Flags of every system the scope sees. */
export async function systemFlags(stores: Stores, scope: Scope, agencyId?: string): Promise<Map<string, SystemFlags>> {
  const docs = await listNamed<SystemFlags>(stores, 'compliance_systems', scope, agencyId);
  return new Map(docs.map((d) => [d.id, d]));
}

/**
 * The legal minimum of the whole store: 12 months when any system is under Decree 53, else 3 months once the
 * inventory declares a security level for any host; undefined (no minimum) for an inventory without levels.
 */
export async function retentionFloor(stores: Stores, req = loadRequirements()): Promise<number | undefined> {
  const flags = await systemFlags(stores, SCOPE_ALL);
  if ([...flags.values()].some((f) => f.decree53)) return req.retention.decree53Days;
  const assets = await new AssetService(stores.state).list(SCOPE_ALL);
  return assets.some((a) => a.securityLevel !== undefined) ? req.retention.baseDays : undefined;
}

/**
 * Writes the legal minimum as the `retentionMinimumDays` setting when it changed (the store's retention never
 * goes below it; PUT /api/v1/settings refuses a retentionDays under it). Returns the minimum.
 */
export async function syncRetentionFloor(stores: Stores, req = loadRequirements()): Promise<number | undefined> {
  const floor = await retentionFloor(stores, req);
  const col = stores.state.collection<SettingsDoc>('settings');
  const doc = await col.get(SCOPE_ALL, SETTINGS_ID);
  if (doc?.values?.retentionMinimumDays !== floor) {
    const { retentionMinimumDays: _, ...rest } = doc?.values ?? {};
    await col.put(SCOPE_ALL, {
      id: SETTINGS_ID,
      values: floor === undefined ? rest : { ...rest, retentionMinimumDays: floor },
    });
    settingsFor(stores.state).invalidate();
  }
  return floor;
}

/** Sets or clears the Decree 53 flag of one system (an agency scope only its own agency's). */
export async function setSystemFlags(
  stores: Stores,
  scope: Scope,
  f: { agencyId: string; system: string; decree53: boolean },
  actor: string,
): Promise<SystemFlags> {
  const doc: SystemFlags = {
    id: systemKey(f.agencyId, f.system),
    agencyId: f.agencyId,
    system: f.system,
    decree53: f.decree53,
    updatedBy: actor,
    updatedAt: Date.now(),
  };
  const saved = await stores.state.collection<SystemFlags>('compliance_systems').put(scope, doc);
  await syncRetentionFloor(stores);
  return saved;
}

/** Builds the compliance view (see the file comment). */
export async function buildCompliance(stores: Stores, r: ComplianceRequest): Promise<ComplianceModel> {
  const req = r.requirements ?? loadRequirements();
  const assets = await new AssetService(stores.state).list(r.scope, r.agencyId);
  const flags = await systemFlags(stores, r.scope, r.agencyId);
  const settings = await settingsFor(stores.state).get();
  const minimum = await retentionFloor(stores, req);
  const set = settings.retentionDays ?? r.configuredRetentionDays;
  const effective = set === undefined ? undefined : Math.max(set, minimum ?? 0);
  const names = new Map<string, string | undefined>();
  for (const a of await listNamed<{ id: string; name?: string }>(stores, 'agencies', r.scope)) names.set(a.id, a.name);

  // The systems: hosts grouped by agency and role.
  const bySystem = new Map<string, { agencyId: string; name: string; hosts: typeof assets }>();
  for (const a of assets) {
    const name = a.role?.trim() || a.host;
    const k = `${a.agencyId}\u0000${name.toLowerCase()}`;
    const s = bySystem.get(k) ?? { agencyId: a.agencyId, name, hosts: [] };
    s.hosts.push(a);
    bySystem.set(k, s);
  }
  const agencyIds = [...new Set([...bySystem.values()].map((s) => s.agencyId))].sort();

  const agencies: ComplianceModel['agencies'] = [];
  for (const agencyId of agencyIds) {
    const scope = r.scope.kind === 'all' ? agencyScope(agencyId) : r.scope;
    // Per log type: events per host of this agency in the period (host names compared lower-case).
    const perType = new Map<string, Map<string, number>>();
    const total = new Map<string, number>();
    const terms = async (query: QueryNode) => {
      const res = await stores.events.aggregate(scope, {
        query,
        from: r.from,
        to: r.to,
        agg: { kind: 'terms', field: 'host.name', size: 10_000 },
      });
      const m = new Map<string, number>();
      for (const b of res.buckets ?? []) {
        const h = String(b.key).toLowerCase();
        m.set(h, (m.get(h) ?? 0) + b.count);
      }
      return m;
    };
    for (const [h, n] of await terms(parseQuery('*'))) total.set(h, n);
    for (const t of req.logTypes) perType.set(t.id, await terms(req.queries.get(t.id)!));

    const systems: SystemCompliance[] = [];
    for (const s of [...bySystem.values()].filter((x) => x.agencyId === agencyId)) {
      const levels = s.hosts.map((h) => h.securityLevel).filter((v): v is number => v !== undefined);
      const level = levels.length ? Math.max(...levels) : undefined;
      const need = level !== undefined ? req.levels[String(level)]! : undefined;
      const logs: LogCheck[] = req.logTypes.map((t) => {
        const m = perType.get(t.id)!;
        const events = s.hosts.reduce((sum, h) => sum + (m.get(h.host) ?? 0), 0);
        const hostsWith = s.hosts.filter((h) => (m.get(h.host) ?? 0) > 0).length;
        const required = need?.logTypes.includes(t.id) ?? false;
        const status: LogCheck['status'] = !required
          ? 'not_required'
          : hostsWith === 0
            ? 'missing'
            : hostsWith < s.hosts.length
              ? 'partial'
              : 'ok';
        return { id: t.id, required, events, hostsWith, status };
      });
      const f = flags.get(systemKey(agencyId, s.name));
      const decree53 = f?.decree53 ?? false;
      const requiredDays = decree53 ? req.retention.decree53Days : req.retention.baseDays;
      const retention = {
        requiredDays,
        label: decree53 ? req.retention.decree53Label : req.retention.baseLabel,
        effectiveDays: effective,
        // Kept forever (no retention configured) satisfies any minimum.
        ok: effective === undefined || effective >= requiredDays,
      };
      systems.push({
        agencyId,
        name: s.name,
        ...(level !== undefined ? { level } : {}),
        levelsDiffer: new Set(levels).size > 1,
        hosts: s.hosts
          .map((h) => ({
            host: h.host,
            ...(h.securityLevel !== undefined ? { securityLevel: h.securityLevel } : {}),
            events: total.get(h.host) ?? 0,
          }))
          .sort((a, b) => a.host.localeCompare(b.host)),
        central: need?.central ?? false,
        logs,
        decree53,
        retention,
        ok: level !== undefined && retention.ok && logs.every((l) => l.status === 'ok' || l.status === 'not_required'),
      });
    }
    // Highest level first: what matters most on top.
    systems.sort((a, b) => (b.level ?? 0) - (a.level ?? 0) || a.name.localeCompare(b.name, 'vi'));
    const name = names.get(agencyId);
    agencies.push({ id: agencyId, ...(name !== undefined ? { name } : {}), systems });
  }
  const all = agencies.flatMap((a) => a.systems);
  return {
    requirements: { id: req.id, title: req.title },
    from: r.from,
    to: r.to,
    logTypes: req.logTypes.map(({ id, vi, en }) => ({ id, vi, en })),
    agencies,
    retentionDays: effective,
    ...(minimum !== undefined ? { retentionMinimumDays: minimum } : { retentionMinimumDays: undefined }),
    summary: {
      systems: all.length,
      compliant: all.filter((s) => s.ok).length,
      withoutLevel: all.filter((s) => s.level === undefined).length,
      missingLogTypes: all.reduce((n, s) => n + s.logs.filter((l) => l.status === 'missing').length, 0),
    },
  };
}
