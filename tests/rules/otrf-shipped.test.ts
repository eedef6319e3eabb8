/**
 * The shipped Windows rules against the OTRF Security-Datasets in ../shared/corpus/otrf: every record goes in as
 * the HTTP intake would carry it (one JSON document per RawRecord) through normaliseRecord, the engine and the
 * correlation engine (tests/rules/samples.ts). The alerts of each dataset must be exactly those listed: the
 * PowerShell rules fire on the Empire sets, the log-clearing rule on the sets recorded after clearing the logs,
 * and nothing else fires on the rest (12,287 events of ordinary Windows activity and attacks the pack does not
 * target: the noise check; mshta's `powershell -command Get-Service` is neither encoded nor a download).
 * `CANHGAC_OTRF_REPORT=1` prints the table of alerts per dataset.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { explainSkip, sharedPath } from '../../core/shared-data.js';
import { loadRuleSet, type RuleSet } from '../../cli/rules/common.js';
import { listDatasets } from '../detection/otrf-eval.js';
import { countAlerts, RULES_DIR, runLines, type SampleLine } from './samples.js';

/** Alerts each OTRF dataset must raise with the shipped pack; datasets not listed must raise none. */
const EXPECTED: Record<string, Record<string, number>> = {
  // Empire's stager: `powershell -noP -sta -w 1 -enc ...` (Sysmon 1 and Security 4688), then a 4104 script block
  // that switches off script block logging and AMSI ('System.Management.Automation.Amsi'+'Utils') and runs
  // `$wc.DownloadData(...) ... | IEX`.
  empire_launcher_vbs: {
    canhgac_win_powershell_encoded_command: 2,
    canhgac_win_ps_script_amsi_bypass: 1,
    canhgac_win_ps_script_download_cradle: 1,
  },
  empire_wmi_dcerpc_wmi_IWbemServices_ExecMethod: {
    canhgac_win_powershell_encoded_command: 2,
    canhgac_win_ps_script_amsi_bypass: 1,
    canhgac_win_ps_script_download_cradle: 1,
  },
  // The OTRF team clears the logs before recording: these sets hold real 1102 (Security) and 104 (System,
  // Application) "log was cleared" events, which the rule rightly reports.
  cmd_mshta_vbscript_execute_psh: { canhgac_win_log_cleared: 3 },
  cmd_psexec_lsa_secrets_dump: { canhgac_win_log_cleared: 2 },
  cmd_service_mod_fax: { canhgac_win_log_cleared: 2 },
  psh_lsass_memory_dump_comsvcs: { canhgac_win_log_cleared: 1 },
};

let set: RuleSet;
beforeAll(async () => {
  set = await loadRuleSet([RULES_DIR]);
});

describe('shipped rules on the OTRF Windows corpus', () => {
  it('fire where the attack uses what they detect, and nowhere else', () => {
    const otrf = sharedPath('corpus', 'otrf');
    if (!otrf) return explainSkip('the shipped rules on the OTRF corpus');
    const report: string[] = [];
    const seen: Record<string, Record<string, number>> = {};
    const want: Record<string, Record<string, number>> = {};
    let total = 0;
    for (const ds of listDatasets(otrf)) {
      const lines: SampleLine[] = readFileSync(ds.events, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((text, i) => ({ line: i + 1, text, expect: undefined }));
      total += lines.length;
      const run = runLines(set, lines);
      const got = countAlerts(run.alerts);
      report.push(`${ds.name}: ${lines.length} events, alerts ${JSON.stringify(got)}`);
      seen[ds.name] = got;
      want[ds.name] = EXPECTED[ds.name] ?? {};
    }
    if (process.env.CANHGAC_OTRF_REPORT === '1') console.log(`${total} events\n${report.join('\n')}`);
    expect(seen).toEqual(want);
  }, 120_000);
});
