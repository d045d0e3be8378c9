// Circuit breaker per model, as a pure state machine. Closed counts consecutive failures; at
// the threshold it opens for a cool-down; then it is half-open and lets exactly one probe
// through: the probe's success closes it, its failure opens it again. Every state change is
// returned as a transition so the gateway can record it as an event.
import type { BreakerState } from '../../shared/llm';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
}

export const DEFAULT_BREAKER_OPTIONS: BreakerOptions = { failureThreshold: 5, cooldownMs: 30_000 };

export interface Breaker {
  state: BreakerState;
  consecutiveFailures: number;
  /** Epoch ms it last opened. */
  openedAt?: number;
  /** Half-open: the single probe is out. */
  probeInFlight: boolean;
}

export interface Transition {
  from: BreakerState;
  to: BreakerState;
  reason: string;
}

export const CLOSED: Breaker = { state: 'closed', consecutiveFailures: 0, probeInFlight: false };

export interface Admission {
  admitted: boolean;
  /** This call is the half-open probe: its outcome decides the breaker. */
  probe: boolean;
  next: Breaker;
  transitions: Transition[];
  /** When an open breaker will let a probe through. */
  retryAt?: number;
}

/** May a call go to this model now? Taking the probe slot is part of the answer. */
export function admit(b: Breaker, now: number, opts: BreakerOptions): Admission {
  if (b.state === 'closed') return { admitted: true, probe: false, next: b, transitions: [] };
  const transitions: Transition[] = [];
  let cur = b;
  if (cur.state === 'open') {
    const retryAt = (cur.openedAt ?? now) + opts.cooldownMs;
    if (now < retryAt) return { admitted: false, probe: false, next: cur, transitions, retryAt };
    cur = { ...cur, state: 'half-open', probeInFlight: false };
    transitions.push({ from: 'open', to: 'half-open', reason: 'cool-down over' });
  }
  if (cur.probeInFlight) return { admitted: false, probe: false, next: cur, transitions, retryAt: now };
  return { admitted: true, probe: true, next: { ...cur, probeInFlight: true }, transitions };
}

export type Outcome = 'success' | 'failure' | 'neutral';

/**
 * Records how a call (or one attempt) ended. `neutral` (a bad request, a caller abort, a
 * budget refusal) changes nothing but frees the probe slot.
 */
export function record(b: Breaker, outcome: Outcome, probe: boolean, now: number, opts: BreakerOptions): { next: Breaker; transitions: Transition[] } {
  if (outcome === 'neutral') return { next: probe ? { ...b, probeInFlight: false } : b, transitions: [] };
  if (b.state === 'half-open') {
    // Only the probe decides; a call admitted before the breaker opened finishing now says little.
    if (!probe) return { next: b, transitions: [] };
    if (outcome === 'success') {
      return { next: CLOSED, transitions: [{ from: 'half-open', to: 'closed', reason: 'probe succeeded' }] };
    }
    return {
      next: { state: 'open', consecutiveFailures: b.consecutiveFailures + 1, openedAt: now, probeInFlight: false },
      transitions: [{ from: 'half-open', to: 'open', reason: 'probe failed' }],
    };
  }
  if (b.state === 'open') return { next: b, transitions: [] };
  if (outcome === 'success') return { next: b.consecutiveFailures === 0 ? b : CLOSED, transitions: [] };
  const failures = b.consecutiveFailures + 1;
  if (failures >= opts.failureThreshold) {
    return {
      next: { state: 'open', consecutiveFailures: failures, openedAt: now, probeInFlight: false },
      transitions: [{ from: 'closed', to: 'open', reason: `${failures} consecutive failures` }],
    };
  }
  return { next: { ...b, consecutiveFailures: failures }, transitions: [] };
}
