import type { Outcome } from '../../../shared/learning';

export const NOW = Date.parse('2026-11-01T12:00:00Z');
export const DAY = 86_400_000;

export function outcome(over: Partial<Outcome> = {}): Outcome {
  return { kind: 'bugfix', patterns: [], tier: 'medium', success: true, durationMs: 60_000, errors: 0, retries: 0, tokens: 5000, costUsd: 0.02, at: new Date(NOW).toISOString(), ...over };
}

export const daysAgo = (d: number): string => new Date(NOW - d * DAY).toISOString();

/** An outcome whose tier nobody knows (an outside agent with an unmapped model). */
export function untiered(over: Partial<Omit<Outcome, 'tier'>> = {}): Outcome {
  const { tier: _unknown, ...rest } = outcome(over);
  return rest;
}
