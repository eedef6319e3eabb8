/**
 * The compiled-rule cache: what parseRuleText made of a file (documents, problems, outcome counts), keyed by the
 * SHA-256 of the file's text, the placeholder values, the size limit and the loader's own code. A file whose
 * text did not change is never parsed again: not on the next reload (in memory) and not on the next start (in a
 * cache file, when a directory is given). The YAML front end costs about 2 ms per SigmaHQ file on the shared
 * build machine, so 3,141 rules took 6 s; read back from the cache they take about 0.3 s.
 *
 * The cache file is JSON lines (`key\tjson`), rewritten whole (temporary file + rename) after a load that parsed
 * something new, holding only the entries that load used. A damaged line or file is ignored (parsed again, never an
 * error). Entries carry no file path: the same text under two names is parsed once; the path is filled in on read.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logger } from '../../core/log.js';
import { counter } from '../../core/metrics.js';
import type { LoadResult, RuleProblem, SigmaDocument } from './model.js';

const log = logger('sigma-cache');
const lookups = counter('canhgac_sigma_cache_lookups_total', 'Rule files looked up in the compiled-rule cache', [
  'outcome',
]);

/** What one file parsed to; `o` counts the documents by outcome (loaded, rejected, skipped). */
export interface CachedFile {
  documents: SigmaDocument[];
  problems: RuleProblem[];
  rejected: number;
  outcomes: Record<string, number>;
}

/** A digest of this folder's code: a loader change invalidates every entry made by the old one. */
let codeDigest: string | undefined;
function loaderDigest(): string {
  if (codeDigest !== undefined) return codeDigest;
  const h = createHash('sha256');
  try {
    const dir = dirname(fileURLToPath(import.meta.url));
    for (const f of readdirSync(dir).sort())
      if (/\.(js|ts)$/.test(f) && !f.endsWith('.test.ts')) h.update(f).update(readFileSync(join(dir, f)));
  } catch {
    h.update(String(Date.now())); // cannot read our own code: entries of this process only
  }
  codeDigest = h.digest('hex').slice(0, 16);
  return codeDigest;
}

/** Returns a JSON string, or undefined when JSON would not give back the same value (NaN, Infinity). */
function encode(v: unknown): string | undefined {
  let exact = true;
  const s = JSON.stringify(v, (_k, x) => {
    if (typeof x === 'number' && !Number.isFinite(x)) exact = false;
    return x;
  });
  return exact ? s : undefined;
}

/** The process-wide entries, shared by every loadRules call (a reload parses only what changed). */
const memory = new Map<string, string>();
/** Cache files already read into `memory`, with the keys each holds. */
const readFiles = new Map<string, Set<string>>();
const MAX_MEMORY_ENTRIES = 50_000;

/** One load's view of the cache: look files up, remember new ones, write the file once at the end. */
export class RuleCacheSession {
  private readonly salt: string;
  private readonly used = new Set<string>();
  private added = 0;
  private readonly file: string | undefined;

  constructor(opts: { dir?: string | undefined; placeholders?: Record<string, string[]>; maxFileBytes: number }) {
    this.salt = `${loaderDigest()}|${opts.maxFileBytes}|${opts.placeholders ? JSON.stringify(opts.placeholders) : ''}`;
    this.file = opts.dir ? join(opts.dir, 'sigma-rules.cache') : undefined;
    if (this.file && !readFiles.has(this.file)) readFiles.set(this.file, readCacheFile(this.file));
  }

  key(text: string): string {
    return createHash('sha256').update(this.salt).update('\0').update(text).digest('base64url');
  }

  /** The cached result for this text, with `file` filled in; undefined on a miss. */
  get(key: string, file: string): CachedFile | undefined {
    const s = memory.get(key);
    if (s === undefined) {
      lookups.inc({ outcome: 'miss' });
      return undefined;
    }
    let v: CachedFile;
    try {
      v = JSON.parse(s) as CachedFile;
      if (!Array.isArray(v.documents) || !Array.isArray(v.problems) || typeof v.rejected !== 'number')
        throw new Error('not an entry');
      v.outcomes ??= {};
    } catch {
      memory.delete(key);
      lookups.inc({ outcome: 'miss' });
      return undefined;
    }
    this.used.add(key);
    lookups.inc({ outcome: 'hit' });
    for (const d of v.documents) {
      d.file = file;
      // Maps keyed by user-chosen names have no prototype where the parser made them (nothing to pollute).
      if (d.kind === 'correlation') {
        d.aliases = bare(d.aliases);
        for (const k in d.aliases) d.aliases[k] = bare(d.aliases[k]!);
      } else d.searches = bare(d.searches);
    }
    for (const p of v.problems) p.file = file;
    return v;
  }

  /** Remembers what a file parsed to (nothing when it cannot be stored exactly). */
  set(key: string, r: LoadResult, outcomes: Record<string, number>): void {
    const s = encode({
      documents: r.documents.map((d) => ({ ...d, file: '' })),
      problems: r.problems.map((p) => ({ ...p, file: '' })),
      rejected: r.rejected,
      outcomes,
    });
    if (s === undefined) return;
    if (memory.size >= MAX_MEMORY_ENTRIES) memory.clear();
    memory.set(key, s);
    this.used.add(key);
    this.added++;
  }

  /** Writes the cache file with the entries this load used, when it holds any of them not. Never throws. */
  finish(): void {
    if (!this.file) return;
    const inFile = readFiles.get(this.file) ?? new Set<string>();
    if (this.added === 0 && [...this.used].every((k) => inFile.has(k))) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const lines: string[] = [];
      for (const k of this.used) {
        const s = memory.get(k);
        if (s !== undefined) lines.push(`${k}\t${s}\n`);
      }
      const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(tmp, lines.join(''));
      renameSync(tmp, this.file);
      readFiles.set(this.file, new Set(this.used));
    } catch (err) {
      log.warn({ file: this.file, err: (err as Error).message }, 'Could not write the compiled-rule cache');
    }
  }
}

function bare<T>(o: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, o);
}

function readCacheFile(file: string): Set<string> {
  const keys = new Set<string>();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return keys; // no cache yet
  }
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const tab = text.indexOf('\t', start);
    if (tab > start && tab < end) {
      const key = text.slice(start, tab);
      memory.set(key, text.slice(tab + 1, end));
      keys.add(key);
    }
    start = end + 1;
  }
  return keys;
}

/** Forgets the in-memory entries (tests). */
export function clearRuleCacheMemory(): void {
  memory.clear();
  readFiles.clear();
}
