/**
 * The compose deployment: `docker compose config` (Compose v2, built by tools/compose.sh when missing) validates
 * docker-compose.yml with the sample .env and refuses it without the passwords; every service has a health check
 * and a restart policy; every image and every variable is documented in docs/deployment.md; the canhgac
 * configuration it mounts validates against the schema and names only mounted files and published ports; the
 * OpenSearch security DNs match the certificates deploy/certs.sh makes.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../core/config/load.js';
import { projectRoot } from '../../core/shared-data.js';

const COMPOSE_FILE = join(projectRoot, 'docker-compose.yml');
const SAMPLE_ENV = join(projectRoot, '.env.example');
const DOCS = readFileSync(join(projectRoot, 'docs', 'deployment.md'), 'utf8');

interface Service {
  image?: string;
  restart?: string;
  healthcheck?: { test?: string[]; disable?: boolean };
  environment?: Record<string, string | null>;
  command?: string[];
  volumes?: { type: string; source?: string; target: string; read_only?: boolean }[];
  ports?: { target: number; published?: string; protocol?: string; host_ip?: string }[];
}

/** The compose command (`docker compose` or a standalone v2 binary), or why there is none. */
function composeCommand(): { cmd: string[] } | { why: string } {
  const r = spawnSync('bash', [join(projectRoot, 'tools', 'compose.sh'), '--quiet'], {
    encoding: 'utf8',
    timeout: 900_000,
  });
  if (r.status !== 0) return { why: `tools/compose.sh found no Docker Compose v2: ${r.stderr.trim()}` };
  return { cmd: r.stdout.trim().split(' ') };
}

