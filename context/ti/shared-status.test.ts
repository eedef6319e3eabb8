import { describe, expect, test } from '@jest/globals';
import type { FeedStatus } from './manager.js';
import { mergeStatus } from './shared-status.js';

const NOW = Date.parse('2026-12-07T10:00:00Z');
const MIN = 60_000;

function feed(name: string, extra: Partial<FeedStatus> = {}): FeedStatus {
  return {
    name,
    type: 'list',
    origin: 'file',
    source: '/feeds/x.txt',
    indicators: 10,
    counts: { ipv4: 10 },
    stale: false,
    noticeRaised: false,
    rejected: 0,
    skipped: 0,
    matchesByDay: {},
    ...extra,
  };
}

describe('the distributed feed view', () => {
  test('a restarted worker keeps the matches counted before its restart', () => {
    const merged = mergeStatus(
      [
        // The run before the restart: stopped, its counts final.
        {
          id: 'w1-a',
          at: NOW - 20 * MIN,
          stopped: true,
          feeds: [feed('vncert', { matchesByDay: { '2026-12-07': 5 } })],
        },
        // The same worker after the restart, and a second worker.
        { id: 'w1-b', at: NOW - MIN, feeds: [feed('vncert', { matchesByDay: { '2026-12-07': 1 } })] },
        {
          id: 'w2',
          at: NOW - MIN / 2,
          feeds: [feed('vncert', { matchesByDay: { '2026-12-06': 2, '2026-12-07': 3 } })],
        },
      ],
      NOW,
    );
    expect(merged).toHaveLength(1);
    expect(merged[0]!.matchesByDay).toEqual({ '2026-12-06': 2, '2026-12-07': 9 });
    expect(merged[0]!.reportedAt).toBe(NOW - MIN / 2);
    expect(merged[0]!.workers).toBe(2);
  });

  test("a running worker's state wins over a newer stopped one; a killed worker's counts stay", () => {
    const merged = mergeStatus(
      [
        { id: 'live', at: NOW - 2 * MIN, feeds: [feed('feodo', { stale: true, lastError: 'HTTP 503' })] },
        { id: 'stopped', at: NOW - MIN, stopped: true, feeds: [feed('feodo', { stale: false })] },
        { id: 'killed', at: NOW - 30 * MIN, feeds: [feed('feodo', { matchesByDay: { '2026-12-07': 4 } })] },
      ],
      NOW,
    );
    expect(merged[0]!.stale).toBe(true);
    expect(merged[0]!.lastError).toBe('HTTP 503');
    expect(merged[0]!.matchesByDay).toEqual({ '2026-12-07': 4 });
  });

  test('with no worker running the last reported state shows, with when it was reported', () => {
    const merged = mergeStatus([{ id: 'gone', at: NOW - 60 * MIN, stopped: true, feeds: [feed('urlhaus')] }], NOW);
    expect(merged.map((f) => [f.name, f.reportedAt, f.workers])).toEqual([['urlhaus', NOW - 60 * MIN, 0]]);
  });

  test('documents older than 31 days are left out, and at most 30 days are shown', () => {
    const days: Record<string, number> = {};
    for (let d = 1; d <= 31; d++) days[`2026-11-${String(d).padStart(2, '0')}`.replace('2026-11-31', '2026-12-01')] = 1;
    const merged = mergeStatus(
      [
        {
          id: 'old',
          at: NOW - 40 * 86_400_000,
          stopped: true,
          feeds: [feed('misp', { matchesByDay: { '2026-10-20': 7 } })],
        },
        { id: 'now', at: NOW, feeds: [feed('misp', { matchesByDay: days })] },
      ],
      NOW,
    );
    const shown = Object.keys(merged[0]!.matchesByDay);
    expect(shown).toHaveLength(30);
    expect(shown).not.toContain('2026-10-20');
    expect(shown).not.toContain('2026-11-01');
  });
});
