/**
 * Why a delivery failed, in words: the stored error of a notification channel or an export delivery is the raw
 * text of whatever failed (Node's "connect ECONNREFUSED", nodemailer's "Invalid login: 535 5.7.8 …", a receiver's
 * response body), English and sometimes cryptic. The console shows a sentence of its class in the user's language
 * and keeps the raw text behind "technical details". Data and a pure function (no Node import): the console
 * bundles it. The raw text is untrusted (a receiver's body): it is classified, never interpreted otherwise.
 */

/** The classes of delivery failure. */
export type DeliveryErrorKind =
  | 'refused'
  | 'timeout'
  | 'dns'
  | 'tls'
  | 'auth'
  | 'http_client'
  | 'http_server'
  | 'smtp'
  | 'destination'
  | 'redirect'
  | 'settings'
  | 'unknown';

/** A classified failure: its kind and the HTTP status or SMTP code it names. */
export interface DeliveryErrorClass {
  kind: DeliveryErrorKind;
  /** HTTP status (http_client, http_server, redirect, auth over HTTP). */
  status?: number;
  /** SMTP reply code (smtp, auth over SMTP). */
  smtp?: number;
}

/** The sentence of each class ({status}: the HTTP status, {code}: the SMTP code). */
export const DELIVERY_ERROR_TEXT: Readonly<Record<DeliveryErrorKind, { vi: string; en: string }>> = {
  refused: {
    vi: 'Máy nhận từ chối hoặc ngắt kết nối (dịch vụ không chạy, sai cổng hoặc bị tường lửa chặn)',
    en: 'The receiver refused or dropped the connection (service down, wrong port or a firewall)',
  },
  timeout: {
    vi: 'Máy nhận không trả lời trong thời gian chờ',
    en: 'The receiver did not answer in time',
  },
  dns: {
    vi: 'Không tìm thấy tên máy nhận (DNS): tên sai hoặc máy chủ DNS không trả lời',
    en: "The receiver's name was not found (DNS): a wrong name or no DNS answer",
  },
  tls: {
    vi: 'Lỗi chứng chỉ hoặc kết nối bảo mật TLS (chứng chỉ tự ký, hết hạn hoặc cấp cho tên khác)',
    en: 'TLS or certificate problem (self-signed, expired or issued for another name)',
  },
  auth: {
    vi: 'Máy nhận từ chối xác thực (sai tài khoản, mật khẩu hoặc token)',
    en: 'The receiver refused the credentials (wrong account, password or token)',
  },
  http_client: {
    vi: 'Máy nhận từ chối yêu cầu với mã HTTP {status} (kiểm tra địa chỉ và cấu hình kênh)',
    en: 'The receiver refused the request with HTTP {status} (check the address and the channel settings)',
  },
  http_server: {
    vi: 'Máy nhận gặp lỗi, trả mã HTTP {status} (lỗi phía máy nhận)',
    en: 'The receiver failed with HTTP {status} (an error on its side)',
  },
  smtp: {
    vi: 'Máy chủ thư từ chối thư (mã SMTP {code})',
    en: 'The mail server refused the message (SMTP {code})',
  },
  destination: {
    vi: 'Địa chỉ nhận không được phép (mạng nội bộ hoặc địa chỉ cục bộ)',
    en: 'The destination is not allowed (a private or local address)',
  },
  redirect: {
    vi: 'Địa chỉ nhận trả về chuyển hướng (HTTP {status}); hãy nhập địa chỉ đích cuối cùng',
    en: 'The destination answered a redirect (HTTP {status}); give the final address',
  },
  settings: {
    vi: 'Cấu hình kênh chưa đủ hoặc chưa đúng (địa chỉ, người nhận, token hoặc máy chủ thư)',
    en: 'The channel settings are incomplete or wrong (address, recipients, token or mail server)',
  },
  unknown: {
    vi: 'Gửi không thành công (lỗi chưa phân loại; xem chi tiết kỹ thuật)',
    en: 'Delivery failed (an unclassified error; see the technical details)',
  },
};

