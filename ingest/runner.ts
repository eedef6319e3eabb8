import { join, resolve } from 'node:path';
import type { Config } from '../core/config/load.js';
import { logger } from '../core/log.js';
import { agencyTable } from './normalise/agency.js';
import type { AgencyDirectory } from './normalise/agency-directory.js';
import { SenderGate, type UnclaimedAction } from './sources/gate.js';
import type { HttpIntakeConfig } from './sources/http/config.js';
import { HttpIntakeSource } from './sources/http/source.js';
import { createSyslogSources, type Source } from './sources/registry.js';
import { FileSpool } from './spool/file-spool.js';
import type { Spool } from './spool/types.js';

const log = logger('ingest');

/** A running intake: every enabled source appending to one durable spool. */
export interface IngestRuntime {
  spool: Spool;
  /** Bound ports by source name (syslog_udp, syslog_tcp, syslog_tls, relp, http). */
  ports: Record<string, number>;
  stop(): Promise<void>;
}

const SYSLOG_NAMES = ['syslog_udp', 'syslog_tcp', 'syslog_tls', 'relp'] as const;

/** Options of startIngest. */
export interface IngestOptions {
  /** A spool to append to (the caller owns it); default: open `<dataDir>/spool`. */
  spool?: Spool;
  /** Resolves HTTP intake keys made through the API to their agency id. */
  resolveIntakeKey?: (key: string) => Promise<string | undefined>;
  /**
   * The live agency list: the TLS and RELP sources map a verified client certificate name to an agency through
   * the configured `certAgencies` first, then this directory (agencies' certificate names set through the API).
   * The caller owns it (opens and closes it).
   */
  agencies?: AgencyDirectory;
}

/**
 * The gate for senders no agency claims (`unclaimedSenders`), over the live agency list when there is one, else the
 * configuration's valid agencies.
 */
function senderGate(config: Config, dir: AgencyDirectory | undefined): SenderGate {
  const action: UnclaimedAction = config.unclaimedSenders;
  if (dir) return new SenderGate(action, () => dir.list());
  const valid = config.agencies.filter((a) => {
    try {
      agencyTable([a]);
      return true;
    } catch {
      return false;
    }
  });
  return new SenderGate(action, () => valid);
}

/**
 * Starts the intake side of canhgac from the configuration: the spool in `<dataDir>/spool` and the syslog (UDP,
 * TCP, TLS, RELP) and HTTP sources. Used by `canhgac ingest` and, with the pipeline behind it, `canhgac start`.
 */
export async function startIngest(config: Config, opts: IngestOptions = {}): Promise<IngestRuntime> {
  const sp = config.spool;
  const spool =
    opts.spool ??
    (await FileSpool.open({
      dir: join(resolve(config.dataDir), 'spool'),
      fsync: sp.fsync,
      fsyncIntervalMs: sp.fsyncIntervalMs,
      maxBytes: sp.maxBytes,
      segmentBytes: sp.segmentBytes,
    }));
  const syslog = config.syslog;
  const named: [string, Source][] = [];
  const order = (['udp', 'tcp', 'tls', 'relp'] as const).filter((k) => syslog[k] && syslog[k]!.enabled !== false);
  const dir = opts.agencies;
  const gate = senderGate(config, dir);
  createSyslogSources(syslog, spool, { ...(dir ? { certAgency: (name) => dir.certAgency(name) } : {}), gate }).forEach(
    (s, i) => {
      named.push([SYSLOG_NAMES[['udp', 'tcp', 'tls', 'relp'].indexOf(order[i]!)]!, s]);
    },
  );
  const intake = config.intake;
  if (intake.enabled)
    named.push([
      'http',
      new HttpIntakeSource(intake as Partial<HttpIntakeConfig>, spool, {
        ...(opts.resolveIntakeKey ? { resolveKey: opts.resolveIntakeKey } : {}),
        gate,
      }),
    ]);
  const ports: Record<string, number> = {};
  const started: Source[] = [];
  try {
    for (const [name, source] of named) {
      ports[name] = await source.start();
      started.push(source);
    }
  } catch (err) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    if (!opts.spool) await spool.close();
    throw err;
  }
  log.info({ ports }, 'Intake listening');
  return {
    spool,
    ports,
    async stop() {
      // Sources first, so what they read reaches the spool before it closes.
      for (const s of started.reverse())
        await s.stop().catch((err: unknown) => log.error({ err }, 'Source failed to stop'));
      if (!opts.spool) await spool.close();
      log.info('Intake stopped');
    },
  };
}
