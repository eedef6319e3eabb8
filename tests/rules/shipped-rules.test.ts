/**
 * The shipped rule pack (rules/sigma) against its samples (rules/samples): every rule file has a sample of the
 * same path; every sample runs through decode + normalise + engine + correlation (tests/rules/samples.ts); the
 * sample's `### match` lines must match its own detection rule and its `### miss` lines must not; and the alerts
 * of the whole sample, with every shipped rule loaded, must be exactly those listed in ALERTS below.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadRuleSet, type RuleSet } from '../../cli/rules/common.js';
import { runRules } from '../../cli/rules/rules.js';
import { countAlerts, listRuleStems, listSamples, RULES_DIR, readSample, runLines, SAMPLES_DIR } from './samples.js';

/** Alerts (rule name -> count) each whole sample raises with all shipped rules loaded. */
const ALERTS: Record<string, Record<string, number>> = {
  'linux/sshd_failed_password.log': {},
  // 12 addresses in 2 minutes (no history: the fixed threshold), then web02's day: its warm-up fires 7 times on the
  // bots, the same noise after it nothing, the 120-failure burst once (and the per-address rule, low, 12 times).
  'linux/sshd_brute_force.log': { canhgac_sshd_brute_force: 9, canhgac_sshd_brute_force_source: 12 },
  'linux/sshd_auth_failure.log': {},
  'linux/sshd_brute_force_source.log': { canhgac_sshd_brute_force_source: 1 },
  // The spray across hosts, then app02's bots: 4 fires during the 10-minute warm-up (informational), none after,
  // and the spray of names the agency never saw fail once (the host rule counts the bots' failures in its own
  // 30-minute warm-up).
  'linux/sshd_password_spraying.log': { canhgac_sshd_password_spraying: 6, canhgac_sshd_brute_force: 7 },
  'linux/sudo_not_in_sudoers.log': { canhgac_sudo_not_in_sudoers: 2 },
  'linux/sudo_auth_failure.log': {},
  'linux/su_root_failure.log': {},
  'linux/sudo_su_failures_repeated.log': { canhgac_sudo_su_failures_repeated: 1, canhgac_sudo_not_in_sudoers: 1 },
  'linux/new_admin_account.log': { canhgac_linux_new_admin_account: 6 },
  'linux/log_clearing.log': { canhgac_linux_log_clearing: 5 },
  'linux/sshd_login_success.log': {},
  'linux/sshd_failures_before_success.log': { canhgac_sshd_brute_force: 1 },
  'linux/sshd_brute_force_then_success.log': {
    canhgac_sshd_brute_force: 2,
    canhgac_sshd_brute_force_source: 2,
    canhgac_sshd_brute_force_then_success: 1,
  },
  'linux/new_admin_then_log_clearing.log': {
    canhgac_linux_new_admin_account: 2,
    canhgac_linux_log_clearing: 3,
    canhgac_linux_new_admin_then_log_clearing: 1,
  },
  'windows/security_failed_network_logon.log': {},
  'windows/new_admin_then_log_cleared.jsonl': {
    canhgac_win_member_added_to_admins: 1,
    canhgac_win_log_cleared: 2,
    canhgac_win_new_admin_then_log_cleared: 1,
  },
  'windows/rdp_brute_force.jsonl': { canhgac_win_rdp_brute_force: 1 },
  'windows/security_user_account_created.jsonl': { canhgac_win_user_account_created: 2 },
  'windows/security_member_added_to_admins.log': { canhgac_win_member_added_to_admins: 3 },
  'windows/new_local_admin.jsonl': {
    canhgac_win_user_account_created: 2,
    canhgac_win_member_added_to_admins: 2,
    canhgac_win_new_local_admin: 1,
  },
  'windows/log_cleared.jsonl': { canhgac_win_log_cleared: 2 },
  'windows/powershell_encoded_command.jsonl': { canhgac_win_powershell_encoded_command: 3 },
  'windows/powershell_download_cradle.jsonl': { canhgac_win_powershell_download_cradle: 3 },
  'windows/powershell_script_amsi_bypass.jsonl': { canhgac_win_ps_script_amsi_bypass: 5 },
  'windows/powershell_script_download_cradle.jsonl': { canhgac_win_ps_script_download_cradle: 2 },
  'web/sql_injection.log': { canhgac_web_sql_injection: 21 },
  'web/path_traversal.log': { canhgac_web_path_traversal: 2, canhgac_web_path_traversal_refused: 3 },
  'web/path_traversal_refused.log': { canhgac_web_path_traversal: 2, canhgac_web_path_traversal_refused: 3 },
  'web/web_shell.log': { canhgac_web_shell: 5 },
  'web/web_not_found.log': {},
  'web/web_scan.log': { canhgac_web_scan: 1 },
  'web/web_exploitation_chain.log': {
    canhgac_web_scan: 1,
    canhgac_web_sql_injection: 2,
    canhgac_web_shell: 2,
    canhgac_web_exploitation_chain: 1,
  },
  'firewall/denied_connection.log': {},
  'firewall/port_scan.log': { canhgac_firewall_port_scan: 4 },
};

