/**
 * The pieces that keep triage from misfiring: the reason-and-category dialog for closing high and critical
 * incidents, and closings held back for a few seconds so they can be undone (sent to the API only after).
 */
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api.js';
import { term, useApp } from './i18n.js';
import { CATEGORIES, UNDO_SECONDS } from './triage.js';

/** A change waiting for its undo time to pass. */
interface Pending {
  ids: string[];
  to: string;
  label: string;
  deadline: number;
  run: () => Promise<void>;
}

/**
 * Holds one change at a time for UNDO_SECONDS; a second one sends the first at once. Leaving the page (unmount or
 * tab closed) sends what is pending: an undo window never loses an analyst's decision.
 */
export function usePendingChange(): {
  pending: Pending | undefined;
  hold: (p: Omit<Pending, 'deadline'>) => void;
  undo: () => void;
  now: number;
} {
  const [pending, setPending] = useState<Pending>();
  const [now, setNow] = useState(Date.now());
  const ref = useRef<Pending | undefined>(undefined);
  const flush = useCallback(() => {
    const p = ref.current;
    ref.current = undefined;
    setPending(undefined);
    if (p) void p.run();
  }, []);
  const hold = useCallback(
    (p: Omit<Pending, 'deadline'>) => {
      flush();
      const next = { ...p, deadline: Date.now() + UNDO_SECONDS * 1000 };
      ref.current = next;
      setPending(next);
      setNow(Date.now());
    },
    [flush],
  );
  const undo = useCallback(() => {
    ref.current = undefined;
    setPending(undefined);
  }, []);
  useEffect(() => {
    if (!pending) return;
    const h = setInterval(() => {
      setNow(Date.now());
      if (ref.current && Date.now() >= ref.current.deadline) flush();
    }, 250);
    return () => clearInterval(h);
  }, [pending, flush]);
  useEffect(() => {
    addEventListener('pagehide', flush);
    return () => {
      removeEventListener('pagehide', flush);
      flush();
    };
  }, [flush]);
  return { pending, hold, undo, now };
}

/** The bar under the actions: what is about to happen, a countdown and the undo button (also `u`). */
export function UndoBar({ pending, now, undo }: { pending: Pending | undefined; now: number; undo: () => void }) {
  const { t } = useApp();
  if (!pending) return null;
  const left = Math.max(0, Math.ceil((pending.deadline - now) / 1000));
  return (
    <div className="undo-bar" role="status" data-testid="undo-bar">
      <span>{pending.label}</span>
      <button type="button" onClick={undo} data-testid="undo">
        {t('undo')} ({left} s)
      </button>
    </div>
  );
}

/** Sends a state change (with its reason) for the given incidents through the bulk operation. */
export async function sendChange(
  ids: readonly string[],
  change: { state?: string; assignee?: string | null; reason?: string; category?: string },
): Promise<{ ok: number; failed: { id: string; message: string }[] }> {
  const r = await api<{ results: { id: string; ok: boolean; error?: { error: { message: string } } }[] }>(
    'POST',
    '/api/v1/incidents/bulk',
    { ids, ...change },
  );
  const failed = r.results.filter((x) => !x.ok).map((x) => ({ id: x.id, message: x.error?.error.message ?? '?' }));
  return { ok: r.results.length - failed.length, failed };
}

/** Asks why high or critical incidents are closed: a category (required) and a reason (required). */
export function ReasonDialog({
  to,
  count,
  onConfirm,
  onCancel,
}: {
  to: string;
  count: number;
  onConfirm: (reason: string, category: string) => void;
  onCancel: () => void;
}) {
  const { t } = useApp();
  const [reason, setReason] = useState('');
  const [category, setCategory] = useState('');
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    first.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onCancel();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [onCancel]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim() && category) onConfirm(reason.trim(), category);
  };
  return (
    <div className="modal-backdrop">
      <form className="panel modal" role="dialog" aria-modal="true" onSubmit={submit} data-testid="reason-dialog">
        <h2>{to === 'false_positive' ? t('fpWhy') : t('closeWhy')}</h2>
        <p className="muted small">
          {count} {t('incidentsHighCritical')}
        </p>
        <label>
          {t('category')}
          <select ref={first} value={category} onChange={(e) => setCategory(e.target.value)} data-testid="reason-cat">
            <option value="">—</option>
            {(CATEGORIES[to] ?? []).map((c) => (
              <option key={c} value={c}>
                {term(t, `cat_${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reason')}
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} data-testid="reason-text" />
        </label>
        <div className="actions">
          <button type="submit" disabled={!reason.trim() || !category} data-testid="reason-ok">
            {to === 'false_positive' ? t('markFalsePositive') : t('close')}
          </button>
          <button type="button" className="link" onClick={onCancel}>
            {t('cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
