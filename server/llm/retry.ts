// Retry policy: exponential backoff with full jitter, the server's retry-after (seconds or an
// HTTP date) or retry-after-ms honoured, and never beyond the call's deadline. Pure: the
// caller passes the clock reading and the random source.

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  /** Cap of the computed (jittered) delay. */
  maxDelayMs: number;
  /** A server asking for a longer wait than this ends the call instead. */
  maxServerDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxServerDelayMs: 60_000,
};

export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * The wait a response asks for, in ms: `retry-after-ms` first, then `retry-after` as seconds
 * or an HTTP date. Undefined when absent or unusable (negative, unparseable).
 */
export function parseRetryAfter(headers: HeaderReader | undefined, nowMs: number): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const v = Number(ms);
    if (Number.isFinite(v) && v >= 0) return Math.ceil(v);
  }
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return undefined;
  const text = ra.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Full jitter: uniform in [0, min(cap, base · 2^(attempt-1))]. `attempt` is the 1-based attempt that failed. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export type RetryDecision =
  | { retry: true; delayMs: number; serverDelay: boolean }
  | { retry: false; reason: string };

export interface RetryInput {
  retryable: boolean;
  /** The 1-based attempt that just failed. */
  attempt: number;
  /** From parseRetryAfter. */
  retryAfterMs?: number;
  /** Time left before the call's deadline. */
  remainingMs: number;
}

export function decideRetry(input: RetryInput, policy: RetryPolicy, random: () => number): RetryDecision {
  if (!input.retryable) return { retry: false, reason: 'not retryable' };
  if (input.attempt >= policy.maxAttempts) return { retry: false, reason: `gave up after ${input.attempt} attempts` };
  const serverDelay = input.retryAfterMs !== undefined;
  if (serverDelay && input.retryAfterMs! > policy.maxServerDelayMs) {
    return { retry: false, reason: `the server asked to wait ${Math.ceil(input.retryAfterMs! / 1000)}s, longer than ${Math.ceil(policy.maxServerDelayMs / 1000)}s` };
  }
  const delayMs = serverDelay ? input.retryAfterMs! : backoffDelay(input.attempt, policy, random);
  if (delayMs >= input.remainingMs) return { retry: false, reason: 'the call deadline would pass while waiting' };
  return { retry: true, delayMs, serverDelay };
}
