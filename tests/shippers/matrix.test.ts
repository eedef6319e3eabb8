/**
 * The shipper matrix: for each shipper shape and each content it can carry, the same lines in the shipper's
 * document raise exactly the alerts (rule, line, correlation group) the raw syslog / NXLog lines raise, through
 * normaliseRecord, the shipped rules and the correlation engine (tests/rules/samples.ts, as in the service).
 * Incidents fold alerts by rule + agency + host, so equal alerts with equal groups are equal incidents.
 * `CANHGAC_MATRIX_REPORT=1` prints shipper x content -> alerts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadRuleSet, type RuleSet } from '../../cli/rules/common.js';
import { countAlerts, RULES_DIR, runLines, type SampleRun } from '../rules/samples.js';
import { contents, shapes, shipped } from './content.js';

let set: RuleSet;
beforeAll(async () => {
  set = await loadRuleSet([RULES_DIR]);
});

const alertsOf = (run: SampleRun) =>
  run.alerts.map((a) => `${a.rule} line=${a.line}${a.correlation ? ` group=${JSON.stringify(a.group)}` : ''}`);

/** What each content must raise over raw syslog / NXLog (the baseline the shippers are held to). */
const BASELINE: Record<string, string[]> = {
  'ssh-brute-force': ['canhgac_sshd_brute_force'],
  'sudo-abuse': ['canhgac_sudo_not_in_sudoers'],
  'nginx-sqli-syslog': ['canhgac_web_sql_injection'],
  'nginx-sqli-file': ['canhgac_web_sql_injection'],
  'windows-4625-burst': ['canhgac_win_rdp_brute_force'],
  'windows-4688-cradle': ['canhgac_win_powershell_download_cradle'],
};

describe('shipper matrix', () => {
  const report: string[] = [];
  afterAllReport(report);

  for (const c of contents()) {
    it(`raw ${c.name} raises its incidents`, () => {
      const counts = countAlerts(runLines(set, c.raw).alerts);
      for (const rule of BASELINE[c.name]!) expect(counts[rule] ?? 0).toBeGreaterThan(0);
      report.push(`raw ${c.name}: ${JSON.stringify(counts)}`);
    });
    for (const { shape } of shapes().filter((s) => s.kind === c.kind)) {
      it(`${shape} x ${c.name} raises exactly what raw ${c.kind} raises`, () => {
        const raw = runLines(set, c.raw);
        const run = runLines(set, shipped(shape, c));
        expect(alertsOf(run)).toEqual(alertsOf(raw));
        for (const e of run.events) expect(e.event['canhgac.decode_error']).toBeUndefined();
        report.push(`${shape} x ${c.name}: ${JSON.stringify(countAlerts(run.alerts))}`);
      });
    }
  }
});

function afterAllReport(report: string[]): void {
  if (process.env.CANHGAC_MATRIX_REPORT === '1') afterAll(() => console.log(report.join('\n')));
}
