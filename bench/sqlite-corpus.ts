/** Synthetic events for the SQLite benchmarks: Windows process creations and web logs, deterministic. */
import type { StoredEvent } from '../store/types.js';

const HOSTS = Array.from({ length: 200 }, (_, i) => `srv-${String(i).padStart(3, '0')}.tinh.gov.vn`);
const AGENCIES = Array.from({ length: 20 }, (_, i) => `000.00.${String(i).padStart(2, '0')}.H40`);
const IMAGES = [
  'C:\\Windows\\System32\\cmd.exe',
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  'C:\\Windows\\explorer.exe',
  'C:\\Program Files\\Mozilla Firefox\\firefox.exe',
  'C:\\Windows\\System32\\svchost.exe',
];
const WORDS = [
  'đăng',
  'nhập',
  'thất',
  'bại',
  'login',
  'failed',
  'user',
  'admin',
  'session',
  'opened',
  'closed',
  'connection',
  'from',
  'accepted',
  'password',
  'service',
  'started',
  'stopped',
  'error',
  'warning',
];

/** A small deterministic PRNG (mulberry32), so every run stores the same corpus. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Event number i of n: timestamps rise over `spanMs` ending at `endMs` with a few seconds of jitter, like a
 * live feed (senders' clocks and batching reorder events a little, not across days).
 */
export function syntheticEvent(i: number, n: number, r: () => number, endMs: number, spanMs: number): StoredEvent {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const ts = Math.floor(endMs - spanMs + (i / n) * spanMs - r() * 5000);
  const words = Array.from({ length: 12 }, () => pick(WORDS)).join(' ');
  const win = r() < 0.6;
  const base: StoredEvent = {
    '@timestamp': new Date(ts).toISOString(),
    'event.id': `bench-${i.toString(36).padStart(8, '0')}`,
    'agency.id': pick(AGENCIES),
    'host.name': pick(HOSTS),
    'source.ip': `10.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
    message: `${words} pid=${Math.floor(r() * 65535)}`,
  };
  if (win) {
    return {
      ...base,
      'logsource.product': 'windows',
      'logsource.category': 'process_creation',
      EventID: pick([4688, 4624, 4625, 1]),
      Image: pick(IMAGES),
      CommandLine: `${pick(IMAGES)} /c ${words.slice(0, 40)}`,
      User: pick(['SYSTEM', 'admin', 'nguyenvana', 'tranthib']),
    };
  }
  return {
    ...base,
    'logsource.category': 'webserver',
    'cs-method': pick(['GET', 'POST']),
    'cs-uri-stem': `/portal/${pick(WORDS)}`,
    'sc-status': pick([200, 200, 200, 302, 404, 500]),
    'c-ip': base['source.ip'],
  };
}

/** Reads `--name value` from argv. */
export function flag(argv: string[], name: string, dflt: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
}
