// The cost report: spend over time, by model / agent / epic, budgets with what remains, the
// month's projection, what the large tier alone would have cost, cache hit rate, breakers.
import { strict as assert } from 'node:assert';
import type { CallRecord, Tier } from '../../../shared/llm';
import { LlmEventTypes } from '../../../shared/llm';
import { costOf, normaliseUsage, type ApiUsage } from '../../../server/llm/cost';
import { foldCostView } from '../../../server/llm/costView';
import { foldLedger } from '../../../server/llm/ledger';
import { computeCostReport } from '../../../server/llm/report';
import { reply } from '../../support/messagesApi';
import { rig, testPricing, user } from './helpers';

const pricing = testPricing();
const NOW = Date.parse('2026-11-21T12:00:00.000Z');
const DAY = 86_400_000;

function call(id: string, daysAgo: number, tier: Tier, agent: string, u: ApiUsage, extra: Partial<CallRecord> = {}): CallRecord {
  const model = pricing.tiers[tier];
  const usage = normaliseUsage(u);
  const cost = costOf(usage, pricing.price(model)!);
  const at = new Date(NOW - daysAgo * DAY).toISOString();
  return { callId: id, startedAt: at, settledAt: at, model, tier, agent, stream: false, usage, cost, costMicros: cost.totalMicros, latencyMs: 100, attempts: 1, cacheHit: usage.cacheReadInputTokens > 0, stopReason: 'end_turn', ...extra };
}

