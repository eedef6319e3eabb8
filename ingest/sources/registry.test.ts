import { describe, expect, it } from '@jest/globals';
import { MemorySpool } from '../spool/memory-spool.js';
import { createSource, createSyslogSources, SOURCE_KINDS } from './registry.js';

describe('source registry', () => {
  it('knows every source kind and refuses unknown ones with a typed error', async () => {
    expect(Object.keys(SOURCE_KINDS).sort()).toEqual(['http', 'relp', 'syslog_tcp', 'syslog_tls', 'syslog_udp']);
    expect(() => createSource('syslog_sctp', {}, new MemorySpool())).toThrow(/Unknown source kind syslog_sctp/);
    const src = createSource('syslog_tcp', { host: '127.0.0.1', port: 0 }, new MemorySpool());
    expect(await src.start()).toBeGreaterThan(0);
    await src.stop();
  });

  it('builds the enabled sources of the syslog configuration section', async () => {
    const srcs = createSyslogSources(
      {
        udp: { enabled: true, host: '127.0.0.1', port: 0 },
        tcp: { enabled: true, host: '127.0.0.1', port: 0 },
        tls: { enabled: false },
        relp: { host: '127.0.0.1', port: 0 },
      },
      new MemorySpool(),
    );
    expect(srcs.length).toBe(3);
    for (const s of srcs) expect(await s.start()).toBeGreaterThan(0);
    for (const s of srcs) await s.stop();
  });
});
