// Budgets that hold: the worst case is reserved before a call is sent, in the same step as
// the check, so concurrent calls cannot overshoot a cap; settlements release what was not
// spent; a reservation left behind by a crash expires; an override lifts a cap once.
import { strict as assert } from 'node:assert';
import { ApiaryError } from '../../../shared/errors';
import { LlmEventTypes, type LlmEvent } from '../../../shared/llm';
import { applyLedgerEvent, decideAdmission, emptyLedger, foldLedger, reservedMicros, spentMicros } from '../../../server/llm/ledger';
import { reply } from '../../support/messagesApi';
import { rig, user, type Rig } from './helpers';

// With count_tokens answering 100: the reservation holds (100 + 2% + 8 = 110 prompt tokens ×
// $1/M + 1,000 output tokens × $5/M) × the worst geo multiplier 1.1 = 5,621 µ$ on the small tier.
const COUNTED = 100;
const MAX_TOKENS = 1_000;
const RESERVATION = 5_621;
/** Usage that costs exactly the reservation: the tightest a settlement can be. */
const worstUsage = { input_tokens: 110, output_tokens: MAX_TOKENS, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, inference_geo: 'us' };

const small = (extra: Record<string, unknown> = {}) => ({ agent: 'w', tier: 'small' as const, messages: user('work'), maxTokens: MAX_TOKENS, ...extra });

function started(callId: string, amountMicros: number, expiresAt: string, key = '2026-11-21'): LlmEvent {
  return {
    type: LlmEventTypes.callStarted,
    data: {
      callId, startedAt: '2026-11-21T12:00:00.000Z', model: 'm', agent: 'a', stream: false, maxTokens: 1, inputTokens: 1, inputTokensSource: 'estimate',
      reservation: { amountMicros, scopes: [{ scope: 'day', key }], expiresAt }, overridesUsed: [],
    },
  };
}

describe('budget ledger and admission decision', () => {
  const T = Date.parse('2026-11-21T12:00:00Z');
  const later = new Date(T + 60_000).toISOString();

  it('admits while spent + outstanding reservations + this one stay within the cap', () => {
    const s = foldLedger([{ type: LlmEventTypes.budgetConfigured, data: { caps: { day: 10_000 } } }, started('c1', 6_000, later)]);
    assert.deepEqual(decideAdmission(s, [{ scope: 'day', key: '2026-11-21' }], 4_000, T), { ok: true, overridesUsed: [] });
    const refused = decideAdmission(s, [{ scope: 'day', key: '2026-11-21' }], 4_001, T);
    assert.deepEqual(refused, { ok: false, refusal: { scope: 'day', key: '2026-11-21', capMicros: 10_000, spentMicros: 0, reservedMicros: 6_000, requestedMicros: 4_001 } });
    assert.equal(decideAdmission(s, [{ scope: 'day', key: '2026-11-22' }], 9_000, T).ok, true, 'another day has its own budget');
  });

  it('settles to the actual cost and releases the rest; failures release everything', () => {
    const s = foldLedger([started('c1', 6_000, later), started('c2', 3_000, later)]);
    applyLedgerEvent(s, { type: LlmEventTypes.callFailed, data: { callId: 'c2', scopes: [{ scope: 'day', key: '2026-11-21' }], failedAt: later, model: 'm', agent: 'a', attempts: 1, latencyMs: 1, kind: 'server_error', message: 'x', costMicros: 0 } });
    assert.equal(reservedMicros(s, 'day:2026-11-21', T), 6_000);
    assert.equal(spentMicros(s, 'day:2026-11-21'), 0);
  });

  it('stops counting a reservation at its deadline', () => {
    const s = foldLedger([{ type: LlmEventTypes.budgetConfigured, data: { caps: { day: 10_000 } } }, started('lost', 9_000, later)]);
    assert.equal(decideAdmission(s, [{ scope: 'day', key: '2026-11-21' }], 2_000, T + 59_999).ok, false);
    assert.equal(decideAdmission(s, [{ scope: 'day', key: '2026-11-21' }], 2_000, T + 60_000).ok, true);
  });

  it('lets an override lift one cap for one admission', () => {
    const s = emptyLedger();
    applyLedgerEvent(s, { type: LlmEventTypes.budgetConfigured, data: { caps: { day: 1_000 } } });
    applyLedgerEvent(s, { type: LlmEventTypes.overrideGranted, data: { overrideId: 'o1', scope: 'day', approvalId: 'ap-1' } });
    const d = decideAdmission(s, [{ scope: 'day', key: '2026-11-21' }], 5_000, T);
    assert.deepEqual(d, { ok: true, overridesUsed: ['o1'] });
    const withUse = started('c1', 5_000, later);
    if (withUse.type === LlmEventTypes.callStarted) withUse.data.overridesUsed = ['o1'];
    applyLedgerEvent(s, withUse);
    assert.equal(decideAdmission(s, [{ scope: 'day', key: '2026-11-21' }], 1, T).ok, false, 'used up');
  });
});

