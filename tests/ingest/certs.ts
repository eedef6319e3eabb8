import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Paths and PEM texts of a throwaway CA, a server certificate (localhost, 127.0.0.1) and client certificates. */
export interface TestPki {
  dir: string;
  caFile: string;
  serverCert: string;
  serverKey: string;
  /** Client certificate/key files by CN. */
  clients: Record<string, { cert: string; key: string }>;
  pem(file: string): string;
}

function ossl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Generates a fresh PKI with `openssl` (P-256 keys: fast) in a temp dir. */
export function makeTestPki(clientNames: string[] = ['host1.sotttt.example']): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'canhgac-pki-'));
  ossl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
  ossl(dir, ['req', '-x509', '-new', '-key', 'ca.key', '-days', '2', '-subj', '/CN=canhgac test CA', '-out', 'ca.pem']);
  const issue = (name: string, cn: string, san: string, usage: string) => {
    ossl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
    ossl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`]);
    writeFileSync(
      join(dir, `${name}.ext`),
      `subjectAltName=${san}\nextendedKeyUsage=${usage}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n`,
    );
    ossl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
  };
  issue('server', 'localhost', 'DNS:localhost,IP:127.0.0.1', 'serverAuth');
  const clients: TestPki['clients'] = {};
  clientNames.forEach((cn, i) => {
    issue(`client${i}`, cn, `DNS:${cn}`, 'clientAuth');
    clients[cn] = { cert: join(dir, `client${i}.pem`), key: join(dir, `client${i}.key`) };
  });
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clients,
    pem: (f) => readFileSync(f, 'utf8'),
  };
}
