import { describe, expect, test } from '@jest/globals';
import { openSqliteStores } from '../../store/sqlite/index.js';
import { SCOPE_ALL } from '../../store/types.js';
import { AssetService, validateAsset } from './assets.js';
import { AssetDirectory, weighLevel, weightOf } from './weigh.js';

describe('asset criticality in severity (the documented rule)', () => {
  test('vital assets one level up, test boxes one down (not below low, never critical), others unchanged', () => {
    expect(weighLevel('low', 5)).toBe('medium');
    expect(weighLevel('high', 5)).toBe('critical');
    expect(weighLevel('critical', 5)).toBe('critical');
    expect(weighLevel('medium', 1)).toBe('low');
    expect(weighLevel('low', 1)).toBe('low');
    expect(weighLevel('critical', 1)).toBe('critical');
    expect(weighLevel('informational', 5)).toBe('informational');
    for (const w of [2, 3, 4]) expect(weighLevel('medium', w)).toBe('medium');
  });

  test('security level 4-5 (Decree 85) weighs as vital', () => {
    expect(weightOf({ criticality: 2, securityLevel: 4 })).toBe(5);
    expect(weightOf({ criticality: 2, securityLevel: 3 })).toBe(2);
  });

  test('alerts find their asset by host, then by destination address, in their own agency only', async () => {
    const stores = openSqliteStores({ path: ':memory:' });
    const svc = new AssetService(stores.state);
    const add = async (agencyId: string, body: Record<string, unknown>) => {
      const r = validateAsset(body, agencyId);
      if ('problems' in r) throw new Error(JSON.stringify(r.problems));
      await svc.put(SCOPE_ALL, r.asset, 'test');
    };
    await add('a', { host: 'Cong-DVC', addresses: ['10.0.0.5'], criticality: 5, owner: 'Sở TT&TT', role: 'Cổng DVC' });
    await add('a', { host: 'lab01', criticality: 1 });
    const dir = new AssetDirectory(stores.state);
    await dir.refresh();
    const alerts = [
      { level: 'high' as const, agencyId: 'a', host: 'cong-dvc' },
      { level: 'medium' as const, agencyId: 'a', host: 'fw01', fields: { 'destination.ip': '10.0.0.5' } },
      { level: 'medium' as const, agencyId: 'a', host: 'lab01' },
      { level: 'medium' as const, agencyId: 'b', host: 'cong-dvc' },
    ];
    dir.weigh(alerts);
    expect(alerts[0]).toMatchObject({
      level: 'critical',
      fields: { 'asset.criticality': 5, 'asset.owner': 'Sở TT&TT', 'severity.original': 'high' },
    });
    expect(alerts[1]).toMatchObject({ level: 'high', fields: { 'asset.host': 'cong-dvc' } });
    expect(alerts[2]).toMatchObject({ level: 'low', fields: { 'asset.criticality': 1 } });
    expect(alerts[3]).toEqual({ level: 'medium', agencyId: 'b', host: 'cong-dvc' });
    await stores.close();
  });
});
