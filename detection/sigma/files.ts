/**
 * Rule files on disk: listing *.yml / *.yaml under files and directories, and reading one file with the fewest
 * system calls (problems as RuleProblem, never a throw).
 */
import { closeSync, type Dirent, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatMessage } from '../../core/errors.js';
import { DETECTION_ERRORS, type DetectionErrorCode } from '../errors.js';
import type { RuleProblem } from './model.js';
import { decodeUtf8, Utf8Error } from './utf8.js';

/** A problem at file:line:col (1:1 when the whole file is concerned). */
export function problem(
  file: string,
  code: DetectionErrorCode,
  params: Record<string, unknown>,
  line = 1,
  col = 1,
): RuleProblem {
  return { file, line, col, code, severity: 'error', message: formatMessage(DETECTION_ERRORS[code].message, params) };
}

/** Lists *.yml / *.yaml files under the given files and directories (recursively, sorted, symlink loops avoided). */
export function listRuleFiles(paths: string[], opts: { forceDirectory?: boolean } = {}): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walkDir = (dir: string, viaLink: boolean): void => {
    // Only a directory reached through a symlink can close a loop; its real path is remembered.
    let entries: Dirent[];
    try {
      if (viaLink) {
        const real = realpathSync(dir);
        if (seen.has(real)) return;
        seen.add(real);
      }
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      out.push(dir); // the loader reports it as unreadable instead of the walk throwing
      return;
    }
    entries = entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      // Only symlinks need a stat to know what they point to; plain entries are typed by readdir.
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const t = statSync(p);
          isDir = t.isDirectory();
          isFile = t.isFile();
        } catch {
          continue;
        }
      }
      if (isDir) walkDir(p, e.isSymbolicLink());
      else if (isFile && /\.ya?ml$/i.test(e.name)) out.push(p);
    }
  };
  for (const p of paths) {
    // A path named *.yml is taken as a file without a stat (callers such as the CLI pass thousands of them);
    // the loader walks it after all if fstat says it is a directory.
    if (!opts.forceDirectory && /\.ya?ml$/i.test(p)) {
      out.push(p);
      continue;
    }
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      out.push(p); // reported as unreadable by the loader
      continue;
    }
    if (st.isDirectory()) {
      seen.add(realpathSync(p));
      walkDir(p, false);
    } else out.push(p);
  }
  return out;
}

export type FileRead = { text: string } | { problem: RuleProblem } | { directory: true };

/**
 * Reads one file with the fewest system calls (open, fstat, read, close): syscalls are the dominant cost of
 * loading thousands of small files on sandboxed or network file systems.
 */
export function readRuleFile(file: string, max: number, decoder: { decode(b: Uint8Array): string }): FileRead {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const st = fstatSync(fd);
    if (st.isDirectory()) return { directory: true };
    const size = st.size;
    if (size > max) return { problem: problem(file, 'CANHGAC_ERR_SIGMA_FILE_TOO_LARGE', { size, limit: max }) };
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return { text: decodeUtf8(got === size ? buf : buf.subarray(0, got), decoder) };
  } catch (e) {
    if (e instanceof Utf8Error) {
      return { problem: problem(file, 'CANHGAC_ERR_SIGMA_INVALID_UTF8', { offset: e.offset }, e.line, e.col) };
    }
    return { problem: problem(file, 'CANHGAC_ERR_SIGMA_FILE_READ', { reason: (e as Error).message }) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
