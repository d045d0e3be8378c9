import assert from 'node:assert/strict';
import type { CostReport, LlmAskResult } from '../../../shared/llm';
import { LlmEventTypes } from '../../../shared/llm';
import { reply, startMessagesApi, type MessagesApi } from '../../support/messagesApi';
import { keyOf, priceTable, runCli, startLlmHost, TEST_KEY, type LlmHost } from './helpers';

/** The CLI's environment: no key of its own, so any call it makes uses the host's. */
function cliEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.ANTHROPIC_API_KEY;
  delete env.ANTHROPIC_BASE_URL;
  return env;
}

describe('CLI: `apiary llm ask` and `apiary cost` through the agent host', function () {
  this.timeout(60_000);
  let api: MessagesApi;
  let h: LlmHost;

  beforeEach(async () => {
    api = await startMessagesApi();
  });
  afterEach(async () => {
    await h?.stop();
    await api.close();
  });

  it('makes one call, prices it exactly from the price table (cache tokens included), and `apiary cost --json` reports the same spend', async () => {
    h = await startLlmHost({ env: { apiKey: TEST_KEY, baseUrl: api.url } });
    const usage = { input_tokens: 12_345, output_tokens: 6_789, cache_creation_input_tokens: 1_000, cache_read_input_tokens: 2_000, cache_creation: { ephemeral_5m_input_tokens: 1_000, ephemeral_1h_input_tokens: 0 } };
    api.onMessage(() => reply.text('Hello from the Messages API.', { usage }));

    const ask = await runCli(['llm', 'ask', 'Say hello', '--json', '--workspace', h.dir, '--agent', 'tester', '--max-tokens', '8000'], { env: cliEnv() });
    assert.equal(ask.code, 0, ask.stderr + ask.stdout);
    const result = ask.json as LlmAskResult;

    const table = priceTable();
    const model = table.tiers.medium!;
    const p = table.models[model]!;
    // USD per million tokens is micro-dollars per token.
    const expected = Math.round(usage.input_tokens * p.input + usage.output_tokens * p.output + 1_000 * p.cacheWrite5m + 2_000 * p.cacheRead);
    assert.equal(result.text, 'Hello from the Messages API.');
    assert.equal(result.model, model);
    assert.equal(result.tier, 'medium');
    assert.equal(result.costMicros, expected);
    assert.equal(result.usage.cacheReadInputTokens, 2_000);
    assert.equal(result.cacheHit, true);

    const sent = api.messageRequests();
    assert.equal(sent.length, 1, 'exactly one model call');
    assert.equal(keyOf(sent[0]!.headers), TEST_KEY, "the host's key was used");
    assert.equal(sent[0]!.body.max_tokens, 8000);

    const cost = await runCli(['cost', '--json', '--workspace', h.dir], { env: cliEnv() });
    assert.equal(cost.code, 0, cost.stderr);
    const report = cost.json as CostReport;
    assert.equal(report.spend.todayMicros, expected);
    assert.equal(report.spend.last30dMicros, expected);
    assert.deepEqual(report.byModel.map((b) => [b.key, b.micros, b.calls]), [[model, expected, 1]]);
    assert.deepEqual(report.byAgent.map((b) => [b.key, b.micros]), [['tester', expected]]);
    assert.equal(report.calls.settled30d, 1);
    assert.equal(report.calls.inFlight, 0);

    // The call's own stream holds its admission (with the reservation) and its settlement, by its agent.
    const events = h.host.store.events.read({ stream: `llm-${result.callId}` });
    assert.deepEqual(events.map((e) => e.type), [LlmEventTypes.callStarted, LlmEventTypes.callSettled]);
    assert.ok(events.every((e) => e.actor === 'tester'));

    const text = await runCli(['cost', '--workspace', h.dir], { env: cliEnv() });
    assert.equal(text.code, 0);
    assert.match(text.stdout, new RegExp(`today\\s+\\$${(expected / 1e6).toFixed(4).replace('.', '\\.')}`));
    assert.match(text.stdout, /Budgets: none set/);
  });

  it('refuses with exit 1 and a structured error when no API key is configured, and sends nothing', async () => {
    h = await startLlmHost({ env: { baseUrl: api.url } });
    const r = await runCli(['llm', 'ask', 'hello', '--json', '--workspace', h.dir], { env: cliEnv() });
    assert.equal(r.code, 1);
    const err = (r.json as { error: { code: string; message: string; hint: string } }).error;
    assert.equal(err.code, 'forbidden');
    assert.match(err.message, /No Anthropic API key/);
    assert.match(err.hint, /Set Anthropic API Key|ANTHROPIC_API_KEY/);
    assert.equal(api.requests.length, 0);
  });

  it('sets caps with `apiary cost budget`, and a call that could exceed one exits 1 naming the budget, its cap and the spend', async () => {
    h = await startLlmHost({ env: { apiKey: TEST_KEY, baseUrl: api.url } });
    const set = await runCli(['cost', 'budget', '--day', '0.001', '--month', '100', '--json', '--workspace', h.dir], { env: cliEnv() });
    assert.equal(set.code, 0, set.stderr + set.stdout);
    assert.deepEqual(set.json, { day: 1_000, month: 100_000_000 });

    const r = await runCli(['llm', 'ask', 'write a long essay', '--max-tokens', '1000', '--json', '--workspace', h.dir], { env: cliEnv() });
    assert.equal(r.code, 1);
    const err = (r.json as { error: { code: string; message: string; details: { budget: Record<string, unknown> } } }).error;
    assert.equal(err.code, 'budget_exceeded');
    assert.match(err.message, /daily budget \(UTC \d{4}-\d\d-\d\d\) would be exceeded: cap \$0\.0010, spent \$0\.0000/);
    assert.equal(err.details.budget.scope, 'day');
    assert.equal(err.details.budget.capMicros, 1_000);
    assert.equal(api.messageRequests().length, 0, 'fail closed: nothing was sent');

    const shown = await runCli(['cost', 'budget', '--workspace', h.dir], { env: cliEnv() });
    assert.match(shown.stdout, /per day \(UTC\)\s+\$0\.0010/);
    assert.match(shown.stdout, /per month\s+\$100\.00/);
  });

  it('treats a missing prompt or a bad tier as a usage error (exit 2)', async () => {
    h = await startLlmHost({ env: { apiKey: TEST_KEY, baseUrl: api.url } });
    const none = await runCli(['llm', 'ask', '--json', '--workspace', h.dir], { env: cliEnv() });
    assert.equal(none.code, 2);
    const tier = await runCli(['llm', 'ask', 'hi', '--tier', 'huge', '--workspace', h.dir], { env: cliEnv() });
    assert.equal(tier.code, 2);
    assert.match(tier.stderr, /--tier must be one of small, medium, large/);
  });
});
