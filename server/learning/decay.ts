// Time decay of evidence: an observation `days` old weighs 0.5^(days/90), so a quarter-old
// lesson counts half as much as today's and stale habits fade unless they are seen again.
export const HALF_LIFE_DAYS = 90;
const DAY_MS = 86_400_000;

export function decayWeight(atMs: number, nowMs: number, halfLifeDays = HALF_LIFE_DAYS): number {
  const days = Math.max(0, nowMs - atMs) / DAY_MS;
  return Math.pow(0.5, days / halfLifeDays);
}

/** Helpful / harmful evidence, already weighted by decay, plus the raw count of observations. */
export interface Evidence {
  helpful: number;
  harmful: number;
  /** Undecayed number of observations (the inversion rule counts real observations). */
  count: number;
}

export function emptyEvidence(): Evidence {
  return { helpful: 0, harmful: 0, count: 0 };
}

export function addEvidence(e: Evidence, helpful: number, harmful: number, weight: number): void {
  e.helpful += helpful * weight;
  e.harmful += harmful * weight;
  e.count += 1;
}

/** Share of the decayed evidence that was harmful (0 when there is none). */
export function failureRate(e: Evidence): number {
  const total = e.helpful + e.harmful;
  return total > 0 ? e.harmful / total : 0;
}
