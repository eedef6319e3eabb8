/**
 * The six-monthly report's appendix in the table of Mẫu số 05 of Circular 20/2017/TT-BTTTT ("BÁO CÁO TỔNG HỢP
 * [06 THÁNG/01 NĂM] VỀ HOẠT ĐỘNG TIẾP NHẬN VÀ XỬ LÝ SỰ CỐ"): the incidents opened in the period, by the form's kinds of
 * incident/attack. canhgac fills what its data holds: the number of each kind (by the ATT&CK techniques of the
 * incident, the template's `summary.kinds`) and how many of them are closed as handled; who handled them (the
 * agency alone, other organisations, foreign ones, VNCERT) and the estimated damage are not in the data, so those
 * columns, the lists of helping organisations and the proposals stay dotted blanks for the agency to complete.
 * Incidents judged false positives and silent-host notices are not incidents of the form and are left out (said so
 * under the table).
 */
import { SILENT_HOST_RULE } from '../../incidents/silent-hosts.js';
import type { Incident } from '../../incidents/types.js';
import { escapeHtml as e } from '../../notify/templates.js';
import type { Language } from '../../notify/types.js';
import { agencyScope, type DocFilter, type Scope, type Stores } from '../../store/types.js';
import { localDate } from '../period.js';
import { BLANK } from './render.js';
import type { FormTemplate, SummaryDef } from './template.js';

/** The appendix's figures. */
export interface Form05 {
  from: number;
  /** Exclusive end of what was counted (the report's "as of"). */
  to: number;
  agencyName?: string;
  rows: { label: string; count: number; resolved: number }[];
  total: number;
  resolved: number;
  /** Left out: judged false positives, silent-host notices. */
  falsePositives: number;
  silentHosts: number;
}

/** Which row of the form an incident is: the one kind its techniques name, "combined" for two or more, else "other". */
export function kindOf(attack: readonly string[], kinds: SummaryDef['kinds']): number {
  const techniques = attack.map((a) => a.toLowerCase().replace(/^attack\./, '')).filter((a) => /^t\d{4}/.test(a));
  const hit = new Set<number>();
  kinds.forEach((k, i) => {
    if (k.attack?.some((p) => techniques.some((t) => t === p || t.startsWith(`${p}.`)))) hit.add(i);
  });
  if (hit.size === 1) return [...hit][0]!;
  const combined = kinds.findIndex((k) => k.combined);
  const other = kinds.findIndex((k) => k.other);
  return hit.size > 1 && combined >= 0 ? combined : other >= 0 ? other : kinds.length - 1;
}

/** Counts the incidents opened in [from, to) in the scope (one agency's when given) by the form's kinds. */
export async function buildForm05(
  stores: Stores,
  t: FormTemplate,
  req: { scope: Scope; agencyId?: string; agencyName?: string; from: number; to: number },
): Promise<Form05 | undefined> {
  const def = t.summary;
  if (!def) return undefined;
  let scope = req.scope;
  const filter: DocFilter = req.agencyId !== undefined ? { agencyId: req.agencyId } : {};
  if (req.agencyId !== undefined && scope.kind === 'all') scope = agencyScope(req.agencyId);
  const rows = def.kinds.map((k) => ({ label: k.label, count: 0, resolved: 0 }));
  const out: Form05 = {
    from: req.from,
    to: req.to,
    ...(req.agencyName ? { agencyName: req.agencyName } : {}),
    rows,
    total: 0,
    resolved: 0,
    falsePositives: 0,
    silentHosts: 0,
  };
  const col = stores.state.collection<Incident>('incidents');
  for (let after: string | undefined, done = false; !done; ) {
    const page = await col.list(scope, {
      filter,
      sort: { field: 'createdAt', order: 'desc' },
      size: 500,
      ...(after ? { after } : {}),
    });
    for (const i of page.docs) {
      if (i.createdAt < req.from) {
        done = true;
        break;
      }
      if (i.createdAt >= req.to) continue;
      if (i.ruleId === SILENT_HOST_RULE) out.silentHosts++;
      else if (i.state === 'false_positive') out.falsePositives++;
      else {
        const r = rows[kindOf(i.attack, def.kinds)]!;
        r.count++;
        out.total++;
        if (i.state === 'resolved') {
          r.resolved++;
          out.resolved++;
        }
      }
    }
    after = page.next;
    if (!after) done = true;
  }
  return out;
}

const CELL = 'border:1px solid #555;padding:3px 5px;vertical-align:top';

