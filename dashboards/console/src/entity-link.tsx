/** Links to entity pages (an address, a host, an account, an agency) from any page: the value shown as log text. */
import type { MouseEvent, ReactNode } from 'react';
import { useApp } from './i18n.js';
import { LogText } from './ui.js';

/** The kinds of entity page. */
export type EntityKind = 'ip' | 'host' | 'user' | 'agency';

/** The entity kind of an event field, when the field names one. */
export const FIELD_ENTITY: Readonly<Record<string, EntityKind>> = {
  'source.ip': 'ip',
  'destination.ip': 'ip',
  'host.ip': 'ip',
  'client.ip': 'ip',
  'host.name': 'host',
  'user.name': 'user',
  'agency.id': 'agency',
};

/** The console path of an entity page. */
export function entityHref(kind: EntityKind, value: string): string {
  return `/entities/${kind}/${encodeURIComponent(value)}`;
}

/** A link to an entity page (a value that is not a text, or is empty, is shown without a link). */
export function EntityLink({ kind, value, children }: { kind: EntityKind; value: unknown; children?: ReactNode }) {
  const { navigate, t } = useApp();
  if (typeof value !== 'string' || value === '') return <LogText text={value} />;
  const href = entityHref(kind, value);
  const open = (e: MouseEvent) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    navigate(href);
  };
  return (
    <a href={href} onClick={open} className="entity-link" data-entity={kind} title={t('openEntity')}>
      {children ?? <LogText text={value} />}
    </a>
  );
}
