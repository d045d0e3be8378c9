// Per-tier prices for the router, from the gateway's price table: USD per million input and
// output tokens, and the relative cost (largest tier = 1) the reward's cost penalty uses.
import { TIERS, type Tier } from '../../shared/llm';
import { loadPricing, type Pricing } from '../llm/pricing/priceTable';
import { relativeCosts } from './router';

export interface TierPrice {
  input: number;
  output: number;
}

export function tierPrices(pricing: Pricing = loadPricing()): Record<Tier, TierPrice> {
  const out = {} as Record<Tier, TierPrice>;
  for (const t of TIERS) {
    const p = pricing.price(pricing.tiers[t])!;
    out[t] = { input: Number(p.base.input) / 1e6, output: Number(p.base.output) / 1e6 };
  }
  return out;
}

/** Relative cost per tier for a typical 4:1 input:output mix. */
export function tierRelativeCost(prices: Record<Tier, TierPrice> = tierPrices()): Record<Tier, number> {
  const blend = (p: TierPrice): number => 0.8 * p.input + 0.2 * p.output;
  return relativeCosts({ small: blend(prices.small), medium: blend(prices.medium), large: blend(prices.large) });
}
