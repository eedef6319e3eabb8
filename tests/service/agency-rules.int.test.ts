/**
 * Per-agency switches of installed SigmaHQ rules in the running embedded service (issue 15 point 6): a rule of the
 * package in <dataDir>/rules-sigmahq raises alerts for two agencies; agency A switches it off through the API and,
 * with no restart and no poll (rules.reloadSeconds is an hour), A's next events raise nothing while B's still do;
 * switched back on, A's raise again.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { type Service, startService } from '../../cli/service.js';
import { loadConfig } from '../../core/config/load.js';
import { registry } from '../../core/metrics.js';
import { projectRoot } from '../../core/shared-data.js';
import { SCOPE_ALL } from '../../store/types.js';
import { AGENCY_A, AGENCY_B, sendLines } from '../kit/distributed.js';
import { LOOPBACK_LISTENERS } from '../kit/loopback.js';

const built = existsSync(join(projectRoot, 'dist', 'pipeline', 'processor.js'));
const KEY = 'agency-rules-test-admin-key-0123456789ab';
const RULE = 'a1b2c3d4-0000-4000-8000-00000000ab01';
let svc: Service | undefined;
afterAll(async () => {
  await svc?.stop();
});

async function reloads(): Promise<number> {
  const m = await registry.getSingleMetric('canhgac_rules_reloads_total')?.get();
  return (m?.values ?? []).reduce((n, v) => n + v.value, 0);
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let v = await probe();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    v = await probe();
  }
  return v;
}

(built ? describe : describe.skip)('per-agency switches of installed rules (embedded service)', () => {
  it('a rule switched off for one agency stops its alerts there at once, and only there', async () => {
    process.env.CANHGAC_BOOTSTRAP_API_KEY = KEY;
    const dataDir = mkdtempSync(join(tmpdir(), 'canhgac-agency-rules-'));
    mkdirSync(join(dataDir, 'rules-sigmahq', 'linux'), { recursive: true });
    writeFileSync(
      join(dataDir, 'rules-sigmahq', 'linux', 'marker.yml'),
      `title: Installed Package Marker\nid: ${RULE}\nstatus: stable\nlogsource: { product: linux, service: sshd }\ndetection:\n  keywords: ['agency-switch-marker']\n  condition: keywords\nlevel: high\n`,
    );
    svc = await startService(
      loadConfig({
        env: {},
        overrides: {
          dataDir,
          ...LOOPBACK_LISTENERS,
          'rules.reloadSeconds': 3600,
          agencies: [
            { id: AGENCY_A.id, name: AGENCY_A.name, networks: [`${AGENCY_A.address}/32`] },
            { id: AGENCY_B.id, name: AGENCY_B.name, networks: [`${AGENCY_B.address}/32`] },
          ],
        },
      }),
    );
    const s = svc;
    const port = s.ports.syslog_tcp as number;
    const alerts = s.internals.stores.state.collection<{ ruleId: string; agencyId: string }>('alerts');
    const count = async () => {
      const docs = (await alerts.list(SCOPE_ALL, { filter: { ruleId: RULE }, size: 100 })).docs;
      return {
        a: docs.filter((d) => d.agencyId === AGENCY_A.id).length,
        b: docs.filter((d) => d.agencyId === AGENCY_B.id).length,
      };
    };
    const send = (n: number) =>
      sendLines(
        port,
        [AGENCY_A, AGENCY_B].map((ag) => ({
          from: ag.address,
          text: `<38>1 ${new Date().toISOString()} web0${n}.example sshd 7 - - agency-switch-marker ${n}`,
        })),
      );
    const patch = async (enabled: boolean) => {
      const r0 = await reloads();
      const res = await fetch(`${s.apiUrl}/api/v1/agency-rules/${AGENCY_A.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ enabled, ids: [RULE] }),
      });
      expect(res.status).toBe(200);
      // Applied by the reload the API signalled (no poll: an hour between polls).
      expect(await until(reloads, (n) => n > r0, 20_000)).toBeGreaterThan(r0);
    };

    await send(1);
    expect(await until(count, (c) => c.a === 1 && c.b === 1, 20_000)).toEqual({ a: 1, b: 1 });

    await patch(false);
    await send(2);
    // A's event went through the alert stage (counted as not raised there) and B's raised its alert.
    const dropped = async () =>
      (await registry.getSingleMetric('canhgac_alerts_agency_disabled_total')?.get())?.values[0]?.value ?? 0;
    expect(await until(dropped, (n) => n >= 1, 20_000)).toBe(1);
    expect(await until(count, (c) => c.b === 2, 20_000)).toEqual({ a: 1, b: 2 });

    await patch(true);
    await send(3);
    expect(await until(count, (c) => c.a === 2 && c.b === 3, 20_000)).toEqual({ a: 2, b: 3 });
  }, 90_000);
});
