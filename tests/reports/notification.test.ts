/**
 * Incident notification reports (reports/notification): the initial and follow-up forms of the shipped template
 * (Circular 20/2017/TT-BTTTT structure) from a seeded incident as PDF (read back with pdftotext, pages rendered to
 * .tmp/screenshots) and DOCX (unzipped and read back), an operator's template replacing it, the 5-day deadline as a
 * clock, and the record of what was sent to whom and when.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../core/shared-data.js';
import type { Incident } from '../../incidents/types.js';
import {
  deadline,
  formDocx,
  formHtml,
  formPdf,
  loadTemplate,
  recordSent,
  sentReports,
} from '../../reports/notification/notification.js';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { incidentDoc, incidentSpecs, seedLeader } from './leader-seed.js';

const DAY = 86_400_000;
let stores: SqliteStores;
let dir: string;
const shots = join(projectRoot, '.tmp', 'screenshots');
const inc: Incident = incidentDoc(incidentSpecs.find((s) => s.id === 'L2')!);
const input = {
  kind: 'initial' as const,
  agencyName: 'Văn phòng UBND tỉnh',
  reporter: 'Trần Thị Lan, Chuyên viên phân tích',
  contact: 'soc@tinh.example.vn',
  securityLevel: 3,
  actions: 'Cô lập máy chủ egov-vp khỏi Internet, thu thập nhật ký',
  proposal: 'Đề nghị hỗ trợ phân tích mã độc',
  now: inc.createdAt + 3_600_000,
};

beforeAll(async () => {
  stores = openSqliteStores({ path: ':memory:' });
  await seedLeader(stores);
  dir = mkdtempSync(join(tmpdir(), 'canhgac-notif-'));
  mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await stores.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('notification forms', () => {
  it('DOCX: a valid package holding the form in Vietnamese; untrusted text stays text', () => {
    const t = loadTemplate();
    const file = join(dir, 'initial.docx');
    writeFileSync(file, formDocx(t, { ...inc, title: 'x <w:p> & "y"', ruleId: 'custom' }, input));
    execFileSync('unzip', ['-tq', file]);
    const xml = execFileSync('unzip', ['-p', file, 'word/document.xml'], { encoding: 'utf8' });
    expect(xml).toContain('BÁO CÁO BAN ĐẦU SỰ CỐ AN TOÀN THÔNG TIN MẠNG');
    expect(xml).toContain('Cô lập máy chủ egov-vp khỏi Internet');
    expect(xml).toContain('x &lt;w:p&gt; &amp; &quot;y&quot;');
    const shipped = execFileSync('unzip', ['-p', join(dir, 'initial.docx'), 'word/document.xml'], { encoding: 'utf8' });
    expect(shipped).toContain('Hạn báo cáo (5 ngày)');
    const real = join(dir, 'real.docx');
    writeFileSync(real, formDocx(t, inc, input));
    const x2 = execFileSync('unzip', ['-p', real, 'word/document.xml'], { encoding: 'utf8' });
    expect(x2).toContain('Truy cập web shell');
    expect(x2).toContain('T1505.003 Thành phần phần mềm máy chủ: Web shell');
  });

  it('an operator template replaces the shipped one; a line naming an unknown field is refused by name', () => {
    const file = join(dir, 'nd-2026.yml');
    writeFileSync(
      file,
      [
        'id: nd-2026',
        'title: Nghị định mới',
        'forms:',
        '  initial: { heading: MẪU MỚI BAN ĐẦU, sections: [{ title: A, lines: [{ label: Đơn vị, field: agencyName }] }] }',
        '  followup: { heading: MẪU MỚI TIẾP THEO, sections: [{ title: B, lines: [{ label: Kết quả, field: result }] }] }',
      ].join('\n'),
    );
    expect(formHtml(loadTemplate(file), inc, input)).toContain('MẪU MỚI BAN ĐẦU');
    writeFileSync(
      `${file}.bad`,
      'id: x\ntitle: x\nforms:\n  initial: { heading: H, sections: [{ title: A, lines: [{ label: L, field: password }] }] }\n  followup: { heading: H, sections: [] }\n',
    );
    expect(() => loadTemplate(`${file}.bad`)).toThrow("forms.initial line 'L' names unknown field 'password'");
  });

  it('the 5-day deadline is a clock, and what was sent to whom is recorded', async () => {
    expect(deadline(inc, undefined, inc.createdAt + DAY)).toEqual({ dueAt: inc.createdAt + 5 * DAY, state: 'due' });
    expect(deadline(inc, undefined, inc.createdAt + 6 * DAY).state).toBe('overdue');
    const first = await recordSent(stores, inc, {
      kind: 'initial',
      to: ['vncert@example.vn', 'a05@example.vn'],
      sentBy: 'user:lan.tran',
      now: inc.createdAt + 2 * DAY,
    });
    expect(first).toMatchObject({ deadline: 'met', to: ['vncert@example.vn', 'a05@example.vn'] });
    await recordSent(stores, inc, {
      kind: 'followup',
      to: ['vncert@example.vn'],
      sentBy: 'user:lan.tran',
      now: inc.createdAt + 3 * DAY,
    });
    const again = await recordSent(stores, inc, {
      kind: 'initial',
      to: ['x@example.vn'],
      sentBy: 'user:b',
      now: inc.createdAt + 7 * DAY,
    });
    expect(again.deadline).toBe('n/a');
    expect((await sentReports(stores, inc.id)).map((r) => [r.kind, r.to.length, r.sentBy])).toEqual([
      ['initial', 2, 'user:lan.tran'],
      ['followup', 1, 'user:lan.tran'],
      ['initial', 1, 'user:b'],
    ]);
    const late = incidentDoc(incidentSpecs.find((s) => s.id === 'L3')!);
    expect(
      (
        await recordSent(stores, late, {
          kind: 'initial',
          to: ['v@example.vn'],
          sentBy: 'u',
          now: late.createdAt + 6 * DAY,
        })
      ).deadline,
    ).toBe('late');
  });

  const tools = ['/usr/bin/chromium', '/usr/bin/pdftotext', '/usr/bin/pdftoppm'].every(existsSync);
  (tools ? it : it.skip)(
    'PDF of the initial and follow-up reports, read back and rendered page by page',
    async () => {
      const t = loadTemplate();
      for (const kind of ['initial', 'followup'] as const) {
        const pdf = await formPdf(t, inc, {
          ...input,
          kind,
          progress: 'Đã gỡ web shell',
          result: 'Đang theo dõi',
          sentTo: ['vncert@example.vn'],
        });
        const file = join(dir, `${kind}.pdf`);
        writeFileSync(file, pdf);
        const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
        expect(text).toContain(
          kind === 'initial'
            ? 'BÁO CÁO BAN ĐẦU SỰ CỐ AN TOÀN THÔNG TIN MẠNG'
            : 'BÁO CÁO CẬP NHẬT TÌNH HÌNH XỬ LÝ SỰ CỐ',
        );
        expect(text).toContain('Truy cập web shell');
        expect(text).toContain(kind === 'initial' ? 'Cấp độ 3' : 'Đang xử lý');
        execFileSync('pdftoppm', ['-r', '80', '-png', file, join(shots, `notification-${kind}`)]);
      }
    },
    90_000,
  );
});
