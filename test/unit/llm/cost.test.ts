// Cost arithmetic against the price table, to the cent and below: every token category, the
// long-prompt band, the geo multiplier, and the worst case a reservation holds.
import { strict as assert } from 'node:assert';
import { ApiaryError } from '../../../shared/errors';
import { formatUsd, TIERS } from '../../../shared/llm';
import { costOf, normaliseUsage, worstCaseMicros } from '../../../server/llm/cost';
import { loadPricing } from '../../../server/llm/pricing/priceTable';
import { reply } from '../../support/messagesApi';
import { rig, TEST_PRICES, testPricing, user } from './helpers';

const pricing = testPricing();
const medium = pricing.price('test-medium')!; // $3 in, $15 out, $3.75 / $6 cache writes, $0.30 cache read
const banded = pricing.price('test-banded')!;

describe('cost of a call', () => {
  it('prices every token category and rounds each to the micro-dollar', () => {
    const usage = normaliseUsage({
      input_tokens: 1_234_567,
      output_tokens: 89_012,
      cache_creation_input_tokens: 58_023,
      cache_creation: { ephemeral_5m_input_tokens: 45_678, ephemeral_1h_input_tokens: 12_345 },
      cache_read_input_tokens: 987_654,
    });
    const c = costOf(usage, medium);
    assert.equal(c.inputMicros, 3_703_701); //  1,234,567 × $3/M
    assert.equal(c.outputMicros, 1_335_180); //     89,012 × $15/M
    assert.equal(c.cacheWrite5mMicros, 171_293); // 45,678 × $3.75/M = 171,292.5 → half up
    assert.equal(c.cacheWrite1hMicros, 74_070); //  12,345 × $6/M
    assert.equal(c.cacheReadMicros, 296_296); //   987,654 × $0.30/M = 296,296.2
    assert.equal(c.totalMicros, 5_580_540);
    assert.equal(formatUsd(c.totalMicros), '$5.58');
  });

  it('treats cache writes without a 5m/1h split as 5-minute writes', () => {
    const usage = normaliseUsage({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 10_000, cache_creation: null });
    assert.equal(usage.cacheCreation5mInputTokens, 10_000);
    assert.equal(costOf(usage, medium).cacheWrite5mMicros, 37_500);
  });

  it('puts the part of the cache writes a short split leaves out at the 5-minute rate', () => {
    const usage = normaliseUsage({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 5_000, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 2_000 } });
    assert.deepEqual([usage.cacheCreation5mInputTokens, usage.cacheCreation1hInputTokens], [3_000, 2_000]);
  });

  it('bills every token of a long prompt at the long-prompt band, output included', () => {
    const short = costOf(normaliseUsage({ input_tokens: 100_000, output_tokens: 1_000 }), banded);
    assert.equal(short.totalMicros, 10_000 + 500); // $0.10/M and $0.50/M
    const long = costOf(normaliseUsage({ input_tokens: 60_000, cache_read_input_tokens: 40_001, output_tokens: 1_000 }), banded);
    // 100,001 prompt tokens: $0.50/M in, $0.05/M cache read, $2.50/M out
    assert.equal(long.inputMicros, 30_000);
    assert.equal(long.cacheReadMicros, 2_000);
    assert.equal(long.outputMicros, 2_500);
  });

  it('applies the geo multiplier for inference pinned to the US', () => {
    const usage = normaliseUsage({ input_tokens: 1_000_000, output_tokens: 0, inference_geo: 'us' });
    assert.equal(costOf(usage, pricing.price('test-small')!, pricing.geoPercent(usage.inferenceGeo)).totalMicros, 1_100_000);
    assert.equal(pricing.geoPercent('global'), 100);
  });

  it('reserves the worst case: prompt at the dearest rate it can be billed at, all of max_tokens, the worst geo, rounded up', () => {
    const plain = worstCaseMicros({ price: medium, inputTokens: 1_000, maxTokens: 2_000, geoPercent: 100 });
    assert.equal(plain, 1_000 * 3 + 2_000 * 15);
    const cached1h = worstCaseMicros({ price: medium, inputTokens: 1_000, maxTokens: 2_000, cacheTtl: '1h', geoPercent: 100 });
    assert.equal(cached1h, 1_000 * 6 + 2_000 * 15);
    const geo = worstCaseMicros({ price: medium, inputTokens: 1, maxTokens: 0, geoPercent: 110 });
    assert.equal(geo, 4, '3.3 µ$ rounds up');
    // Whatever the response's split of input / cache writes / reads, the actual cost stays within it.
    for (const split of [
      { input_tokens: 1_000, output_tokens: 2_000 },
      { input_tokens: 0, cache_creation_input_tokens: 1_000, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1_000 }, output_tokens: 2_000 },
      { input_tokens: 500, cache_read_input_tokens: 500, output_tokens: 2_000 },
    ]) {
      assert.ok(costOf(normaliseUsage(split), medium).totalMicros <= cached1h);
    }
  });

  it('ships a dated price table whose tiers map to priced current models', () => {
    const real = loadPricing();
    assert.match(real.table.asOf, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(real.table.source.length > 20);
    for (const tier of TIERS) {
      const model = real.tiers[tier];
      assert.match(model, /^claude-/);
      assert.ok(real.price(model), `${tier} → ${model} has a price`);
    }
    for (const [model, p] of Object.entries(real.table.models)) {
      for (const band of [p, ...(p.longPrompt ? [p.longPrompt] : [])]) {
        assert.ok(band.cacheRead <= band.input && band.input <= band.cacheWrite5m && band.cacheWrite5m <= band.cacheWrite1h, `${model}: read ≤ input ≤ 5m write ≤ 1h write`);
        assert.ok(band.output >= band.input, `${model}: output costs at least input`);
      }
    }
  });

  it('refuses a tier mapped to a model without a price, and a malformed table', () => {
    assert.throws(() => loadPricing(TEST_PRICES, { large: 'mystery-model' }), (e: unknown) => e instanceof ApiaryError && e.code === 'invalid_params' && /mystery-model/.test(e.message));
    assert.throws(() => loadPricing({ ...TEST_PRICES, asOf: 'last week' }), (e: unknown) => e instanceof ApiaryError && e.code === 'invalid_params');
    assert.equal(loadPricing(TEST_PRICES, { large: 'test-banded' }).tiers.large, 'test-banded');
  });
});

