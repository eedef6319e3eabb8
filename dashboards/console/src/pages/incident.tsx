/** One incident: state and assignment, SLA clocks, timeline, matching events (matched fields marked), rule, audit. */
import { type FormEvent, type MouseEvent, useState } from 'react';
import { useAgencyNames } from '../agency-names.js';
import {
  type Alert,
  ApiError,
  type AuditEntry,
  api,
  type Comment,
  type EventDoc,
  type Incident,
  type Page,
  type Rule,
} from '../api.js';
import { EntityLink } from '../entity-link.js';
import { fmtDateTime, fmtDuration, fmtNumber, roleLabel, sevLabel, stateLabel, term, useApp } from '../i18n.js';
import { IncidentTitle } from '../incident-title.js';
import { useRuleTitle } from '../rule-titles.js';
import { attackLinks, ruleFields } from '../rulefields.js';
import { allows, CLOSING, needsReason } from '../triage.js';
import { ReasonDialog, sendChange, UndoBar, usePendingChange } from '../triage-ui.js';
import { ErrorBox, Loading, Panel, sevClass, useData } from '../ui.js';
import { AttackStory, type AttackView } from './attack-story.js';
import { DispositionPanel } from './disposition.js';
import { IncidentContext } from './incident-context.js';
import { actionLabel, actorLabel, EventList, IncidentSummary, Timeline } from './incident-parts.js';
import type { Assignee } from './queue.js';
import { RuleAbout } from './rule-detail.js';

interface Detail {
  incident: Incident;
  alerts: Alert[];
  comments: Comment[];
  audit: AuditEntry[] | undefined;
  rule: Rule | undefined | 'hidden';
  /** The rule's meaning and compared fields, for every role that reads the incident. */
  about: Rule | undefined;
  events: EventDoc[];
  /** Events of all the incident's alerts (the API counts them). */
  total: number | undefined;
}

async function optional<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return undefined;
    throw e;
  }
}

async function loadDetail(id: string): Promise<Detail> {
  const path = `/api/v1/incidents/${encodeURIComponent(id)}`;
  const incident = await api<Incident>('GET', path);
  const [alerts, comments, audit, rule, about] = await Promise.all([
    api<Page<Alert>>('GET', `/api/v1/alerts?incidentId=${encodeURIComponent(id)}&limit=200`),
    api<Page<Comment>>('GET', `${path}/comments?limit=500`),
    optional(api<Page<AuditEntry>>('GET', `/api/v1/audit?targetId=${encodeURIComponent(id)}&limit=200`)),
    api<Rule>('GET', `/api/v1/rules/${encodeURIComponent(incident.ruleId)}`).catch((e) =>
      e instanceof ApiError && e.status === 403 ? ('hidden' as const) : undefined,
    ),
    optional(api<Rule>('GET', `${path}/rule`)),
  ]);
  const eventIds = [...new Set([...(incident.eventIds ?? []), ...alerts.items.flatMap((a) => a.eventIds ?? [])])];
  const [events, total] = await Promise.all([
    // The newest 25 of the incident's events in one search (not 25 reads of one event each).
    eventIds.length
      ? api<Page<EventDoc>>(
          'GET',
          `/api/v1/events?incidentId=${encodeURIComponent(id)}&limit=25&from=${new Date(incident.firstSeen - 3_600_000).toISOString()}`,
        ).then((p) => p.items)
      : Promise.resolve([] as EventDoc[]),
    optional(
      api<{ count: number }>(
        'GET',
        `/api/v1/aggregations?kind=count&incidentId=${encodeURIComponent(id)}&from=${new Date(incident.firstSeen - 3_600_000).toISOString()}`,
      ),
    ).then((r) => r?.count),
  ]);
  return { incident, alerts: alerts.items, comments: comments.items, audit: audit?.items, rule, about, events, total };
}

