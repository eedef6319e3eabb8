/**
 * The peer harness (bench/peers): one JSON line per comparison with both sides' figures and the ratio, on small
 * inputs (the shipped rules, a slice of an OTRF Windows file). rsigma is never built here (RSIGMA_NO_BUILD=1):
 * where it is not cached the rsigma side says so in a `skipped` field and canhgac's figures are still there; the
 * test says on stderr which case it ran.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { projectRoot, sharedPath } from '../../core/shared-data.js';

const built = existsSync(join(projectRoot, 'dist', 'bench', 'peers', 'peers.js'));
const OTRF = sharedPath(
  'corpus',
  'otrf',
  'empire_wmi_dcerpc_wmi_IWbemServices_ExecMethod',
  'empire_wmi_dcerpc_wmi_IWbemServices_ExecMethod_2020-09-21001437.json',
);

function findRsigma(): string | undefined {
  const r = spawnSync('bash', [join(projectRoot, 'bench', 'peers', 'find-rsigma.sh')], {
    encoding: 'utf8',
    env: { ...process.env, RSIGMA_NO_BUILD: '1' },
  });
  if (r.status === 0) return r.stdout.trim();
  process.stderr.write(`SKIPPED (rsigma side): ${r.stderr.trim()}; run bash bench/peers/find-rsigma.sh to build it\n`);
  return undefined;
}

describe('peer harness', () => {
  if (!built) process.stderr.write('SKIPPED: the peer harness needs the build (npx tsc -p tsconfig.build.json)\n');
  if (!OTRF) process.stderr.write('SKIPPED: the peer harness test needs ../shared (OTRF Windows events)\n');
  (built && OTRF ? it : it.skip)(
    'prints rule load and Windows detection for both sides with ratios, or says why a side is skipped',
    () => {
      const rsigma = findRsigma();
      const dir = mkdtempSync(join(tmpdir(), 'canhgac-peers-test-'));
      try {
        const events = join(dir, 'windows.ndjson');
        writeFileSync(events, `${readFileSync(OTRF!, 'utf8').split('\n').slice(0, 400).join('\n')}\n`);
        const rules = join(projectRoot, 'rules', 'sigma');
        const r = spawnSync(
          'node',
          [
            join(projectRoot, 'dist', 'bench', 'peers', 'peers.js'),
            '--only',
            'rule_load,detect_windows',
            '--rules',
            rules,
            '--events',
            events,
            '--seconds',
            '1',
            '--replay',
            '2',
          ],
          { encoding: 'utf8', env: { ...process.env, RSIGMA_NO_BUILD: '1' }, timeout: 240_000 },
        );
        expect(r.status).toBe(0);
        const lines = r.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        const by = new Map(lines.map((l) => [l.comparison, l]));
        expect(by.get('machine')?.load_average).toEqual(expect.any(String));
        const load = by.get('rule_load') as { canhgac: { rules: number; cold_s: number; warm_s: number } } & Record<
          string,
          unknown
        >;
        expect(load.canhgac.rules).toBeGreaterThan(20);
        expect(load.canhgac.cold_s).toBeGreaterThan(0);
        expect(load.canhgac.warm_s).toBeGreaterThan(0);
        const det = by.get('detect_windows') as { canhgac: { events_per_s: number } } & Record<string, unknown>;
        expect(det.canhgac.events_per_s).toBeGreaterThan(0);
        if (rsigma) {
          expect(load.rsigma).toEqual(expect.objectContaining({ seconds: expect.any(Number) }));
          expect(load.ratio_warm).toEqual(expect.any(Number));
          expect(det.rsigma).toEqual(expect.objectContaining({ events_per_s_routed: expect.any(Number) }));
          expect(det.ratio).toEqual(expect.any(Number));
          expect(det.agreement).toEqual(expect.objectContaining({ both: expect.any(Number) }));
        } else {
          expect(load.skipped).toMatch(/rsigma/);
          expect(det.skipped).toMatch(/rsigma/);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    300_000,
  );
});
