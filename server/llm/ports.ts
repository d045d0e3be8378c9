// What the gateway needs from the host, as small interfaces the host backs with its event
// store (and tests with memory).
import type { LlmEvent } from '../../shared/llm';

export interface LlmEventSink {
  /**
   * Appends events durably, in order, all or none. The gateway awaits `llm.call.started` (which
   * carries the budget reservation) before it sends a request, so an admission that was not
   * recorded is never spent.
   */
  append(events: LlmEvent[]): Promise<void>;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** Resolves after `ms`, or rejects when the signal aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export type LlmLog = (level: 'error' | 'warn' | 'info', message: string) => void;

export const systemClock: Clock = { now: () => Date.now() };

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
