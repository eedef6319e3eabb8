/**
 * The six-monthly report's appendix in the table of Mẫu số 05 (Circular 20/2017/TT-BTTTT): incidents of the period
 * counted by the form's kinds from their ATT&CK techniques (one kind, "combined" for several, "other" for none),
 * checked against the seeded incidents; false positives and silent-host notices left out; the columns the data
 * cannot fill left as blanks; the appendix in the six-monthly report and not in the weekly one.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateReport } from '../../reports/generate.js';
import { loadTemplate } from '../../reports/notification/notification.js';
import { buildForm05, form05Html, kindOf } from '../../reports/notification/summary.js';
import { parseHalf } from '../../reports/period.js';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { SCOPE_ALL } from '../../store/types.js';
import { AG, incidentSpecs, NOW, seedLeader } from './leader-seed.js';

let stores: SqliteStores;
const t = loadTemplate();
const kinds = t.summary!.kinds;
const row = (label: string) => kinds.findIndex((k) => k.label === label);

beforeAll(async () => {
  stores = openSqliteStores({ path: ':memory:' });
  await seedLeader(stores);
});
afterAll(async () => {
  await stores.close();
});

describe('Mẫu số 05 in the six-monthly report', () => {
  it('the form has its ten kinds in order and its seven columns', () => {
    expect(kinds.map((k) => k.label)).toEqual([
      'Từ chối dịch vụ',
      'Tấn công giả mạo',
      'Tấn công sử dụng mã độc',
      'Truy cập trái phép, chiếm quyền điều khiển',
      'Thay đổi giao diện',
      'Mã hóa phần mềm, dữ liệu, thiết bị',
      'Phá hoại thông tin, dữ liệu, phần mềm',
      'Nghe trộm, gián điệp, lấy cắp thông tin, dữ liệu',
      'Tấn công tổng hợp sử dụng kết hợp nhiều hình thức',
      'Các hình thức tấn công khác',
    ]);
    expect(t.summary!.columns).toHaveLength(7);
  });

  it('an incident is the one kind its techniques name, combined for two, other for none', () => {
    expect(kindOf(['attack.initial-access', 'attack.t1190'], kinds)).toBe(
      row('Truy cập trái phép, chiếm quyền điều khiển'),
    );
    expect(kindOf(['attack.t1505.003'], kinds)).toBe(row('Truy cập trái phép, chiếm quyền điều khiển')); // a prefix
    expect(kindOf(['attack.t1486'], kinds)).toBe(row('Mã hóa phần mềm, dữ liệu, thiết bị'));
    expect(kindOf(['attack.t1498.001'], kinds)).toBe(row('Từ chối dịch vụ'));
    expect(kindOf(['attack.t1566.001', 'attack.t1486'], kinds)).toBe(
      row('Tấn công tổng hợp sử dụng kết hợp nhiều hình thức'),
    );
    expect(kindOf(['attack.discovery', 'attack.t1046'], kinds)).toBe(row('Các hình thức tấn công khác'));
    expect(kindOf(['attack.t14860'], kinds)).toBe(row('Các hình thức tấn công khác')); // not a prefix of t1486
  });

  it('counts the seeded incidents of the half-year by kind, resolved ones apart, false positives left out', async () => {
    const h2 = parseHalf('2026-H2');
    const m = (await buildForm05(stores, t, { scope: SCOPE_ALL, from: h2.from, to: NOW }))!;
    const inPeriod = incidentSpecs.filter((s) => s.created >= h2.from && s.created < NOW);
    const counted = inPeriod.filter((s) => s.state !== 'false_positive');
    const expected = new Map<number, { count: number; resolved: number }>();
    for (const s of counted) {
      const k = kindOf(s.rule.tags, kinds);
      const e = expected.get(k) ?? { count: 0, resolved: 0 };
      e.count++;
      if (s.state === 'resolved') e.resolved++;
      expected.set(k, e);
    }
    expect(m.rows.map((r) => [r.label, r.count, r.resolved])).toEqual(
      kinds.map((k, i) => [k.label, expected.get(i)?.count ?? 0, expected.get(i)?.resolved ?? 0]),
    );
    expect(m.total).toBe(counted.length);
    expect(m.falsePositives).toBe(inPeriod.length - counted.length);
    expect(m.rows[row('Truy cập trái phép, chiếm quyền điều khiển')]!.count).toBeGreaterThan(0);
    // One agency's appendix counts its own incidents only.
    const vp = (await buildForm05(stores, t, { scope: SCOPE_ALL, agencyId: AG.vp, from: h2.from, to: NOW }))!;
    expect(vp.total).toBe(counted.filter((s) => s.agencyId === AG.vp).length);

    const html = form05Html(m, t, 'vi', 'pdf');
    const flat = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    let at = 0;
    for (const w of [
      'Mẫu số 05',
      'Kính gửi: Trung tâm Ứng cứu khẩn cấp máy tính Việt Nam',
      'BÁO CÁO TỔNG HỢP [06 THÁNG/01 NĂM] VỀ HOẠT ĐỘNG TIẾP NHẬN VÀ XỬ LÝ SỰ CỐ',
      'Từ tháng 7/2026 đến tháng 12/2026',
      'Tên cơ quan/tổ chức:',
      'Mã thành viên mạng lưới:',
      '1. Số lượng sự cố và cách thức xử lý',
      ...t.summary!.columns,
      ...kinds.map((k) => k.label),
      'Tổng số',
      `Đã xử lý xong trên hệ thống giám sát: ${m.resolved}/${m.total} sự cố`,
      '2. Danh sách các tổ chức hỗ trợ xử lý sự cố',
      '3. Danh sách các tổ chức nước ngoài hỗ trợ xử lý sự cố',
      '4. Đề xuất kiến nghị:',
      'NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT',
    ]) {
      const i = flat.indexOf(w, at);
      expect([w, i >= 0]).toEqual([w, true]);
      at = i + 1;
    }
    // The columns the data cannot fill are blanks in every row (5 per row: 11 rows with the total).
    expect(html.match(/……<\/span><\/td>/g)).toHaveLength(11 * 5);
  });

  it('is an appendix of the six-monthly report, not of the weekly one', async () => {
    const half = await generateReport(stores, { kind: 'semiannual', period: '2026-H2', scope: SCOPE_ALL, now: NOW });
    expect(half.form05?.total).toBeGreaterThan(0);
    expect(half.html).toContain('BÁO CÁO TỔNG HỢP [06 THÁNG/01 NĂM]');
    expect(half.printHtml).toMatch(/page-break-before:always[^>]*>\s*<h2[^>]*>Phụ lục: Mẫu số 05/);
    // The last thing of the report, after its notes.
    expect(half.printHtml.indexOf('Phụ lục: Mẫu số 05')).toBeGreaterThan(half.printHtml.lastIndexOf('Ghi chú'));
    expect(half.html.indexOf('Phụ lục: Mẫu số 05')).toBeGreaterThan(half.html.lastIndexOf('Ghi chú'));
    const week = await generateReport(stores, { kind: 'weekly', period: '2026-W49', scope: SCOPE_ALL, now: NOW });
    expect(week.form05).toBeUndefined();
    expect(week.html).not.toContain('Mẫu số 05');
  });
});