describe('cost of a call made through the gateway', () => {
  it('settles the exact cost of the usage the API reports, cache tokens included', async () => {
    const r = await rig();
    try {
      r.api.enqueue(
        reply.text('a', { usage: { input_tokens: 2_000, output_tokens: 500, cache_creation_input_tokens: 3_000, cache_creation: { ephemeral_5m_input_tokens: 1_000, ephemeral_1h_input_tokens: 2_000 }, cache_read_input_tokens: 4_000 } }),
        reply.text('b', { usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 3_000, cache_creation: null, cache_read_input_tokens: 0 } }),
        reply.text('c', { usage: { input_tokens: 1_000_000, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, inference_geo: 'us' } }),
      );
      const a = await r.gateway.call({ agent: 'a', tier: 'medium', messages: user('x'), maxTokens: 600 });
      // 2,000 × 3 + 500 × 15 + 1,000 × 3.75 + 2,000 × 6 + 4,000 × 0.3 = 6,000 + 7,500 + 3,750 + 12,000 + 1,200
      assert.equal(a.costMicros, 30_450);
      assert.equal(formatUsd(a.costMicros), '$0.0305');
      const b = await r.gateway.call({ agent: 'a', tier: 'medium', messages: user('y'), stream: true });
      assert.equal(b.cost.cacheWrite5mMicros, 11_250);
      const c = await r.gateway.call({ agent: 'a', tier: 'small', messages: user('z') });
      assert.equal(c.costMicros, 1_100_000);
      assert.equal(r.gateway.costView().ledger.spent.get('day:2026-11-21'), 30_450 + 11_250 + 1_100_000);
    } finally {
      await r.close();
    }
  });
});