const TLS =
  /certificate|\bcert_|self[- ]signed|altname|unable to (?:verify|get)|\btls\b|\bssl\b|handshake|wrong version number|err_ssl|depth_zero/i;
const DNS = /enotfound|eai_again|eai_noname|getaddrinfo|name or service not known|no such host|nxdomain|queryA\s+E/i;
const TIMEOUT = /etimedout|esockettimedout|timed? ?out|did not answer within|greeting never received/i;
const REFUSED =
  /econnrefused|connection refused|econnreset|socket hang up|ehostunreach|enetunreach|epipe|connection closed|ECONNABORTED/i;
const AUTH = /\beauth\b|invalid login|authentication (?:failed|required|unsuccessful)|unauthori[sz]ed|\b53[045]\b/i;
const HTTP = /\bHTTP[ /]?(?:\d\.\d )?(\d{3})\b/i;
const SMTP = /(?:^|[\s:])([45]\d\d)[ -](?:[245]\.\d{1,3}\.\d{1,3}\b|[A-Za-z<])/;

/**
 * The class of a failure from its stored text, its catalogue code if it had one, and the HTTP status if the
 * caller recorded one (an export delivery does; a notification keeps it in its text).
 */
export function classifyDeliveryError(text: string | undefined, code?: string, status?: number): DeliveryErrorClass {
  const s = String(text ?? '').slice(0, 2000);
  const httpStatus = status !== undefined && status >= 300 ? status : Number(HTTP.exec(s)?.[1] ?? 0) || undefined;
  if (code === 'CANHGAC_ERR_NOTIFY_DESTINATION') return { kind: 'destination' };
  if (code === 'CANHGAC_ERR_NOTIFY_REDIRECT' || (httpStatus !== undefined && httpStatus < 400))
    return { kind: 'redirect', ...(httpStatus ? { status: httpStatus } : {}) };
  if (code === 'CANHGAC_ERR_NOTIFY_CHANNEL') return { kind: 'settings' };
  if (httpStatus !== undefined) {
    if (httpStatus === 401 || httpStatus === 403) return { kind: 'auth', status: httpStatus };
    return { kind: httpStatus >= 500 ? 'http_server' : 'http_client', status: httpStatus };
  }
  if (TLS.test(s)) return { kind: 'tls' };
  if (DNS.test(s)) return { kind: 'dns' };
  if (TIMEOUT.test(s)) return { kind: 'timeout' };
  if (REFUSED.test(s)) return { kind: 'refused' };
  const smtp = Number(SMTP.exec(s)?.[1] ?? 0) || undefined;
  if (AUTH.test(s)) return { kind: 'auth', ...(smtp ? { smtp } : {}) };
  if (smtp !== undefined || /\bE(?:ENVELOPE|MESSAGE|PROTOCOL)\b/.test(s))
    return { kind: 'smtp', ...(smtp ? { smtp } : {}) };
  return { kind: 'unknown' };
}

/** Who is at the other end: a receiver (notifications, exports) or a source fetched from (threat-intel feeds). */
export type DeliveryPeer = 'receiver' | 'source';

/** The sentence of a failure in a language (the raw text stays with the caller, shown on demand). */
export function deliveryErrorText(c: DeliveryErrorClass, lang: 'vi' | 'en', peer: DeliveryPeer = 'receiver'): string {
  let s = DELIVERY_ERROR_TEXT[c.kind][lang];
  // Without the number, the sentence leaves its parenthesis or clause out rather than showing a placeholder.
  if (c.smtp === undefined) s = s.replace(/ \([^)]*\{code\}\)/, '');
  if (c.status === undefined) s = s.replace(/ \([^)]*\{status\}\)|,? [^,;(]*\{status\}/, '');
  if (peer === 'source')
    s = s
      .replace(/^Máy nhận/, 'Máy chủ nguồn tin')
      .replace(/máy nhận/g, 'máy chủ nguồn tin')
      .replace(/The receiver's/, "The feed server's")
      .replace(/^The receiver/, 'The feed server')
      .replace(/its own error|an error on its side/, 'an error on its side');
  return s.replace('{status}', String(c.status)).replace('{code}', String(c.smtp));
}
