/**
 * Per-agency switches of the rules `canhgac rules update` installed (issue 15 point 6): an agency's admin or an
 * analyst turns an installed SigmaHQ rule off for that agency's events only (a rule that is noise on one agency's
 * servers and useful on another's). One document per agency in the state collection `agency_rules`, scoped to the
 * agency, listing the rule ids it switched off; written through the API (audited), read by the pipeline at its
 * next reload (signalled at once: no restart), where a switched-off rule raises no alert for that agency (counted).
 * A rule switched off for the whole province stays off for every agency.
 */

/** The collection of per-agency switches. */
export const AGENCY_RULES = 'agency_rules';

/** An agency's switches: the installed rules it turned off. The id is the agency id. */
export interface AgencyRuleState {
  id: string;
  agencyId: string;
  disabled: string[];
  updatedAt: number;
  updatedBy: string;
}

/** The folder name `canhgac rules update` installs SigmaHQ packages under (in the data directory). */
export const INSTALLED_RULES_DIR = 'rules-sigmahq';

/** Which rules are off for which agency, as the pipeline reads it. */
export class AgencyRuleSwitches {
  private readonly off = new Map<string, ReadonlySet<string>>();

  constructor(states: readonly Pick<AgencyRuleState, 'agencyId' | 'disabled'>[] = []) {
    for (const s of states) if (s.disabled.length > 0) this.off.set(s.agencyId, new Set(s.disabled));
  }

  /** Whether the agency switched this rule off. */
  disabled(agencyId: string, ruleId: string): boolean {
    return this.off.get(agencyId)?.has(ruleId) ?? false;
  }

  /** Whether any agency switched anything off (the alert stage skips its lookups otherwise). */
  get empty(): boolean {
    return this.off.size === 0;
  }
}