/** The appendix as an HTML section (the form is Vietnamese whatever the report's language; a caption in English). */
export function form05Html(m: Form05, t: FormTemplate, lang: Language, target: 'email' | 'pdf'): string {
  const def = t.summary!;
  const a = localDate(m.from);
  const b = localDate(m.to - 1);
  const blank = `<span style="color:#555">……</span>`;
  const head = def.columns.map((c) => `<th style="${CELL};font-weight:normal;text-align:center">${e(c)}</th>`).join('');
  const body = m.rows
    .map(
      (r) =>
        `<tr><td style="${CELL}">${e(r.label)}</td><td style="${CELL};text-align:right">${r.count}</td>${[...Array(def.columns.length - 2)].map(() => `<td style="${CELL};text-align:center">${blank}</td>`).join('')}</tr>`,
    )
    .join('');
  const total = `<tr><td style="${CELL}"><b>Tổng số</b></td><td style="${CELL};text-align:right"><b>${m.total}</b></td>${[...Array(def.columns.length - 2)].map(() => `<td style="${CELL};text-align:center">${blank}</td>`).join('')}</tr>`;
  const handled = m.rows
    .filter((r) => r.count > 0)
    .map((r) => `${e(r.label.toLowerCase())} ${r.resolved}/${r.count}`)
    .join('; ');
  const note = [
    `Số lượng: các sự cố mở trong kỳ trên hệ thống giám sát, xếp loại theo kỹ thuật tấn công MITRE ATT&CK của sự cố (cách xếp loại của canhgac, ghi trong tệp mẫu tt20-2017.yml); sự cố có từ hai loại trở lên tính là tấn công tổng hợp, không thuộc loại nào tính là hình thức khác.`,
    `Đã xử lý xong trên hệ thống giám sát: ${m.resolved}/${m.total} sự cố${handled ? ` (${handled})` : ''}.`,
    `Không tính ${m.falsePositives} sự cố được đánh giá là cảnh báo nhầm và ${m.silentHosts} thông báo máy ngừng gửi nhật ký.`,
    'Các cột về đơn vị xử lý (tự xử lý, tổ chức khác, tổ chức nước ngoài, đề nghị VNCERT hỗ trợ) và thiệt hại ước tính không có trong dữ liệu giám sát: đơn vị điền trước khi gửi.',
  ];
  const sig = def.signature
    ? `<table style="width:100%;font-size:12px;margin-top:14px;border-collapse:collapse;page-break-inside:avoid"><tr><td style="width:50%"></td><td style="text-align:center"><i>……, ngày …. tháng …. năm ……</i><br><b>${e(def.signature.title)}</b>${def.signature.note ? `<br><i>${e(def.signature.note)}</i>` : ''}</td></tr></table>`
    : '';
  return `<div style="${target === 'pdf' ? 'page-break-before:always;break-before:page;' : 'margin-top:24px;'}font-size:12.5px">
<h2 style="font-size:15px;color:#0d3b66;margin:0 0 6px">${lang === 'vi' ? 'Phụ lục' : 'Appendix'}: ${e(def.number ?? '')} ${e(t.title)}</h2>
${lang === 'vi' ? '' : '<p style="font-size:12px;margin:0 0 6px">The summary form of Circular 20/2017/TT-BTTTT, in Vietnamese as it is sent.</p>'}
<table style="width:100%;border-collapse:collapse;font-size:11.5px"><tr><td style="width:45%"></td><td style="border:1px solid #333;padding:4px 8px;text-align:center"><b>${e(def.number ?? '')}</b>${t.basis ? `<br><i>${e(t.basis)}</i>` : ''}</td></tr></table>
<p style="text-align:center;margin:10px 0 2px"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b></p>
${def.recipient ? `<p style="text-align:center;margin:6px 0">Kính gửi: <b>${e(def.recipient)}</b></p>` : ''}
<p style="text-align:center;margin:8px 0"><b>${e(def.heading)}</b></p>
<p style="margin:3px 0">Từ tháng ${a.month}/${a.year} đến tháng ${b.month}/${b.year}</p>
<p style="margin:3px 0">Tên cơ quan/tổ chức: ${m.agencyName ? e(m.agencyName) : BLANK}</p>
<p style="margin:3px 0">Địa chỉ: ${BLANK}</p>
<p style="margin:3px 0">Mã thành viên mạng lưới: ${BLANK}</p>
<p style="margin:8px 0 3px">1. Số lượng sự cố và cách thức xử lý</p>
<table style="width:100%;border-collapse:collapse;font-size:11.5px;page-break-inside:avoid"><tr>${head}</tr>${body}${total}</table>
<div style="font-size:11px;font-style:italic;margin:4px 0 8px">${note.map((n) => `<div>${e(n)}</div>`).join('')}</div>
${(def.sections ?? []).map((s) => `<p style="margin:6px 0 2px">${e(s)}</p><p style="margin:2px 0">${BLANK}${BLANK}</p>`).join('')}
${sig}
</div>`;
}
