/**
 * One value of an event's full record: `@timestamp` in local time (d/M/yyyy HH:mm:ss, Asia/Ho_Chi_Minh) with the
 * stored text on hover, every other value as untrusted text.
 */
import { fmtDateTimeSec } from './format.js';
import { LogText } from './ui.js';

/** A record's value for field `k`. */
export function RecordValue({ k, v }: { k: string; v: unknown }) {
  if (k === '@timestamp') {
    const ms = typeof v === 'number' ? v : Date.parse(String(v));
    if (Number.isFinite(ms))
      return (
        <time title={String(v)} data-testid="record-time">
          {fmtDateTimeSec(ms)}
        </time>
      );
  }
  return <LogText text={v} />;
}
