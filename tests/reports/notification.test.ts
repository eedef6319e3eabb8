/**
 * Incident notification reports (reports/notification): the initial report (Mẫu số 03) and the closing report
 * (Mẫu số 04) of the shipped template (Circular 20/2017/TT-BTTTT) from a seeded incident as PDF (read back with
 * pdftotext, every page rendered to .tmp/screenshots) and DOCX (unzipped and read back): every section heading and
 * label in the template's order, boxes ticked only where the incident's data decides, dotted blanks where nobody
 * knows the value; an operator's template replacing it and a bad one refused with its file and line; the 5-day
 * deadline as a clock, and the record of what was sent to whom and when.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../core/shared-data.js';
import type { Incident } from '../../incidents/types.js';
import {
  deadline,
  type FormTemplate,
  formDocx,
  formHtml,
  formPdf,
  loadTemplate,
  recordSent,
  sentReports,
} from '../../reports/notification/notification.js';
import { BLANK } from '../../reports/notification/render.js';
import { contactParts } from '../../reports/notification/values.js';
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
  contact: '0912 345 678, soc@tinh.example.vn',
  securityLevel: 3,
  actions: 'Cô lập máy chủ egov-vp khỏi Internet, thu thập nhật ký',
  proposal: 'Đề nghị hỗ trợ phân tích mã độc',
  now: inc.createdAt + 3_600_000,
};
// The closing report of the same incident, resolved.
const closed: Incident = { ...inc, state: 'resolved', resolvedAt: inc.createdAt + 2 * DAY };
const closing = {
  ...input,
  kind: 'followup' as const,
  result: 'Đã gỡ web shell, vá lỗ hổng tải tệp lên, đổi mật khẩu quản trị',
  previousReportAt: inc.createdAt + 3_600_000,
  now: inc.createdAt + 3 * DAY,
};

/** Every heading and label of a form, in the template's order (the text a reader meets going down the page). */
function formWords(t: FormTemplate, kind: 'initial' | 'followup'): string[] {
  const f = t.forms[kind];
  const out = [f.number!, f.heading];
  for (const s of f.sections) {
    if (s.title) out.push(s.title);
    for (const l of s.lines) out.push(...(l.label ? [l.label] : []), ...(l.choices ?? []).map((c) => c.label));
  }
  if (f.signature) out.push(f.signature.title);
  return out;
}

/** Asserts each word appears after the previous one; returns where each was found. */
function inOrder(text: string, words: string[]): number[] {
  const flat = text.replace(/\s+/g, ' ');
  let at = 0;
  return words.map((w) => {
    const i = flat.indexOf(w.replace(/\s+/g, ' '), at);
    if (i < 0) throw new Error(`'${w}' not found after position ${at}: …${flat.slice(at, at + 200)}…`);
    at = i + 1;
    return i;
  });
}

