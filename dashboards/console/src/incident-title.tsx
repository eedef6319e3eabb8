/**
 * An incident's title in the console's language (Vietnamese words of the shipped rules), the rule's own English
 * title on demand: on hover in lists, behind a small "original" button on the incident page.
 */
import { useState } from 'react';
import { useApp } from './i18n.js';
import { useRuleTitle } from './rule-titles.js';
import { LogText } from './ui.js';

export function IncidentTitle({
  ruleId,
  title,
  host,
  original,
}: {
  ruleId: string;
  title: string;
  host?: string;
  /** Offer the own title behind a button (the incident page); lists show it on hover. */
  original?: boolean;
}) {
  const { t } = useApp();
  const shown = useRuleTitle()(ruleId, title, host);
  const [own, setOwn] = useState(false);
  const differs = shown !== title;
  return (
    <>
      <span title={differs && !original ? title : undefined} data-testid="incident-title">
        <LogText text={own ? title : shown} />
      </span>
      {differs && original ? (
        <button
          type="button"
          className="link small original-title"
          onClick={() => setOwn(!own)}
          data-testid="original-title"
        >
          {own ? t('translatedTitle') : t('originalTitle')}
        </button>
      ) : null}
    </>
  );
}
