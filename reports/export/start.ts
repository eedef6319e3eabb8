/** The export's timer in the service: from the `export` configuration section to a running MonitoringExport. */
import { logger } from '../../core/log.js';
import type { Stores } from '../../store/types.js';
import { MonitoringExport } from './exporter.js';
import type { Profile, SharingPolicy, Tlp } from './stix.js';
import type { ExportTarget } from './transport.js';
import { configError } from '../../core/config/errors.js';

const log = logger('export');

/** The `export` section as the schema fills it in (core/config/export-schema.ts). */
export interface ExportConfig {
  enabled: boolean;
  intervalSeconds: number;
  maxAttempts: number;
  producer: string;
  target: {
    kind: 'https' | 'taxii';
    name: string;
    url?: string;
    apiRoot?: string;
    collectionId?: string;
    username?: string;
    password?: string;
    caFile?: string;
    certFile?: string;
    keyFile?: string;
  };
  defaultProfile: Profile;
  defaultTlp: Tlp;
  maxTlp: Tlp;
  agencies: SharingPolicy['agencies'];
}

/** The target and policy of a configuration; a missing endpoint is an error naming the key. */
export function exportSetup(c: ExportConfig): { target: ExportTarget; policy: SharingPolicy } {
  const t = c.target;
  const tls = {
    ...(t.caFile ? { caFile: t.caFile } : {}),
    ...(t.certFile ? { certFile: t.certFile } : {}),
    ...(t.keyFile ? { keyFile: t.keyFile } : {}),
  };
  let target: ExportTarget;
  if (t.kind === 'https') {
    if (!t.url)
      throw configError('CANHGAC_ERR_CONFIG_INVALID', {
        problems: 'export.target.url is required when export.target.kind is https',
      });
    target = { kind: 'https', name: t.name, url: t.url, ...tls };
  } else {
    if (!t.apiRoot || !t.collectionId)
      throw configError('CANHGAC_ERR_CONFIG_INVALID', {
        problems: 'export.target.apiRoot and export.target.collectionId are required when export.target.kind is taxii',
      });
    target = {
      kind: 'taxii',
      name: t.name,
      apiRoot: t.apiRoot,
      collectionId: t.collectionId,
      ...(t.username !== undefined ? { username: t.username } : {}),
      ...(t.password !== undefined ? { password: t.password } : {}),
      ...tls,
    };
  }
  return {
    target,
    policy: {
      producer: c.producer,
      defaultProfile: c.defaultProfile,
      defaultTlp: c.defaultTlp,
      maxTlp: c.maxTlp,
      ...(c.agencies ? { agencies: c.agencies } : {}),
    },
  };
}

/** Runs collect + deliver every intervalSeconds (one run at a time); nothing when disabled. */
export function startExport(stores: Stores, c: ExportConfig | undefined): { stop(): Promise<void> } {
  if (!c?.enabled) return { stop: async () => undefined };
  const { target, policy } = exportSetup(c);
  const x = new MonitoringExport(stores, { target, policy, maxAttempts: c.maxAttempts });
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = (async () => {
      await x.collect();
      await x.deliver();
    })()
      .catch((err: unknown) => log.error({ err: (err as Error).message, target: target.name }, 'Export run failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, c.intervalSeconds * 1000);
  timer.unref();
  log.info({ target: target.name, kind: target.kind }, 'Export to the monitoring centre started');
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