describe('gateway budgets through the SDK', () => {
  let r: Rig;
  beforeEach(async () => {
    r = await rig({ reservationTtlMs: 60_000 });
    r.api.onCountTokens(() => COUNTED);
  });
  afterEach(() => r.close());

  it('reserves the worst case it computes from the counted prompt and max_tokens', async () => {
    r.api.enqueue(reply.text('ok', { usage: worstUsage }));
    await r.gateway.call(small());
    assert.equal(r.sink.ofType(LlmEventTypes.callStarted)[0]!.reservation.amountMicros, RESERVATION);
    assert.equal(r.sink.ofType(LlmEventTypes.callSettled)[0]!.record.costMicros, RESERVATION);
  });

  it('refuses before sending when a call could exceed the cap, naming the budget, its cap and what is spent and reserved', async () => {
    await r.gateway.configureBudgets({ dayUsd: 0.01 });
    r.api.enqueue(reply.text('ok', { usage: worstUsage }));
    await r.gateway.call(small());
    const err = await r.gateway.call(small()).catch((e: unknown) => e);
    assert.ok(err instanceof ApiaryError);
    assert.equal(err.code, 'budget_exceeded');
    assert.match(err.message, /daily budget \(UTC 2026-11-21\) would be exceeded: cap \$0\.0100, spent \$0\.0056/);
    assert.match(err.message, /could cost up to \$0\.0056/);
    assert.ok(err.hint && /approval/.test(err.hint));
    assert.deepEqual(err.details?.budget, { scope: 'day', key: '2026-11-21', capMicros: 10_000, spentMicros: RESERVATION, reservedMicros: 0, requestedMicros: RESERVATION });
    assert.equal(r.api.messageRequests().length, 1, 'the refused call was never sent');
    assert.equal(r.sink.ofType(LlmEventTypes.callStarted).length, 1, 'and never recorded as started');
  });

  it('admits only what fits among 50 concurrent calls: settled spend never exceeds the cap', async () => {
    const CAP = 100_000;
    await r.gateway.configureBudgets({ dayUsd: CAP / 1_000_000 });
    // Hold every admitted call at the server until each of the 50 is either in flight or refused.
    let refusedSoFar = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const check = () => r.api.messageRequests().length + refusedSoFar === 50 && open();
    r.api.onMessage(async () => {
      check();
      await gate;
      return reply.text('done', { usage: worstUsage });
    });
    const calls = Array.from({ length: 50 }, (_, i) =>
      r.gateway.call(small({ agent: `worker-${i}` })).catch((e: unknown) => {
        refusedSoFar++;
        check();
        throw e;
      }),
    );
    const results = await Promise.allSettled(calls);
    const admitted = results.filter((x) => x.status === 'fulfilled');
    const refused = results.flatMap((x) => (x.status === 'rejected' ? [x.reason as unknown] : []));
    assert.equal(admitted.length, Math.floor(CAP / RESERVATION), 'exactly as many as the cap holds at once');
    assert.ok(refused.every((e) => e instanceof ApiaryError && e.code === 'budget_exceeded'));
    const settled = r.sink.ofType(LlmEventTypes.callSettled).reduce((t, e) => t + e.record.costMicros, 0);
    assert.equal(settled, admitted.length * RESERVATION);
    assert.ok(settled <= CAP);
    // Replaying the log event by event: spent + outstanding never passed the cap at any point.
    const ledger = foldLedger([]);
    for (const e of r.sink.events) {
      applyLedgerEvent(ledger, e);
      const k = 'day:2026-11-21';
      assert.ok(spentMicros(ledger, k) + reservedMicros(ledger, k, r.clock.now()) <= CAP);
    }
    assert.equal((await r.gateway.call(small()).catch((e: unknown) => e) as ApiaryError).code, 'budget_exceeded', 'and the day is now full');
  });

  it('releases the unspent part of a reservation when the call settles, so later calls fit', async () => {
    await r.gateway.configureBudgets({ dayUsd: 0.01 });
    r.api.onMessage(() => reply.text('short', { usage: { input_tokens: 110, output_tokens: 10 } }));
    for (let i = 0; i < 5; i++) await r.gateway.call(small());
    assert.equal(r.gateway.costView().ledger.spent.get('day:2026-11-21'), 5 * (110 + 50));
  });

  it('caps each cell and each swarm run separately, and the month overall', async () => {
    await r.gateway.configureBudgets({ cellUsd: 0.006, runUsd: 0.012, monthUsd: 1 });
    r.api.onMessage(() => reply.text('ok', { usage: worstUsage }));
    await r.gateway.call(small({ cell: 'c-1', run: 'r-1' }));
    const cellFull = await r.gateway.call(small({ cell: 'c-1', run: 'r-1' })).catch((e: unknown) => e);
    assert.ok(cellFull instanceof ApiaryError && cellFull.code === 'budget_exceeded' && /budget of cell c-1/.test(cellFull.message));
    await r.gateway.call(small({ cell: 'c-2', run: 'r-1' }));
    const runFull = await r.gateway.call(small({ cell: 'c-3', run: 'r-1' })).catch((e: unknown) => e);
    assert.ok(runFull instanceof ApiaryError && /budget of swarm run r-1/.test(runFull.message));
    await r.gateway.configureBudgets({ monthUsd: 0.012 });
    const monthFull = await r.gateway.call(small({ cell: 'c-4', run: 'r-2' })).catch((e: unknown) => e);
    assert.ok(monthFull instanceof ApiaryError && /monthly cap \(2026-11\)/.test(monthFull.message));
  });

  it('lets an approved override lift a cap exactly once, and keeps an unused one across a restart', async () => {
    await r.gateway.configureBudgets({ dayUsd: 0.006 });
    r.api.onMessage(() => reply.text('ok', { usage: worstUsage }));
    await r.gateway.call(small());
    assert.equal((await r.gateway.call(small()).catch((e: unknown) => e) as ApiaryError).code, 'budget_exceeded');
    const id = await r.gateway.grantOverride({ scope: 'day', approvalId: 'approval-7', grantedBy: 'human' });
    const restarted = r.restart();
    const res = await restarted.call(small());
    assert.equal(r.sink.ofType(LlmEventTypes.callStarted).find((s) => s.callId === res.callId)!.overridesUsed[0], id);
    assert.equal((await restarted.call(small()).catch((e: unknown) => e) as ApiaryError).code, 'budget_exceeded', 'the override is spent');
  });

  it('expires a reservation a crash left unsettled: it counts until its deadline, then no longer', async () => {
    await r.gateway.configureBudgets({ dayUsd: 0.01 });
    r.api.onMessage(() => reply.hang());
    const inFlight = r.gateway.call(small()).catch((e: unknown) => e);
    await r.api.waitForMessages(1);
    // The host dies mid-call: nothing more reaches the log.
    r.sink.frozen = true;
    await r.gateway.close();
    await inFlight;
    r.sink.frozen = false;
    const [lost] = r.sink.ofType(LlmEventTypes.callStarted);
    assert.equal(r.sink.ofType(LlmEventTypes.callFailed).length + r.sink.ofType(LlmEventTypes.callSettled).length, 0);

    const restarted = r.restart();
    r.api.onMessage(() => reply.text('ok', { usage: worstUsage }));
    const blocked = await restarted.call(small()).catch((e: unknown) => e);
    assert.ok(blocked instanceof ApiaryError && blocked.code === 'budget_exceeded');
    assert.equal((blocked.details?.budget as { reservedMicros: number }).reservedMicros, RESERVATION, 'the lost reservation still counts');

    r.clock.ms = Date.parse(lost!.reservation.expiresAt);
    const res = await restarted.call(small());
    assert.equal(res.costMicros, RESERVATION);
    const [expired] = r.sink.ofType(LlmEventTypes.reservationExpired);
    assert.equal(expired!.callId, lost!.callId);
    assert.equal(restarted.costView().ledger.open.size, 0);
    assert.equal(restarted.costView().ledger.spent.get('day:2026-11-21'), RESERVATION, 'the expired reservation spent nothing');
  });

  it('validates budget settings and records them so a restart keeps them', async () => {
    const bad = await r.gateway.configureBudgets({ dayUsd: -1 }).catch((e: unknown) => e);
    assert.ok(bad instanceof ApiaryError && bad.code === 'invalid_params');
    const unknown = await r.gateway.configureBudgets({ weekUsd: 5 }).catch((e: unknown) => e);
    assert.ok(unknown instanceof ApiaryError && unknown.code === 'invalid_params');
    assert.deepEqual(await r.gateway.configureBudgets({ dayUsd: 5, monthUsd: 100 }), { day: 5_000_000, month: 100_000_000 });
    assert.deepEqual(await r.gateway.configureBudgets({ dayUsd: null }), { month: 100_000_000 });
    assert.deepEqual(r.restart().costView().ledger.caps, { month: 100_000_000 });
  });
});
