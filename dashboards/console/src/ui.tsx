/** Small shared pieces: data loading, error boxes, text highlighting and SVG charts (classes only, no style). */
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type Bucket } from './api.js';
import { translateError } from './error-text.js';
import type { Lang } from './format.js';
import { parseDateTime, useApp } from './i18n.js';
import { textPieces } from './untrusted.js';

/** Loads data with `load`, again when `deps` change and every `pollMs` when set. */
export function useData<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  pollMs?: number,
): { data: T | undefined; error: unknown; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's
  useEffect(() => {
    let live = true;
    loadRef.current().then(
      (d) => {
        if (live) {
          setData(d);
          setError(undefined);
        }
      },
      (e) => {
        if (live) setError(e);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  useEffect(() => {
    if (!pollMs) return;
    const h = setInterval(() => setTick((n) => n + 1), pollMs);
    return () => clearInterval(h);
  }, [pollMs]);
  return { data, error, reload: useCallback(() => setTick((n) => n + 1), []) };
}

/** An error as a short text in the language (the catalogue's console wording; the API's message otherwise). */
export function errorText(e: unknown, lang: Lang = 'vi'): string {
  return translateError(e, lang);
}

/** A red box with an error in the user's language; the code stays visible (small) for support. */
export function ErrorBox({ error }: { error: unknown }) {
  const { t, lang } = useApp();
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {t('error')}: {translateError(error, lang)}
      {error instanceof ApiError ? <span className="err-code"> ({error.code})</span> : null}
    </div>
  );
}

/** "Loading…" */
export function Loading() {
  const { t } = useApp();
  return <div className="muted">{t('loading')}</div>;
}

/** A panel with a heading. */
export function Panel({ title, children, className }: { title: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`panel ${className ?? ''}`}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/**
 * Text with the given terms marked (case-insensitive). Always React text nodes: log content never becomes HTML.
 */
export function Highlight({ text, terms }: { text: string; terms: readonly string[] }) {
  const ts = terms.filter((x) => x.length > 0);
  if (ts.length === 0) return <LogText text={text} />;
  const lower = text.toLowerCase();
  const out: ReactNode[] = [];
  let i = 0;
  let n = 0;
  while (i < text.length) {
    let best = -1;
    let len = 0;
    for (const term of ts) {
      const at = lower.indexOf(term.toLowerCase(), i);
      if (at >= 0 && (best < 0 || at < best || (at === best && term.length > len))) {
        best = at;
        len = term.length;
      }
    }
    if (best < 0) break;
    if (best > i) out.push(<Pieces key={n++} text={text.slice(i, best)} />);
    out.push(
      <mark key={n++}>
        <Pieces text={text.slice(best, best + len)} />
      </mark>,
    );
    i = best + len;
  }
  out.push(<Pieces key={n++} text={text.slice(i)} />);
  return <bdi className="logtext">{out}</bdi>;
}

/** The pieces of untrusted text: controls and bidi characters as visible escapes (untrusted.ts). */
function Pieces({ text, lines }: { text: string; lines?: boolean }) {
  return (
    <>
      {textPieces(text, lines).map((p) =>
        p.code ? (
          <code key={p.at} className="ctl" title={p.code}>
            {p.text}
          </code>
        ) : (
          p.text
        ),
      )}
    </>
  );
}

/**
 * Untrusted text (log content, host names, rule titles, any value from an event): in its own bidi isolate, so it
 * cannot reorder what surrounds it, with controls and bidi characters shown as `\uXXXX`. Always React text nodes.
 */
export function LogText({ text, lines }: { text: unknown; lines?: boolean }) {
  const s = text === undefined || text === null ? '' : typeof text === 'string' ? text : JSON.stringify(text);
  return (
    <bdi className="logtext">
      <Pieces text={s} lines={lines} />
    </bdi>
  );
}

/** Severity colour class. */
export function sevClass(s: string): string {
  return `sev sev-${s}`;
}

/** Horizontal bars, one per item (SVG; the widths are attributes, not styles). */
export function BarList({
  items,
  onClick,
  label,
}: {
  items: { key: string; label: string; count: number; cls?: string }[];
  onClick?: (key: string) => void;
  label: string;
}) {
  const max = Math.max(1, ...items.map((i) => i.count));
  const row = 22;
  const w = 420;
  const labelW = 170;
  if (items.length === 0) return <div className="muted">—</div>;
  return (
    <svg
      className="chart barlist"
      viewBox={`0 0 ${w} ${items.length * row}`}
      width="100%"
      height={items.length * row}
      role="img"
      aria-label={label}
    >
      {items.map((it, i) => {
        const bw = Math.max(1, ((w - labelW - 50) * it.count) / max);
        return (
          // biome-ignore lint/a11y/noStaticElementInteractions: bars are also reachable as the list's links
          <g key={it.key} className={onClick ? 'clickable' : undefined} onClick={() => onClick?.(it.key)}>
            <title>{`${it.label}: ${it.count}`}</title>
            <text x={0} y={i * row + 15} className="chart-label">
              {it.label.length > 26 ? `${it.label.slice(0, 25)}…` : it.label}
            </text>
            <rect x={labelW} y={i * row + 4} width={bw} height={row - 8} className={`bar ${it.cls ?? ''}`} />
            <text x={labelW + bw + 6} y={i * row + 15} className="chart-value">
              {it.count}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Histogram buckets over [from, to] with the empty ones (omitted by the API) put back as zeros. */
export function fillBuckets(
  buckets: readonly Bucket[],
  fromMs: number,
  toMs: number,
  intervalMs: number,
): { key: number; values: number[] }[] {
  const counts = new Map(buckets.map((b) => [Number(b.key), b.count]));
  const out: { key: number; values: number[] }[] = [];
  for (let k = Math.floor(fromMs / intervalMs) * intervalMs; k <= toMs && out.length < 2000; k += intervalMs)
    out.push({ key: k, values: [counts.get(k) ?? 0] });
  return out;
}

/** Vertical (optionally stacked) bars over time. */
export function TimeBars({
  buckets,
  series,
  label,
  tickLabel,
}: {
  buckets: { key: number; values: number[] }[];
  series: { name: string; cls: string }[];
  label: string;
  tickLabel: (ms: number) => string;
}) {
  const w = 1200;
  const h = 160;
  const pad = 24;
  const max = Math.max(1, ...buckets.map((b) => b.values.reduce((a, v) => a + v, 0)));
  const bw = buckets.length ? (w - pad) / buckets.length : 0;
  const ticks = Math.max(1, Math.ceil(buckets.length / 6));
  return (
    <div>
      <svg
        className="chart timebars"
        viewBox={`0 0 ${w} ${h + 20}`}
        width="100%"
        height={h + 20}
        preserveAspectRatio="xMinYMid meet"
        role="img"
        aria-label={label}
      >
        <line x1={pad} y1={h} x2={w} y2={h} className="axis" />
        <text x={0} y={12} className="chart-value">
          {max}
        </text>
        {buckets.map((b, i) => {
          let y = h;
          return (
            <g key={b.key}>
              <title>{`${tickLabel(b.key)}: ${b.values.reduce((a, v) => a + v, 0)}`}</title>
              {b.values.map((v, s) => {
                const bh = ((h - 8) * v) / max;
                y -= bh;
                return (
                  <rect
                    key={series[s]?.name ?? s}
                    x={pad + i * bw + 1}
                    y={y}
                    width={Math.max(1, bw - 2)}
                    height={bh}
                    className={`bar ${series[s]?.cls ?? ''}`}
                  />
                );
              })}
              {i % ticks === 0 ? (
                <text x={pad + i * bw} y={h + 14} className="chart-label small">
                  {tickLabel(b.key)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      {series.length > 1 ? (
        <div className="legend">
          {series.map((s) => (
            <span key={s.name} className="legend-item">
              <svg width="10" height="10" className="legend-swatch" aria-hidden="true">
                <rect width="10" height="10" className={`bar ${s.cls}`} />
              </svg>
              {s.name}
            </span>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** A date-time text box in the console's format (d/M/yyyy HH:mm, Hà Nội time), marked when unreadable. */
export function DateTimeInput({
  value,
  onChange,
  label,
  testId,
}: {
  value: string;
  onChange: (v: string) => void;
  label: string;
  testId?: string;
}) {
  const { t } = useApp();
  const bad = value.trim() !== '' && parseDateTime(value) === undefined;
  return (
    <input
      className={`date ${bad ? 'invalid' : ''}`}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      placeholder="d/M/yyyy HH:mm"
      aria-label={label}
      aria-invalid={bad}
      title={bad ? t('badDate') : label}
      data-testid={testId}
    />
  );
}
