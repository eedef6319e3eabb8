/** Exports of results (events, incidents) as CSV and JSON files, made in the browser from what is loaded. */

/**
 * One CSV cell. A value starting with = + - @ (or a tab / carriage return) is prefixed with ' so a spreadsheet
 * shows it as text instead of running it as a formula (CSV injection); quotes are doubled and the cell quoted.
 */
export function csvCell(v: unknown): string {
  let s = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV (header from `columns`), CRLF line ends, with a BOM so spreadsheet programs read UTF-8 (tiếng Việt). */
export function toCsv(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  headers: readonly string[] = columns,
): string {
  const lines = [headers.map(csvCell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
