/**
 * Whether anyone hears about incidents, above every page: a red banner while no enabled channel is named by a
 * route that reaches the caller's agency (a fresh install notifies nobody), a note while channels' last delivery
 * failed; both link to the channels page (for those who may change it).
 */
import { type MouseEvent, useEffect, useState } from 'react';
import { api } from './api.js';
import { DeliveryError } from './delivery-error.js';
import { fmtDateTime } from './format.js';
import type { Key } from './i18n.js';

interface Status {
  configured: boolean;
  channels: number;
  routes: number;
  failing: {
    channelId: string;
    name: string;
    type: string;
    failedAt: number;
    failures: number;
    /** The raw error and its code, for the callers the channel belongs to. */
    error?: string;
    code?: string;
  }[];
}

const MANAGES = new Set(['admin', 'agency_admin']);

/** Polls /api/v1/notify/status every 30 s (and when the page changes). */
export function NotifyBanner({
  t,
  role,
  path,
  navigate,
}: {
  t: (k: Key) => string;
  role: string;
  path: string;
  navigate: (to: string) => void;
}) {
  const [s, setS] = useState<Status | undefined>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a page change re-reads (a channel just made or fixed)
  useEffect(() => {
    let live = true;
    const poll = () =>
      api<Status>('GET', '/api/v1/notify/status').then(
        (x) => live && setS(x),
        () => undefined,
      );
    void poll();
    const timer = setInterval(poll, 30_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [path]);
  if (!s || (s.configured && s.failing.length === 0)) return null;
  const link = MANAGES.has(role) ? (
    <a
      href="/admin/channels"
      onClick={(e: MouseEvent) => {
        e.preventDefault();
        navigate('/admin/channels');
      }}
    >
      {s.configured ? t('seeChannels') : t('noNotifyLink')} →
    </a>
  ) : null;
  return (
    <div className="notify-banner" data-testid="notify-banner">
      {!s.configured ? (
        <p className="error" role="alert">
          <strong>{t('noNotifyBanner')}</strong>
          {link}
        </p>
      ) : (
        <div className="note" role="status">
          <strong>⚠ {t('failingBanner')}</strong>{' '}
          {s.failing.map((f, i) => (
            <span key={f.channelId} className="failing-channel" data-testid="failing-channel">
              {i > 0 ? '; ' : ''}
              {f.name} ({fmtDateTime(f.failedAt)})
              {f.error !== undefined ? (
                <>
                  {': '}
                  <DeliveryError text={f.error} raw={false} {...(f.code ? { code: f.code } : {})} />
                </>
              ) : null}
            </span>
          ))}{' '}
          {link}
        </div>
      )}
    </div>
  );
}
