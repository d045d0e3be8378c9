// Retries: ours alone (the SDK never retries), exponential backoff with full jitter, the
// server's retry-after honoured, on 429 / 5xx / 529 / timeouts / broken connections — never
// on other 4xx.
import { strict as assert } from 'node:assert';
import { ApiaryError } from '../../../shared/errors';
import { LlmEventTypes } from '../../../shared/llm';
import { backoffDelay, decideRetry, DEFAULT_RETRY_POLICY, parseRetryAfter } from '../../../server/llm/retry';
import { reply } from '../../support/messagesApi';
import { rig, user, type Rig } from './helpers';

const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n] ?? null });

describe('retry policy', () => {
  it('reads retry-after as seconds or an HTTP date, and prefers retry-after-ms', () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    assert.equal(parseRetryAfter(headers({ 'retry-after': '7' }), now), 7_000);
    assert.equal(parseRetryAfter(headers({ 'retry-after': '1.5' }), now), 1_500);
    assert.equal(parseRetryAfter(headers({ 'retry-after': 'Sat, 21 Nov 2026 12:00:30 GMT' }), now), 30_000);
    assert.equal(parseRetryAfter(headers({ 'retry-after': 'Sat, 21 Nov 2026 11:00:00 GMT' }), now), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter(headers({ 'retry-after': '9', 'retry-after-ms': '250' }), now), 250);
    assert.equal(parseRetryAfter(headers({ 'retry-after': 'soon' }), now), undefined);
    assert.equal(parseRetryAfter(headers({}), now), undefined);
  });

  it('backs off exponentially with full jitter, capped', () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
    assert.deepEqual([1, 2, 3, 4, 5].map((a) => backoffDelay(a, p, () => 0.999999)), [99, 199, 399, 799, 999]);
    assert.equal(backoffDelay(3, p, () => 0), 0, 'full jitter reaches down to zero');
  });

  it('stops when not retryable, out of attempts, asked to wait too long, or past the deadline', () => {
    const p = DEFAULT_RETRY_POLICY;
    const r = () => 0.5;
    assert.deepEqual(decideRetry({ retryable: false, attempt: 1, remainingMs: 1e6 }, p, r), { retry: false, reason: 'not retryable' });
    assert.equal(decideRetry({ retryable: true, attempt: p.maxAttempts, remainingMs: 1e6 }, p, r).retry, false);
    assert.equal(decideRetry({ retryable: true, attempt: 1, retryAfterMs: p.maxServerDelayMs + 1, remainingMs: 1e9 }, p, r).retry, false);
    assert.equal(decideRetry({ retryable: true, attempt: 1, retryAfterMs: 5_000, remainingMs: 4_000 }, p, r).retry, false);
    assert.deepEqual(decideRetry({ retryable: true, attempt: 1, retryAfterMs: 5_000, remainingMs: 1e6 }, p, r), { retry: true, delayMs: 5_000, serverDelay: true });
  });
});