/** Environment for compose: none of the deployment's variables leak in from the test's own environment. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  if (process.env.DOCKER_CONFIG) env.DOCKER_CONFIG = process.env.DOCKER_CONFIG;
  return env;
}

function runConfig(cmd: string[], envFile: string): { status: number | null; stdout: string; stderr: string } {
  const [bin, ...pre] = cmd;
  const r = spawnSync(
    bin!,
    [
      ...pre,
      '--project-directory',
      projectRoot,
      '-f',
      COMPOSE_FILE,
      '--env-file',
      envFile,
      'config',
      '--format',
      'json',
    ],
    { encoding: 'utf8', env: cleanEnv(), timeout: 60_000 },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const found = composeCommand();
const strict = Boolean(process.env.CI) || process.env.npm_lifecycle_event === 'test';

describe('docker-compose.yml', () => {
  let services: Record<string, Service> = {};
  let volumes: Record<string, unknown> = {};
  const tmp = mkdtempSync(join(tmpdir(), 'canhgac-compose-'));

  beforeAll(() => {
    if (!('cmd' in found)) return;
    const r = runConfig(found.cmd, SAMPLE_ENV);
    if (r.status !== 0) throw new Error(`docker compose config failed:\n${r.stderr}`);
    const doc = JSON.parse(r.stdout) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
    services = doc.services;
    volumes = doc.volumes ?? {};
  });

  if (!('cmd' in found)) {
    const why = `tests/deploy/compose.test.ts needs Docker Compose v2: ${found.why}`;
    if (strict) {
      it('has Docker Compose v2 to validate the file', () => {
        throw new Error(why);
      });
    } else {
      process.stderr.write(`SKIPPED: ${why}\n`);
      it.skip('validates with docker compose config', () => undefined);
    }
    return;
  }

  it('validates with docker compose config and the sample .env', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['ingest', 'mailpit', 'opensearch', 'opensearch-dashboards', 'redis', 'worker-1', 'worker-2'].sort(),
    );
    expect(Object.keys(volumes).length).toBeGreaterThanOrEqual(5);
  });

  it('refuses to start without the passwords of .env', () => {
    const empty = join(tmp, 'empty.env');
    writeFileSync(empty, '');
    const r = runConfig((found as { cmd: string[] }).cmd, empty);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/OPENSEARCH_INITIAL_ADMIN_PASSWORD|OPENSEARCH_CANHGAC_PASSWORD|REDIS_PASSWORD/);
  });

  it('gives every service a health check and a restart policy', () => {
    for (const [name, s] of Object.entries(services)) {
      expect({ name, health: Boolean(s.healthcheck?.test?.length && !s.healthcheck.disable) }).toEqual({
        name,
        health: true,
      });
      expect({ name, restart: s.restart }).toEqual({ name, restart: 'unless-stopped' });
    }
  });

  it('runs ingest (with the API) and two workers of the canhgac image', () => {
    expect(services.ingest?.command?.[0]).toBe('ingest');
    expect(services['worker-1']?.command?.[0]).toBe('worker');
    expect(services['worker-2']?.command?.[0]).toBe('worker');
    expect(services.ingest?.image).toBe(services['worker-1']?.image);
  });

  it('documents every image and every environment setting in docs/deployment.md', () => {
    const missing: string[] = [];
    for (const [name, s] of Object.entries(services)) {
      if (s.image && !DOCS.includes(`\`${s.image}\``)) missing.push(`image ${s.image} (${name})`);
      for (const key of Object.keys(s.environment ?? {})) {
        if (!DOCS.includes(`\`${key}\``)) missing.push(`environment ${key} (${name})`);
      }
    }
    // Variables interpolated from .env, and every line of .env.example.
    const raw = readFileSync(COMPOSE_FILE, 'utf8');
    for (const m of raw.matchAll(/\$\{([A-Z0-9_]+)/g))
      if (!DOCS.includes(`\`${m[1]}\``)) missing.push(`variable ${m[1]}`);
    for (const m of readFileSync(SAMPLE_ENV, 'utf8').matchAll(/^([A-Z0-9_]+)=/gm)) {
      if (!DOCS.includes(`\`${m[1]}\``)) missing.push(`.env.example ${m[1]}`);
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it('mounts a canhgac configuration that validates, names only mounted files and matches the published ports', () => {
    const ingest = services.ingest!;
    const cfgArg = ingest.command![ingest.command!.indexOf('--config') + 1]!;
    const mount = ingest.volumes!.find((v) => v.target === cfgArg);
    expect(mount?.source).toBe(join(projectRoot, 'deploy', 'canhgac.yaml'));
    const env = Object.fromEntries(Object.entries(ingest.environment ?? {}).map(([k, v]) => [k, v ?? '']));
    const config = loadConfig({ file: mount!.source!, env }) as unknown as {
      api: { host: string; port: number };
      intake: { port: number };
      redis: { url: string };
      store: { kind: string; opensearch: { url: string; password: string; caFile: string } };
      syslog: Record<
        'udp' | 'tcp' | 'tls' | 'relp',
        { port: number; certFile: string; keyFile: string; caFile: string }
      >;
    };
    expect(config.store.kind).toBe('opensearch');
    expect(config.store.opensearch.url).toBe('https://opensearch:9200');
    expect(config.store.opensearch.password).toBe(env.CANHGAC_STORE_OPENSEARCH_PASSWORD);
    expect(config.redis.url).toMatch(/^redis:\/\/:[^@]+@redis:6379$/);
    expect(config.api.host).toBe('0.0.0.0');
    // Every file the configuration names is mounted into every canhgac container that reads it.
    const files = [
      config.store.opensearch.caFile,
      config.syslog.tls.certFile,
      config.syslog.tls.keyFile,
      config.syslog.tls.caFile,
    ];
    const targets = new Set(ingest.volumes!.map((v) => v.target));
    for (const f of files) expect({ f, mounted: targets.has(f) }).toEqual({ f, mounted: true });
    for (const w of ['worker-1', 'worker-2']) {
      const wt = new Set(services[w]!.volumes!.map((v) => v.target));
      expect({ w, ca: wt.has(config.store.opensearch.caFile), cfg: wt.has(cfgArg) }).toEqual({
        w,
        ca: true,
        cfg: true,
      });
    }
    // The ports the configuration listens on are the ones published.
    const published = new Set(ingest.ports!.map((p) => `${p.target}/${p.protocol ?? 'tcp'}`));
    const want = [
      `${config.syslog.udp.port}/udp`,
      `${config.syslog.tcp.port}/tcp`,
      `${config.syslog.tls.port}/tcp`,
      `${config.syslog.relp.port}/tcp`,
      `${config.intake.port}/tcp`,
      `${config.api.port}/tcp`,
    ];
    expect([...published].sort()).toEqual(want.sort());
  });

  it('makes with deploy/certs.sh every certificate it mounts, with the DNs opensearch.yml trusts', () => {
    const dir = join(tmp, 'certs');
    execFileSync('bash', [join(projectRoot, 'deploy', 'certs.sh'), dir], { stdio: 'pipe' });
    const certSources = Object.values(services)
      .flatMap((s) => s.volumes ?? [])
      .filter((v) => v.type === 'bind' && v.source?.startsWith(join(projectRoot, 'deploy', 'certs')))
      .map((v) => v.source!.slice(join(projectRoot, 'deploy', 'certs').length + 1));
    expect(certSources.length).toBeGreaterThan(5);
    for (const f of certSources) expect({ f, made: existsSync(join(dir, f)) }).toEqual({ f, made: true });
    // Every other bind mount is a file of the repository.
    for (const v of Object.values(services).flatMap((s) => s.volumes ?? [])) {
      if (v.type !== 'bind' || v.source?.includes(`${join('deploy', 'certs')}/`)) continue;
      expect({ src: v.source, exists: existsSync(v.source!) }).toEqual({ src: v.source, exists: true });
    }
    const subject = (f: string) =>
      execFileSync('openssl', ['x509', '-in', join(dir, f), '-noout', '-subject', '-nameopt', 'RFC2253'], {
        encoding: 'utf8',
      })
        .trim()
        .replace(/^subject=\s*/, '');
    const os = parseYaml(readFileSync(join(projectRoot, 'deploy', 'opensearch', 'opensearch.yml'), 'utf8')) as Record<
      string,
      string[]
    >;
    expect(os['plugins.security.authcz.admin_dn']).toEqual([subject('admin.pem')]);
    expect(os['plugins.security.nodes_dn']).toEqual([subject('opensearch.pem')]);
    for (const f of ['opensearch.pem', 'dashboards.pem', 'canhgac.pem', 'admin.pem']) {
      execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, f)], { stdio: 'pipe' });
    }
    // OpenSearch reads PKCS#8 keys only.
    expect(readFileSync(join(dir, 'opensearch-key.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    // The names the services use to reach each other are in the certificates.
    const san = (f: string) =>
      execFileSync('openssl', ['x509', '-in', join(dir, f), '-noout', '-ext', 'subjectAltName'], { encoding: 'utf8' });
    expect(san('opensearch.pem')).toContain('DNS:opensearch');
    expect(san('dashboards.pem')).toContain('DNS:localhost');
    rmSync(tmp, { recursive: true, force: true });
  });
});
