/**
 * deploy/opensearch/entrypoint.sh, run on a stand-in of the OpenSearch image's layout (its hash tool and entry
 * point replaced by recording scripts): it writes the three internal users with the hashes of the .env passwords,
 * adds the canhgac_store role and mapping once (idempotent over restarts), keeps the files valid YAML, hands over
 * to the image's entry point with the arguments, and refuses to start without a password.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { projectRoot } from '../../core/shared-data.js';

const SCRIPT = join(projectRoot, 'deploy', 'opensearch', 'entrypoint.sh');
const home = mkdtempSync(join(tmpdir(), 'canhgac-os-entry-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const sec = join(home, 'config', 'opensearch-security');
mkdirSync(sec, { recursive: true });
mkdirSync(join(home, 'plugins', 'opensearch-security', 'tools'), { recursive: true });
// The image's roles files start with their own _meta and roles; the script appends to them.
writeFileSync(
  join(sec, 'roles.yml'),
  '_meta:\n  type: "roles"\n  config_version: 2\nkibana_read_only:\n  reserved: true\n',
);
writeFileSync(
  join(sec, 'roles_mapping.yml'),
  '_meta:\n  type: "rolesmapping"\n  config_version: 2\nall_access:\n  reserved: false\n  backend_roles: ["admin"]\n',
);
// hash.sh prints notices, then the hash on its last line.
const hash = join(home, 'plugins', 'opensearch-security', 'tools', 'hash.sh');
writeFileSync(
  hash,
  '#!/bin/bash\necho "** notice **"\nprintf "\\$2y\\$12\\$fake-%s\\n" "$(printf %s "$2" | sha256sum | cut -c1-16)"\n',
);
const entry = join(home, 'opensearch-docker-entrypoint.sh');
writeFileSync(entry, `#!/bin/bash\necho "image entrypoint: $*" > "${home}/handed-over"\n`);
chmodSync(hash, 0o755);
chmodSync(entry, 0o755);

const ENV = {
  PATH: process.env.PATH,
  OPENSEARCH_HOME: home,
  OPENSEARCH_INITIAL_ADMIN_PASSWORD: 'Admin-Pass-1',
  OPENSEARCH_DASHBOARDS_PASSWORD: 'Dash-Pass-2',
  CANHGAC_OPENSEARCH_PASSWORD: 'Store-Pass-3',
};
const run = (env: NodeJS.ProcessEnv) =>
  spawnSync('bash', [SCRIPT, 'opensearch'], { env, encoding: 'utf8', timeout: 20_000 });
const fakeHash = (pw: string) =>
  `$2y$12$fake-${spawnSync('sh', ['-c', `printf %s '${pw}' | sha256sum | cut -c1-16`], { encoding: 'utf8' }).stdout.trim()}`;

describe('deploy/opensearch/entrypoint.sh', () => {
  it('writes the users and the role, then runs the image entry point', () => {
    const r = run(ENV);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const users = parseYaml(readFileSync(join(sec, 'internal_users.yml'), 'utf8')) as Record<
      string,
      { hash?: string; backend_roles?: string[] }
    >;
    expect(Object.keys(users).sort()).toEqual(['_meta', 'admin', 'canhgac', 'kibanaserver']);
    expect(users.admin!.hash).toBe(fakeHash('Admin-Pass-1'));
    expect(users.admin!.backend_roles).toEqual(['admin']);
    expect(users.kibanaserver!.hash).toBe(fakeHash('Dash-Pass-2'));
    expect(users.canhgac!.hash).toBe(fakeHash('Store-Pass-3'));
    expect(readFileSync(join(home, 'handed-over'), 'utf8')).toBe('image entrypoint: opensearch\n');
  });

  it('adds the canhgac_store role and its mapping once, keeping valid YAML', () => {
    run(ENV);
    const roles = readFileSync(join(sec, 'roles.yml'), 'utf8');
    const mapping = readFileSync(join(sec, 'roles_mapping.yml'), 'utf8');
    expect(roles.match(/^canhgac_store:/gm)).toHaveLength(1);
    expect(mapping.match(/^canhgac_store:/gm)).toHaveLength(1);
    const r = parseYaml(roles) as Record<string, { index_permissions?: { index_patterns: string[] }[] }>;
    expect(r.kibana_read_only).toBeDefined();
    expect(r.canhgac_store!.index_permissions![0]!.index_patterns).toEqual(['canhgac-*']);
    const m = parseYaml(mapping) as Record<string, { users?: string[] }>;
    expect(m.canhgac_store!.users).toEqual(['canhgac']);
  });

  it('refuses to start without each password', () => {
    for (const k of [
      'OPENSEARCH_INITIAL_ADMIN_PASSWORD',
      'OPENSEARCH_DASHBOARDS_PASSWORD',
      'CANHGAC_OPENSEARCH_PASSWORD',
    ]) {
      const env: NodeJS.ProcessEnv = { ...ENV };
      delete env[k];
      const r = run(env);
      expect({ k, status: r.status }).toEqual({ k, status: 1 });
      expect(r.stderr).toContain(k);
    }
  });
});
