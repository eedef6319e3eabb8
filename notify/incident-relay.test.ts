/**
 * The incident outbox through the relay to the notifier (embedded: SQLite state store, the durable delivery
 * outbox): every incident event kind reaches a route exactly once, including after a process stopped between
 * the state change and its notice, or between handing the notice over and clearing the outbox.
 * (The BullMQ side is in cli/notices.int.test.ts, end to end.)
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { IncidentService } from '../incidents/service.js';
import { hostId, SilentHostWatcher } from '../incidents/silent-hosts.js';
import type { Alert } from '../incidents/types.js';
import { openSqliteStores, type SqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL } from '../store/types.js';
import { relayIncidentEvents } from './incident-relay.js';
import { Notifier } from './notifier.js';
import { NOTICE_KINDS, type Notice, type RenderedMessage } from './types.js';

const A = '000.00.31.H40';
const T0 = Date.parse('2026-12-07T01:00:00Z');
let stores: SqliteStores;
let clock = T0;
let sent: RenderedMessage[] = [];

const SLA = {
  critical: { ackMinutes: 5, resolveMinutes: 600 },
  high: { ackMinutes: 5, resolveMinutes: 600 },
  medium: { ackMinutes: 5, resolveMinutes: 600 },
  low: { ackMinutes: 5, resolveMinutes: 600 },
  informational: {},
};

beforeEach(async () => {
  stores = openSqliteStores({ path: ':memory:' });
  clock = T0;
  sent = [];
  await stores.state
    .collection<Record<string, unknown>>('channels')
    .put(SCOPE_ALL, { id: 'rec', name: 'recorder', type: 'webhook', enabled: true, settings: {} });
  // A route for every kind (the default leaves out incident.resolved).
  await stores.state
    .collection<Record<string, unknown>>('routes')
    .put(SCOPE_ALL, { id: 'all', minSeverity: 'informational', kinds: [...NOTICE_KINDS], channelIds: ['rec'] });
});
afterEach(async () => {
  await stores.close();
});

/** One process's view: its incident service, silent-host watcher and notifier (relay attached unless `crashed`). */
function process(crashed = false) {
  const now = () => clock;
  const incidents = new IncidentService(stores.state, { sla: SLA, settings: false, now });
  const silent = new SilentHostWatcher(stores.state, incidents, { settings: false, defaultThresholdMinutes: 60, now });
  const notifier = new Notifier(stores.state, { webhook: { send: async (_c, m) => void sent.push(m) } }, { now });
  if (!crashed) relayIncidentEvents(incidents, notifier);
  return { incidents, silent, notifier };
}

let n = 0;
const alert = (level: Alert['level'] = 'medium'): Alert => ({
  id: `a-${++n}`,
  kind: 'rule',
  ruleId: 'rule-ssh',
  ruleTitle: 'SSH brute force',
  level,
  tags: [],
  agencyId: A,
  host: 'web01',
  eventIds: [`e-${n}`],
  ts: clock,
});

/** Sends what is due and returns the kinds sent so far, sorted. */
async function kindsSent(notifier: Notifier): Promise<string[]> {
  await notifier.deliverDue();
  return sent.map((m) => (m.payload as { kind: string }).kind).sort();
}

describe('incident events reach notify through the outbox', () => {
  it('each kind exactly once: opened, recurring, escalated, SLA breach, resolved, reopened, host silent, resumed', async () => {
    const p = process();
    await p.incidents.ingestAlert(alert());
    for (let i = 0; i < 9; i++) await p.incidents.ingestAlert(alert()); // the 10th alert: recurring
    await p.incidents.ingestAlert(alert('high')); // escalated
    clock += 6 * 60_000;
    await p.incidents.checkSla(); // acknowledge clock ran out
    await p.incidents.checkSla(); // nothing new
    const id = (await p.incidents.incidents.list(SCOPE_ALL, {})).docs[0]!.id;
    await p.incidents.transition(SCOPE_ALL, id, 'resolved', 'lan.tran');
    clock += 60_000;
    await p.incidents.ingestAlert(alert('high')); // reopened
    p.silent.observe(A, 'db01', clock);
    await p.silent.flush();
    clock += 61 * 60_000;
    await p.silent.check(); // db01 silent
    await p.silent.check(); // still silent: nothing new
    p.silent.observe(A, 'db01', clock);
    await p.silent.flush(); // resumed
    await p.incidents.outbox.sweep(); // nothing left over
    expect(await kindsSent(p.notifier)).toEqual(
      [
        'incident.created',
        'incident.recurring',
        'incident.escalated',
        'sla.breach',
        'incident.resolved',
        'incident.reopened',
        'host.silent',
        'host.resumed',
      ].sort(),
    );
    const pending = await p.incidents.incidents.list(SCOPE_ALL, { filter: { outboxPending: true } });
    expect(pending.docs).toHaveLength(0);
  });

  it('a stop between the state change and its notice: the next process sweeps it out, once', async () => {
    const first = process(true); // changes state, dies before relaying
    await first.incidents.ingestAlert(alert());
    clock += 6 * 60_000;
    expect(await first.incidents.checkSla()).toHaveLength(1);
    const waiting = (await first.incidents.incidents.list(SCOPE_ALL, {})).docs[0]!;
    expect(waiting.outbox?.map((e) => e.kind)).toEqual(['incident.created', 'sla.breach']);
    expect(await kindsSent(first.notifier)).toEqual([]);

    const second = process();
    expect(await second.incidents.checkSla()).toHaveLength(0); // the breach is not raised twice
    expect(await second.incidents.outbox.sweep()).toBe(2);
    expect(await second.incidents.outbox.sweep()).toBe(0);
    expect(await kindsSent(second.notifier)).toEqual(['incident.created', 'sla.breach']);
  });

  it('a stop after the notice was handed over but before the outbox was cleared: no second delivery', async () => {
    const first = process(true);
    // Hands each notice to the notifier, then "dies" before the outbox is cleared.
    first.incidents.outbox.attach(async (inc, ev) => {
      await first.notifier.notify({
        id: ev.id,
        kind: ev.kind,
        agencyId: inc.agencyId,
        severity: inc.severity,
        incidentId: inc.id,
        title: inc.title,
        at: ev.at,
      } satisfies Notice);
      throw new Error('process killed');
    });
    await first.incidents.ingestAlert(alert());
    const second = process();
    expect(await second.incidents.outbox.sweep()).toBe(1);
    expect(await kindsSent(second.notifier)).toEqual(['incident.created']);
    expect((await second.notifier.deliveries.list(SCOPE_ALL, {})).docs).toHaveLength(1);
  });

  it('a stop between marking a host silent and raising its incident: the next check raises it, once', async () => {
    const p = process();
    const id = hostId(A, 'db01');
    await p.silent.hosts.put(SCOPE_ALL, {
      id,
      agencyId: A,
      host: 'db01',
      firstSeen: T0 - 7_200_000,
      lastSeen: T0 - 7_200_000,
      events: 10,
      expected: true,
      silentSince: T0 - 60_000,
    });
    await p.silent.check();
    await p.silent.check();
    expect(await kindsSent(p.notifier)).toEqual(['host.silent']);
  });
});