function Clock({ due, done, breachedAt }: { due?: number; done?: number; breachedAt?: number }) {
  const { t, lang } = useApp();
  if (due === undefined) return <span className="muted">—</span>;
  const now = Date.now();
  let state: string;
  let cls: string;
  if (done !== undefined && done <= due) {
    state = `${t('met')} (${fmtDateTime(done)})`;
    cls = 'sla-met';
  } else if (breachedAt !== undefined || (done === undefined && now > due) || (done !== undefined && done > due)) {
    state = `${t('breached')} — ${fmtDuration((done ?? now) - due, lang)} ${t('overdue')}`;
    cls = 'sla-breached';
  } else {
    state = `${fmtDuration(due - now, lang)} ${t('remaining')}`;
    cls = 'sla-running';
  }
  return (
    <span className={cls}>
      {fmtDateTime(due)} · {state}
    </span>
  );
}

export function IncidentPage({ id }: { id: string }) {
  const { t, lang, navigate, me } = useApp();
  const { data, error, reload } = useData(() => loadDetail(id), [id], 10000);
  const ruleTitle = useRuleTitle();
  const [actionError, setActionError] = useState<unknown>();
  const [comment, setComment] = useState('');
  const [assignee, setAssignee] = useState('');
  const [asking, setAsking] = useState<string>();
  const { pending, hold, undo, now } = usePendingChange();
  const canWrite = me.role !== 'viewer';
  const agencies = useAgencyNames();
  const agencyId = data?.incident.agencyId;
  const people = useData(
    () =>
      canWrite && agencyId
        ? api<{ items: Assignee[] }>('GET', `/api/v1/assignees?agencyId=${encodeURIComponent(agencyId)}`)
        : Promise.resolve({ items: [] as Assignee[] }),
    [agencyId, canWrite],
  );

  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const { incident: inc } = data;
  /** A state change: closings are held for undo, and on high/critical incidents ask why first. */
  const move = (to: string, note?: { reason: string; category: string }) => {
    if (!(CLOSING as readonly string[]).includes(to)) return void patch({ state: to });
    if (!note && needsReason([inc], to)) return setAsking(to);
    hold({
      ids: [inc.id],
      to,
      label: `${to === 'false_positive' ? t('markedFp') : t('closed')}: ${ruleTitle(inc.ruleId, inc.title, inc.host)}`,
      run: async () => {
        setActionError(undefined);
        try {
          const r = await sendChange([inc.id], { state: to, ...(note ?? {}) });
          if (r.failed.length) setActionError(new Error(r.failed.map((f) => f.message).join('; ')));
        } catch (e) {
          setActionError(e);
        }
        reload();
      },
    });
  };
  const may = (to: string) => allows(inc.state, to) && !pending;
  const patch = async (body: Record<string, unknown>) => {
    setActionError(undefined);
    try {
      await api('PATCH', `/api/v1/incidents/${encodeURIComponent(id)}`, { ...body, version: inc.version });
    } catch (e) {
      setActionError(e);
    }
    reload();
  };
  const addComment = async (e: FormEvent) => {
    e.preventDefault();
    if (!comment.trim()) return;
    setActionError(undefined);
    try {
      await api('POST', `/api/v1/incidents/${encodeURIComponent(id)}/comments`, { text: comment });
      setComment('');
    } catch (err) {
      setActionError(err);
    }
    reload();
  };
  const back = (e: MouseEvent) => {
    e.preventDefault();
    navigate('/incidents');
  };
  // Compared fields come from the API (every role that reads the incident), the YAML only as a fallback.
  const fields: Map<string, string[]> = data.about
    ? new Map(Object.entries(data.about.fields))
    : data.rule && data.rule !== 'hidden' && data.rule.text
      ? ruleFields(data.rule.text)
      : new Map();
  return (
    <div className="incident" data-testid="incident">
      <a href="/incidents" onClick={back} className="muted">
        ← {t('back')}
      </a>
      <h1>
        <span className={sevClass(inc.severity)}>{sevLabel(t, inc.severity)}</span>{' '}
        <IncidentTitle ruleId={inc.ruleId} title={inc.title} host={inc.host} original />
      </h1>
      <div className="facts">
        <span>
          {t('state')}:{' '}
          <strong className={`state state-${inc.state}`} data-testid="inc-state">
            {stateLabel(t, inc.state)}
          </strong>
        </span>
        <span>
          {t('assignee')}: <strong data-testid="inc-assignee">{inc.assignee ?? '—'}</strong>
        </span>
        <span>
          {t('agency')}:{' '}
          <strong title={inc.agencyId}>
            <EntityLink kind="agency" value={inc.agencyId}>
              {agencies.label(inc.agencyId)}
            </EntityLink>
          </strong>
        </span>
        <span>
          {t('host')}: {inc.host === undefined ? '—' : <EntityLink kind="host" value={inc.host} />}
        </span>
        <span>
          {t('alerts')}: {fmtNumber(inc.alertCount, lang)}
        </span>
        <span>
          {t('firstSeen')}: {fmtDateTime(inc.firstSeen)}
        </span>
        <span>
          {t('lastSeen')}: {fmtDateTime(inc.lastSeen)}
        </span>
      </div>
      {inc.closure && (inc.state === 'resolved' || inc.state === 'false_positive') ? (
        <p className="closure" data-testid="closure">
          {t('closureLabel')}: {inc.closure.category ? term(t, `cat_${inc.closure.category}`) : ''}
          {inc.closure.reason && !inc.mergedInto ? ` — ${inc.closure.reason}` : ''} ({inc.closure.by},{' '}
          {fmtDateTime(inc.closure.at)})
        </p>
      ) : null}
      {inc.mergedInto ? (
        <p className="notice" data-testid="merged-into" title={t('mergedIntoHelp')}>
          {t('mergedInto')}{' '}
          <a
            href={`/incidents/${encodeURIComponent(inc.mergedInto)}`}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/incidents/${encodeURIComponent(inc.mergedInto!)}`);
            }}
          >
            {inc.mergedInto}
          </a>
          . {t('mergedIntoHelp')}
        </p>
      ) : null}
      {canWrite && !inc.mergedInto ? (
        <div className="actions">
          {may('acknowledged') ? (
            <button type="button" onClick={() => move('acknowledged')} data-testid="act-ack">
              {t('acknowledge')}
            </button>
          ) : null}
          {may('in_progress') ? (
            <button type="button" onClick={() => move('in_progress')} data-testid="act-work">
              {t('startWork')}
            </button>
          ) : null}
          {may('resolved') ? (
            <button type="button" onClick={() => move('resolved')} data-testid="act-resolve">
              {t('close')}
            </button>
          ) : null}
          {may('false_positive') ? (
            <button type="button" onClick={() => move('false_positive')} data-testid="act-fp">
              {t('markFalsePositive')}
            </button>
          ) : null}
          {may('new') ? (
            <button type="button" onClick={() => move('new')} data-testid="act-reopen">
              {t('reopen')}
            </button>
          ) : null}
          <select
            value={assignee}
            onChange={(e) => setAssignee(e.target.value)}
            aria-label={t('assignTo')}
            data-testid="assignee-input"
          >
            <option value="">{t('assignTo')}…</option>
            {(people.data?.items ?? []).map((p) => (
              <option key={p.username} value={p.username}>
                {p.username} · {roleLabel(t, p.role)}
              </option>
            ))}
          </select>
          <button type="button" disabled={!assignee} onClick={() => patch({ assignee })} data-testid="act-assign">
            {t('assign')}
          </button>
          <button type="button" onClick={() => patch({ assignee: me.id })}>
            {t('assignMe')}
          </button>
        </div>
      ) : null}
      <UndoBar pending={pending} now={now} undo={undo} />
      {asking ? (
        <ReasonDialog
          to={asking}
          count={1}
          onCancel={() => setAsking(undefined)}
          onConfirm={(reason, category) => {
            setAsking(undefined);
            move(asking, { reason, category });
          }}
        />
      ) : null}
      <ErrorBox error={actionError} />
      <DispositionPanel incident={inc} canWrite={canWrite} onSaved={reload} />
      <div className="cols">
        <Panel title={t('sla')}>
          <dl className="sla">
            <dt>{t('ackDue')}</dt>
            <dd data-testid="sla-ack">
              {/* Resolving stops the acknowledge clock too (a merge closes an incident no one acknowledged). */}
              <Clock
                due={inc.sla?.ackDueAt}
                done={inc.acknowledgedAt ?? inc.resolvedAt}
                breachedAt={inc.sla?.ackBreachedAt}
              />
            </dd>
            <dt>{t('resolveDue')}</dt>
            <dd data-testid="sla-resolve">
              <Clock due={inc.sla?.resolveDueAt} done={inc.resolvedAt} breachedAt={inc.sla?.resolveBreachedAt} />
            </dd>
          </dl>
        </Panel>
        <Panel title={t('attack')}>
          {(inc.attack ?? []).length === 0 ? <p className="muted">{t('noAttackTags')}</p> : null}
          <ul className="tags">
            {attackLinks(inc.attack ?? []).map((l) => (
              <li key={l.label}>
                {l.href ? (
                  <a href={l.href} target="_blank" rel="noopener noreferrer">
                    {l.label}
                  </a>
                ) : (
                  term(t, `tac_${l.label.replace(/_/g, '-')}`)
                )}
              </li>
            ))}
          </ul>
        </Panel>
      </div>
      <AttackStory incident={inc as AttackView} navigate={navigate} />
      <IncidentSummary incident={inc} />
      <IncidentContext incident={inc} alerts={data.alerts} events={data.events} />
      <Timeline incident={inc} alerts={data.alerts} comments={data.comments} audit={data.audit} />
      <EventList incident={inc} events={data.events} total={data.total} fields={fields} navigate={navigate} />
      {data.about ? (
        <Panel title={`${t('aboutRule')}: ${ruleTitle(data.about.id, data.about.title)}`}>
          <RuleAbout rule={data.about} />
        </Panel>
      ) : null}
      <Panel title={t('ruleYaml')}>
        {data.rule === 'hidden' ? (
          <p className="muted">{t('ruleHidden')}</p>
        ) : data.rule?.text ? (
          <pre className="yaml" data-testid="rule-yaml">
            {data.rule.text}
          </pre>
        ) : (
          // A built-in rule (threat intelligence, correlation) or one since removed: no YAML to show.
          <p className="muted" data-testid="rule-no-yaml">
            {t('noRuleYaml')} <code>{inc.ruleId}</code>
          </p>
        )}
      </Panel>
      <Panel title={`${t('comments')} (${data.comments.length})`}>
        <ul className="comments" data-testid="comments">
          {data.comments.map((c) => (
            <li key={c.id}>
              <span className="muted">
                {fmtDateTime(c.at)} · {actorLabel(t, c.author)}
              </span>
              <p>{c.text}</p>
            </li>
          ))}
        </ul>
        {canWrite ? (
          <form onSubmit={addComment} className="comment-form">
            <textarea
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              placeholder={t('addComment')}
              aria-label={t('addComment')}
              data-testid="comment-input"
            />
            <button type="submit" data-testid="comment-send">
              {t('send')}
            </button>
          </form>
        ) : null}
      </Panel>
      {data.audit ? (
        <Panel title={t('audit')}>
          <table className="grid small" data-testid="audit">
            <tbody>
              {data.audit.map((a) => (
                <tr key={a.id}>
                  <td>{fmtDateTime(a.at)}</td>
                  <td>{actorLabel(t, a.actor)}</td>
                  <td>{actionLabel(t, a)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      ) : null}
    </div>
  );
}
