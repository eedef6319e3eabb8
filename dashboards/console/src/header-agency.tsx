/** The header's agency of an agency-bound account: its name (its code on hover), never the bare code. */
import { useEffect, useState } from 'react';
import { agencyLabel, loadAgencies } from './agency-names.js';
import type { Key } from './i18n.js';

export function HeaderAgency({ t, id }: { t: (k: Key) => string; id: string }) {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    let live = true;
    loadAgencies().then(
      (l) => live && setNames(new Map(l.map((a) => [a.id, a.name]))),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <span title={id} data-testid="whoami-agency">
      {' · '}
      {agencyLabel(t, names, id)}
    </span>
  );
}
