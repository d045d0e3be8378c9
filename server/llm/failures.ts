// Turns what an attempt threw into a failure the retry policy and the breaker understand.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { FailureKind } from '../../shared/llm';
import { parseRetryAfter } from './retry';

export interface Failure {
  kind: FailureKind;
  retryable: boolean;
  /** Counts toward the model's circuit breaker (the model or its service is unwell). */
  countsForBreaker: boolean;
  status?: number;
  retryAfterMs?: number;
  message: string;
}

/** Why our side aborted the attempt, if it did. */
export type AbortCause = 'attempt-timeout' | 'deadline' | 'caller' | 'shutdown' | undefined;

const byStreamType: Record<string, FailureKind> = {
  overloaded_error: 'overloaded',
  rate_limit_error: 'rate_limited',
  api_error: 'server_error',
  timeout_error: 'timeout',
  invalid_request_error: 'request_error',
  authentication_error: 'auth',
  permission_error: 'auth',
};

function fromKind(kind: FailureKind, message: string, extra: Partial<Failure> = {}): Failure {
  const retryable = kind === 'rate_limited' || kind === 'overloaded' || kind === 'server_error' || kind === 'timeout' || kind === 'connection';
  const countsForBreaker = retryable || kind === 'deadline';
  return { kind, retryable, countsForBreaker, message, ...extra };
}

export function classifyFailure(err: unknown, cause: AbortCause, nowMs: number): Failure {
  if (cause === 'caller') return fromKind('aborted', 'The caller cancelled the call.');
  if (cause === 'shutdown') return fromKind('aborted', 'The gateway shut down during the call.');
  if (cause === 'deadline') return fromKind('deadline', 'The call ran past its deadline and was stopped.');
  if (cause === 'attempt-timeout') return fromKind('timeout', 'The attempt timed out.');
  if (err instanceof APIConnectionTimeoutError) return fromKind('timeout', 'The request timed out.');
  if (err instanceof APIUserAbortError) return fromKind('aborted', 'The request was aborted.');
  if (err instanceof APIConnectionError) return fromKind('connection', `Connection error: ${err.message}`);
  if (err instanceof APIError) {
    const status = typeof err.status === 'number' ? err.status : undefined;
    const message = err.apiMessage ?? err.message;
    const retryAfterMs = parseRetryAfter(err.headers, nowMs);
    const extra: Partial<Failure> = {};
    if (status !== undefined) extra.status = status;
    if (retryAfterMs !== undefined) extra.retryAfterMs = retryAfterMs;
    if (status === undefined) {
      // An `error` event inside a stream carries only a type.
      return fromKind(byStreamType[err.type ?? ''] ?? 'server_error', message, extra);
    }
    if (status === 429) return fromKind('rate_limited', message, extra);
    if (status === 529) return fromKind('overloaded', message, extra);
    if (status >= 500) return fromKind('server_error', message, extra);
    if (status === 401 || status === 403) return fromKind('auth', message, extra);
    return fromKind('request_error', message, extra);
  }
  return fromKind('unknown', err instanceof Error ? err.message : String(err));
}
