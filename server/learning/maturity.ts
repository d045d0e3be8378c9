// Pattern maturity from decayed evidence, and anti-pattern inversion.
//
// Thresholds (decayed helpful h, harmful d, failure rate d/(h+d), raw observations n):
//   deprecated   n ≥ 3 and failure rate ≥ 0.6   (and inverted into an "AVOID: …" entry)
//   proven       h ≥ 5 and failure rate ≤ 0.2
//   established  h ≥ 2 and failure rate ≤ 0.4
//   candidate    everything else (new, or mixed evidence)
// A deprecated pattern comes back as soon as fresh successes pull its failure rate under 0.6.
import type { AntiPatternView, Maturity, PatternView } from '../../shared/learning';
import { failureRate, type Evidence } from './decay';

export const INVERT_MIN_OBSERVATIONS = 3;
export const INVERT_FAILURE_RATE = 0.6;
export const PROVEN_HELPFUL = 5;
export const PROVEN_MAX_FAILURE = 0.2;
export const ESTABLISHED_HELPFUL = 2;
export const ESTABLISHED_MAX_FAILURE = 0.4;

/** Weight of a pattern in prompts: proven lessons are stated first and more strongly. */
export const PROMPT_WEIGHT: Record<Maturity, number> = { proven: 1.5, established: 1, candidate: 0.5, deprecated: 0 };

export function isAntiPattern(e: Evidence): boolean {
  return e.count >= INVERT_MIN_OBSERVATIONS && failureRate(e) >= INVERT_FAILURE_RATE;
}

export function maturityOf(e: Evidence): Maturity {
  const rate = failureRate(e);
  if (isAntiPattern(e)) return 'deprecated';
  if (e.helpful >= PROVEN_HELPFUL && rate <= PROVEN_MAX_FAILURE) return 'proven';
  if (e.helpful >= ESTABLISHED_HELPFUL && rate <= ESTABLISHED_MAX_FAILURE) return 'established';
  return 'candidate';
}

export function patternView(pattern: string, e: Evidence): PatternView {
  return {
    pattern,
    maturity: maturityOf(e),
    helpful: round2(e.helpful),
    harmful: round2(e.harmful),
    observations: e.count,
    failureRate: round2(failureRate(e)),
  };
}

export function antiPatternText(subject: string, e: Evidence): string {
  return `AVOID: ${subject} (failed ${Math.round(failureRate(e) * 100)}% of ${e.count} attempts)`;
}

export function antiPatternView(pattern: string, e: Evidence): AntiPatternView {
  return { pattern, failureRate: round2(failureRate(e)), observations: e.count, text: antiPatternText(pattern, e) };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
