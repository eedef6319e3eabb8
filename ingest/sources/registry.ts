import type { Spool } from '../spool/types.js';
import { sourceError } from './framing/errors.js';
import type { CertAgencyLookup } from './framing/tls.js';
import type { SenderGate } from './gate.js';
import { HttpIntakeSource } from './http/source.js';
import { RelpSource } from './relp/source.js';
import { SyslogTcpSource } from './syslog-tcp/source.js';
import { SyslogTlsSource } from './syslog-tls/source.js';
import { SyslogUdpSource } from './syslog-udp/source.js';

/** What every intake source is: a listener with a lifecycle that appends RawRecords to the spool. */
export interface Source {
  /** Starts listening; resolves with the bound port. */
  start(): Promise<number>;
  /** Graceful: stop accepting, get what was read into the spool, close connections. */
  stop(): Promise<void>;
}

/** What sources may share with the rest of the service (optional everywhere). */
export interface SourceDeps {
  /** Live certificate name -> agency id lookup for the TLS and RELP sources (after their `certAgencies`). */
  certAgency?: CertAgencyLookup;
  /** What to do with senders no agency claims (`unclaimedSenders`); absent: accept, uncounted. */
  gate?: SenderGate;
}

/** Builds a source from its (partial, validated by the source) configuration. */
export type SourceFactory = (config: object, spool: Spool, deps?: SourceDeps) => Source;

/** The source kinds, keyed by the name used in the configuration file (`sources: [{ kind: syslog_tcp, ... }]`). */
export const SOURCE_KINDS: Readonly<Record<string, SourceFactory>> = Object.freeze({
  syslog_udp: (c, s, d) => new SyslogUdpSource(c, s, gateOf(d)),
  syslog_tcp: (c, s, d) => new SyslogTcpSource(c, s, gateOf(d)),
  syslog_tls: (c, s, d) =>
    new SyslogTlsSource(c, s, { ...(d?.certAgency ? { certAgency: d.certAgency } : {}), ...gateOf(d) }),
  relp: (c, s, d) => new RelpSource(c, s, { ...(d?.certAgency ? { certAgency: d.certAgency } : {}), ...gateOf(d) }),
  http: (c, s, d) => new HttpIntakeSource(c, s, gateOf(d)),
});

function gateOf(d: SourceDeps | undefined): { gate?: SenderGate } {
  return d?.gate ? { gate: d.gate } : {};
}

/** Creates a source by kind; an unknown kind is CANHGAC_ERR_SOURCE_UNKNOWN_KIND. */
export function createSource(kind: string, config: object, spool: Spool, deps: SourceDeps = {}): Source {
  const f = Object.hasOwn(SOURCE_KINDS, kind) ? SOURCE_KINDS[kind] : undefined;
  if (!f) throw sourceError('CANHGAC_ERR_SOURCE_UNKNOWN_KIND', { kind, known: Object.keys(SOURCE_KINDS).join(', ') });
  return f(config, spool, deps);
}

/** The `syslog` section of the configuration: one object per transport, each with an optional `enabled`. */
export type SyslogSection = Partial<
  Record<'udp' | 'tcp' | 'tls' | 'relp', { enabled?: boolean; [key: string]: unknown }>
>;

const SYSLOG_KINDS = { udp: 'syslog_udp', tcp: 'syslog_tcp', tls: 'syslog_tls', relp: 'relp' } as const;

/** Builds the enabled sources of the configuration's `syslog` section (not started). */
export function createSyslogSources(section: SyslogSection, spool: Spool, deps: SourceDeps = {}): Source[] {
  const out: Source[] = [];
  for (const [key, kind] of Object.entries(SYSLOG_KINDS)) {
    const cfg = section[key as keyof SyslogSection];
    if (!cfg || cfg.enabled === false) continue;
    out.push(createSource(kind, cfg, spool, deps));
  }
  return out;
}
