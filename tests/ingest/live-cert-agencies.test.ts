/**
 * Certificate names given to an agency through the API (state collection `agencies`) reach the TLS and RELP
 * sources started by startIngest without a restart: on new connections and on connections already open.
 * Real TLS with client certificates from a throwaway CA.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';
import { loadConfig } from '../../core/config/load.js';
import { AgencyDirectory } from '../../ingest/normalise/agency-directory.js';
import { type IngestRuntime, startIngest } from '../../ingest/runner.js';
import { MemorySpool } from '../../ingest/spool/memory-spool.js';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { SCOPE_ALL } from '../../store/types.js';
import { makeTestPki, type TestPki } from './certs.js';
import { RelpClient } from './relp-client.js';

const H40 = '000.00.31.H40';
const H41 = '000.00.32.H41';
const LATE = 'late-relay.sotttt.example';
const CONFIGURED = 'old-relay.sotttt.example';

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki([LATE, CONFIGURED]);
});
afterAll(() => rmSync(pki.dir, { recursive: true, force: true }));

let stores: SqliteStores;
let dir: AgencyDirectory;
let spool: MemorySpool;
let rt: IngestRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
  dir?.close();
  await stores?.close();
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('Timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function tlsClient(port: number, cn: string): Promise<TLSSocket> {
  const c = pki.clients[cn]!;
  return new Promise((resolve, reject) => {
    const s = connect(
      {
        host: '127.0.0.1',
        port,
        ca: pki.pem(pki.caFile),
        servername: 'localhost',
        cert: pki.pem(c.cert),
        key: pki.pem(c.key),
      },
      () => resolve(s),
    );
    s.on('error', reject);
  });
}

const agencyOf = (data: string) => spool.peek().find((r) => r.data === data)?.agency ?? 'none';

async function start(): Promise<void> {
  stores = openSqliteStores({ path: ':memory:' });
  spool = new MemorySpool();
  const tls = { certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.caFile, requireClientCert: true };
  // Through the schema, as the service loads it: defaults filled in, unknown keys refused.
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: '/nonexistent',
      agencies: [{ id: H41, name: 'Sở Y tế', networks: [], certNames: [] }],
      spool: {},
      syslog: {
        udp: { enabled: false },
        tcp: { enabled: false },
        tls: { enabled: true, host: '127.0.0.1', port: 0, certAgencies: { [CONFIGURED]: H41 }, ...tls },
        relp: { enabled: true, host: '127.0.0.1', port: 0, ...tls },
      },
      intake: { enabled: false },
    },
  });
  dir = await AgencyDirectory.open(config, stores.state, { refreshMs: 0 });
  rt = await startIngest(config, { spool, agencies: dir });
}

const giveLateName = async (id: string, names: string[]) => {
  await stores.state
    .collection<Record<string, unknown>>('agencies')
    .put(SCOPE_ALL, { id, agencyId: id, name: 'Sở TT&TT', networks: [], certificateNames: names });
  expect(await dir.refresh()).toBe(true);
};

describe('certificate names from the agency directory', () => {
  it('syslog TLS: a name added after start is attributed on open and new connections', async () => {
    await start();
    const port = rt!.ports.syslog_tls!;
    const open = await tlsClient(port, LATE);
    const old = await tlsClient(port, CONFIGURED);
    open.write('<13>before\n');
    old.write('<13>configured\n');
    await until(() => spool.stats().records === 2);
    expect(agencyOf('<13>before')).toBe('none');
    expect(agencyOf('<13>configured')).toBe(H41);

    await giveLateName(H40, [LATE.toUpperCase()]);
    open.write('<13>same connection\n');
    const fresh = await tlsClient(port, LATE);
    fresh.write('<13>new connection\n');
    await until(() => spool.stats().records === 4);
    expect(agencyOf('<13>same connection')).toBe(H40);
    expect(agencyOf('<13>new connection')).toBe(H40);

    // The configuration's certAgencies wins over the directory for the same name.
    await giveLateName(H40, [LATE, CONFIGURED]);
    old.write('<13>still configured\n');
    await until(() => spool.stats().records === 5);
    expect(agencyOf('<13>still configured')).toBe(H41);

    // Taking the name away through the API stops the attribution too.
    await giveLateName(H40, []);
    fresh.write('<13>after removal\n');
    await until(() => spool.stats().records === 6);
    expect(agencyOf('<13>after removal')).toBe('none');
    for (const s of [open, old, fresh]) s.destroy();
  });

  it('RELP over TLS: a name added after start is attributed without reconnecting', async () => {
    await start();
    const port = rt!.ports.relp!;
    const tlsOpts = {
      ca: pki.pem(pki.caFile),
      servername: 'localhost',
      cert: pki.pem(pki.clients[LATE]!.cert),
      key: pki.pem(pki.clients[LATE]!.key),
    };
    const c = await RelpClient.connect(port, '127.0.0.1', tlsOpts);
    await c.send('<13>relp before');
    await giveLateName(H40, [LATE]);
    await c.send('<13>relp after');
    const d = await RelpClient.connect(port, '127.0.0.1', tlsOpts);
    await d.send('<13>relp new');
    expect(agencyOf('<13>relp before')).toBe('none');
    expect(agencyOf('<13>relp after')).toBe(H40);
    expect(agencyOf('<13>relp new')).toBe(H40);
    await c.close();
    await d.close();
  });
});
