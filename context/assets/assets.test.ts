import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { agencyScope, SCOPE_ALL } from '../../store/types.js';
import { AssetService, parseAssetsCsv, validateAsset } from './assets.js';

const A = '000.00.31.H40';
const B = '000.00.32.H40';

describe('asset validation and CSV', () => {
  test('a valid asset; problems name the field', () => {
    const ok = validateAsset(
      {
        host: 'CONG-DVC',
        addresses: ['10.1.2.3'],
        criticality: 5,
        securityLevel: 3,
        owner: 'Sở TT&TT',
        role: 'Cổng DVC',
      },
      A,
    );
    expect(ok).toMatchObject({
      asset: { host: 'cong-dvc', addresses: ['10.1.2.3'], criticality: 5, securityLevel: 3 },
    });
    expect(validateAsset({ host: 'x', criticality: 7, addresses: ['999.1.1.1'] }, A)).toEqual({
      problems: [
        { field: 'addresses', reason: 'not an IP address: 999.1.1.1' },
        { field: 'criticality', reason: 'must be an integer 1-5, got 7' },
      ],
    });
    expect(validateAsset({ criticality: 1 }, A)).toEqual({ problems: [{ field: 'host', reason: 'required' }] });
  });

  test('Vietnamese headers, semicolons, BOM; bad rows reported with line and field', () => {
    const csv =
      '\uFEFFTên máy;Địa chỉ IP;Chủ quản;Vai trò;Mức quan trọng;Cấp độ\n' +
      'cong-dvc;10.1.2.3 10.1.2.4;Sở TT&TT;Cổng dịch vụ công;5;3\n' +
      'mail01;10.1.2.9;Văn phòng UBND;Máy chủ thư;4;\n' +
      'test-box;;;;9;2\n';
    const r = parseAssetsCsv(csv, A);
    expect(r.assets.map((a) => [a.host, a.addresses, a.criticality, a.securityLevel])).toEqual([
      ['cong-dvc', ['10.1.2.3', '10.1.2.4'], 5, 3],
      ['mail01', ['10.1.2.9'], 4, undefined],
    ]);
    expect(r.problems).toEqual([{ line: 4, field: 'criticality', reason: 'must be an integer 1-5, got 9' }]);
    expect(parseAssetsCsv('a,b\n1,2', A).problems[0]!.reason).toContain('no host column');
  });
});

describe('AssetService on the SQLite state store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'canhgac-assets-'));
  let s: SqliteStores;
  beforeAll(() => {
    s = openSqliteStores({ path: join(dir, 'c.db') });
  });
  afterAll(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an agency scope imports, lists and sees only its own agency; another agency is refused by the store', async () => {
    const svc = new AssetService(s.state);
    const r = await svc.importCsv(agencyScope(A), A, 'host,address,criticality\ncong-dvc,10.1.2.3,5\n', 'admin-a');
    expect(r).toEqual({ written: 1, problems: [] });
    await svc.importCsv(SCOPE_ALL, B, 'host,address,criticality\nportal-b,10.2.0.1,3\n', 'soc');
    expect((await svc.list(agencyScope(A))).map((a) => a.host)).toEqual(['cong-dvc']);
    expect((await svc.list(SCOPE_ALL)).map((a) => a.host).sort()).toEqual(['cong-dvc', 'portal-b']);
    await expect(svc.importCsv(agencyScope(A), B, 'host,criticality\nx,1\n', 'admin-a')).rejects.toMatchObject({
      code: 'CANHGAC_ERR_STORE_SCOPE',
    });
    // Importing again updates by host instead of duplicating.
    await svc.importCsv(agencyScope(A), A, 'host,criticality,role\nCONG-DVC,4,Cổng DVC\n', 'admin-a');
    const mine = await svc.list(agencyScope(A));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ criticality: 4, role: 'Cổng DVC', updatedBy: 'admin-a' });
  });

  test('hosts seen in the logs but missing from the inventory are listed for completion', async () => {
    const hosts = s.state.collection<{ id: string; agencyId: string; host: string; lastSeen: number }>('hosts');
    await hosts.put(SCOPE_ALL, { id: 'h1', agencyId: A, host: 'cong-dvc', lastSeen: 1 });
    await hosts.put(SCOPE_ALL, { id: 'h2', agencyId: A, host: 'db01', lastSeen: 2 });
    await hosts.put(SCOPE_ALL, { id: 'h3', agencyId: B, host: 'other', lastSeen: 3 });
    const svc = new AssetService(s.state);
    expect(await svc.learned(agencyScope(A))).toEqual([{ agencyId: A, host: 'db01', lastSeen: 2 }]);
  });
});
