/**
 * A failed delivery (a notification channel's, an export's) as a sentence of its class in the user's language
 * (core/catalogue/delivery.ts), with the stored raw text behind "technical details": plain text, since it may be
 * a receiver's response body.
 */
import { classifyDeliveryError, type DeliveryPeer, deliveryErrorText } from '../../../core/catalogue/delivery.js';
import { useApp } from './i18n.js';
import { LogText } from './ui.js';

/** The sentence, and the raw text on demand. `status`: the HTTP status an export delivery recorded. */
export function DeliveryError({
  text,
  code,
  status,
  peer,
  raw = true,
}: {
  text?: string | undefined;
  code?: string;
  status?: number;
  /** 'source' for a feed fetched from ("Máy chủ nguồn tin …"). */
  peer?: DeliveryPeer;
  /** Whether the raw text is offered here (the banner leaves it to the channels page). */
  raw?: boolean;
}) {
  const { t, lang } = useApp();
  const c = classifyDeliveryError(text, code, status);
  return (
    <span className="delivery-error" data-kind={c.kind}>
      <span data-testid="delivery-error">{deliveryErrorText(c, lang, peer)}</span>
      {text && raw ? (
        <details className="raw-error">
          <summary>{t('technicalDetails')}</summary>
          <code className="raw-error-text" data-testid="raw-error">
            <LogText text={text} />
          </code>
        </details>
      ) : null}
    </span>
  );
}
