/**
 * Asset criticality in alert severity (and so in incident severity, which is its alerts' highest). The rule, also
 * in docs/threat-intel.md:
 *
 * - the asset of an alert is the inventory entry of its agency whose host name is the alert's host, else whose
 *   address is the alert's destination address (`destination.ip`, `server.ip`);
 * - its weight is its criticality (1-5), raised to 5 when its security level (Decree 85/2016/NĐ-CP) is 4 or 5;
 * - weight 5 (vital): one level up (low -> medium -> high -> critical);
 * - weight 1 (a test or lab box): one level down, never below low, and never for critical alerts;
 * - weights 2-4: unchanged. Informational stays informational.
 *
 * The alert keeps what was decided in its fields: `asset.host`, `asset.criticality`, `asset.security_level`,
 * `asset.owner`, `asset.role`, and `severity.original` when the level moved, so the incident and the report say why.
 */
import { logger } from '../../core/log.js';
import { SCOPE_ALL, type StateStore } from '../../store/types.js';
import { type Asset, AssetService } from './assets.js';

const log = logger('context');

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
type Level = (typeof LEVELS)[number];

/** What weighing reads and writes of an alert (incidents/types.ts Alert has this shape). */
export interface WeighedAlert {
  level: Level;
  agencyId: string;
  host?: string;
  fields?: Record<string, unknown>;
}

/** The weight of an asset: its criticality, or 5 for security levels 4-5. */
export function weightOf(a: Pick<Asset, 'criticality' | 'securityLevel'>): number {
  return (a.securityLevel ?? 0) >= 4 ? 5 : a.criticality;
}

/** The level an alert gets on an asset of this weight. */
export function weighLevel(level: Level, weight: number): Level {
  const i = LEVELS.indexOf(level);
  if (i <= 0) return level;
  if (weight >= 5) return LEVELS[Math.min(i + 1, LEVELS.length - 1)]!;
  if (weight <= 1 && level !== 'critical') return LEVELS[Math.max(i - 1, 1)]!;
  return level;
}

/** The inventory in memory, read again every `refreshMs`; weighs alerts in place. */
export class AssetDirectory {
  private index = new Map<string, Asset>();
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly state: StateStore,
    private readonly refreshMs = 30_000,
  ) {}

  /** Reads the inventory now, then every refreshMs. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  /** Reads the inventory again (one read at a time; a failure keeps the last one). */
  refresh(): Promise<void> {
    this.loading ??= new AssetService(this.state)
      .list(SCOPE_ALL)
      .then((assets) => {
        this.index = AssetService.index(assets);
      })
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'Reading the asset inventory failed'))
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** Stops the timer. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The asset of an alert (host name first, then destination address). */
  assetOf(a: WeighedAlert): Asset | undefined {
    if (this.index.size === 0) return undefined;
    if (a.host) {
      const byHost = this.index.get(`${a.agencyId}\u0000${a.host.toLowerCase()}`);
      if (byHost) return byHost;
    }
    for (const f of ['destination.ip', 'server.ip', 'host.ip']) {
      const v = a.fields?.[f];
      if (typeof v === 'string') {
        const byIp = this.index.get(`${a.agencyId}\u0000${v}`);
        if (byIp) return byIp;
      }
    }
    return undefined;
  }

  /** Sets each alert's level from its asset's weight and records the asset on it. */
  weigh(alerts: WeighedAlert[]): void {
    if (this.index.size === 0) return;
    for (const a of alerts) {
      const asset = this.assetOf(a);
      if (!asset) continue;
      const level = weighLevel(a.level, weightOf(asset));
      a.fields = {
        ...(a.fields ?? {}),
        'asset.host': asset.host,
        'asset.criticality': asset.criticality,
        ...(asset.securityLevel !== undefined ? { 'asset.security_level': asset.securityLevel } : {}),
        ...(asset.owner ? { 'asset.owner': asset.owner } : {}),
        ...(asset.role ? { 'asset.role': asset.role } : {}),
        ...(level !== a.level ? { 'severity.original': a.level } : {}),
      };
      a.level = level;
    }
  }
}
