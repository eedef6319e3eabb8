/**
 * The weekly report's rule-tuning section: analysts' verdicts of the week's incidents per rule and agency, the
 * false-positive ratio over judged incidents and the minutes they cost, in Vietnamese and English; an agency's
 * report counts only its own incidents.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Disposition, Incident } from '../../incidents/types.js';
import { buildReport } from '../../reports/model.js';
import { parseWeek } from '../../reports/period.js';
import { renderHtml, renderText } from '../../reports/render.js';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { agencyScope, SCOPE_ALL } from '../../store/types.js';

const A = '000.00.31.H40';
const B = '000.00.32.H40';
const WEEK = parseWeek('2026-W47');
let stores: SqliteStores;

function incident(n: number, agencyId: string, ruleId: string, title: string, disposition?: Disposition): Incident {
  const t = WEEK.from + 86_400_000 + n * 3_600_000;
  return {
    id: `inc-noise-${n}`,
    key: `k${n}`,
    title,
    ruleId,
    agencyId,
    host: `web-${n}`,
    severity: 'medium',
    state: 'new',
    alertCount: 2,
    firstSeen: t,
    lastSeen: t,
    attack: [],
    alertIds: [],
    eventIds: [],
    createdAt: t,
    updatedAt: t,
    reopenCount: 0,
    sla: {},
    ...(disposition ? { disposition } : {}),
  };
}

const fp = (minutes?: number): Disposition => ({
  verdict: 'false_positive',
  category: 'known_scanner',
  by: 'user:lan',
  at: WEEK.from + 2 * 86_400_000,
  ...(minutes !== undefined ? { minutes } : {}),
});

beforeAll(async () => {
  stores = openSqliteStores({ path: ':memory:' });
  const col = stores.state.collection<Incident>('incidents');
  const docs = [
    incident(1, A, 'r-scan', 'Web Scanner User Agent', fp(10)),
    incident(2, A, 'r-scan', 'Web Scanner User Agent', fp()),
    incident(3, A, 'r-scan', 'Web Scanner User Agent', { verdict: 'benign', by: 'user:lan', at: WEEK.from }),
    incident(4, A, 'r-ssh', 'SSH Brute Force', {
      verdict: 'true_positive',
      category: 'attack_blocked',
      minutes: 40,
      by: 'user:lan',
      at: WEEK.from,
    }),
    incident(5, A, 'r-ssh', 'SSH Brute Force'),
    incident(6, B, 'r-scan', 'Web Scanner User Agent', fp(99)),
  ];
  for (const d of docs) await col.put(SCOPE_ALL, d);
});
afterAll(async () => {
  await stores.close();
});

describe('rule tuning section of the weekly report', () => {
  it('counts verdicts, the false-positive ratio over judged incidents and the minutes, in the agency scope', async () => {
    const m = await buildReport(stores, {
      kind: 'weekly',
      period: WEEK,
      scope: agencyScope(A),
      agencyId: A,
      now: WEEK.to + 1,
    });
    expect(m.noise?.totals).toMatchObject({
      incidents: 5,
      judged: 4,
      truePositives: 1,
      benign: 1,
      falsePositives: 2,
      falsePositiveRatio: 0.5,
      minutes: 10 + 3 + 3 + 40 + 3,
      wastedMinutes: 16,
    });
    expect(m.noise?.rows.map((r) => [r.ruleId, r.agencyId, r.wastedMinutes])).toEqual([
      ['r-scan', A, 16],
      ['r-ssh', A, 0],
    ]);
    const html = renderHtml(m, 'vi');
    expect(html).toContain('Tinh chỉnh luật: cảnh báo nhầm và thời gian xử lý');
    expect(html).toContain('chuyên viên đã đánh giá 4/5 sự cố: 1 tấn công thật, 1 vô hại, 2 cảnh báo nhầm (50 %');
    expect(html).toContain('16 phút');
    // Only rules with benign or false-positive incidents are listed; agency B's 99 minutes never appear.
    expect(html).not.toContain('>99<');
    expect(renderText(m, 'en')).toContain(
      'Rule tuning: 2 false positives, 1 benign of 4 judged incidents, 16 analyst minutes on them',
    );
    expect(renderHtml(m, 'en')).toContain('Rule tuning: false positives and analyst time');
  });

  it('province-wide, both agencies count', async () => {
    const m = await buildReport(stores, { kind: 'weekly', period: WEEK, scope: SCOPE_ALL, now: WEEK.to + 1 });
    expect(m.noise?.totals.falsePositives).toBe(3);
    expect(m.noise?.rows.map((r) => r.agencyId)).toEqual([B, A, A]);
  });
});
