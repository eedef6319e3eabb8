/** An agency's time zone for zone-less timestamps is kept with the agencies made through the API and used at once. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { AgencyDirectory } from '../ingest/normalise/agency-directory.js';
import { createNormaliseContext, normaliseRecord } from '../ingest/normalise/normalise.js';
import { type Fixture, startFixture, TEST_SCRYPT } from '../tests/kit/api.js';

let f: Fixture;
beforeEach(async () => {
  f = await startFixture({ authOptions: { scrypt: TEST_SCRYPT } });
});
afterEach(async () => {
  await f.close();
});

describe('agency time zone', () => {
  it('is stored, validated with the field named, changed, and read by the normaliser', async () => {
    const bad = await f.call('POST', '/api/v1/agencies', {
      key: f.keys.admin,
      body: { id: '000.00.77.H40', name: 'Sở Khoa học', networks: ['10.77.0.0/16'], timezone: 'Mars/Olympus' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/timezone/);

    const made = await f.call('POST', '/api/v1/agencies', {
      key: f.keys.admin,
      body: { id: '000.00.77.H40', name: 'Sở Khoa học', networks: ['10.77.0.0/16'], timezone: 'UTC' },
    });
    expect(made.status).toBe(201);
    expect((made.body as { timezone?: string }).timezone).toBe('UTC');

    const dir = await AgencyDirectory.open({}, f.stores.state, { refreshMs: 0 });
    try {
      const ctx = createNormaliseContext({ agencies: dir.list() });
      const rec = {
        id: 'r1',
        receivedAt: Date.UTC(2026, 10, 22, 10, 0, 5),
        transport: 'udp' as const,
        source: '10.77.1.1',
        data: '<13>Nov 22 10:00:00 lab01 app: hello',
      };
      expect(normaliseRecord(rec, ctx)!['@timestamp']).toBe('2026-11-22T10:00:00.000Z');

      const changed = await f.call('PATCH', '/api/v1/agencies/000.00.77.H40', {
        key: f.keys.admin,
        body: { timezone: 'Asia/Ho_Chi_Minh' },
      });
      expect(changed.status).toBe(200);
      await dir.refresh();
      const ctx2 = createNormaliseContext({ agencies: dir.list() });
      expect(normaliseRecord(rec, ctx2)!['@timestamp']).toBe('2026-11-22T03:00:00.000Z');
    } finally {
      dir.close();
    }
  });
});
