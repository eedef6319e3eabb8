/** Overview: events per second, incidents by severity / agency / rule and over time, open incidents aging. */
import { useState } from 'react';
import { agencyLabel } from '../agency-names.js';
import { type Agency, api, type Bucket, type Incident, type Page, qs } from '../api.js';
import { fmtDate, fmtNumber, fmtTime, sevLabel, useApp } from '../i18n.js';
import { useLive } from '../live.js';
import { useRuleTitle } from '../rule-titles.js';
import { BarList, ErrorBox, fillBuckets, Loading, Panel, TimeBars, useData } from '../ui.js';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'];
const OPEN = new Set(['new', 'acknowledged', 'in_progress']);
const DAY = 86_400_000;

async function load() {
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  const [perMinute, incidents, agencies] = await Promise.all([
    api<{ buckets: Bucket[] }>(
      'GET',
      `/api/v1/aggregations${qs({ kind: 'date_histogram', from: hourAgo, intervalMinutes: 1 })}`,
    ),
    api<Page<Incident>>('GET', '/api/v1/incidents?sort=-lastSeen&limit=1000'),
    api<Page<Agency>>('GET', '/api/v1/agencies?limit=1000'),
  ]);
  return {
    perMinute: perMinute.buckets,
    incidents: incidents.items,
    partial: !!incidents.next,
    agencies: agencies.items,
  };
}

function countBy<T>(items: T[], key: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of items) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}

export function OverviewPage() {
  const { t, lang, navigate } = useApp();
  const { data, error, reload } = useData(load, [], 60000);
  // Pushed: new or changed incidents reload the figures at once (the 60 s poll is a fallback).
  useLive(reload);
  const [groupBy, setGroupBy] = useState<'severity' | 'agency' | 'rule'>('severity');
  const ruleTitle = useRuleTitle();
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const total = data.perMinute.reduce((a, b) => a + b.count, 0);
  const eps = total / 3600;
  const names = new Map(data.agencies.map((a) => [a.id, a.name]));
  const bySev = countBy(data.incidents, (i) => i.severity);
  const byAgency = countBy(data.incidents, (i) => i.agencyId);
  const byRule = countBy(data.incidents, (i) => ruleTitle(i.ruleId, i.title, i.host));
  const now = Date.now();
  // Incidents per day over 14 days, stacked by severity, or by the top five agencies / rules (and the rest).
  const groupOf = (i: Incident) =>
    groupBy === 'severity' ? i.severity : groupBy === 'agency' ? i.agencyId : ruleTitle(i.ruleId, i.title, i.host);
  const counts = groupBy === 'severity' ? bySev : groupBy === 'agency' ? byAgency : byRule;
  const top =
    groupBy === 'severity'
      ? SEVERITIES
      : [...counts]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 5)
          .map(([k]) => k);
  const OTHER = '\u0000other';
  const keys = groupBy !== 'severity' && counts.size > top.length ? [...top, OTHER] : top;
  const series = keys.map((k, n) => ({
    name:
      k === OTHER
        ? t('other')
        : groupBy === 'severity'
          ? sevLabel(t, k)
          : groupBy === 'agency'
            ? agencyLabel(t, names, k)
            : k,
    cls: groupBy === 'severity' ? `sevfill-${k}` : `series-${n}`,
  }));
  const days = Array.from({ length: 14 }, (_, n) => {
    // Days start at midnight in Asia/Ho_Chi_Minh (UTC+7, no summer time).
    const start = Math.floor((now + 7 * 3_600_000) / DAY) * DAY - 7 * 3_600_000 - (13 - n) * DAY;
    return { key: start, values: keys.map(() => 0) };
  });
  for (const i of data.incidents) {
    const d = days.find((x) => i.firstSeen >= x.key && i.firstSeen < x.key + DAY);
    const g = groupOf(i);
    const at = keys.indexOf(keys.includes(g) ? g : OTHER);
    if (d && at >= 0) d.values[at]! += 1;
  }
  // The tile counts what the chart shows (a total of the latest 1,000 listed would have no period).
  const new14 = days.reduce((n, d) => n + d.values.reduce((a, b) => a + b, 0), 0);
  const open = data.incidents.filter((i) => OPEN.has(i.state));
  const ages = [
    { key: 'ageLt1h', max: 3_600_000 },
    { key: 'age1to24h', max: DAY },
    { key: 'age1to7d', max: 7 * DAY },
    { key: 'ageGt7d', max: Number.POSITIVE_INFINITY },
  ] as const;
  const aging = ages.map((a, n) => ({
    key: a.key,
    label: t(a.key),
    count: open.filter((i) => {
      const age = now - i.firstSeen;
      return age < a.max && (n === 0 || age >= ages[n - 1]!.max);
    }).length,
  }));
  return (
    <div className="overview">
      <h1>{t('overview')}</h1>
      {data.partial ? <p className="muted">{t('partial')}</p> : null}
      <div className="cards">
        <div className="card" data-testid="eps">
          <div className="muted">{t('eps')}</div>
          <div className="big">{fmtNumber(eps, lang, eps < 1 ? 3 : 1)}</div>
        </div>
        <div className="card">
          <div className="muted">{t('openIncidents')}</div>
          <div className="big">{fmtNumber(open.length, lang)}</div>
        </div>
        <div className="card" data-testid="new-14d">
          <div className="muted">{t('newIncidents14d')}</div>
          <div className="big">{fmtNumber(new14, lang)}</div>
        </div>
      </div>
      <Panel title={t('eps')}>
        <TimeBars
          label={t('eps')}
          buckets={fillBuckets(data.perMinute, Date.now() - 3_600_000, Date.now(), 60_000)}
          series={[{ name: t('events'), cls: 'series-0' }]}
          tickLabel={fmtTime}
        />
      </Panel>
      <Panel title={t('overTime')}>
        <label className="small muted">
          {t('groupBy')}{' '}
          <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as typeof groupBy)} data-testid="group-by">
            <option value="severity">{t('severity')}</option>
            <option value="agency">{t('agency')}</option>
            <option value="rule">{t('rule')}</option>
          </select>
        </label>
        <TimeBars label={t('overTime')} buckets={days} series={series} tickLabel={fmtDate} />
        {new14 === 0 ? (
          <p className="muted" data-testid="no-incidents-14d">
            {t('noIncidents14d')}
          </p>
        ) : null}
      </Panel>
      <div className="cols">
        <Panel title={t('bySeverity')}>
          <BarList
            label={t('bySeverity')}
            items={SEVERITIES.map((s) => ({
              key: s,
              label: sevLabel(t, s),
              count: bySev.get(s) ?? 0,
              cls: `sevfill-${s}`,
            }))}
          />
        </Panel>
        <Panel title={t('aging')}>
          <BarList label={t('aging')} items={aging} onClick={() => navigate('/incidents')} />
        </Panel>
        <Panel title={t('byAgency')}>
          <BarList
            label={t('byAgency')}
            items={[...byAgency].map(([k, c]) => ({ key: k, label: agencyLabel(t, names, k), count: c }))}
          />
        </Panel>
        <Panel title={t('byRule')}>
          <BarList
            label={t('byRule')}
            items={[...byRule]
              .sort((a, b) => b[1] - a[1])
              .slice(0, 10)
              .map(([k, c]) => ({ key: k, label: k, count: c }))}
          />
        </Panel>
      </div>
    </div>
  );
}
