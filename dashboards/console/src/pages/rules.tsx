/**
 * Rules: hit counts and false-positive rate (from analysts' dispositions), enable/disable, upload, edit with the
 * problems shown next to their line (file:line:col), test on pasted events, retro-hunt over a range.
 */
import { useState } from 'react';
import { ApiError, api, type EventDoc, type Page, type Problem, qs, type Rule, type RuleStat } from '../api.js';
import { fmtDateTime, fmtNumber, parseDateTime, sevLabel, term, useApp } from '../i18n.js';
import { useRuleTitle } from '../rule-titles.js';
import { attackLinks } from '../rulefields.js';
import { DateTimeInput, ErrorBox, errorText, Loading, Panel, sevClass, useData } from '../ui.js';
import { RuleAgencySwitches } from './rule-agencies.js';
import { RuleAbout, RuleExceptions } from './rule-detail.js';

const SAMPLE = `title: SSH login failures
logsource:
  product: linux
detection:
  sel:
    message|contains: 'Failed password'
  condition: sel
level: medium
`;

function problemsOf(e: unknown): Problem[] | undefined {
  if (e instanceof ApiError && e.code === 'CANHGAC_ERR_API_RULE_INVALID')
    return (e.details.problems as Problem[] | undefined) ?? [];
  return undefined;
}

/** The rule text with line numbers and each problem right under its line. */
function Annotated({ text, problems }: { text: string; problems: Problem[] }) {
  const { t } = useApp();
  const lines = text.split('\n');
  const byLine = new Map<number, Problem[]>();
  for (const p of problems) byLine.set(p.line, [...(byLine.get(p.line) ?? []), p]);
  return (
    <div className="annotated" data-testid="problems">
      <h3>
        {t('problems')} ({problems.length})
      </h3>
      <ol className="code">
        {lines.map((l, i) => {
          const ps = byLine.get(i + 1);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
            <li key={i} className={ps ? 'bad-line' : undefined} data-line={i + 1}>
              <code>{l || ' '}</code>
              {ps?.map((p) => (
                <div key={`${p.at}${p.code}`} className={`problem problem-${p.severity}`} data-testid="problem">
                  {p.at} {p.severity}: {p.message} ({p.code})
                </div>
              ))}
            </li>
          );
        })}
      </ol>
      {problems
        .filter((p) => p.line < 1 || p.line > lines.length)
        .map((p) => (
          <div key={`${p.at}${p.code}`} className={`problem problem-${p.severity}`} data-testid="problem">
            {p.at} {p.severity}: {p.message} ({p.code})
          </div>
        ))}
    </div>
  );
}

function Editor({
  initial,
  onSave,
  saveLabel,
}: {
  initial: string;
  onSave: (text: string) => Promise<void>;
  saveLabel: string;
}) {
  const { t } = useApp();
  const [text, setText] = useState(initial);
  const [problems, setProblems] = useState<Problem[]>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const save = async () => {
    setProblems(undefined);
    setError(undefined);
    setSaved(false);
    try {
      await onSave(text);
      setSaved(true);
    } catch (e) {
      const ps = problemsOf(e);
      if (ps) setProblems(ps);
      else setError(e);
    }
  };
  return (
    <div className="editor">
      <textarea
        className="code-input"
        value={text}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
        rows={Math.min(30, Math.max(8, text.split('\n').length + 1))}
        aria-label={t('ruleYaml')}
        data-testid="rule-text"
      />
      <div>
        <button type="button" onClick={save} data-testid="rule-save">
          {saveLabel}
        </button>
        {saved ? <span className="ok-text"> {t('saved')}</span> : null}
      </div>
      <ErrorBox error={error} />
      {problems ? <Annotated text={text} problems={problems} /> : null}
    </div>
  );
}

