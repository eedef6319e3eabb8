/**
 * The embedded service with a threat-intel feed (a pasted list file) and GeoIP on: an indicator added to the feed
 * while the service runs makes the next matching event raise an incident carrying the indicator, and an event
 * stored yesterday is found by the retro-match (alert marked found later). Stored events carry their context.
 */

import { appendFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { type Service, startService } from '../../cli/service.js';
import { loadConfig } from '../../core/config/load.js';
import { projectRoot } from '../../core/shared-data.js';
import { LOOPBACK_LISTENERS } from '../kit/loopback.js';

const built = existsSync(join(projectRoot, 'dist', 'pipeline', 'processor.js'));
const KEY = 'ti-service-test-admin-key-0123456789abcdef';
let svc: Service | undefined;
afterAll(async () => {
  await svc?.stop();
});

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function sendSyslog(s: Service, line: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const sock = connect(s.ports.syslog_tcp!, '127.0.0.1', () => sock.end(`${Buffer.byteLength(line)} ${line}`));
    sock.on('close', () => resolve());
    sock.on('error', reject);
  });
}

(built ? describe : describe.skip)('threat intel in the running service', () => {
  it('matches live events, retro-matches yesterday, and stores the context', async () => {
    process.env.CANHGAC_BOOTSTRAP_API_KEY = KEY;
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-ti-svc-'));
    const feed = join(dir, 'vncert.txt');
    writeFileSync(feed, '# VNCERT/CC\n203.0.113.250 # old entry\n');
    const config = loadConfig({
      env: {},
      overrides: {
        dataDir: dir,
        ...LOOPBACK_LISTENERS,
        threatIntel: { feeds: [{ name: 'vncert', type: 'list', file: feed, confidence: 90 }] },
      },
    });
    svc = await startService(config);
    const api = async (path: string) =>
      (await fetch(`${svc!.apiUrl}${path}`, { headers: { authorization: `Bearer ${KEY}` } })).json() as Promise<{
        items: Record<string, unknown>[];
      }>;

    // Yesterday's event, before the feed knew the address.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    await sendSyslog(
      svc,
      `<38>1 ${yesterday} cong-dvc.so-tttt.gov.vn sshd 4242 - - Failed password for admin from 45.134.26.77 port 22 ssh2`,
    );
    const old = await until('yesterday event stored', async () => {
      const q = encodeURIComponent('host.name:"cong-dvc.so-tttt.gov.vn"');
      const items =
        (
          await api(
            `/api/v1/events?q=${q}&from=${encodeURIComponent(new Date(Date.now() - 3 * 86_400_000).toISOString())}`,
          )
        ).items ?? [];
      return items[0];
    });
    expect(old['threat.indicator.value']).toBeUndefined();

    // The analysts' CERT list gains the address (and a domain) while the service runs.
    appendFileSync(feed, '45.134.26.77 # quét SSH, chiến dịch 12/2026\nevil-apt.example\n');
    await svc.internals.threatIntel!.refresh('vncert');

    // Retro-match: yesterday's event raised, marked found later.
    const retro = await until('retro-match alert', async () => {
      const items = (await api('/api/v1/alerts?ruleId=canhgac-threat-intel')).items;
      return items.find((a) => (a.eventIds as string[]).includes(String(old['event.id'])));
    });
    expect(retro.fields).toMatchObject({
      'threat.indicator.value': '45.134.26.77',
      'threat.indicator.feed': 'vncert',
      'threat.indicator.confidence': 90,
      'threat.indicator.description': 'quét SSH, chiến dịch 12/2026',
      'threat.found_later': true,
    });

    // The target is the province's public-service portal: criticality 5 in the inventory (through the API).
    const put = await fetch(`${svc.apiUrl}/api/v1/assets`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        agencyId: 'unassigned',
        host: 'web02.so-tttt.gov.vn',
        role: 'Cổng dịch vụ công',
        criticality: 5,
      }),
    });
    expect(put.status).toBe(200);

    // A live event from the address: an incident with the indicator's context.
    await sendSyslog(
      svc,
      `<38>1 ${new Date().toISOString()} web02.so-tttt.gov.vn sshd 4242 - - Failed password for root from 45.134.26.77 port 22 ssh2`,
    );
    const incident = await until('incident for the live hit', async () => {
      const items = (await api('/api/v1/incidents')).items;
      return items.find((i) => i.ruleId === 'canhgac-threat-intel' && i.host === 'web02.so-tttt.gov.vn');
    });
    expect(incident.title).toContain('45.134.26.77');
    // Confidence 90 is high; the vital asset moves it one level up.
    expect(incident.severity).toBe('critical');
    const live = await until(
      'live alert',
      async () => (await api(`/api/v1/alerts?incidentId=${String(incident.id)}`)).items[0],
    );
    expect(live.fields).toMatchObject({
      'threat.indicator.type': 'ipv4',
      'threat.indicator.feed': 'vncert',
      'asset.criticality': 5,
      'asset.role': 'Cổng dịch vụ công',
      'severity.original': 'high',
      'host.name': 'web02.so-tttt.gov.vn',
      'client.ip': '45.134.26.77',
    });
    expect((live.fields as Record<string, unknown>)['threat.found_later']).toBeUndefined();

    // The stored live event carries the indicator and its GeoIP context.
    const stored = await until('live event stored with context', async () => {
      const items =
        (await api(`/api/v1/events?q=${encodeURIComponent('host.name:"web02.so-tttt.gov.vn"')}`)).items ?? [];
      return items[0];
    });
    expect(stored).toMatchObject({
      'threat.indicator.value': '45.134.26.77',
      // One field per entity: sshd's remote party (client.ip) is source.ip too; the loopback sender is
      // log.source.address, no longer enriched as if it were the source.
      'client.geo.country_iso_code': 'BY',
      'client.geo.city_name': expect.any(String),
      'client.as.number': expect.any(Number),
      'source.ip': '45.134.26.77',
      'source.geo.country_iso_code': 'BY',
      'log.source.address': '127.0.0.1',
    });
    expect(svc.internals.threatIntel!.status()[0]).toMatchObject({ name: 'vncert', indicators: 3, stale: false });
  }, 90_000);
});
