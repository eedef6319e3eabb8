/**
 * The attack an incident stands for (issue 15): who and what it involves (its entities, each a pivot to search),
 * the kill chain (one step per rule in order of first sight, with its ATT&CK tactics, how often and when, and
 * the entity through which it joined), and its risk: why it opened (the entity, its score, the alerts that added
 * to it). Every value from logs goes through LogText.
 */
import type { MouseEvent } from 'react';
import { qs } from '../api.js';
import { fmtDateTime, fmtNumber, type Lang, sevLabel, term, useApp } from '../i18n.js';
import { termFor } from '../query.js';
import { LogText, Panel, sevClass } from '../ui.js';

/** What the incident carries of its attack (incidents/types.ts: entities, chain, risk). */
export interface AttackView {
  id: string;
  entities?: string[];
  entitiesDropped?: number;
  chain?: {
    ruleId: string;
    ruleTitle: string;
    level: string;
    tactics: string[];
    count: number;
    firstTs: number;
    lastTs: number;
    via?: string;
  }[];
  risk?: {
    entity: string;
    score: number;
    rules: number;
    tactics: string[];
    reason?: 'level' | 'score' | 'tactics';
    contributions: { alertId: string; ruleId: string; ruleTitle: string; level: string; ts: number; points: number }[];
  };
}

const WORDS = {
  vi: {
    title: 'Diễn biến tấn công',
    entities: 'Đối tượng liên quan',
    ip: 'Địa chỉ tấn công',
    host: 'Máy chủ',
    user: 'Tài khoản',
    url: 'Đường dẫn',
    process: 'Tiến trình',
    more: (n: number) => `và ${n} đối tượng khác không được gộp thêm (đã đạt giới hạn)`,
    chain: 'Chuỗi tấn công (theo thời gian)',
    step: 'Bước',
    rule: 'Quy tắc',
    tactics: 'Chiến thuật ATT&CK',
    times: 'Số lần',
    when: 'Thời gian',
    via: 'Gộp qua',
    first: 'cảnh báo đầu tiên',
    risk: 'Vì sao mở sự cố',
    level: 'Mức độ của quy tắc đủ để mở sự cố.',
    score: (s: string, e: string, r: number) => `Điểm rủi ro của ${e} đạt ${s} từ ${r} quy tắc khác nhau.`,
    tacticsWhy: (n: number) => `Đã thấy ${n} chiến thuật ATT&CK khác nhau trên cùng một đối tượng.`,
    points: 'Điểm',
    pivot: 'Tìm mọi sự kiện của đối tượng này',
  },
  en: {
    title: 'The attack',
    entities: 'Entities',
    ip: 'Attacker addresses',
    host: 'Hosts',
    user: 'Accounts',
    url: 'URLs',
    process: 'Processes',
    more: (n: number) => `and ${n} more not added (cap reached)`,
    chain: 'Kill chain (in time order)',
    step: 'Step',
    rule: 'Rule',
    tactics: 'ATT&CK tactics',
    times: 'Times',
    when: 'When',
    via: 'Joined through',
    first: 'first alert',
    risk: 'Why it opened',
    level: "The rule's level opens an incident on its own.",
    score: (s: string, e: string, r: number) => `Risk of ${e} reached ${s} from ${r} distinct rules.`,
    tacticsWhy: (n: number) => `${n} distinct ATT&CK tactics seen on one entity.`,
    points: 'Points',
    pivot: 'Search every event of this entity',
  },
} as const;

const KINDS = ['ip', 'host', 'user', 'url', 'process'] as const;

/** `kind:value` -> kind, value (user/url/process values carry `@host`). */
function split(k: string): { kind: string; value: string } {
  const i = k.indexOf(':');
  return { kind: k.slice(0, i), value: k.slice(i + 1) };
}

/** The search for one entity: the names every source's events carry it under. */
function pivotQuery(kind: string, value: string): string {
  const at = value.lastIndexOf('@');
  const bare = kind !== 'ip' && kind !== 'host' && at > 0 ? value.slice(0, at) : value;
  if (kind === 'host') return termFor('host.name', bare);
  if (kind === 'user') return termFor('user.name', bare);
  return `"${bare.replace(/(["\\])/g, '\\$1')}"`;
}