function parseEvents(text: string): Record<string, unknown>[] {
  const s = text.trim();
  if (s.startsWith('[')) return JSON.parse(s) as Record<string, unknown>[];
  return s
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function RuleTools({ rule, onChanged }: { rule: Rule; onChanged: () => void }) {
  const { t } = useApp();
  const ruleTitle = useRuleTitle();
  const full = useData(() => api<Rule>('GET', `/api/v1/rules/${encodeURIComponent(rule.id)}`), [rule.id]);
  const [pasted, setPasted] = useState('{"message": "Failed password for root from 10.0.0.9"}');
  const [tested, setTested] = useState<{ index: number; matched: boolean; explanation?: unknown }[]>();
  const [testError, setTestError] = useState<unknown>();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [hunted, setHunted] = useState<EventDoc[]>();
  const [huntError, setHuntError] = useState<unknown>();
  const runTest = async () => {
    setTestError(undefined);
    setTested(undefined);
    let events: Record<string, unknown>[];
    try {
      events = parseEvents(pasted);
    } catch (e) {
      setTestError(new Error(`${t('badJson')}: ${errorText(e)}`));
      return;
    }
    try {
      const r = await api<{ results: { index: number; matched: boolean }[] }>(
        'POST',
        `/api/v1/rules/${encodeURIComponent(rule.id)}/test`,
        { events },
      );
      setTested(r.results);
    } catch (e) {
      setTestError(e);
    }
  };
  const runHunt = async () => {
    setHuntError(undefined);
    setHunted(undefined);
    const iso = (v: string) => {
      const ms = parseDateTime(v);
      return ms === undefined ? undefined : new Date(ms).toISOString();
    };
    if ((from.trim() && !iso(from)) || (to.trim() && !iso(to))) {
      setHuntError(new Error(t('badDate')));
      return;
    }
    try {
      const f = iso(from) ?? new Date(Date.now() - 7 * 86_400_000).toISOString();
      const r = await api<Page<EventDoc>>('POST', `/api/v1/rules/${encodeURIComponent(rule.id)}/hunt`, {
        from: f,
        ...(to ? { to: iso(to) } : {}),
        limit: 500,
      });
      setHunted(r.items);
    } catch (e) {
      setHuntError(e);
    }
  };
  return (
    <div className="rule-tools" data-testid="rule-tools">
      <h2 title={rule.title}>{ruleTitle(rule.id, rule.title)}</h2>
      <Panel title={t('aboutRule')}>
        <RuleAbout rule={full.data ?? rule} />
      </Panel>
      <RuleExceptions rule={rule} />
      {rule.package === 'sigmahq' ? <RuleAgencySwitches rule={rule} /> : null}
      <Panel title={rule.source === 'uploaded' ? t('edit') : t('ruleYaml')}>
        {full.data?.text !== undefined && rule.source !== 'uploaded' ? (
          <pre className="yaml" data-testid="rule-yaml">
            {full.data.text}
          </pre>
        ) : full.data?.text !== undefined ? (
          <Editor
            key={full.data.version}
            initial={full.data.text}
            saveLabel={t('validate')}
            onSave={async (text) => {
              await api('PATCH', `/api/v1/rules/${encodeURIComponent(rule.id)}`, { text });
              onChanged();
            }}
          />
        ) : (
          <ErrorBox error={full.error} />
        )}
      </Panel>
      <Panel title={t('testRule')}>
        <p className="muted small">{t('testHelp')}</p>
        <textarea
          className="code-input"
          rows={4}
          value={pasted}
          onChange={(e) => setPasted(e.target.value)}
          aria-label={t('testRule')}
          data-testid="test-events"
        />
        <button type="button" onClick={runTest} data-testid="test-run">
          {t('test')}
        </button>
        <ErrorBox error={testError} />
        {tested ? (
          <ul data-testid="test-results">
            {tested.map((r) => (
              <li key={r.index} className={r.matched ? 'ok-text' : 'muted'}>
                #{r.index + 1}: {r.matched ? t('matched') : t('notMatched')}
              </li>
            ))}
          </ul>
        ) : null}
      </Panel>
      <Panel title={t('retroHunt')}>
        <span className="muted">{t('from')}</span>{' '}
        <DateTimeInput value={from} onChange={setFrom} label={t('from')} testId="hunt-from" />{' '}
        <span className="muted">{t('to')}</span>{' '}
        <DateTimeInput value={to} onChange={setTo} label={t('to')} testId="hunt-to" />{' '}
        <button type="button" onClick={runHunt} data-testid="hunt">
          {t('hunt')}
        </button>
        <ErrorBox error={huntError} />
        {hunted ? (
          <div>
            <p data-testid="hunt-found">
              {t('found')}: {hunted.length}
            </p>
            <table className="grid small">
              <tbody>
                {hunted.slice(0, 100).map((e) => (
                  <tr key={String(e['event.id'])}>
                    <td className="nowrap">{fmtDateTime(Date.parse(String(e['@timestamp'])))}</td>
                    <td>{String(e['host.name'] ?? '')}</td>
                    <td>{typeof e.message === 'string' ? e.message : JSON.stringify(e)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Panel>
    </div>
  );
}

const LEVELS = ['critical', 'high', 'medium', 'low', 'informational'];

export function RulesPage() {
  const { t, lang } = useApp();
  const ruleTitle = useRuleTitle();
  const [q, setQ] = useState(() => new URLSearchParams(location.search).get('q') ?? '');
  const [level, setLevel] = useState('');
  const [source, setSource] = useState('');
  const [enabled, setEnabled] = useState('');
  const rules = useData(
    () =>
      api<Page<Rule> & { total: number }>(
        'GET',
        `/api/v1/rules${qs({ q: q.trim(), level, source, enabled, limit: 500 })}`,
      ),
    [q, level, source, enabled],
  );
  const stats = useData(() => api<{ items: RuleStat[]; truncated: boolean }>('GET', '/api/v1/rule-stats'), []);
  const [chosen, setChosen] = useState<string>();
  const [uploading, setUploading] = useState(false);
  const [toggleError, setToggleError] = useState<unknown>();
  const byRule = new Map((stats.data?.items ?? []).map((s) => [s.ruleId, s]));
  const toggle = async (r: Rule) => {
    setToggleError(undefined);
    try {
      await api('PATCH', `/api/v1/rules/${encodeURIComponent(r.id)}`, {
        enabled: !r.enabled,
        ...(r.version ? { version: r.version } : {}),
      });
    } catch (e) {
      setToggleError(e);
    }
    rules.reload();
  };
  const list = [...(rules.data?.items ?? [])].sort(
    (a, b) => (byRule.get(b.id)?.alerts ?? 0) - (byRule.get(a.id)?.alerts ?? 0) || a.title.localeCompare(b.title),
  );
  const current = list.find((r) => r.id === chosen);
  return (
    <div className="rules">
      <h1>{t('rules')}</h1>
      <div className="filters">
        <label>
          {t('searchRules')}
          <input
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t('searchRulesHint')}
            className="wide"
            data-testid="rule-q"
          />
        </label>
        <label>
          {t('severity')}
          <select value={level} onChange={(e) => setLevel(e.target.value)} data-testid="rule-level">
            <option value="">{t('all')}</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {sevLabel(t, l)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('ruleSource')}
          <select value={source} onChange={(e) => setSource(e.target.value)} data-testid="rule-source">
            <option value="">{t('all')}</option>
            {['shipped', 'dir', 'uploaded'].map((x) => (
              <option key={x} value={x}>
                {term(t, `src_${x}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('state')}
          <select value={enabled} onChange={(e) => setEnabled(e.target.value)} data-testid="rule-enabled">
            <option value="">{t('all')}</option>
            <option value="true">{t('enabled')}</option>
            <option value="false">{t('disabled')}</option>
          </select>
        </label>
        <button type="button" onClick={() => setUploading(!uploading)} data-testid="upload-open">
          {t('upload')}
        </button>
      </div>
      {uploading ? (
        <Panel title={t('upload')}>
          <p className="muted small">{t('uploadHelp')}</p>
          <Editor
            initial={SAMPLE}
            saveLabel={t('validate')}
            onSave={async (text) => {
              const r = await api<Rule>('POST', '/api/v1/rules', { text });
              rules.reload();
              setChosen(r.id);
              setUploading(false);
            }}
          />
        </Panel>
      ) : null}
      <ErrorBox error={rules.error ?? stats.error ?? toggleError} />
      {stats.data?.truncated ? <p className="muted">{t('partial')}</p> : null}
      {!rules.data ? <Loading /> : null}
      {rules.data ? (
        <p className="muted small" data-testid="rule-total">
          {fmtNumber(list.length, lang)} / {fmtNumber(rules.data.total, lang)} {t('rulesWord')}
        </p>
      ) : null}
      <table className="grid" data-testid="rules">
        <thead>
          <tr>
            <th>{t('title')}</th>
            <th>{t('severity')}</th>
            <th>{t('logSource')}</th>
            <th>ATT&amp;CK</th>
            <th>{t('hits')}</th>
            <th>{t('incidents')}</th>
            <th>{t('fpRate')}</th>
            <th>{t('lastSeen')}</th>
            <th>{t('state')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((r) => {
            const s = byRule.get(r.id);
            const ls = r.logsource ? [r.logsource.product, r.logsource.category, r.logsource.service] : [];
            return (
              <tr key={r.id} className={r.id === chosen ? 'cursor' : undefined} data-rule={r.id}>
                <td title={r.title}>
                  {ruleTitle(r.id, r.title)}
                  <div className="muted small">{r.package ? t('pkgSigmahq') : term(t, `src_${r.source}`)}</div>
                </td>
                <td>{r.level ? <span className={sevClass(r.level)}>{sevLabel(t, r.level)}</span> : ''}</td>
                <td className="small">{ls.filter(Boolean).join(' / ')}</td>
                <td className="small">
                  {attackLinks(r.tags.filter((x) => /^attack\.t\d/i.test(x)))
                    .map((l) => l.label)
                    .join(', ')}
                </td>
                <td className="num">{fmtNumber(s?.alerts ?? 0, lang)}</td>
                <td className="num">{fmtNumber(s?.incidents ?? 0, lang)}</td>
                <td className="num">{s?.incidents ? `${fmtNumber(100 * s.falsePositiveRate, lang, 1)} %` : '—'}</td>
                <td className="nowrap">{s ? fmtDateTime(s.lastSeen) : '—'}</td>
                <td>
                  <button
                    type="button"
                    className={r.enabled ? 'on' : 'off'}
                    onClick={() => toggle(r)}
                    disabled={r.disabledBy === 'config'}
                    title={r.disabledBy === 'config' ? t('disabledByConfig') : undefined}
                    data-testid="rule-toggle"
                  >
                    {r.enabled ? t('enabled') : t('disabled')}
                  </button>
                </td>
                <td className="nowrap">
                  <button
                    type="button"
                    className="link"
                    onClick={() => setChosen(r.id === chosen ? undefined : r.id)}
                    data-testid="rule-open"
                  >
                    {t('details')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {current ? <RuleTools key={current.id} rule={current} onChanged={rules.reload} /> : null}
    </div>
  );
}
