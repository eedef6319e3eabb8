/** Pieces the background generators share (background.ts, background-web.ts). */
import type { Agency, Rates, Rng, SimEvent } from './model.js';

/** A background source: fires at `next`, appends its lines, returns its next time. */
export interface Generator {
  next: number;
  fire(t: number, out: SimEvent[]): number;
}

/** Daytime curve of people's activity (local hour -> multiplier, mean ~1). */
export const DAY_CURVE = [
  0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.8, 1.8, 1.8, 1.8, 1.8, 1.2, 1.2, 1.8, 1.8, 1.8, 1.8, 0.8, 0.8, 0.8, 0.8,
  0.8, 0.4,
];
export const CURVE_MAX = 1.8;
const VN_PREFIXES = [
  '113.161',
  '113.172',
  '14.177',
  '14.231',
  '171.241',
  '171.253',
  '27.72',
  '27.67',
  '42.114',
  '1.53',
  '116.110',
  '123.24',
];

/** An address of a Vietnamese ISP (VNPT, Viettel, FPT ranges). */
export const vnIp = (r: Rng) => `${r.pick(VN_PREFIXES)}.${r.int(0, 255)}.${r.int(1, 254)}`;
/** An ephemeral client port. */
export const port = (r: Rng) => r.int(32768, 60999);

/** What every generator is built from. */
export interface Ctx {
  agencies: Agency[];
  rates: Rates;
  /** Simulated start of the window (epoch ms). */
  t0: number;
}
