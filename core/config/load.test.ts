import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { envName, loadConfig, schemaLeaves } from './load.js';

describe('configuration', () => {
  it('fills defaults with no file at all', () => {
    const c = loadConfig({ env: {} }) as {
      api: { port: number; host: string };
      syslog: { tcp: { port: number } };
      dataDir: string;
      spool: { fsync: string };
    };
    expect(c.api).toEqual({ host: '127.0.0.1', port: 8080, secureCookies: false, trustProxy: false });
    expect(c.syslog.tcp.port).toBe(5514);
    expect(c.dataDir).toBe('./data');
    expect(c.spool.fsync).toBe('always');
  });

  it('applies the documented environment overrides', () => {
    const c = loadConfig({
      env: {
        CANHGAC_API_PORT: '9090',
        CANHGAC_INTAKE_PORT: '9300',
        CANHGAC_DATA_DIR: '/var/lib/canhgac',
        CANHGAC_SYSLOG_UDP_PORT: '1514',
      },
    }) as {
      api: { port: number };
      intake: { port: number };
      dataDir: string;
      syslog: { udp: { port: number } };
    };
    expect([c.api.port, c.intake.port, c.dataDir, c.syslog.udp.port]).toEqual([9090, 9300, '/var/lib/canhgac', 1514]);
    expect(envName(['syslog', 'tcp', 'maxMessageBytes'])).toBe('CANHGAC_SYSLOG_TCP_MAX_MESSAGE_BYTES');
  });

  it('rejects unknown keys and bad values, all at once, naming where', () => {
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-cfg-'));
    const f = join(dir, 'c.yaml');
    writeFileSync(f, 'api:\n  prot: 1\nspool:\n  fsync: sometimes\n');
    expect(() => loadConfig({ file: f, env: {} })).toThrow(/\/api: unknown key 'prot'.*\/spool\/fsync/);
    expect(() => loadConfig({ env: { CANHGAC_API_PORT: 'eighty' } })).toThrow(/\/api\/port/);
  });

  it('documents every leaf', () => {
    for (const { path, node } of schemaLeaves()) expect(`${path.join('.')}: ${node.description ?? ''}`).toMatch(/: \S/);
  });
});
