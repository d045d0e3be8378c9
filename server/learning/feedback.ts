// Implicit feedback: nobody rates an outcome, so its score comes from what happened — did it
// pass, how long did it take, how many errors and retries were on the way.
import type { Outcome } from '../../shared/learning';

/** Work taking longer than this (30 min) loses a little credit; more than 4x, the full duration penalty. */
export const SLOW_MS = 30 * 60_000;

export interface Feedback {
  /** 0..1: how helpful the approach was. A failure scores 0. */
  score: number;
  helpful: number;
  harmful: number;
}

/**
 * success → 1 − 0.15·retries − 0.05·errors − up to 0.2 for slowness, floored at 0.3 (it still
 * worked); failure → 0. helpful = score, harmful = 1 − score, so a success after three retries
 * is partly evidence against the approach.
 */
export function scoreOutcome(o: Pick<Outcome, 'success' | 'durationMs' | 'errors' | 'retries'>): Feedback {
  if (!o.success) return { score: 0, helpful: 0, harmful: 1 };
  const slowness = o.durationMs > SLOW_MS ? Math.min(1, (o.durationMs - SLOW_MS) / (3 * SLOW_MS)) * 0.2 : 0;
  const raw = 1 - 0.15 * Math.min(o.retries, 4) - 0.05 * Math.min(o.errors, 6) - slowness;
  const score = Math.max(0.3, Math.min(1, raw));
  return { score, helpful: score, harmful: 1 - score };
}