/** The value as shown: accounts, URLs and processes without their `@host` (the hosts are listed beside). */
function shown(kind: string, value: string): string {
  const at = value.lastIndexOf('@');
  return kind !== 'ip' && kind !== 'host' && at > 0 ? value.slice(0, at) : value;
}

function entityLabel(lang: Lang, k: string): string {
  const { kind, value: raw } = split(k);
  const value = shown(kind, raw);
  const w = WORDS[lang];
  return `${(w as Record<string, unknown>)[kind] ?? kind}: ${value}`;
}

/** Entities, kill chain and risk of an incident; nothing when it carries none (incidents from before). */
export function AttackStory({ incident, navigate }: { incident: AttackView; navigate: (to: string) => void }) {
  const { t, lang } = useApp();
  const w = WORDS[lang];
  const ents = incident.entities ?? [];
  const chain = incident.chain ?? [];
  const risk = incident.risk;
  if (!ents.length && !chain.length && !risk) return null;
  const go = (href: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate(href);
  };
  const tactic = (x: string) => term(t, `tac_${x.replace(/_/g, '-')}`);
  return (
    <Panel title={w.title} className="attack-story">
      {ents.length ? (
        <>
          <h3>{w.entities}</h3>
          <dl className="kvlist" data-testid="attack-entities">
            {KINDS.map((kind) => {
              const vals = ents.map(split).filter((e) => e.kind === kind);
              if (!vals.length) return null;
              return [
                <dt key={`${kind}-t`}>{w[kind]}</dt>,
                <dd key={`${kind}-d`} data-kind={kind}>
                  {vals.map((v, j) => {
                    const href = `/search${qs({ q: pivotQuery(kind, v.value), range: '30d' })}`;
                    return (
                      <span key={v.value} title={v.value}>
                        {j > 0 ? ', ' : null}
                        <a href={href} onClick={go(href)} title={w.pivot}>
                          <LogText text={shown(kind, v.value)} />
                        </a>
                      </span>
                    );
                  })}
                </dd>,
              ];
            })}
          </dl>
          {incident.entitiesDropped ? <p className="muted small">{w.more(incident.entitiesDropped)}</p> : null}
        </>
      ) : null}
      {chain.length ? (
        <>
          <h3>{w.chain}</h3>
          <table className="grid chain" data-testid="attack-chain">
            <thead>
              <tr>
                <th>{w.step}</th>
                <th>{w.when}</th>
                <th>{w.rule}</th>
                <th>{w.tactics}</th>
                <th>{w.times}</th>
                <th>{w.via}</th>
              </tr>
            </thead>
            <tbody>
              {chain.map((s, i) => (
                <tr key={s.ruleId}>
                  <td>{i + 1}</td>
                  <td>
                    {fmtDateTime(s.firstTs)}
                    {s.lastTs > s.firstTs ? <> → {fmtDateTime(s.lastTs)}</> : null}
                  </td>
                  <td>
                    <span className={sevClass(s.level)}>{sevLabel(t, s.level)}</span> <LogText text={s.ruleTitle} />
                  </td>
                  <td>{s.tactics.length ? s.tactics.map(tactic).join(' → ') : '—'}</td>
                  <td>{fmtNumber(s.count, lang)}</td>
                  <td>
                    {s.via ? <LogText text={entityLabel(lang, s.via)} /> : <span className="muted">{w.first}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {risk ? (
        <>
          <h3>{w.risk}</h3>
          <p data-testid="attack-why">
            {risk.reason === 'tactics' ? (
              w.tacticsWhy(risk.tactics.length)
            ) : risk.reason === 'score' ? (
              <LogText text={w.score(fmtNumber(risk.score, lang), entityLabel(lang, risk.entity), risk.rules)} />
            ) : (
              w.level
            )}
            {risk.tactics.length ? ` (${risk.tactics.map(tactic).join(', ')})` : null}
          </p>
          {risk.reason !== 'level' && risk.contributions.length ? (
            <ul className="risk-parts" data-testid="attack-risk">
              {risk.contributions.map((c) => (
                <li key={c.alertId}>
                  {fmtDateTime(c.ts)} · <LogText text={c.ruleTitle} /> · {w.points} {fmtNumber(c.points, lang)}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </Panel>
  );
}
