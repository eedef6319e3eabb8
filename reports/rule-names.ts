/**
 * Vietnamese titles, descriptions and false positives of the shipped rule pack, read from rules/vi.yml (keyed by
 * rule id; the Sigma files keep their SigmaHQ-style English). A rule without an entry (a custom rule) shows its own
 * title in both languages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../core/shared-data.js';

/** The Vietnamese words of one rule. */
export interface RuleWords {
  title: string;
  description?: string;
  falsepositives?: string[];
}

/** Where the Vietnamese rule words live. */
export const RULE_WORDS_FILE = join(projectRoot, 'rules', 'vi.yml');

let cache: Map<string, RuleWords> | undefined;

/** Reads a rule-words file (default rules/vi.yml); a malformed entry is an error naming its id. */
export function loadRuleWords(file: string = RULE_WORDS_FILE): Map<string, RuleWords> {
  const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  const out = new Map<string, RuleWords>();
  for (const [id, v] of Object.entries(doc ?? {})) {
    const e = v as Partial<RuleWords> | null;
    if (!e || typeof e.title !== 'string' || !e.title.trim())
      throw new Error(`${file}: rule ${id} needs a title (a non-empty string)`);
    out.set(id, {
      title: e.title.trim(),
      ...(typeof e.description === 'string' ? { description: e.description.trim() } : {}),
      ...(Array.isArray(e.falsepositives) ? { falsepositives: e.falsepositives.map(String) } : {}),
    });
  }
  return out;
}

/** The shipped rule words, read once. */
export function ruleWords(): Map<string, RuleWords> {
  cache ??= loadRuleWords();
  return cache;
}

/** A rule's title in a language: the Vietnamese one where shipped, else the rule's own. */
export function ruleTitle(ruleId: string, ownTitle: string, lang: 'vi' | 'en'): string {
  if (lang === 'en') return ownTitle || ruleId;
  return ruleWords().get(ruleId)?.title ?? (ownTitle || ruleId);
}