describe('cost report', () => {
  const a = call('a', 0, 'small', 'alice', { input_tokens: 1_000, output_tokens: 100 }, { epic: 'E1' });
  const b = call('b', 3, 'medium', 'bob', { input_tokens: 2_000, cache_read_input_tokens: 8_000, output_tokens: 500 }, { cell: 'c-1' });
  const c = call('c', 10, 'large', 'alice', { input_tokens: 3_000, cache_creation_input_tokens: 1_000, output_tokens: 200 });
  const d = call('d', 40, 'large', 'carol', { input_tokens: 50_000, output_tokens: 5_000 });
  const ledger = foldLedger([
    { type: LlmEventTypes.budgetConfigured, data: { caps: { day: 50_000, cell: 100_000 } } },
    {
      type: LlmEventTypes.callStarted,
      data: {
        callId: 'inflight', startedAt: new Date(NOW).toISOString(), model: 'test-medium', agent: 'bob', cell: 'c-1', stream: false, maxTokens: 10, inputTokens: 10, inputTokensSource: 'estimate',
        reservation: { amountMicros: 7_000, scopes: [{ scope: 'day', key: '2026-11-21' }, { scope: 'cell', key: 'c-1' }], expiresAt: new Date(NOW + 60_000).toISOString() }, overridesUsed: [],
      },
    },
    { type: LlmEventTypes.callSettled, data: { callId: 'a', scopes: [{ scope: 'day', key: '2026-11-21' }], record: a } },
    { type: LlmEventTypes.callSettled, data: { callId: 'b', scopes: [{ scope: 'day', key: '2026-11-18' }, { scope: 'cell', key: 'c-1' }], record: b } },
  ]);
  const report = computeCostReport({
    now: NOW,
    pricing,
    calls: [a, b, c, d],
    failures: [{ callId: 'f', scopes: [], failedAt: new Date(NOW - DAY).toISOString(), model: 'test-small', agent: 'alice', attempts: 4, latencyMs: 9, kind: 'server_error', message: 'x', costMicros: 0 }],
    ledger,
    breakers: [{ model: 'test-small', state: 'open', consecutiveFailures: 5, openedAt: new Date(NOW).toISOString(), retryAt: new Date(NOW + 30_000).toISOString() }],
    epicOf: (cell) => (cell === 'c-1' ? 'E2' : undefined),
  });

  it('sums spend today, over 7 and 30 days and this month, and projects the month linearly', () => {
    assert.equal(report.spend.todayMicros, a.costMicros);
    assert.equal(report.spend.last7dMicros, a.costMicros + b.costMicros);
    assert.equal(report.spend.last30dMicros, a.costMicros + b.costMicros + c.costMicros);
    assert.equal(report.spend.monthMicros, a.costMicros + b.costMicros + c.costMicros, 'd was in October');
    // 20.5 of November's 30 days have passed.
    assert.equal(report.spend.projectedMonthMicros, Math.round((report.spend.monthMicros * 30) / 20.5));
  });

  it('draws 30 days of daily spend, oldest first', () => {
    assert.equal(report.daily.length, 30);
    assert.equal(report.daily[0]!.day, '2026-10-23');
    assert.deepEqual(report.daily.at(-1), { day: '2026-11-21', micros: a.costMicros });
    assert.equal(report.daily.find((x) => x.day === '2026-11-18')!.micros, b.costMicros);
    assert.equal(report.daily.reduce((t, x) => t + x.micros, 0), report.spend.last30dMicros);
  });

  it('breaks the last 30 days down by model, agent and epic, biggest first', () => {
    assert.deepEqual(report.byModel.map((x) => x.key), [...[a, b, c]].sort((x, y) => y.costMicros - x.costMicros).map((x) => x.model));
    const alice = report.byAgent.find((x) => x.key === 'alice')!;
    assert.equal(alice.micros, a.costMicros + c.costMicros);
    assert.equal(alice.calls, 2);
    assert.equal(report.byAgent.some((x) => x.key === 'carol'), false);
    assert.deepEqual(Object.fromEntries(report.byEpic.map((x) => [x.key, x.micros])), { E1: a.costMicros, E2: b.costMicros, '(none)': c.costMicros });
  });

  it('shows each capped budget with spent, reserved and what remains', () => {
    const day = report.budgets.find((x) => x.scope === 'day')!;
    assert.deepEqual(day, { scope: 'day', key: '2026-11-21', capMicros: 50_000, spentMicros: a.costMicros, reservedMicros: 7_000, remainingMicros: 50_000 - a.costMicros - 7_000, usedRatio: (a.costMicros + 7_000) / 50_000 });
    const cell = report.budgets.find((x) => x.scope === 'cell')!;
    assert.equal(cell.key, 'c-1');
    assert.equal(cell.spentMicros, b.costMicros);
    assert.equal(cell.reservedMicros, 7_000);
    assert.equal(report.budgets.some((x) => x.scope === 'month'), false, 'no monthly cap, no gauge');
  });

  it('prices the same tokens on the large tier to show what routing saved', () => {
    const large = pricing.price('test-large')!;
    const largeOnly = [a, b, c].reduce((t, x) => t + costOf(x.usage, large).totalMicros, 0);
    assert.deepEqual(report.counterfactual, { largeTierModel: 'test-large', actualMicros: report.spend.last30dMicros, largeTierOnlyMicros: largeOnly, savingMicros: largeOnly - report.spend.last30dMicros });
    assert.ok(report.counterfactual.savingMicros > 0);
  });

  it('reports the cache hit rate by tokens and by calls, breakers, and call counts', () => {
    assert.equal(report.cache.readTokens, 8_000);
    assert.equal(report.cache.writeTokens, 1_000);
    assert.equal(report.cache.inputTokens, 6_000);
    assert.equal(report.cache.hitRate, 8_000 / 15_000);
    assert.equal(report.cache.callHitRate, 1 / 3);
    assert.deepEqual(report.breakers.map((x) => [x.model, x.state]), [['test-small', 'open']]);
    assert.deepEqual(report.calls, { settled30d: 3, failed30d: 1, inFlight: 1, reservedMicros: 7_000 });
    assert.equal(report.prices.asOf, '2026-11-21');
  });

  it('comes out the same from the gateway live as from folding its recorded events', async () => {
    const r = await rig();
    try {
      await r.gateway.configureBudgets({ dayUsd: 1, monthUsd: 20 });
      r.api.enqueue(reply.text('one', { usage: { input_tokens: 500, output_tokens: 50 } }), reply.error(400));
      await r.gateway.call({ agent: 'alice', tier: 'small', messages: user('x'), epic: 'E9' });
      r.clock.advance(2 * DAY);
      await r.gateway.call({ agent: 'bob', tier: 'large', messages: user('y') }).catch(() => undefined);
      const live = r.gateway.report();
      const view = foldCostView(r.sink.events);
      const replayed = computeCostReport({ now: r.clock.now(), pricing: r.gateway.pricing, calls: view.calls, failures: view.failures, ledger: view.ledger, breakers: [...view.breakers.values()] });
      assert.deepEqual(replayed, live);
      assert.equal(live.calls.settled30d, 1);
      assert.equal(live.calls.failed30d, 1);
      assert.equal(live.byEpic[0]!.key, 'E9');
      assert.deepEqual(live.budgets.map((x) => x.scope), ['day', 'month']);
      assert.equal(live.spend.todayMicros, 0);
    } finally {
      await r.close();
    }
  });
});
