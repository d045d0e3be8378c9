// Trust per agent: starts full, halves on each failure or rejection (so two strikes in a row
// fall well below the default minimum) and recovers by a fixed step per success (so an agent
// earns auto-approval back through a few good outcomes, not one lucky one).
import type { TrustState } from '../../../shared/approvals';

export const INITIAL_TRUST = 1;
export const FAILURE_FACTOR = 0.5;
export const SUCCESS_STEP = 0.1;

export interface TrustRecord {
  agent: string;
  score: number;
  successes: number;
  failures: number;
  updatedAt: string | null;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

export function freshTrust(agent: string): TrustRecord {
  return { agent, score: INITIAL_TRUST, successes: 0, failures: 0, updatedAt: null };
}

export function afterOutcome(t: TrustRecord, success: boolean, at: string): TrustRecord {
  return success
    ? { ...t, score: round(Math.min(1, t.score + SUCCESS_STEP)), successes: t.successes + 1, updatedAt: at }
    : { ...t, score: round(t.score * FAILURE_FACTOR), failures: t.failures + 1, updatedAt: at };
}

export function publicTrust(t: TrustRecord, minTrust: number): TrustState {
  return { ...t, restricted: t.score < minTrust };
}
