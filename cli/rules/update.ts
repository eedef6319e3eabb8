/**
 * `canhgac rules update`: installs a SigmaHQ release package (core, core+, core++, emerging threats, all) from the
 * release URL, a local file or a mirror folder; the SHA-256 is checked before anything is read (from --sha256, a
 * SHA256SUMS file, or the mirror's), the Detection Rule License is kept beside the rules, and by default only the
 * rules for the log sources a province sends are installed (curated selection, below). The new set replaces the
 * old one whole, only after every installed rule loaded. Exit 0 installed (or checked with --dry-run), 1 refused or
 * could not run, 2 usage.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseRuleText } from '../../detection/sigma/load.js';
import type { SigmaDocument } from '../../detection/sigma/model.js';
import { cliError } from '../errors.js';
import type { Io } from './backtest.js';
import { loadRuleSet } from './common.js';
import { readZip, ZipError } from './unzip.js';

/** The packages of a SigmaHQ release and their asset names. */
export const PACKAGES: Record<string, string> = {
  core: 'sigma_core.zip',
  'core+': 'sigma_core+.zip',
  'core++': 'sigma_core++.zip',
  'emerging-threats': 'sigma_emerging_threats_addon.zip',
  all: 'sigma_all_rules.zip',
};

const RELEASE = 'https://github.com/SigmaHQ/sigma/releases/latest/download/';

/** What the province sends (bench/province, docs/operations.md): Linux hosts, Windows, web servers, firewalls. */
const PRODUCTS = new Set(['linux', 'windows']);
const CATEGORIES = new Set(['webserver', 'firewall', 'proxy']);
const STATUSES = new Set(['stable', 'test']);
const LEVELS = new Set(['medium', 'high', 'critical']);

/** Whether a rule is in the curated default selection, and why not. */
export function curated(d: SigmaDocument): string | undefined {
  if (d.kind !== 'rule') return undefined;
  const ls = d.logsource;
  const product = ls.product?.toLowerCase();
  const category = ls.category?.toLowerCase();
  if (!(product && PRODUCTS.has(product)) && !(category && CATEGORIES.has(category))) return 'log source not sent';
  if (!STATUSES.has(String(d.status ?? ''))) return 'status';
  if (!LEVELS.has(String(d.level ?? ''))) return 'level';
  return undefined;
}

/** The options update reads. */
export interface UpdateArgs {
  source?: string | undefined;
  package: string;
  sha256?: string | undefined;
  checksums?: string | undefined;
  dest?: string | undefined;
  dataDir?: string | undefined;
  config?: string | undefined;
  all: boolean;
  dryRun: boolean;
  json: boolean;
}

async function bytesOf(src: string): Promise<Buffer> {
  if (/^https?:\/\//.test(src)) {
    const res = await fetch(src, { redirect: 'follow', signal: AbortSignal.timeout(300_000) });
    if (!res.ok) throw cliError('CANHGAC_ERR_CLI_DOWNLOAD', { url: src, status: res.status });
    return Buffer.from(await res.arrayBuffer());
  }
  return readFileSync(src);
}

/** The expected SHA-256 of `asset` in a SHA256SUMS text (`<hex>  <name>` lines, `*name` for binary mode). */
export function sumFor(text: string, asset: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+?)\s*$/.exec(line);
    if (m && basename(m[2]!) === asset) return m[1]!.toLowerCase();
  }
  return undefined;
}