/** The text of a DOCX: each paragraph's runs, one paragraph a line. */
function docxText(file: string): string {
  const xml = execFileSync('unzip', ['-p', file, 'word/document.xml'], { encoding: 'utf8' });
  return xml
    .split('</w:p>')
    .map((p) => [...p.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''))
    .join('\n')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** The flat text following a label, up to `n` characters. */
function following(text: string, label: string, n = 60): string {
  const flat = text.replace(/\s+/g, ' ');
  const i = flat.indexOf(label);
  expect(i).toBeGreaterThanOrEqual(0);
  return flat.slice(i + label.length, i + label.length + n);
}

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
  it('the shipped template is Mẫu số 03 and Mẫu số 04 of Circular 20/2017, with its source', () => {
    const t = loadTemplate();
    expect(t.basis).toBe(
      'Ban hành kèm theo Thông tư số 20/2017/TT-BTTTT ngày 12/9/2017 của Bộ Thông tin và Truyền thông',
    );
    expect([t.forms.initial.number, t.forms.initial.heading]).toEqual(['Mẫu số 03', 'BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG']);
    expect([t.forms.followup.number, t.forms.followup.heading]).toEqual([
      'Mẫu số 04',
      'BÁO CÁO KẾT THÚC ỨNG PHÓ SỰ CỐ',
    ]);
    expect(t.forms.initial.sections.map((s) => s.title).filter(Boolean)).toEqual([
      'THÔNG TIN VỀ TỔ CHỨC/CÁ NHÂN BÁO CÁO SỰ CỐ',
      'NGƯỜI LIÊN HỆ',
      'THÔNG TIN CHI TIẾT VỀ HỆ THỐNG BỊ SỰ CỐ',
      'HIỆN TRẠNG SỰ CỐ (*)',
      'CÁCH THỨC PHÁT HIỆN *',
      'ĐÃ GỬI THÔNG BÁO SỰ CỐ CHO *',
      'THÔNG TIN BỔ SUNG VỀ HỆ THỐNG XẢY RA SỰ CỐ',
      'KIẾN NGHỊ, ĐỀ XUẤT HỖ TRỢ',
      'THỜI GIAN THỰC HIỆN BÁO CÁO SỰ CỐ *',
    ]);
    expect(t.forms.followup.sections.map((s) => s.title).filter(Boolean)).toEqual([
      'THÔNG TIN VỀ TỔ CHỨC/CÁ NHÂN BÁO CÁO SỰ CỐ',
      'KÝ HIỆU BÁO CÁO BAN ĐẦU SỰ CỐ',
      'THÔNG TIN CHI TIẾT VỀ HỆ THỐNG BỊ SỰ CỐ',
    ]);
  });

  it("Mẫu số 03's tick lists are the annex's items, in its order", () => {
    // From the annex of Circular 20/2017/TT-BTTTT (Phụ lục I, Mẫu số 03), a Word copy kept by the VNCERT portal's
    // developers: github.com/zggcd/ITT, 01.CongTTDT/01.Documents/bieu mau_tt20.doc (see tt20-2017.yml).
    const lists = Object.fromEntries(
      loadTemplate()
        .forms.initial.sections.flatMap((s) => s.lines.map((l) => [l.label || s.title, l.choices] as const))
        .filter(([, c]) => c)
        .map(([k, c]) => [k, c!.map((x) => x.label)]),
    );
    expect(lists).toEqual({
      'Phân loại cấp độ của hệ thống thông tin (nếu có)': [1, 2, 3, 4, 5].map((n) => `Cấp độ ${n}`),
      'HIỆN TRẠNG SỰ CỐ (*)': ['Đã được xử lý', 'Chưa được xử lý'],
      'CÁCH THỨC PHÁT HIỆN *': [
        'Qua hệ thống phát hiện xâm nhập',
        'Kiểm tra dữ liệu lưu lại (Log File)',
        'Nhận được thông báo từ:',
        'Khác, đó là',
      ],
      'ĐÃ GỬI THÔNG BÁO SỰ CỐ CHO *': [
        'Thành viên mạng lưới chịu trách nhiệm ứng cứu sự cố cho tổ chức, cá nhân',
        'ISP đang trực tiếp cung cấp dịch vụ',
        'Cơ quan điều phối',
      ],
      'Các dịch vụ có trên hệ thống': ['Web server', 'Mail server', 'Database server', 'Dịch vụ khác, đó là'],
      'Các biện pháp an toàn thông tin đã triển khai': [
        'Antivirus',
        'Firewall',
        'Hệ thống phát hiện xâm nhập',
        'Khác:',
      ],
      'Thông tin gửi kèm': ['Nhật ký hệ thống', 'Mẫu virus / mã độc', 'Khác:'],
      'Các thông tin cung cấp trong thông báo sự cố này đều phải được giữ bí mật:': ['Có', 'Không'],
    });
  });

  it('DOCX: both forms carry every heading and label in order, ticks follow the data, unknowns are blanks', () => {
    const t = loadTemplate();
    for (const [kind, incident, i] of [
      ['initial', inc, input],
      ['followup', closed, closing],
    ] as const) {
      const file = join(dir, `${kind}.docx`);
      writeFileSync(file, formDocx(t, incident, i));
      execFileSync('unzip', ['-tq', file]);
      const text = docxText(file);
      inOrder(text, formWords(t, kind));
      // The security level from the inventory ticks its box and no other.
      expect(text).toContain('☒ Cấp độ 3');
      for (const n of [1, 2, 4, 5]) expect(text).toContain(`☐ Cấp độ ${n}`);
      // Nobody told canhgac the address: a dotted blank for the person filling the form.
      expect(following(text, 'Địa chỉ (*)', BLANK.length + 1).trim()).toBe(BLANK);
      expect(text).toContain('Văn phòng UBND tỉnh');
      expect(text).toContain('Truy cập web shell');
      expect(text).toContain('T1505.003 Thành phần phần mềm máy chủ: Web shell');
      expect(text).toContain('02/12/2026');
      expect(text).toContain('14 giờ 00 phút');
    }
    const initial = docxText(join(dir, 'initial.docx'));
    // In progress: "not handled" ticked, not "handled"; found in the logs canhgac keeps; central log collection as
    // the "other" measure, written on its blank; nothing else decided.
    expect(initial).toContain('☒ Chưa được xử lý');
    expect(initial).toContain('☐ Đã được xử lý');
    expect(initial).toContain('☐ Qua hệ thống phát hiện xâm nhập');
    expect(initial).toContain('☒ Kiểm tra dữ liệu lưu lại (Log File)');
    expect(initial).toContain(`☐ Nhận được thông báo từ: ${BLANK}`);
    expect(initial).toContain('☐ Cơ quan điều phối');
    expect(initial).toContain('☒ Khác: giám sát an toàn thông tin, thu thập nhật ký tập trung');
    expect(initial).toContain('☐ Firewall');
    expect(initial).toContain(`☐ Khác: ${BLANK}`); // the attachments' "other", left for the officer
    expect(initial).toContain('☐ Có');
    expect(initial).toContain('☐ Không');
    expect(initial).toContain('Biện pháp ban đầu đã thực hiện: Cô lập máy chủ egov-vp khỏi Internet');
    expect(initial).toContain('Đề nghị hỗ trợ phân tích mã độc');
    // The contact as typed, split into the form's telephone and e-mail lines; the analyst is the contact, not the
    // signer: nothing is printed under the legal representative's signature.
    const contact = following(initial, 'NGƯỜI LIÊN HỆ', 400);
    expect(following(contact, 'Điện thoại (*)', 14).trim()).toBe('0912 345 678');
    expect(following(contact, 'Email (*)', 20).trim()).toBe('soc@tinh.example.vn');
    expect(initial.split('Trần Thị Lan')).toHaveLength(2);
    expect(following(initial, '(Ký tên, đóng dấu)', 30).trim()).toMatch(/^Chú thích/);
    const ticks = (s: string) => s.match(/☒/g)?.length ?? 0;
    // Level, state, found in the kept logs, central log collection: the only facts the data decides.
    expect(ticks(initial)).toBe(4);
    const final = docxText(join(dir, 'followup.docx'));
    expect(following(final, 'Ngày báo cáo', 12).trim()).toBe('02/12/2026');
    expect(final).toContain('Đã gỡ web shell, vá lỗ hổng tải tệp lên');
    expect(final).toContain('Trạng thái trên hệ thống giám sát: Đã xử lý xong lúc 4/12/2026 14:00.');
    expect(following(final, 'Số ký hiệu', BLANK.length + 1).trim()).toBe(BLANK);
  });

  it('the contact typed in one field gives the telephone and e-mail lines, or nothing it does not hold', () => {
    expect(contactParts('0912 345 678, soc@tinh.example.vn')).toEqual({
      contactPhone: '0912 345 678',
      contactEmail: 'soc@tinh.example.vn',
    });
    expect(contactParts('a@b.vn; c@d.vn')).toEqual({ contactEmail: 'a@b.vn, c@d.vn' });
    expect(contactParts('(024) 3825 1234')).toEqual({ contactPhone: '(024) 3825 1234' });
    expect(contactParts('anh Nam phòng CNTT')).toEqual({});
    expect(contactParts(undefined)).toEqual({});
  });

  it('DOCX: untrusted text stays text', () => {
    const file = join(dir, 'hostile.docx');
    writeFileSync(file, formDocx(loadTemplate(), { ...inc, title: 'x <w:p> & "y"', ruleId: 'custom' }, input));
    execFileSync('unzip', ['-tq', file]);
    const xml = execFileSync('unzip', ['-p', file, 'word/document.xml'], { encoding: 'utf8' });
    expect(xml).toContain('x &lt;w:p&gt; &amp; &quot;y&quot;');
    expect(formHtml(loadTemplate(), { ...inc, title: '<script>x</script>', ruleId: 'custom' }, input)).not.toContain(
      '<script>',
    );
  });

  it('an operator template replaces the shipped one; a bad line is refused with its file and line', () => {
    const file = join(dir, 'nd-2026.yml');
    writeFileSync(
      file,
      [
        'id: nd-2026',
        'title: Nghị định mới',
        'forms:',
        '  initial:',
        '    heading: MẪU MỚI BAN ĐẦU',
        '    sections:',
        '      - title: A',
        '        lines:',
        '          - { label: Đơn vị, field: agencyName }',
        '          - { label: Cấp độ, inline: true, choices: [{ label: Ba, when: "level:3" }, { label: Bốn, when: "level:4" }] }',
        '  followup: { heading: MẪU MỚI TIẾP THEO, sections: [{ title: B, lines: [{ label: Kết quả, field: result }] }] }',
      ].join('\n'),
    );
    const html = formHtml(loadTemplate(file), inc, input);
    expect(html).toContain('MẪU MỚI BAN ĐẦU');
    expect(html).toMatch(/☒<\/span> Ba/);
    expect(html).toMatch(/☐<\/span> Bốn/);
    const bad = (name: string, lines: string[]) => {
      writeFileSync(join(dir, name), lines.join('\n'));
      return () => loadTemplate(join(dir, name));
    };
    const head = [
      'id: x',
      'title: x',
      'forms:',
      '  followup: { heading: H, sections: [] }',
      '  initial:',
      '    heading: H',
    ];
    expect(
      bad('field.yml', [...head, '    sections:', '      - lines:', '          - { label: L, field: password }']),
    ).toThrow(/field\.yml:9: forms\.initial line 'L' names unknown field 'password'/);
    expect(
      bad('when.yml', [
        ...head,
        '    sections:',
        '      - lines:',
        '          - { label: L, choices: [{ label: C, when: "level:9" }] }',
      ]),
    ).toThrow(/when\.yml:9: .*level needs 1-5/);
    // A label with an unquoted comma inside { } splits into a second key: named, with the fix.
    expect(
      bad('comma.yml', [...head, '    sections:', '      - lines:', '          - { label: Tên, địa chỉ }']),
    ).toThrow(/comma\.yml:9: .*unknown key 'địa chỉ' \(a label with a comma needs quotes\)/);
    expect(
      bad('heading.yml', [
        'id: x',
        'title: x',
        'forms:',
        '  initial: { sections: [] }',
        '  followup: { heading: H, sections: [] }',
      ]),
    ).toThrow(/heading\.yml:4: forms\.initial needs a heading and sections/);
    try {
      bad('field.yml', [...head, '    sections:', '      - lines:', '          - { label: L, field: password }'])();
    } catch (err) {
      expect((err as { code?: string }).code).toBe('CANHGAC_ERR_CONFIG_INVALID');
    }
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
    'PDF of both forms: headings and labels in order, ticks as the data says; every page rendered to PNG',
    async () => {
      const t = loadTemplate();
      for (const [kind, incident, i] of [
        ['initial', inc, input],
        ['followup', closed, closing],
      ] as const) {
        // Kept beside the page images, for a person to open as the officer would.
        const file = join(shots, `notification-${kind}.pdf`);
        writeFileSync(file, await formPdf(t, incident, i));
        // -raw: the page's own order (the layout modes move a cell's hint below the next cell).
        const text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
        inOrder(text, formWords(t, kind));
        expect(text).toContain('☒ Cấp độ 3');
        expect(text).toContain('Truy cập web shell');
        expect(text).toContain(kind === 'initial' ? '☒ Chưa được xử lý' : 'Đã xử lý xong lúc 4/12/2026 14:00');
        for (const old of readdirSync(shots).filter((f) => f.startsWith(`notification-${kind}-`)))
          rmSync(join(shots, old));
        execFileSync('pdftoppm', ['-r', '80', '-png', file, join(shots, `notification-${kind}`)]);
        const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
        expect(readdirSync(shots).filter((f) => f.startsWith(`notification-${kind}-`))).toHaveLength(pages);
        // The signature block never stands alone at the top of a page: the form's last block goes with it.
        const sig = t.forms[kind].signature!.title;
        for (let p = 1; p <= pages; p++) {
          const page = execFileSync('pdftotext', ['-raw', '-f', String(p), '-l', String(p), file, '-'], {
            encoding: 'utf8',
          });
          expect(page.trim().startsWith(sig)).toBe(false);
        }
      }
    },
    90_000,
  );
});
