/**
 * The investigation parts of an incident page: a summary of who/what/where (counted over all of the incident's
 * events by the API), a timeline where identical alerts collapse into one line with a count, and events as
 * one-line summaries that open to the full record with the rule's fields highlighted.
 */
import type { MouseEvent, ReactNode } from 'react';
import type { Alert, AuditEntry, Bucket, Comment, EventDoc, Incident } from '../api.js';
import { api, qs } from '../api.js';
import { EntityLink, FIELD_ENTITY } from '../entity-link.js';
import { fmtDateTime, fmtNumber, type Key, sevLabel, stateLabel, term, useApp } from '../i18n.js';
import { RecordValue } from '../record-value.js';
import { useRuleTitle } from '../rule-titles.js';
import { Highlight, LogText, Panel, useData } from '../ui.js';

/** Fields an analyst asks about first, in this order: who attacked, what was hit, which account. */
export const SUMMARY_FIELDS = [
  { field: 'source.ip', key: 'attackers' },
  { field: 'host.name', key: 'targets' },
  { field: 'destination.ip', key: 'targetAddresses' },
  { field: 'user.name', key: 'accounts' },
] as const;

function text(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Who did a change: a user's name, or "Hệ thống" for the service itself. */
export function actorLabel(t: (k: Key) => string, actor: string): string {
  if (actor === 'system' || actor.startsWith('system:')) return t('systemActor');
  return actor.replace(/^(user|key):/, '');
}

/** What an audit entry did, in words (state names from the glossary). */
export function actionLabel(t: (k: Key) => string, a: AuditEntry): string {
  const after = a.after as { state?: string; assignee?: string | null } | undefined;
  if (a.action === 'incident.create') return t('actCreate');
  if (a.action === 'incident.reopen') return t('actReopen');
  if (a.action === 'incident.assign') return `${t('assignedTo')} ${after?.assignee ?? '—'}`;
  if (a.action === 'incident.sla_breach') return t('actSlaBreach');
  // Entity grouping's merges (incidents/merge.ts): which incident went where.
  if (a.action === 'incident.merge')
    return `${t('actMerge')} (${(a.after as { mergedFrom?: string })?.mergedFrom ?? ''})`;
  if (a.action === 'incident.merged')
    return `${t('actMerged')} (${(a.after as { mergedInto?: string })?.mergedInto ?? ''})`;
  if (a.action === 'comment.create') return t('actComment');
  if (a.action === 'incident.disposition')
    return `${t('actDisposition')}: ${term(t, `v_${(a.after as { verdict?: string } | undefined)?.verdict ?? ''}`)}`;
  if (after?.state && a.action.startsWith('incident.')) return stateLabel(t, after.state);
  return a.action;
}

/** Who, what, where over all of the incident's events (terms aggregations filtered by incidentId). */
export function IncidentSummary({ incident }: { incident: Incident }) {
  const { t, lang } = useApp();
  const { data } = useData(async () => {
    const base = { incidentId: incident.id, from: new Date(incident.firstSeen - 3_600_000).toISOString() };
    const [count, ...terms] = await Promise.all([
      api<{ count?: number; total?: number }>('GET', `/api/v1/aggregations${qs({ ...base, kind: 'count' })}`),
      ...SUMMARY_FIELDS.map((f) =>
        api<{ buckets: Bucket[] }>(
          'GET',
          `/api/v1/aggregations${qs({ ...base, kind: 'terms', field: f.field, size: 5 })}`,
        ),
      ),
    ]);
    return { count: count.count ?? count.total ?? 0, terms: terms.map((x) => x.buckets) };
  }, [incident.id, incident.version]);
  return (
    <Panel title={t('summary')}>
      <dl className="kvlist" data-testid="summary">
        {SUMMARY_FIELDS.map((f, i) => {
          const b = data?.terms[i] ?? [];
          if (!b.length) return null;
          return [
            <dt key={`${f.field}-t`}>{t(f.key)}</dt>,
            <dd key={`${f.field}-d`} data-field={f.field}>
              {b.map((x, j) => (
                <span key={String(x.key)}>
                  {j > 0 ? ', ' : null}
                  <EntityLink kind={FIELD_ENTITY[f.field]!} value={String(x.key)} /> ({fmtNumber(x.count, lang)})
                </span>
              ))}
            </dd>,
          ];
        })}
        <dt>{t('alerts')}</dt>
        <dd>{fmtNumber(incident.alertCount, lang)}</dd>
        <dt>{t('events')}</dt>
        <dd data-testid="summary-events">{data ? fmtNumber(data.count, lang) : '…'}</dd>
        <dt>{t('period')}</dt>
        <dd>
          {fmtDateTime(incident.firstSeen)} → {fmtDateTime(incident.lastSeen)}
        </dd>
      </dl>
    </Panel>
  );
}

interface Line {
  at: number;
  until?: number;
  count: number;
  kind: string;
  /** What identical alerts are compared by. */
  text: string;
  /** What is shown: every value from log content or users in its own isolate (LogText), never joined raw. */
  node: ReactNode;
}

/** Alerts, comments and changes in time order; consecutive identical alerts are one line with a count. */
export function Timeline({
  incident,
  alerts,
  comments,
  audit,
}: {
  incident: Incident;
  alerts: Alert[];
  comments: Comment[];
  audit: AuditEntry[] | undefined;
}) {
  const { t, lang } = useApp();
  // The rule's title in the console's language (Vietnamese words of shipped rules, one half of a bilingual one).
  const ruleTitle = useRuleTitle();
  const titleOf = (a: Alert) => ruleTitle(a.ruleId, a.ruleTitle ?? a.ruleId, a.host);
  const alertText = (a: Alert) => `${titleOf(a)}${a.host ? ` @ ${a.host}` : ''} (${sevLabel(t, a.level)})`;
  const alertNode = (a: Alert) => (
    <>
      <LogText text={titleOf(a)} />
      {a.host ? (
        <>
          {' @ '}
          <LogText text={a.host} />
        </>
      ) : null}{' '}
      ({sevLabel(t, a.level)})
    </>
  );
  const entries: Line[] = [
    ...[...alerts]
      .sort((a, b) => a.ts - b.ts)
      .map((a) => ({ at: a.ts, count: 1, kind: 'alert', text: alertText(a), node: alertNode(a) })),
    ...comments.map((c) => ({
      at: c.at,
      count: 1,
      kind: 'comment',
      text: '',
      node: (
        <>
          <LogText text={actorLabel(t, c.author)} />: <LogText text={c.text} />
        </>
      ),
    })),
    ...(audit ?? [])
      .filter((a) => a.action !== 'comment.create')
      .map((a) => ({
        at: a.at,
        count: 1,
        kind: 'audit',
        text: '',
        node: (
          <>
            <LogText text={actorLabel(t, a.actor)} />: {actionLabel(t, a)}
          </>
        ),
      })),
  ].sort((a, b) => a.at - b.at);
  const lines: Line[] = [];
  for (const e of entries) {
    const last = lines[lines.length - 1];
    if (last && last.kind === 'alert' && e.kind === 'alert' && last.text === e.text) {
      last.count++;
      last.until = e.at;
    } else lines.push({ ...e });
  }
  // A merged incident's alerts went to the incident it joined; otherwise the ones not listed are the oldest.
  const older = incident.alertCount - alerts.length;
  const one = older === 1;
  const olderWords = t(incident.mergedInto ? (one ? 'movedAlert' : 'movedAlerts') : one ? 'olderAlert' : 'olderAlerts');
  return (
    <Panel title={t('timeline')}>
      <ol className="timeline" data-testid="timeline">
        <li className="tl-first">
          <time>{fmtDateTime(incident.firstSeen)}</time> <span>{t('firstSeen')}</span>
          {older > 0 ? (
            <span className="muted">
              {' '}
              · {fmtNumber(older, lang)} {olderWords}
            </span>
          ) : null}
        </li>
        {lines.map((e, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines can share a time and text
          <li key={i} className={`tl-${e.kind}`}>
            <time>{fmtDateTime(e.at)}</time>
            {e.until !== undefined && e.until !== e.at ? <time> → {fmtDateTime(e.until)}</time> : null}{' '}
            <span>{e.node}</span>
            {e.count > 1 ? (
              <strong className="count" data-testid="tl-count">
                {' '}
                ×{fmtNumber(e.count, lang)}
              </strong>
            ) : null}
          </li>
        ))}
      </ol>
    </Panel>
  );
}

/** One line per event: time, host, who, what; the full record (matched fields marked) on demand. */
export function EventList({
  incident,
  events,
  total,
  fields,
  navigate,
}: {
  incident: Incident;
  events: EventDoc[];
  total: number | undefined;
  fields: Map<string, string[]>;
  navigate: (to: string) => void;
}) {
  const { t, lang } = useApp();
  const href = `/search${qs({ incident: incident.id, range: '365d' })}`;
  const go = (e: MouseEvent) => {
    e.preventDefault();
    navigate(href);
  };
  return (
    <Panel title={t('matchingEvents')}>
      <p data-testid="events-shown">
        {fmtNumber(events.length, lang)} / {total === undefined ? '…' : fmtNumber(total, lang)} {t('eventsWord')}
        {' · '}
        <a href={href} onClick={go} data-testid="events-all">
          {t('seeAllInSearch')}
        </a>
        {fields.size ? <span className="muted small"> · {t('matchedFields')}</span> : null}
      </p>
      <ul className="event-lines">
        {events.map((ev) => {
          const ts = Date.parse(String(ev['@timestamp'] ?? ''));
          const who = ev['source.ip'] ? (
            <>
              <LogText text={text(ev['source.ip'])} />
              {' → '}
            </>
          ) : null;
          const user = ev['user.name'] ? (
            <>
              {' · '}
              <LogText text={text(ev['user.name'])} />
            </>
          ) : null;
          const what =
            ev.message !== undefined
              ? text(ev.message)
              : Object.keys(ev)
                  .filter((k) => fields.has(k))
                  .map((k) => `${k}=${text(ev[k])}`)
                  .join(' ');
          return (
            <li key={text(ev['event.id'])}>
              <details data-testid="event-line">
                <summary>
                  <time>{fmtDateTime(ts)}</time>{' '}
                  <strong>
                    {who}
                    <LogText text={text(ev['host.name'] ?? '')} />
                  </strong>
                  {user} ·{' '}
                  <span className="oneline">
                    <LogText text={what} />
                  </span>
                </summary>
                <table className="event kv" data-testid="event">
                  <tbody>
                    {Object.entries(ev).map(([k, v]) => {
                      const terms = fields.get(k);
                      return (
                        <tr key={k} className={terms ? 'matched' : undefined}>
                          <th>{k}</th>
                          <td>{terms ? <Highlight text={text(v)} terms={terms} /> : <RecordValue k={k} v={v} />}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </details>
            </li>
          );
        })}
      </ul>
    </Panel>
  );
}