describe('gateway retries through the SDK', () => {
  let r: Rig;
  afterEach(() => r.close());

  it('waits what a 429 retry-after asks, then succeeds; each attempt is a separate request', async () => {
    r = await rig();
    r.api.enqueue(reply.rateLimited(2), reply.text('done'));
    const res = await r.gateway.call({ agent: 'a', messages: user('x') });
    assert.equal(res.text, 'done');
    assert.equal(res.attempts, 2);
    assert.deepEqual(r.delays, [2_000]);
    const sent = r.api.messageRequests();
    assert.equal(sent.length, 2);
    assert.deepEqual(sent.map((s) => s.headers['x-stainless-retry-count']), ['0', '0'], 'the SDK itself never retried');
    const [retried] = r.sink.ofType(LlmEventTypes.callRetried);
    assert.deepEqual(retried, { callId: res.callId, attempt: 1, kind: 'rate_limited', status: 429, delayMs: 2_000, serverDelay: true });
  });

  it('honours retry-after given as an HTTP date and retry-after-ms', async () => {
    r = await rig();
    const at = new Date(r.clock.now() + 5_000);
    r.api.enqueue(reply.rateLimited(at), reply.error(503, { headers: { 'retry-after-ms': '750' } }), reply.text('ok'));
    await r.gateway.call({ agent: 'a', messages: user('x') });
    assert.deepEqual(r.delays, [5_000, 750]);
  });

  it('retries 500 and 529 with jittered backoff when the server names no delay', async () => {
    r = await rig({ retry: { baseDelayMs: 1_000, maxDelayMs: 10_000 }, random: () => 0.5 });
    r.api.enqueue(reply.error(500), reply.overloaded(), reply.text('ok'));
    const res = await r.gateway.call({ agent: 'a', messages: user('x') });
    assert.equal(res.attempts, 3);
    assert.deepEqual(r.delays, [500, 1_000]);
    assert.deepEqual(r.sink.ofType(LlmEventTypes.callRetried).map((e) => [e.kind, e.status, e.serverDelay]), [['server_error', 500, false], ['overloaded', 529, false]]);
  });

  it('retries an attempt that hangs past its timeout, and a dropped connection', async () => {
    r = await rig({ attemptTimeoutMs: 500, streamIdleTimeoutMs: 500 });
    r.api.enqueue(reply.hang(), reply.drop(), reply.text('third time'));
    const res = await r.gateway.call({ agent: 'a', messages: user('x') });
    assert.equal(res.text, 'third time');
    assert.deepEqual(r.sink.ofType(LlmEventTypes.callRetried).map((e) => e.kind), ['timeout', 'connection']);
  });

  it('times out a stream that goes silent midway and retries it when no text was delivered yet', async () => {
    r = await rig({ streamIdleTimeoutMs: 500 });
    r.api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'never finished' }], hangAfterEvents: 1 }, reply.text('finished'));
    const res = await r.gateway.call({ agent: 'a', messages: user('x'), stream: true });
    assert.equal(res.text, 'finished');
    assert.equal(res.attempts, 2);
  });

  it('does not replay a stream that broke after text reached the caller', async () => {
    r = await rig();
    r.api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'half of an answer that keeps going' }], errorAfterEvents: { count: 4, type: 'overloaded_error' } });
    const seen: string[] = [];
    const err = await r.gateway.call({ agent: 'a', messages: user('x'), onText: (d) => seen.push(d) }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiaryError);
    assert.equal(err.code, 'unavailable');
    assert.match(err.message, /stream broke after text was delivered/);
    assert.ok(seen.length > 0);
    assert.equal(r.api.messageRequests().length, 1);
    const [failed] = r.sink.ofType(LlmEventTypes.callFailed);
    assert.equal(failed!.kind, 'overloaded');
    assert.ok(failed!.costMicros > 0, 'the input the broken stream reported is counted as spent');
  });

  it('never retries a 400: one request, an invalid_params error, the reservation released', async () => {
    r = await rig();
    r.api.enqueue(reply.error(400, { message: 'messages.0.content: Input should be a valid list' }));
    const err = await r.gateway.call({ agent: 'a', messages: user('x') }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiaryError);
    assert.equal(err.code, 'invalid_params');
    assert.match(err.message, /valid list/);
    assert.equal(r.api.messageRequests().length, 1);
    assert.deepEqual(r.delays, []);
    assert.equal(r.gateway.costView().ledger.open.size, 0);
    assert.equal(r.sink.ofType(LlmEventTypes.callFailed)[0]!.kind, 'request_error');
  });

  it('gives up after the last attempt and says how many were made', async () => {
    r = await rig({ retry: { maxAttempts: 3 } });
    r.api.onMessage(() => reply.error(500));
    const err = await r.gateway.call({ agent: 'a', messages: user('x') }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiaryError);
    assert.equal(err.code, 'unavailable');
    assert.match(err.message, /after 3 attempts/);
    assert.equal(r.api.messageRequests().length, 3);
    assert.deepEqual(err.details?.attempts, 3);
  });

  it('fails rather than wait when the server asks for longer than the policy allows', async () => {
    r = await rig({ retry: { maxServerDelayMs: 10_000 } });
    r.api.enqueue(reply.rateLimited(3_600));
    const err = await r.gateway.call({ agent: 'a', messages: user('x') }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiaryError);
    assert.match(err.message, /asked to wait 3600s/);
    assert.equal(r.api.messageRequests().length, 1);
  });

  it('waits for real when no sleep is injected', async () => {
    r = await rig({ sleep: undefined });
    r.api.enqueue(reply.rateLimited(undefined, { headers: { 'retry-after-ms': '300' } }), reply.text('ok'));
    const t0 = Date.now();
    await r.gateway.call({ agent: 'a', messages: user('x') });
    assert.ok(Date.now() - t0 >= 290);
  });

  it('stops waiting and records the call as failed when the caller cancels during a backoff', async () => {
    r = await rig({ sleep: undefined });
    r.api.enqueue(reply.rateLimited(30));
    const ctrl = new AbortController();
    const p = r.gateway.call({ agent: 'a', messages: user('x'), signal: ctrl.signal });
    await r.api.waitForMessages(1);
    setTimeout(() => ctrl.abort(), 50);
    const err = await p.catch((e: unknown) => e);
    assert.ok(err instanceof ApiaryError);
    assert.equal(r.sink.ofType(LlmEventTypes.callFailed)[0]!.kind, 'aborted');
    assert.equal(r.gateway.costView().ledger.open.size, 0);
  });
});