let set: RuleSet;

beforeAll(async () => {
  set = await loadRuleSet([RULES_DIR]);
});

describe('shipped rule pack', () => {
  it('every rule file validates with zero problems (canhgac rules validate rules/sigma)', async () => {
    expect({ errors: set.errors, warnings: set.warnings, rejected: set.rejected }).toEqual({
      errors: [],
      warnings: [],
      rejected: 0,
    });
    expect(set.loaded).toBe(listRuleStems().length);
    // The CLI itself says so too.
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => {
      out.push(String(s));
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await runRules(['validate', RULES_DIR])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(out.join('')).toBe(`${listRuleStems().length} loaded, 0 rejected, 0 warnings\n`);
  });

  it('every rule has a sample and an expectation, and every sample a rule', () => {
    const stems = listRuleStems();
    const samples = listSamples();
    const withoutSample = stems.filter((s) => !samples.some((f) => f.replace(/\.(log|jsonl)$/, '') === s));
    expect(withoutSample).toEqual([]);
    const orphans = samples.filter((f) => !existsSync(join(RULES_DIR, `${f.replace(/\.(log|jsonl)$/, '')}.yml`)));
    expect(orphans).toEqual([]);
    expect(samples.filter((f) => ALERTS[f] === undefined)).toEqual([]);
  });

  const samples = existsSync(SAMPLES_DIR) ? listSamples() : [];
  it.each(samples)('%s: lines match as marked, and the sample raises exactly the expected alerts', (sample) => {
    const stem = sample.replace(/\.(log|jsonl)$/, '');
    const doc = set.load.documents.find((d) => d.file.endsWith(`${stem}.yml`));
    expect(doc).toBeDefined();
    const lines = readSample(join(SAMPLES_DIR, sample));
    const run = runLines(set, lines);
    if (process.env.CANHGAC_SAMPLE_DEBUG === '1') {
      for (const e of run.events) console.log(e.line.line, e.matched, JSON.stringify(e.event));
      console.log(run.alerts);
    }
    // Every line is understood (a near-miss that failed to decode would pass for the wrong reason).
    expect(run.events.filter((e) => e.event['canhgac.decode_error'] !== undefined).map((e) => e.line.line)).toEqual([]);
    if (doc!.kind === 'rule') {
      const own = doc!.name ?? doc!.id;
      const marked = run.events.filter((e) => e.line.expect !== undefined);
      expect(marked.some((e) => e.line.expect === 'match')).toBe(true);
      expect(marked.some((e) => e.line.expect === 'miss')).toBe(true);
      for (const e of marked) {
        expect({ line: e.line.line, matched: e.matched.includes(own) }).toEqual({
          line: e.line.line,
          matched: e.line.expect === 'match',
        });
      }
    }
    expect(countAlerts(run.alerts)).toEqual(ALERTS[sample]);
  });
});
