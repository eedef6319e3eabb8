/**
 * The console's wording of the errors the API returns, in Vietnamese and English, with the same placeholders as
 * the catalogue's message (the API sends their values as `error.params`). Data only (no Node imports): the web
 * console bundles it. catalogue.test.ts checks that every code of the parts below has both and that their
 * placeholders are the catalogue's.
 */

/** One code's console wording. */
export interface ConsoleMessage {
  vi: string;
  en: string;
}

/** The codes the console can show, by code. */
export const CONSOLE_MESSAGES: Readonly<Record<string, ConsoleMessage>> = {
  CANHGAC_ERR_API_VALIDATION: { vi: 'Dữ liệu chưa hợp lệ: {reason}', en: 'The form is not valid: {reason}' },
  CANHGAC_ERR_API_BAD_JSON: { vi: 'Dữ liệu gửi lên không đọc được (JSON lỗi)', en: 'The data sent is not valid JSON' },
  CANHGAC_ERR_API_MEDIA_TYPE: {
    vi: 'Dữ liệu phải gửi dạng application/json',
    en: 'The data must be sent as application/json',
  },
  CANHGAC_ERR_API_TOO_LARGE: {
    vi: 'Dữ liệu gửi lên lớn hơn {limit} byte',
    en: 'The data sent is larger than {limit} bytes',
  },
  CANHGAC_ERR_API_UNAUTHENTICATED: {
    vi: 'Phiên đăng nhập đã hết, vui lòng đăng nhập lại',
    en: 'Your session has ended; please log in again',
  },
  CANHGAC_ERR_API_LOGIN_FAILED: { vi: 'Sai tên đăng nhập hoặc mật khẩu', en: 'Wrong username or password' },
  CANHGAC_ERR_API_LOCKED: {
    vi: 'Tài khoản đang bị khóa tạm thời do nhập sai nhiều lần; hãy thử lại sau hoặc nhờ quản trị viên mở khóa',
    en: 'The account is locked after repeated failures; try again later or ask an administrator to unlock it',
  },
  CANHGAC_ERR_API_FORBIDDEN: {
    // The action is the API's English wording (an operation id, a role name): not shown to the user.
    vi: 'Vai trò của bạn không được phép thực hiện thao tác này (hoặc dữ liệu thuộc đơn vị khác)',
    en: 'Your role may not do this (or it belongs to another agency)',
  },
  CANHGAC_ERR_API_CSRF: {
    vi: 'Phiên làm việc của trang đã cũ; hãy tải lại trang rồi thử lại',
    en: 'This page is out of date; reload it and try again',
  },
  CANHGAC_ERR_API_NOT_FOUND: {
    vi: 'Không tìm thấy {what} {id} (có thể đã bị xóa)',
    en: 'No {what} {id} (it may have been deleted)',
  },
  CANHGAC_ERR_API_NO_ROUTE: {
    vi: 'Máy chủ không có chức năng {method} {path} (phiên bản khác?)',
    en: 'The server has no {method} {path} (another version?)',
  },
  CANHGAC_ERR_API_EXISTS: { vi: '{what} {id} đã tồn tại', en: '{what} {id} already exists' },
  CANHGAC_ERR_API_RATE_LIMIT: {
    vi: 'Quá nhiều yêu cầu; hãy thử lại sau {retryAfter} giây',
    en: 'Too many requests; retry in {retryAfter} s',
  },
  CANHGAC_ERR_API_RULE_INVALID: { vi: 'Luật có {count} lỗi', en: 'The rule has {count} problem(s)' },
  CANHGAC_ERR_API_UNAVAILABLE: {
    vi: 'Máy chủ này chưa bật chức năng {what}',
    en: '{what} is not available on this server',
  },
  CANHGAC_ERR_API_INTERNAL: {
    vi: 'Lỗi hệ thống (mã tham chiếu {ref}); hãy báo quản trị viên kèm mã này',
    en: 'Internal error (reference {ref}); tell an administrator this reference',
  },
  CANHGAC_ERR_OIDC_CONFIG: {
    vi: 'Đăng nhập một lần (OIDC) cấu hình sai: {reason}',
    en: 'Single sign-on (OIDC) is misconfigured: {reason}',
  },
  CANHGAC_ERR_OIDC_STATE: {
    vi: 'Lượt đăng nhập này đã hết hạn hoặc bắt đầu ở trình duyệt khác; hãy đăng nhập lại',
    en: 'This sign-in expired or was started in another browser; start the sign-in again',
  },
  CANHGAC_ERR_OIDC_PROVIDER: {
    vi: 'Không dùng được hệ thống xác thực: {reason}',
    en: 'The identity provider could not be used: {reason}',
  },
  CANHGAC_ERR_OIDC_TOKEN: {
    vi: 'Mã xác thực từ hệ thống xác thực bị từ chối: {reason}',
    en: "The identity provider's ID token was refused: {reason}",
  },
  CANHGAC_ERR_OIDC_NO_ROLE: {
    vi: 'Tài khoản này chưa được gán vai trò trong Canh Gác (thuộc tính {claim})',
    en: 'This account has no canhgac role (claim {claim})',
  },
  CANHGAC_ERR_OIDC_DISABLED: {
    vi: 'Chưa cấu hình đăng nhập một lần',
    en: 'Single sign-on is not configured',
  },
  CANHGAC_ERR_INCIDENT_NOT_FOUND: { vi: 'Không tìm thấy sự cố {id}', en: 'No incident {id}' },
  CANHGAC_ERR_INCIDENT_TRANSITION: {
    vi: 'Sự cố không thể chuyển từ «{from}» sang «{to}»',
    en: 'An incident cannot go from {from} to {to}',
  },
  CANHGAC_ERR_INCIDENT_BUSY: {
    vi: 'Sự cố {id} đang được cập nhật liên tục; hãy thử lại',
    en: 'Incident {id} kept changing under this update; try again',
  },
  CANHGAC_ERR_INCIDENT_DISPOSITION: {
    vi: 'Kết luận «{verdict}» chưa hợp lệ: {problem}',
    en: 'Disposition {verdict}: {problem}',
  },
  CANHGAC_ERR_NOTIFY_DESTINATION: {
    vi: 'Địa chỉ nhận {url} bị từ chối: {reason} (mạng nội bộ chỉ được phép khi khai báo notify.allowPrivateDestinations)',
    en: 'Destination {url} refused: {reason} (private ranges need notify.allowPrivateDestinations)',
  },
  CANHGAC_ERR_NOTIFY_REDIRECT: {
    vi: 'Địa chỉ nhận trả về chuyển hướng (HTTP {status}); hãy nhập địa chỉ đích cuối cùng',
    en: 'The destination answered a redirect (HTTP {status}); give the final URL',
  },
  CANHGAC_ERR_NOTIFY_CHANNEL: { vi: 'Kênh {channel}: {reason}', en: 'Channel {channel}: {reason}' },
  CANHGAC_ERR_NOTIFY_DELIVERY: {
    vi: 'Kênh nhận từ chối thông báo: {reason}',
    en: 'The channel refused the delivery: {reason}',
  },
  CANHGAC_ERR_REPORT_PERIOD: {
    vi: '«{value}» không phải {kind} hợp lệ: cần dạng {expected}',
    en: "'{value}' is not a {kind}: expected {expected}",
  },
  CANHGAC_ERR_REPORT_BUSY: {
    vi: 'Đang có {waiting} báo cáo PDF chờ tạo; hãy thử lại sau',
    en: '{waiting} PDF reports are already waiting; try again later',
  },
  CANHGAC_ERR_REPORT_CHROMIUM: {
    vi: 'Không tạo được PDF: trình duyệt dựng báo cáo gặp lỗi',
    en: 'The PDF could not be made: the report browser failed',
  },
  CANHGAC_ERR_STORE_CONFLICT: {
    vi: 'Dữ liệu vừa được người khác sửa (phiên bản {expected} → {actual}); hãy tải lại rồi sửa tiếp',
    en: 'Someone changed this meanwhile (version {expected} → {actual}); reload and edit again',
  },
  CANHGAC_ERR_STORE_SCOPE: {
    vi: 'Dữ liệu {collection}/{id} thuộc đơn vị khác ({agencyId})',
    en: 'Document {collection}/{id} belongs to another agency ({agencyId})',
  },
  CANHGAC_ERR_STORE_INVALID: { vi: 'Yêu cầu dữ liệu không hợp lệ: {reason}', en: 'Invalid store request: {reason}' },
  CANHGAC_ERR_STORE_CURSOR: {
    vi: 'Vị trí trang không hợp lệ; hãy tải lại danh sách',
    en: 'Invalid paging position; reload the list',
  },
  CANHGAC_ERR_STORE_CLOSED: { vi: 'Kho dữ liệu đã đóng', en: 'The store is closed' },
  CANHGAC_ERR_STORE_UNAVAILABLE: {
    vi: 'Kho dữ liệu tạm thời không truy cập được: {reason}',
    en: 'The store is unavailable: {reason}',
  },
  CANHGAC_ERR_QUERY_SYNTAX: {
    vi: 'Câu truy vấn sai cú pháp ở cột {col}: {reason}',
    en: 'Query syntax error at column {col}: {reason}',
  },
  CANHGAC_ERR_QUERY_TOO_COMPLEX: { vi: 'Câu truy vấn quá phức tạp: {reason}', en: 'Query too complex: {reason}' },
  CANHGAC_ERR_HUNT_UNSUPPORTED: {
    vi: 'Không thể săn lại theo luật {rule}: {reasons}',
    en: 'Rule {rule} cannot be hunted: {reasons}',
  },
  CANHGAC_ERR_HUNT_RANGE: {
    vi: 'Khoảng thời gian săn lại không hợp lệ: {reason}',
    en: 'Invalid hunt time range: {reason}',
  },
};
