/**
 * `npm run check:layers` (tools/check-layers.mjs): the folder order of docs/architecture.md is enforced. Each case
 * builds a small tree in a temporary directory and runs the real script on it.
 */

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../core/shared-data.js';

const script = join(projectRoot, 'tools', 'check-layers.mjs');
let root: string | undefined;

function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function check(dir: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, '--root', dir], (error, out, err) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out, err });
    });
  });
}

/** A tree that follows the order: pipeline on detection and store, cli on pipeline, all on core. */
const GOOD = {
  'core/event/event.ts': 'export type E = Record<string, unknown>;\n',
  'detection/match.ts': "import type { E } from '../core/event/event.js';\nexport const m = (e: E) => !!e;\n",
  'store/put.ts': "import type { E } from '../core/event/event.js';\nexport const put = (e: E) => e;\n",
  'pipeline/stages.ts':
    "import { m } from '../detection/match.js';\nimport { put } from '../store/put.js';\nexport { m, put };\n",
  'cli/main.ts': "export async function run() { return import('../pipeline/stages.js'); }\n",
  'detection/match.test.ts': "import { startSmtp } from '../tests/kit/smtp.js';\nexport { startSmtp };\n",
  'tests/kit/smtp.ts': "import { m } from '../../detection/match.js';\nexport const startSmtp = m;\n",
};

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

describe('check:layers', () => {
  it('passes a tree that follows the folder order and prints its folder edges', async () => {
    const r = await check(tree(GOOD));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('pipeline -> detection  (1)');
    expect(r.out).toContain('cli -> pipeline  (1)');
    expect(r.out).toContain('layers: ok');
  });

  it('fails when a forbidden import is added (the store reaching into detection)', async () => {
    const r = await check(
      tree({ ...GOOD, 'store/query.ts': "import { m } from '../detection/match.js';\nexport const q = m;\n" }),
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain("store/query.ts imports '../detection/match.js': store may not import detection");
  });

  it('fails on a product file importing a test kit, and on a dynamic import against the order', async () => {
    const r = await check(
      tree({
        ...GOOD,
        'detection/uses-kit.ts': "import { startSmtp } from '../tests/kit/smtp.js';\nexport { startSmtp };\n",
        'core/late.ts': "export const load = () => import('../cli/main.js');\n",
      }),
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('detection may not import tests');
    expect(r.err).toContain('core may not import cli');
  });

  it('fails on a folder-level cycle even when each file-level import graph is acyclic', async () => {
    const r = await check(
      tree({
        ...GOOD,
        'core/a.ts': "import { m } from '../detection/match.js';\nexport const a = m;\n",
      }),
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/folder-level cycle among core, detection/);
  });

  it('fails on a test suffix outside the three kinds and on a test kit in a product folder', async () => {
    const r = await check(
      tree({ ...GOOD, 'store/put.unit.test.ts': 'export {};\n', 'store/fixture.ts': 'export {};\n' }),
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('store/put.unit.test.ts: test suffix .unit.test.ts');
    expect(r.err).toContain('store/fixture.ts: a test kit in a product folder');
  });

  it('fails on a product file over 500 lines and names it; a test file of any length passes', async () => {
    const long = `${'export const x = 1;\n'.repeat(501)}`;
    const ok = await check(tree({ ...GOOD, 'store/big.test.ts': long, 'store/fits.ts': 'export {};\n'.repeat(500) }));
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('largest product file: store/fits.ts (500 lines)');
    const r = await check(tree({ ...GOOD, 'store/big.ts': long }));
    expect(r.code).toBe(1);
    expect(r.err).toContain('file size: store/big.ts has 501 lines');
  });

  it('passes on this repository: every import in order, zero folder-level cycles', async () => {
    const r = await check(projectRoot);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('pipeline -> detection');
    expect(r.out).not.toMatch(/^ {2}(ingest|detection|store) -> (ingest|detection|store|cli|pipeline|api)\b/m);
  });

  it('ignores commented-out imports', async () => {
    const r = await check(
      tree({ ...GOOD, 'core/b.ts': "// import { m } from '../detection/match.js';\nexport {};\n" }),
    );
    expect(r.code).toBe(0);
  });
});
