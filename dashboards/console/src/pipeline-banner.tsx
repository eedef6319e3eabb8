/**
 * The pipeline's health above every page (issue 11): a red banner while the pipeline is stalled (records wait and
 * nothing is committed), a note while records are quarantined, with the latest of them (raw text, untrusted:
 * control and bidi characters shown as escapes).
 */
import { useEffect, useState } from 'react';
import { api } from './api.js';
import { fmtDateTime } from './format.js';
import type { Key } from './i18n.js';

interface Status {
  stalled: boolean;
  commitAgeSeconds: number;
  quarantined: number;
}

interface Quarantined {
  id: string;
  source: string;
  quarantinedAt: string;
  reason: string;
  failures: number;
  data: string;
}

/** Control and bidi-override characters made visible (`\u202e`), so log text cannot reorder or hide itself. */
export function visible(s: string): string {
  return s.replace(
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Polls /api/v1/pipeline/status every 15 s; renders nothing while all is well. */
export function PipelineBanner({ t }: { t: (k: Key) => string }) {
  const [s, setS] = useState<Status | undefined>();
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Quarantined[]>([]);
  useEffect(() => {
    let live = true;
    const poll = () =>
      api<Status>('GET', '/api/v1/pipeline/status').then(
        (x) => live && setS(x),
        () => undefined,
      );
    void poll();
    const timer = setInterval(poll, 15_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  useEffect(() => {
    if (open)
      api<{ items: Quarantined[] }>('GET', '/api/v1/quarantine?limit=20').then(
        (r) => setItems(r.items),
        () => setItems([]),
      );
  }, [open]);
  if (!s || (!s.stalled && s.quarantined === 0)) return null;
  return (
    <div className="pipeline-banner" data-testid="pipeline-banner">
      {s.stalled ? (
        <p className="error" role="alert">
          <strong>{t('pipelineStalled')}</strong> {t('pipelineStalledHint').replace('{s}', String(s.commitAgeSeconds))}
        </p>
      ) : null}
      {s.quarantined > 0 ? (
        <p className="note">
          {t('quarantined').replace('{n}', String(s.quarantined))}{' '}
          <button type="button" className="link" onClick={() => setOpen(!open)} aria-expanded={open}>
            {open ? t('quarantineHide') : t('quarantineShow')}
          </button>
        </p>
      ) : null}
      {open && items.length > 0 ? (
        <table className="small quarantine">
          <thead>
            <tr>
              <th className="q">{t('quarantinedAt')}</th>
              <th className="q">{t('quarantineSource')}</th>
              <th className="q">{t('quarantineReason')}</th>
              <th className="q">{t('quarantineData')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((q) => (
              <tr key={q.id}>
                <td className="q nowrap">{fmtDateTime(Date.parse(q.quarantinedAt))}</td>
                <td className="q nowrap">{q.source}</td>
                <td className="q">{visible(q.reason)}</td>
                <td className="q">
                  <bdi className="raw">{visible(q.data.slice(0, 300))}</bdi>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
