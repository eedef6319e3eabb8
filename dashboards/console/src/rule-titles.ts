/**
 * Rule and incident titles in the console's language: the Vietnamese words of the shipped rules
 * (GET /api/v1/rule-words, read once a session) where the console is in Vietnamese, the rule's own title otherwise.
 */
import { useEffect, useState } from 'react';
import { api } from './api.js';
import { useApp } from './i18n.js';

/** The Vietnamese words of one rule. */
export interface RuleWords {
  id: string;
  title: string;
  description?: string;
  falsepositives?: string[];
}

let cached: Promise<Map<string, RuleWords>> | undefined;

function load(): Promise<Map<string, RuleWords>> {
  cached ??= api<{ items: RuleWords[] }>('GET', '/api/v1/rule-words').then(
    (r) => new Map(r.items.map((w) => [w.id, w])),
    () => {
      cached = undefined;
      return new Map<string, RuleWords>();
    },
  );
  return cached;
}

/** The Vietnamese words of the shipped rules (empty until loaded, or when the API has none). */
export function useRuleWords(): ReadonlyMap<string, RuleWords> {
  const [words, setWords] = useState<ReadonlyMap<string, RuleWords>>(new Map());
  useEffect(() => {
    let live = true;
    void load().then((m) => live && setWords(m));
    return () => {
      live = false;
    };
  }, []);
  return words;
}

/**
 * A title function for the console's language: `(ruleId, ownTitle)` -> the Vietnamese title of a shipped rule in
 * Vietnamese, else the own title. An incident's own title is its rule's title, so incidents read the same way.
 */
export function useRuleTitle(): (ruleId: string, own: string, host?: string) => string {
  const { lang } = useApp();
  const words = useRuleWords();
  return (ruleId, own, host) => {
    // The threat-intel incident's title carries both languages (context/stage.ts): each console shows its own.
    if (ruleId === THREAT_INTEL_RULE) {
      const m = /^(.+?) \/ (.+?): (.*)$/.exec(own);
      if (m) return `${lang === 'vi' ? m[1] : m[2]}: ${m[3]}`;
    }
    if (lang !== 'vi') return own;
    // The silent-host incident's title names its host (incidents/silent-hosts.ts writes it in English).
    if (ruleId === SILENT_HOST_RULE && host) return `Máy chủ ${host} ngừng gửi log`;
    return words.get(ruleId)?.title ?? own;
  };
}

/** The rule id of threat-intel incidents (context/stage.ts). */
export const THREAT_INTEL_RULE = 'canhgac-threat-intel';

/** The rule id of silent-host incidents (incidents/types.ts SILENT_HOST_RULE). */
export const SILENT_HOST_RULE = 'canhgac.silent_host';
