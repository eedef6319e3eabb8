/**
 * Response guides by ATT&CK tactic, shown for a rule that carries no `response:` of its own: what an analyst of a
 * provincial SOC checks first. A rule's own guide always comes first.
 */
import type { Lang } from './format.js';

const GUIDES: Record<string, { vi: string[]; en: string[] }> = {
  credential_access: {
    vi: [
      'Xác định tài khoản bị nhắm và địa chỉ nguồn; kiểm tra có lần đăng nhập thành công nào từ cùng nguồn không.',
      'Nếu có đăng nhập thành công: đổi mật khẩu, thu hồi phiên, kiểm tra hoạt động sau đăng nhập.',
      'Chặn địa chỉ nguồn ở tường lửa nếu không thuộc mạng của đơn vị.',
    ],
    en: [
      'Identify the targeted accounts and the source address; look for a successful login from the same source.',
      'After a successful login: reset the password, revoke sessions, review what the account did next.',
      'Block the source at the firewall when it is not one of the agency networks.',
    ],
  },
  initial_access: {
    vi: [
      'Xem các yêu cầu của cùng địa chỉ nguồn trước và sau (tìm kiếm theo source.ip).',
      'Kiểm tra mã trạng thái trả về: 200 nghĩa là có thể đã khai thác được.',
      'Nếu nghi khai thác thành công: cô lập máy chủ web, giữ log, báo đơn vị quản lý.',
    ],
    en: [
      'Look at what the same source sent before and after (search by source.ip).',
      'Check the status codes: a 200 may mean the request worked.',
      'If it may have worked: isolate the web server, keep its logs, tell the agency.',
    ],
  },
  privilege_escalation: {
    vi: [
      'Xác minh với quản trị viên của đơn vị xem thay đổi quyền có được phép không.',
      'Nếu không: vô hiệu hóa tài khoản, rà soát các thay đổi khác cùng thời điểm.',
    ],
    en: [
      'Ask the agency administrator whether the privilege change was authorised.',
      'If not: disable the account and review other changes made at the same time.',
    ],
  },
  persistence: {
    vi: [
      'Xác minh tài khoản hoặc dịch vụ mới tạo có theo yêu cầu hợp lệ không.',
      'Nếu không: xóa hoặc khóa, tìm các cơ chế duy trì khác trên máy.',
    ],
    en: [
      'Check that the new account or service was requested.',
      'If not: remove or lock it and look for other persistence on the host.',
    ],
  },
  defense_evasion: {
    vi: [
      'Việc xóa log hoặc tắt cơ chế bảo vệ thường đi sau một xâm nhập: xem các sự cố khác của cùng máy.',
      'Thu thập những log còn lại và cô lập máy nếu không có giải thích hợp lệ.',
    ],
    en: [
      'Clearing logs or turning defences off usually follows an intrusion: look at the host’s other incidents.',
      'Collect what logs remain and isolate the host when there is no legitimate explanation.',
    ],
  },
  execution: {
    vi: [
      'Đọc dòng lệnh đầy đủ và tiến trình cha; giải mã nội dung mã hóa nếu có.',
      'Nếu lệnh tải mã từ ngoài: chặn địa chỉ, cô lập máy, tìm máy khác liên lạc cùng địa chỉ.',
    ],
    en: [
      'Read the full command line and parent process; decode any encoded payload.',
      'If it downloads code: block the address, isolate the host, find other hosts that reached it.',
    ],
  },
  discovery: {
    vi: ['Xác định nguồn quét có thuộc đơn vị không (máy quét lỗ hổng được phép?).', 'Nếu từ ngoài: chặn nguồn.'],
    en: [
      'Check whether the scanning source belongs to the agency (an authorised scanner?).',
      'From outside: block it.',
    ],
  },
  impact: {
    vi: ['Đánh giá ảnh hưởng đến dịch vụ; báo ngay lãnh đạo đơn vị nếu dịch vụ công bị gián đoạn.'],
    en: ['Assess the service impact; tell the agency leadership at once if a public service is down.'],
  },
};

/** A response guide for a rule: its own steps, else the steps of its first tactic with a guide. */
export function guideFor(rule: { response: string[]; tags: string[] }, lang: Lang): string[] {
  if (rule.response.length) return rule.response;
  for (const tag of rule.tags) {
    const g = GUIDES[tag.replace(/^attack\./, '').replace(/-/g, '_')];
    if (g) return g[lang];
  }
  return [];
}
