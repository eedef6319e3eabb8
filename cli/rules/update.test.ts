/**
 * `canhgac rules update` against a local HTTP server serving a SigmaHQ-shaped release package built here from
 * ../shared/sigma (skipped, and said so, where ../shared is absent): checksum verified before anything is read,
 * the licence kept, the curated selection for what provinces send, the old set replaced whole, hostile packages
 * refused.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../core/shared-data.js';
import { listRuleFiles } from '../../detection/sigma/load.js';
import { zip } from '../../reports/notification/docx.js';
import { loadRuleSet } from './common.js';

const SIGMA = join(projectRoot, '..', 'shared', 'sigma');
const bin = join(projectRoot, 'bin', 'canhgac.js');
const built = existsSync(join(projectRoot, 'dist', 'cli', 'rules', 'update.js'));
const ready = built && existsSync(join(SIGMA, 'rules'));
if (!ready)
  process.stderr.write(
    `SKIPPED: canhgac rules update tests need \`npm run build\` and ${SIGMA} (the shared Sigma corpus).\n`,
  );

const tmp = mkdtempSync(join(tmpdir(), 'canhgac-update-'));
let server: Server;
let base: string;
let pkg: Buffer;
let sha: string;
const served = new Map<string, Buffer>();

function canhgac(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err && typeof err.code === 'number' ? err.code : err ? 1 : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end('');
  });
}

/** Files of a corpus folder as package entries (`rules/linux/...`), at most `n`. */
function entries(folder: string, n: number): [string, Buffer][] {
  return listRuleFiles([join(SIGMA, folder)])
    .sort()
    .slice(0, n)
    .map((f) => [relative(SIGMA, f), readFileSync(f)]);
}

const maybe = ready ? describe : describe.skip;

maybe('canhgac rules update', () => {
  beforeAll(async () => {
    pkg = zip([
      ['LICENSE', readFileSync(join(SIGMA, 'LICENSE'))],
      ...entries('rules/linux', 120),
      ...entries('rules/web', 60),
      ...entries('rules/windows/process_creation', 80),
      ...entries('rules/cloud', 20),
      ...entries('deprecated', 5),
    ]);
    sha = createHash('sha256').update(pkg).digest('hex');
    served.set('/download/sigma_core.zip', pkg);
    served.set('/download/SHA256SUMS', Buffer.from(`${sha}  sigma_core.zip\n`));
    server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      res.writeHead(body ? 200 : 404).end(body ?? 'not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/download`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    rmSync(tmp, { recursive: true, force: true });
  });

  it('installs the curated selection over HTTP, checksum verified, licence kept; every rule loads', async () => {
    const dest = join(tmp, 'sigmahq');
    const r = await canhgac(
      'rules',
      'update',
      '--source',
      `${base}/sigma_core.zip`,
      '--sha256',
      sha,
      '--dest',
      dest,
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as Record<string, unknown> & { skipped: Record<string, number>; installed: number };
    expect(m).toMatchObject({ package: 'core', sha256: sha, selection: 'curated', license: ['LICENSE'], dest });
    expect(m.installed).toBeGreaterThan(50);
    // Cloud rules are not what a province sends; deprecated ones never install.
    expect(m.skipped['log source not sent']).toBeGreaterThanOrEqual(20);
    expect(readFileSync(join(dest, 'LICENSE'), 'utf8')).toContain('Detection Rule License');
    expect(readFileSync(join(dest, 'NOTICE'), 'utf8')).toContain('DRL');
    const installed = listRuleFiles([join(dest, 'rules')]);
    expect(installed).toHaveLength(m.installed);
    expect(installed.some((f) => f.includes('/cloud/') || f.includes('deprecated'))).toBe(false);
    const set = await loadRuleSet([join(dest, 'rules')]);
    expect(set.errors).toEqual([]);
    for (const rule of set.engine.rules) {
      expect(['stable', 'test']).toContain(rule.status);
      expect(['medium', 'high', 'critical']).toContain(rule.level);
    }
  });

  it('a wrong checksum installs nothing and keeps the installed set; no checksum at all is refused', async () => {
    const dest = join(tmp, 'kept');
    expect(
      (await canhgac('rules', 'update', '--source', `${base}/sigma_core.zip`, '--sha256', sha, '--dest', dest)).code,
    ).toBe(0);
    const before = readFileSync(join(dest, 'manifest.json'), 'utf8');
    const bad = await canhgac(
      'rules',
      'update',
      '--source',
      `${base}/sigma_core.zip`,
      '--sha256',
      'a'.repeat(64),
      '--dest',
      dest,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`SHA-256 ${sha} is not the expected ${'a'.repeat(64)} (nothing installed)`);
    expect(readFileSync(join(dest, 'manifest.json'), 'utf8')).toBe(before);
    const none = await canhgac('rules', 'update', '--source', `${base}/sigma_core.zip`, '--dest', join(tmp, 'none'));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no SHA-256 for sigma_core.zip');
    expect(existsSync(join(tmp, 'none'))).toBe(false);
    const missing = await canhgac(
      'rules',
      'update',
      '--source',
      `${base}/nope.zip`,
      '--sha256',
      sha,
      '--dest',
      join(tmp, 'x'),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${base}/nope.zip answered HTTP 404`);
  });

  it('reads a mirror folder (the package beside its SHA256SUMS) and a checksums URL', async () => {
    const mirror = join(tmp, 'mirror');
    mkdirSync(mirror);
    writeFileSync(join(mirror, 'sigma_core.zip'), pkg);
    writeFileSync(join(mirror, 'SHA256SUMS'), `${sha} *sigma_core.zip\n`);
    const a = await canhgac('rules', 'update', '--source', mirror, '--dest', join(tmp, 'm1'), '--json');
    expect(a.code).toBe(0);
    const b = await canhgac(
      'rules',
      'update',
      '--source',
      `${base}/sigma_core.zip`,
      '--checksums',
      `${base}/SHA256SUMS`,
      '--dest',
      join(tmp, 'm2'),
      '--dry-run',
    );
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/^Checked \d+ rules of SigmaHQ core/);
    expect(existsSync(join(tmp, 'm2'))).toBe(false);
  });

  it('refuses a package whose entry would write outside its folder', async () => {
    const evil = zip([['../../evil.yml', Buffer.from('title: x\n')]]);
    const file = join(tmp, 'evil.zip');
    writeFileSync(file, evil);
    const hex = createHash('sha256').update(evil).digest('hex');
    const r = await canhgac('rules', 'update', '--source', file, '--sha256', hex, '--dest', join(tmp, 'evil'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unsafe entry name "../../evil.yml"');
    expect(readdirSync(tmp)).not.toContain('evil');
  });
});
