// One request to the Messages API through the SDK, under our own timers: a per-attempt
// timeout (for streams: an idle timeout reset by every event), the call's deadline, and the
// caller's or the gateway's cancellation. The SDK client never retries (maxRetries: 0).
import type Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { AbortCause } from './failures';

export interface AttemptInput {
  client: Anthropic;
  params: MessageCreateParamsNonStreaming;
  stream: boolean;
  onText?: (delta: string) => void;
  /** Non-streaming: the whole attempt; streaming: the longest silence. */
  timeoutMs: number;
  /** Real milliseconds until the call's deadline. */
  deadlineInMs: number;
  signals: AbortSignal[];
  /** Which of `signals` means a shutdown rather than the caller cancelling. */
  shutdownSignal?: AbortSignal;
}

export type AttemptResult =
  | { ok: true; message: Message }
  | { ok: false; error: unknown; cause: AbortCause; textEmitted: boolean; partialUsage?: Message['usage'] };

export async function runAttempt(input: AttemptInput): Promise<AttemptResult> {
  const ctrl = new AbortController();
  let cause: AbortCause;
  const abort = (c: AbortCause) => {
    if (cause === undefined) cause = c;
    ctrl.abort();
  };
  const listeners = input.signals.map((s) => {
    const fn = () => abort(s === input.shutdownSignal ? 'shutdown' : 'caller');
    if (s.aborted) fn();
    else s.addEventListener('abort', fn, { once: true });
    return { s, fn };
  });
  // setTimeout fires at once for delays past 2^31-1 ms, so clamp (the deadline is re-armed per attempt).
  const deadlineTimer = setTimeout(() => abort('deadline'), Math.min(2 ** 31 - 1, Math.max(0, input.deadlineInMs)));
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const armIdle = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => abort('attempt-timeout'), input.timeoutMs);
  };
  armIdle();
  let textEmitted = false;
  let snapshot: Message | undefined;
  try {
    if (cause !== undefined) throw new Error('aborted before sending');
    const options = { signal: ctrl.signal, timeout: input.timeoutMs, maxRetries: 0 };
    if (!input.stream) {
      const message = await input.client.messages.create(input.params, options);
      return { ok: true, message };
    }
    const stream = input.client.messages.stream(input.params, options);
    stream.on('streamEvent', (_event, snap) => {
      snapshot = snap;
      armIdle();
    });
    stream.on('text', (delta) => {
      textEmitted = true;
      try {
        input.onText?.(delta);
      } catch {
        // A failing consumer must not break the stream we are paying for.
      }
    });
    const message = await stream.finalMessage();
    return { ok: true, message };
  } catch (error) {
    const result: AttemptResult = { ok: false, error, cause, textEmitted };
    if (snapshot) result.partialUsage = snapshot.usage;
    return result;
  } finally {
    clearTimeout(deadlineTimer);
    if (idleTimer) clearTimeout(idleTimer);
    for (const { s, fn } of listeners) s.removeEventListener('abort', fn);
  }
}
