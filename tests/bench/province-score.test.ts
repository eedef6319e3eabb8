/** The province simulator's scoring (bench/province/score.ts): which alerts are an attack's, and the figures. */
import { describe, expect, it } from '@jest/globals';
import type { Attack } from '../../bench/province/attacks.js';
import { type AlertView, attribute, type IncidentView, score } from '../../bench/province/score.js';

const T = Date.UTC(2026, 11, 7, 3);
const attack: Attack = {
  index: 0,
  kind: 'ssh_brute_force_success',
  agencyId: '000.00.22.H40',
  host: 'soyt-web02',
  attacker: '185.220.33.4',
  indicators: ['185.220.33.4'],
  start: T,
  end: T + 300_000,
  events: 60,
};
const alert = (id: string, over: Partial<AlertView> = {}): AlertView => ({
  id,
  kind: 'correlation',
  ruleId: 'r-bf',
  ruleTitle: 'SSH Brute Force',
  agencyId: attack.agencyId,
  host: 'soyt-web02',
  ts: T + 120_000,
  incidentId: `i-${id}`,
  eventIds: [],
  ...over,
});

describe('province score', () => {
  it('an alert is the attack’s only on its agency and host, in its time, with an indicator in its events', () => {
    const text = '{"message":"Failed password for root from 185.220.33.4 port 43000 ssh2"}';
    expect(attribute(alert('a'), [attack], text)).toBe(0);
    expect(attribute(alert('a', { host: 'SOYT-WEB02.soyt.gov.vn' }), [attack], text)).toBe(0);
    // Background on the same host at the same time (another address) is not the attack's.
    expect(attribute(alert('a'), [attack], '{"message":"Failed password for root from 91.92.1.1"}')).toBe(-1);
    expect(attribute(alert('a', { host: 'soyt-web01' }), [attack], text)).toBe(-1);
    expect(attribute(alert('a', { agencyId: '000.00.31.H40' }), [attack], text)).toBe(-1);
    expect(attribute(alert('a', { ts: T + 300_000 + 11 * 60_000 }), [attack], text)).toBe(-1);
  });

  it('counts recall, incidents per attack, false incidents per 100,000 background events and analyst minutes', () => {
    const alerts = [alert('a'), alert('b'), alert('c', { host: 'soyt-web01' }), alert('s', { kind: 'silent_host' })];
    const incidents: IncidentView[] = ['a', 'b', 'c', 's'].map((k) => ({
      id: `i-${k}`,
      title: k,
      ruleId: k === 'c' ? 'r-spray' : 'r-bf',
      agencyId: attack.agencyId,
    }));
    const texts = new Map([
      ['a', '185.220.33.4'],
      ['b', '185.220.33.4'],
    ]);
    const names = new Map([
      ['r-bf', 'canhgac_sshd_brute_force'],
      ['r-spray', 'canhgac_sshd_password_spraying'],
    ]);
    const s = score([attack], alerts, incidents, names, texts, 200_000, 86_400_000, new Set([attack.kind]));
    expect(s).toMatchObject({
      attacks: 1,
      raised: 1,
      recall: 1,
      coveredRecall: 1,
      incidents: 3, // the silent-host incident is left out
      attackIncidents: 2,
      incidentsPerAttack: 2,
      falseIncidents: 1,
      falsePer100k: 0.5,
      analystMinutesPerDay: 9,
      falseByRule: { canhgac_sshd_password_spraying: 1 },
    });
    expect(s.perAttack[0]!.missingExpected).toEqual([
      'canhgac_sshd_brute_force_source',
      'canhgac_sshd_brute_force_then_success',
    ]);
  });
});
