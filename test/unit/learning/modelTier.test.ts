import assert from 'node:assert/strict';
import type { Tier } from '../../../shared/llm';
import { canonicalModelId, resolveTier, tierOfModel, type ModelCatalog } from '../../../server/learning/modelTier';
import { loadPricing } from '../../../server/llm/pricing/priceTable';

// The repository's price table, as the host maps with it.
const table = loadPricing().table;
const defaults: ModelCatalog = { tiers: table.tiers, models: table.models };
const withTiers = (tiers: Partial<Record<Tier, string>>): ModelCatalog => ({ tiers: { ...table.tiers, ...tiers }, models: table.models });

describe('the tier of a reported model', () => {
  it('maps each configured tier model to its tier', () => {
    for (const tier of ['small', 'medium', 'large'] as const) assert.deepEqual(tierOfModel(table.tiers[tier], defaults), { tier, source: 'configured' });
  });

  it('lets the configured mapping win over the family name: a workspace running Haiku as its medium tier counts Haiku work as medium', () => {
    assert.deepEqual(tierOfModel('claude-haiku-4-5', withTiers({ medium: 'claude-haiku-4-5' })), { tier: 'medium', source: 'configured' });
    assert.deepEqual(tierOfModel('claude-haiku-4-5', defaults), { tier: 'small', source: 'family' });
  });

  it('falls back to the model family for models outside the mapping: haiku → small, sonnet → medium, opus → large', () => {
    assert.equal(tierOfModel('claude-haiku-4-5', defaults)?.tier, 'small');
    assert.equal(tierOfModel('claude-sonnet-4-5', defaults)?.tier, 'medium');
    assert.equal(tierOfModel('claude-opus-4-1', defaults)?.tier, 'large');
    assert.equal(tierOfModel('claude-3-5-sonnet-20241022', defaults)?.tier, 'medium');
    assert.equal(tierOfModel('Claude Opus 4.1', defaults)?.tier, 'large');
  });

  it('reads the spellings clients and gateways use for the same model', () => {
    assert.equal(canonicalModelId('anthropic/claude-sonnet-4.5'), 'claude-sonnet-4-5');
    assert.equal(canonicalModelId('us.anthropic.claude-opus-4-1-20250805-v1:0'), 'claude-opus-4-1');
    assert.equal(canonicalModelId('claude-haiku-4-5@20251001'), 'claude-haiku-4-5');
    assert.equal(canonicalModelId('  Claude-Sonnet-5-5 '), 'claude-sonnet-5-5');
    assert.deepEqual(tierOfModel('Anthropic/Claude-Opus-5.5', defaults), { tier: 'large', source: 'configured' });
  });

  it('places a priced model of another family at the tier whose model costs nearest', () => {
    // Claude Fable 5.1 costs more than the large tier's model, so its work is large work.
    assert.deepEqual(tierOfModel('claude-fable-5-1', defaults), { tier: 'large', source: 'price' });
  });

  it('knows no tier for a model it cannot place, rather than guessing medium', () => {
    assert.equal(tierOfModel('gpt-5', defaults), undefined);
    assert.equal(tierOfModel('my-local-llama', defaults), undefined);
    assert.equal(tierOfModel('opusculum-7b', defaults), undefined, 'a family word must stand alone');
    assert.equal(tierOfModel('   ', defaults), undefined);
  });

  it('takes an explicit tier over the model, the model over nothing', () => {
    assert.deepEqual(resolveTier({ tier: 'small', model: 'claude-opus-4-1' }, defaults), { tier: 'small', source: 'given' });
    assert.deepEqual(resolveTier({ model: 'claude-opus-4-1' }, defaults), { tier: 'large', source: 'family' });
    assert.equal(resolveTier({}, defaults), undefined);
  });
});
