import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpIntakeConfig } from './config.js';

/** sha256 hex of an API key, the only form in which keys are kept. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Takes the presented key out of the forms agents use: Bearer, ApiKey base64(id:key), Basic (password). */
export function presentedKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const sp = header.indexOf(' ');
  if (sp < 0) return undefined;
  const scheme = header.slice(0, sp).toLowerCase();
  const value = header.slice(sp + 1).trim();
  if (scheme === 'bearer') return value || undefined;
  if (scheme === 'apikey' || scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // Beats send ApiKey base64(id:key); Fluent Bit sends Basic base64(user:password): the secret is after the colon.
    return colon >= 0 ? decoded.slice(colon + 1) || undefined : decoded || undefined;
  }
  return undefined;
}

/** Looks a presented key up by its hash; constant-time comparison of the hashes. */
export function agencyForKey(config: Pick<HttpIntakeConfig, 'apiKeys'>, key: string | undefined): string | undefined {
  if (!key) return undefined;
  const h = Buffer.from(hashApiKey(key), 'hex');
  for (const entry of config.apiKeys) {
    const e = Buffer.from(entry.sha256, 'hex');
    if (e.length === h.length && timingSafeEqual(e, h)) return entry.agency;
  }
  return undefined;
}
