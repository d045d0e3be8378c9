// Circuit breaker per model: opens after N consecutive failures, fails fast or fails over
// while open, lets exactly one probe through after the cool-down, closes on the probe's
// success and re-opens on its failure. Every change is an event.
import { strict as assert } from 'node:assert';
import { ApiaryError } from '../../../shared/errors';
import { LlmEventTypes } from '../../../shared/llm';
import { admit, CLOSED, record, type Breaker } from '../../../server/llm/breaker';
import { reply } from '../../support/messagesApi';
import { rig, user, type Rig } from './helpers';

const opts = { failureThreshold: 3, cooldownMs: 10_000 };

describe('circuit breaker state machine', () => {
  it('opens after the threshold of consecutive failures; a success in between resets the count', () => {
    let b: Breaker = CLOSED;
    b = record(b, 'failure', false, 0, opts).next;
    b = record(b, 'failure', false, 0, opts).next;
    b = record(b, 'success', false, 0, opts).next;
    assert.equal(b.consecutiveFailures, 0);
    for (let i = 0; i < 2; i++) b = record(b, 'failure', false, 0, opts).next;
    const opened = record(b, 'failure', false, 1_000, opts);
    assert.equal(opened.next.state, 'open');
    assert.deepEqual(opened.transitions, [{ from: 'closed', to: 'open', reason: '3 consecutive failures' }]);
  });

  it('refuses while open, then half-opens for exactly one probe', () => {
    const open: Breaker = { state: 'open', consecutiveFailures: 3, openedAt: 0, probeInFlight: false };
    const early = admit(open, 9_999, opts);
    assert.equal(early.admitted, false);
    assert.equal(early.retryAt, 10_000);
    const probe = admit(open, 10_000, opts);
    assert.equal(probe.admitted, true);
    assert.equal(probe.probe, true);
    assert.deepEqual(probe.transitions.map((t) => t.to), ['half-open']);
    const second = admit(probe.next, 10_001, opts);
    assert.equal(second.admitted, false, 'only one probe at a time');
  });

  it('closes when the probe succeeds, re-opens when it fails, and frees the slot on a neutral end', () => {
    const halfOpen: Breaker = { state: 'half-open', consecutiveFailures: 3, openedAt: 0, probeInFlight: true };
    assert.equal(record(halfOpen, 'success', true, 20_000, opts).next.state, 'closed');
    const reopened = record(halfOpen, 'failure', true, 20_000, opts).next;
    assert.equal(reopened.state, 'open');
    assert.equal(reopened.openedAt, 20_000);
    const freed = record(halfOpen, 'neutral', true, 20_000, opts).next;
    assert.equal(freed.state, 'half-open');
    assert.equal(admit(freed, 20_001, opts).admitted, true);
  });
});

describe('gateway breaker through the SDK', () => {
  let r: Rig;
  beforeEach(async () => {
    r = await rig({ breaker: { failureThreshold: 2, cooldownMs: 30_000 }, retry: { maxAttempts: 1 } });
  });
  afterEach(() => r.close());

  async function failTwice(): Promise<void> {
    r.api.enqueue(reply.error(500), reply.error(500));
    for (let i = 0; i < 2; i++) await r.gateway.call({ agent: 'a', tier: 'small', messages: user('x') }).catch(() => undefined);
  }

  it('opens after consecutive failures and then fails fast without sending, naming the model and when to retry', async () => {
    await failTwice();
    const [changed] = r.sink.ofType(LlmEventTypes.breakerChanged);
    assert.deepEqual({ model: changed!.model, from: changed!.from, to: changed!.to }, { model: 'test-small', from: 'closed', to: 'open' });
    assert.equal(changed!.retryAt, new Date(r.clock.now() + 30_000).toISOString());
    const err = await r.gateway.call({ agent: 'a', tier: 'small', messages: user('x') }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiaryError);
    assert.equal(err.code, 'unavailable');
    assert.match(err.message, /circuit breaker for test-small is open/);
    assert.match(err.hint ?? '', /failover/);
    assert.equal(r.api.messageRequests().length, 2, 'nothing sent while open');
    assert.deepEqual(r.gateway.breakerStatuses().map((b) => [b.model, b.state]), [['test-small', 'open']]);
  });

  it('fails over to the next tier when the caller allows it', async () => {
    await failTwice();
    r.api.enqueue(reply.text('from medium'));
    const res = await r.gateway.call({ agent: 'a', tier: 'small', messages: user('x'), failover: true });
    assert.equal(res.text, 'from medium');
    assert.equal(res.model, 'test-medium');
    assert.equal(res.failoverFrom, 'test-small');
    assert.equal(r.api.messageRequests()[2]!.body.model, 'test-medium');
    assert.equal(r.sink.ofType(LlmEventTypes.callSettled)[0]!.record.failoverFrom, 'test-small');
  });

  it('after the cool-down lets one probe through; its success closes the breaker', async () => {
    await failTwice();
    r.clock.advance(30_000);
    let release!: () => void;
    r.api.onMessage(() => new Promise((resolve) => (release = () => resolve(reply.text('healthy')))));
    const probe = r.gateway.call({ agent: 'a', tier: 'small', messages: user('probe') });
    await r.api.waitForMessages(3);
    const meanwhile = await r.gateway.call({ agent: 'a', tier: 'small', messages: user('x') }).catch((e: unknown) => e);
    assert.ok(meanwhile instanceof ApiaryError, 'a second call waits for the probe');
    assert.equal(meanwhile.code, 'unavailable');
    assert.match(meanwhile.message, /half-open and a probe call is testing/);
    release();
    assert.equal((await probe).text, 'healthy');
    const states = r.sink.ofType(LlmEventTypes.breakerChanged).map((e) => `${e.from}→${e.to}`);
    assert.deepEqual(states, ['closed→open', 'open→half-open', 'half-open→closed']);
    r.api.onMessage(undefined);
    await r.gateway.call({ agent: 'a', tier: 'small', messages: user('back to normal') });
  });

  it('re-opens when the probe fails, for a new cool-down', async () => {
    await failTwice();
    r.clock.advance(30_000);
    r.api.enqueue(reply.overloaded());
    await r.gateway.call({ agent: 'a', tier: 'small', messages: user('probe') }).catch(() => undefined);
    const last = r.sink.ofType(LlmEventTypes.breakerChanged).at(-1)!;
    assert.equal(`${last.from}→${last.to}`, 'half-open→open');
    r.clock.advance(29_999);
    const err = await r.gateway.call({ agent: 'a', tier: 'small', messages: user('x') }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiaryError && /is open/.test(err.message));
  });

  it('does not count request errors (400) against the model', async () => {
    r.api.enqueue(reply.error(400), reply.error(400), reply.error(400));
    for (let i = 0; i < 3; i++) await r.gateway.call({ agent: 'a', tier: 'small', messages: user('x') }).catch(() => undefined);
    assert.equal(r.sink.ofType(LlmEventTypes.breakerChanged).length, 0);
    assert.equal(r.gateway.breakerStatuses()[0]!.state, 'closed');
  });

  it('remembers an open breaker across a restart', async () => {
    await failTwice();
    const again = r.restart();
    const err = await again.call({ agent: 'a', tier: 'small', messages: user('x') }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiaryError && /is open/.test(err.message));
    assert.equal(r.api.messageRequests().length, 2);
  });
});