/** Runs the update; returns the exit code. */
export async function update(a: UpdateArgs, io: Io): Promise<number> {
  const asset = PACKAGES[a.package];
  if (!asset) return io.usage(`--package must be one of ${Object.keys(PACKAGES).join(', ')}`);
  // Where from: a mirror folder holds the assets and their SHA256SUMS; a file or URL is the package itself.
  let source = a.source ?? `${RELEASE}${asset}`;
  let checksums = a.checksums;
  if (!/^https?:\/\//.test(source) && existsSync(source) && statSync(source).isDirectory()) {
    checksums ??= join(source, 'SHA256SUMS');
    source = join(source, asset);
  }
  const fail = (message: string): number => {
    io.err(`canhgac rules update: ${message}\n`);
    return 1;
  };
  let expected = a.sha256?.toLowerCase();
  try {
    if (!expected && checksums) expected = sumFor((await bytesOf(checksums)).toString('utf8'), basename(source));
  } catch (e) {
    return fail(`cannot read the checksums ${checksums}: ${(e as Error).message}`);
  }
  if (!expected || !/^[0-9a-f]{64}$/.test(expected))
    return fail(`no SHA-256 for ${basename(source)}: give --sha256 HEX or --checksums SHA256SUMS (nothing installed)`);
  let pkg: Buffer;
  try {
    pkg = await bytesOf(source);
  } catch (e) {
    return fail(`cannot read ${source}: ${(e as Error).message}`);
  }
  const actual = createHash('sha256').update(pkg).digest('hex');
  if (actual !== expected)
    return fail(`${source}: SHA-256 ${actual} is not the expected ${expected} (nothing installed)`);
  let entries: ReturnType<typeof readZip>;
  try {
    entries = readZip(pkg);
  } catch (e) {
    return fail(`${source}: ${e instanceof ZipError ? e.message : (e as Error).message} (nothing installed)`);
  }
  const license = entries.filter(
    (e) => /^(.*\/)?(LICENSE|LICENCE|DRL)[^/]*$/i.test(e.name) && e.name.split('/').length <= 2,
  );
  const skipped: Record<string, number> = {};
  const chosen: Array<{ name: string; data: Buffer; id: string }> = [];
  for (const e of entries) {
    if (!/\.ya?ml$/i.test(e.name) || /(^|\/)(deprecated|unsupported)\//.test(e.name)) continue;
    const parsed = parseRuleText(e.data.toString('utf8'), e.name);
    const doc = parsed.documents[0];
    const why =
      !doc || parsed.problems.some((p) => p.severity === 'error') ? 'unreadable' : a.all ? undefined : curated(doc);
    if (why) skipped[why] = (skipped[why] ?? 0) + 1;
    else chosen.push({ name: e.name, data: e.data, id: doc!.id });
  }
  const dest = a.dest ?? join(await dataDirOf(a), 'rules-sigmahq');
  const staging = `${dest}.new`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const c of chosen) {
    mkdirSync(dirname(join(staging, 'rules', c.name)), { recursive: true });
    writeFileSync(join(staging, 'rules', c.name), c.data);
  }
  for (const l of license) writeFileSync(join(staging, basename(l.name)), l.data);
  writeFileSync(
    join(staging, 'NOTICE'),
    'Rules from SigmaHQ (https://github.com/SigmaHQ/sigma), under the Detection Rule License (DRL) 1.1\n' +
      '(https://github.com/SigmaHQ/Detection-Rule-License): keep the authors and the licence with them.\n',
  );
  // Every installed rule must load and compile; those the engine refuses are left out and counted.
  const set = await loadRuleSet([join(staging, 'rules')]);
  const rejectedFiles = new Set(set.errors.map((e) => e.file));
  for (const f of rejectedFiles) rmSync(f, { force: true });
  skipped.rejected_by_engine = rejectedFiles.size;
  const manifest = {
    package: a.package,
    source,
    sha256: actual,
    installedAt: new Date().toISOString(),
    selection: a.all ? 'all' : 'curated',
    installed: chosen.length - rejectedFiles.size,
    skipped,
    license: license.map((l) => basename(l.name)),
  };
  writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (a.dryRun) rmSync(staging, { recursive: true, force: true });
  else {
    // Swap whole: the service never reads a half-written set.
    const old = `${dest}.old`;
    rmSync(old, { recursive: true, force: true });
    if (existsSync(dest)) renameSync(dest, old);
    renameSync(staging, dest);
    rmSync(old, { recursive: true, force: true });
  }
  if (a.json) io.out(`${JSON.stringify({ ...manifest, dest: a.dryRun ? null : dest })}\n`);
  else {
    io.out(
      `${a.dryRun ? 'Checked' : 'Installed'} ${manifest.installed} rules of SigmaHQ ${a.package} (${manifest.selection} selection, SHA-256 ${actual.slice(0, 16)}…)` +
        `${a.dryRun ? '' : ` into ${dest}`}; skipped: ${Object.entries(skipped)
          .map(([k, v]) => `${v} ${k.replace(/_/g, ' ')}`)
          .join(', ')}\n`,
    );
    if (!license.length) io.out('The package carries no licence file: NOTICE names the Detection Rule License.\n');
  }
  return 0;
}

async function dataDirOf(a: UpdateArgs): Promise<string> {
  const { loadConfig } = await import('../../core/config/load.js');
  return loadConfig({ ...(a.config ? { file: a.config } : {}), overrides: { dataDir: a.dataDir } }).dataDir;
}
