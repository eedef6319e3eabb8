/** One incident: state and assignment, SLA clocks, timeline, matching events (matched fields marked), rule, audit. */
import { type FormEvent, type MouseEvent, useState } from 'react';
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
import { fmtDateTime, fmtDuration, sevLabel, stateLabel, useApp } from '../i18n.js';
import { attackLinks, ruleFields } from '../rulefields.js';
import { ErrorBox, Highlight, Loading, LogText, Panel, sevClass, useData } from '../ui.js';

interface Detail {
  incident: Incident;
  alerts: Alert[];
  comments: Comment[];
  audit: AuditEntry[] | undefined;
  rule: Rule | undefined | 'hidden';
  events: EventDoc[];
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
  const [alerts, comments, audit, rule] = await Promise.all([
    api<Page<Alert>>('GET', `/api/v1/alerts?incidentId=${encodeURIComponent(id)}&limit=200`),
    api<Page<Comment>>('GET', `${path}/comments?limit=500`),
    optional(api<Page<AuditEntry>>('GET', `/api/v1/audit?targetId=${encodeURIComponent(id)}&limit=200`)),
    api<Rule>('GET', `/api/v1/rules/${encodeURIComponent(incident.ruleId)}`).catch((e) =>
      e instanceof ApiError && e.status === 403 ? ('hidden' as const) : undefined,
    ),
  ]);
  const eventIds = [...new Set([...(incident.eventIds ?? []), ...alerts.items.flatMap((a) => a.eventIds ?? [])])];
  const events = (
    await Promise.all(
      eventIds.slice(0, 25).map((e) => optional(api<EventDoc>('GET', `/api/v1/events/${encodeURIComponent(e)}`))),
    )
  ).filter((e): e is EventDoc => e !== undefined);
  return { incident, alerts: alerts.items, comments: comments.items, audit: audit?.items, rule, events };
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
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
  const { t, navigate, me } = useApp();
  const { data, error, reload } = useData(() => loadDetail(id), [id], 10000);
  const [actionError, setActionError] = useState<unknown>();
  const [comment, setComment] = useState('');
  const [assignee, setAssignee] = useState('');
  const canWrite = me.role !== 'viewer';

  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const { incident: inc } = data;
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
  const fields = data.rule && data.rule !== 'hidden' && data.rule.text ? ruleFields(data.rule.text) : new Map();
  const timeline: { at: number; kind: string; text: string }[] = [
    { at: inc.firstSeen, kind: 'first', text: `${t('firstSeen')}: ${inc.title}` },
    ...data.alerts.map((a) => ({
      at: a.ts,
      kind: 'alert',
      text: `${t('alerts')}: ${a.ruleTitle ?? a.ruleId}${a.host ? ` @ ${a.host}` : ''} (${sevLabel(t, a.level)})`,
    })),
    ...data.comments.map((c) => ({ at: c.at, kind: 'comment', text: `${c.author}: ${c.text}` })),
    ...(data.audit ?? []).map((a) => ({ at: a.at, kind: 'audit', text: `${a.actor}: ${a.action}` })),
  ].sort((a, b) => a.at - b.at);
  return (
    <div className="incident" data-testid="incident">
      <a href="/incidents" onClick={back} className="muted">
        ← {t('back')}
      </a>
      <h1>
        <span className={sevClass(inc.severity)}>{sevLabel(t, inc.severity)}</span> <LogText text={inc.title} />
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
          {t('agency')}: {inc.agencyId}
        </span>
        <span>
          {t('host')}: {inc.host === undefined ? '—' : <LogText text={inc.host} />}
        </span>
        <span>
          {t('alerts')}: {inc.alertCount}
        </span>
        <span>
          {t('firstSeen')}: {fmtDateTime(inc.firstSeen)}
        </span>
        <span>
          {t('lastSeen')}: {fmtDateTime(inc.lastSeen)}
        </span>
      </div>
      {canWrite ? (
        <div className="actions">
          <button type="button" onClick={() => patch({ state: 'acknowledged' })} data-testid="act-ack">
            {t('acknowledge')}
          </button>
          <button type="button" onClick={() => patch({ state: 'in_progress' })}>
            {t('startWork')}
          </button>
          <button type="button" onClick={() => patch({ state: 'resolved' })} data-testid="act-resolve">
            {t('close')}
          </button>
          <button type="button" onClick={() => patch({ state: 'false_positive' })} data-testid="act-fp">
            {t('markFalsePositive')}
          </button>
          <button type="button" onClick={() => patch({ state: 'new' })}>
            {t('reopen')}
          </button>
          <input
            value={assignee}
            onChange={(e) => setAssignee(e.target.value)}
            placeholder={t('assignTo')}
            aria-label={t('assignTo')}
            data-testid="assignee-input"
          />
          <button
            type="button"
            onClick={() => assignee.trim() && patch({ assignee: assignee.trim() })}
            data-testid="act-assign"
          >
            {t('assign')}
          </button>
          <button type="button" onClick={() => patch({ assignee: me.id })}>
            {t('assignMe')}
          </button>
        </div>
      ) : null}
      <ErrorBox error={actionError} />
      <div className="cols">
        <Panel title={t('sla')}>
          <dl className="sla">
            <dt>{t('ackDue')}</dt>
            <dd data-testid="sla-ack">
              <Clock due={inc.sla?.ackDueAt} done={inc.acknowledgedAt} breachedAt={inc.sla?.ackBreachedAt} />
            </dd>
            <dt>{t('resolveDue')}</dt>
            <dd data-testid="sla-resolve">
              <Clock due={inc.sla?.resolveDueAt} done={inc.resolvedAt} breachedAt={inc.sla?.resolveBreachedAt} />
            </dd>
          </dl>
        </Panel>
        <Panel title={t('attack')}>
          <ul className="tags">
            {attackLinks(inc.attack ?? []).map((l) => (
              <li key={l.label}>
                {l.href ? (
                  <a href={l.href} target="_blank" rel="noopener noreferrer">
                    {l.label}
                  </a>
                ) : (
                  l.label
                )}
              </li>
            ))}
          </ul>
        </Panel>
      </div>
      <Panel title={t('timeline')}>
        <ol className="timeline" data-testid="timeline">
          {timeline.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: entries can share a time and text
            <li key={i} className={`tl-${e.kind}`}>
              <time>{fmtDateTime(e.at)}</time>{' '}
              <span>
                <LogText text={e.text} lines />
              </span>
            </li>
          ))}
        </ol>
      </Panel>
      <Panel title={`${t('matchingEvents')} (${data.events.length})`}>
        {fields.size ? <p className="muted small">{t('matchedFields')}</p> : null}
        {data.events.map((ev) => (
          <table key={text(ev['event.id'])} className="event kv" data-testid="event">
            <tbody>
              {Object.entries(ev).map(([k, v]) => {
                const terms = fields.get(k);
                return (
                  <tr key={k} className={terms ? 'matched' : undefined}>
                    <th>{k}</th>
                    <td>{terms ? <Highlight text={text(v)} terms={terms} /> : <LogText text={v} />}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ))}
      </Panel>
      <Panel title={t('ruleYaml')}>
        {data.rule === 'hidden' ? (
          <p className="muted">{t('ruleHidden')}</p>
        ) : data.rule?.text ? (
          <pre className="yaml" data-testid="rule-yaml">
            {data.rule.text}
          </pre>
        ) : (
          <p className="muted">{inc.ruleId}</p>
        )}
      </Panel>
      <Panel title={`${t('comments')} (${data.comments.length})`}>
        <ul className="comments" data-testid="comments">
          {data.comments.map((c) => (
            <li key={c.id}>
              <span className="muted">
                {fmtDateTime(c.at)} · {c.author}
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
                  <td>{a.actor}</td>
                  <td>{a.action}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      ) : null}
    </div>
  );
}
