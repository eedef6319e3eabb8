/**
 * The analyst's verdict on an incident (true positive, benign, false positive with a category; a note and the
 * minutes it took): shown to everyone who reads the incident, set by those who may work it. Saved with
 * PUT /api/v1/incidents/:id/disposition; the noise report and `canhgac rules tune` read it.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { api, type Incident } from '../api.js';
import { fmtDateTime, useApp } from '../i18n.js';
import { CATEGORIES, categoryLabel, tuningWords, verdictLabel } from '../tuning-words.js';
import { ErrorBox, Panel } from '../ui.js';

const VERDICTS = ['true_positive', 'benign', 'false_positive'] as const;

/** The disposition panel of the incident page. */
export function DispositionPanel({
  incident,
  canWrite,
  onSaved,
}: {
  incident: Incident;
  canWrite: boolean;
  onSaved: () => void;
}) {
  const { lang } = useApp();
  const w = tuningWords(lang);
  const d = incident.disposition;
  const [verdict, setVerdict] = useState(d?.verdict ?? '');
  const [category, setCategory] = useState(d?.category ?? '');
  const [note, setNote] = useState(d?.note ?? '');
  const [minutes, setMinutes] = useState(d?.minutes === undefined ? '' : String(d.minutes));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [savedAt, setSavedAt] = useState<number>();
  // Another analyst's verdict arriving with a reload replaces the form's (the form is not being edited then).
  useEffect(() => {
    setVerdict(d?.verdict ?? '');
    setCategory(d?.category ?? '');
    setNote(d?.note ?? '');
    setMinutes(d?.minutes === undefined ? '' : String(d.minutes));
  }, [d?.verdict, d?.category, d?.note, d?.minutes]);

  const cats = verdict ? (CATEGORIES[verdict] ?? []) : [];
  const needsCategory = verdict === 'false_positive' && !category;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!verdict || needsCategory) return;
    setBusy(true);
    setError(undefined);
    try {
      const mins = minutes.trim() === '' ? undefined : Number(minutes);
      await api('PUT', `/api/v1/incidents/${encodeURIComponent(incident.id)}/disposition`, {
        verdict,
        ...(category ? { category } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(mins !== undefined && Number.isFinite(mins) ? { minutes: mins } : {}),
        version: incident.version,
      });
      setSavedAt(Date.now());
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel title={w.disposition} className="disposition">
      <p data-testid="disposition-current">
        {d ? (
          <>
            <strong className={`verdict verdict-${d.verdict}`}>{verdictLabel(lang, d.verdict)}</strong>
            {d.category ? ` · ${categoryLabel(lang, d.category)}` : ''}
            {d.minutes !== undefined ? ` · ${d.minutes} ${lang === 'en' ? 'min' : 'phút'}` : ''}
            <span className="muted">
              {' '}
              ({w.judgedBy} {d.by.replace(/^user:/, '')}, {fmtDateTime(d.at)})
            </span>
            {d.note ? <span className="disposition-note">{d.note}</span> : null}
          </>
        ) : (
          <span className="muted">{w.notJudged}</span>
        )}
      </p>
      {canWrite ? (
        <form onSubmit={submit} className="disposition-form" data-testid="disposition-form">
          <fieldset>
            <legend>{w.verdict}</legend>
            {VERDICTS.map((v) => (
              <label key={v} className="radio">
                <input
                  type="radio"
                  name="verdict"
                  value={v}
                  checked={verdict === v}
                  onChange={() => {
                    setVerdict(v);
                    if (category && !(CATEGORIES[v] ?? []).includes(category)) setCategory('');
                  }}
                  data-testid={`verdict-${v}`}
                />
                {verdictLabel(lang, v)}
              </label>
            ))}
          </fieldset>
          <label>
            {w.category}
            <select
              value={category}
              onChange={(e) => setCategory(e.target.value)}
              disabled={!verdict}
              aria-invalid={needsCategory}
              data-testid="disposition-category"
            >
              <option value="">—</option>
              {cats.map((c) => (
                <option key={c} value={c}>
                  {categoryLabel(lang, c)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {w.minutes}
            <input
              type="number"
              min={0}
              max={10000}
              value={minutes}
              onChange={(e) => setMinutes(e.target.value)}
              className="minutes"
              data-testid="disposition-minutes"
            />
          </label>
          <label className="grow">
            {w.note}
            <input type="text" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button type="submit" disabled={busy || !verdict || needsCategory} data-testid="disposition-save">
            {w.save}
          </button>
          {needsCategory ? <span className="hint warn">{w.categoryNeeded}</span> : null}
          {savedAt && !error ? <span className="hint ok">{w.saved}</span> : null}
        </form>
      ) : null}
      <ErrorBox error={error} />
    </Panel>
  );
}
