/**
 * Server errors as the console shows them: the catalogue's wording in Vietnamese or English filled from the
 * error's params (real API answers from the fixture), the field of a body error by its label, never "body/…".
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiError } from '../../dashboards/console/src/api-error.js';
import { reasonText, translateError } from '../../dashboards/console/src/error-text.js';
import { type Fixture, startFixture } from '../kit/api.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
}, 30_000);
afterAll(async () => {
  await f?.close();
});

/** The API's answer as the console's api() would throw it. */
async function thrown(method: string, path: string, key: string, body?: unknown): Promise<ApiError> {
  const r = await f.call(method, path, { key, ...(body !== undefined ? { body } : {}) });
  const e = (
    r.body as {
      error: { code: string; message: string; details?: Record<string, unknown>; params?: Record<string, unknown> };
    }
  ).error;
  return new ApiError(r.status, e.code, e.message, e.details ?? {}, e.params ?? {});
}

describe('server errors in the console', () => {
  it('a body field error names the field in the language', async () => {
    const e = await thrown('PUT', '/api/v1/settings', f.keys.admin!, { values: { retentionDays: 0 } });
    expect(translateError(e, 'vi')).toBe('Dữ liệu chưa hợp lệ: Số ngày lưu sự kiện: phải từ 1 trở lên');
    expect(translateError(e, 'en')).toBe('The form is not valid: Days events are kept: must be at least 1');
    const sla = await thrown('PUT', '/api/v1/settings', f.keys.admin!, {
      values: { sla: { critical: { ackMinutes: 0 } } },
    });
    expect(translateError(sla, 'vi')).toContain('Nghiêm trọng · Hạn tiếp nhận (phút): phải từ 1 trở lên');
  });

  it('forbidden and not found are worded with their params', async () => {
    const forbidden = await thrown('POST', '/api/v1/users', f.keys.agency_admin_a!, {
      username: 'x.y',
      password: 'mat-khau-dai-du-12',
      role: 'admin',
    });
    expect(translateError(forbidden, 'vi')).toBe(
      'Vai trò của bạn không được phép thực hiện thao tác này (hoặc dữ liệu thuộc đơn vị khác)',
    );
    const missing = await thrown('DELETE', '/api/v1/suppressions/khong-co', f.keys.admin!);
    expect(translateError(missing, 'vi')).toBe('Không tìm thấy quy tắc tạm ẩn khong-co (có thể đã bị xóa)');
  });

  it('reasons of every shape stay readable', () => {
    expect(reasonText('body/expiresAt is in the past', 'vi')).toBe('Hết hạn lúc: đã ở quá khứ');
    expect(reasonText("body must have required property 'reason'", 'vi')).toBe('Dữ liệu: thiếu Lý do');
    expect(reasonText('body/settings/to/0 must match format "email"', 'en')).toBe(
      'Recipient e-mail addresses: is not a valid e-mail address',
    );
    expect(reasonText('something else entirely', 'vi')).toBe('something else entirely');
  });
});
