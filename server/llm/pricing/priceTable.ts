// The price table as the gateway uses it: validated once, rates turned into integer
// micro-dollars per million tokens so cost arithmetic stays exact.
import { ApiaryError } from '../../../shared/errors';
import type { PriceRates, PriceTable, Tier } from '../../../shared/llm';
import { TIERS } from '../../../shared/llm';
import { priceTableSchema } from '../../../shared/llmSchemas';
import defaultTable from './prices.json';

/** Integer micro-dollars per million tokens (so one token at one of these = one pico-dollar). */
export interface MicroRates {
  input: bigint;
  output: bigint;
  cacheWrite5m: bigint;
  cacheWrite1h: bigint;
  cacheRead: bigint;
}

export interface CompiledPrice {
  model: string;
  label: string;
  base: MicroRates;
  longPrompt?: MicroRates & { thresholdTokens: number };
}

export interface Pricing {
  readonly table: PriceTable;
  readonly tiers: Readonly<Record<Tier, string>>;
  /** Price of a model, or undefined when the table does not know it. */
  price(model: string): CompiledPrice | undefined;
  /** The tier a model is mapped to, if any. */
  tierOf(model: string): Tier | undefined;
  /** Percent multiplier for `usage.inference_geo` (100 when unknown or absent). */
  geoPercent(geo: string | undefined): number;
  /** The largest geo multiplier: a reservation cannot know where inference will run. */
  readonly maxGeoPercent: number;
}

function micro(usdPerMTok: number): bigint {
  return BigInt(Math.round(usdPerMTok * 1_000_000));
}

function compileRates(r: PriceRates): MicroRates {
  return {
    input: micro(r.input),
    output: micro(r.output),
    cacheWrite5m: micro(r.cacheWrite5m),
    cacheWrite1h: micro(r.cacheWrite1h),
    cacheRead: micro(r.cacheRead),
  };
}

/**
 * Builds the pricing from a table (the repository's dated table by default) and optional tier
 * overrides from settings. Refuses a table that does not parse or a tier mapped to a model
 * without a price: a call we cannot price is a call we cannot budget.
 */
export function loadPricing(table: unknown = defaultTable, tierOverrides: Partial<Record<Tier, string>> = {}): Pricing {
  const parsed = priceTableSchema.safeParse(table);
  if (!parsed.success) {
    throw new ApiaryError('invalid_params', `The price table is invalid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`, 'Fix server/llm/pricing/prices.json or the table passed to the gateway.', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const data = parsed.data as PriceTable;
  const tiers = { ...data.tiers };
  for (const tier of TIERS) {
    const override = tierOverrides[tier];
    if (override !== undefined && override !== '') tiers[tier] = override;
  }
  const compiled = new Map<string, CompiledPrice>();
  for (const [model, p] of Object.entries(data.models)) {
    const entry: CompiledPrice = { model, label: p.label, base: compileRates(p) };
    if (p.longPrompt) entry.longPrompt = { ...compileRates(p.longPrompt), thresholdTokens: p.longPrompt.thresholdTokens };
    compiled.set(model, entry);
  }
  for (const tier of TIERS) {
    if (!compiled.has(tiers[tier])) {
      throw new ApiaryError('invalid_params', `Tier "${tier}" is mapped to "${tiers[tier]}", which has no price.`, `Map the tier to one of: ${[...compiled.keys()].join(', ')} — or add the model to the price table.`, { tier, model: tiers[tier] });
    }
  }
  const geo = new Map(Object.entries(data.geoMultipliers).map(([k, v]) => [k, Math.round(v * 100)]));
  const maxGeoPercent = Math.max(100, ...geo.values());
  const table2: PriceTable = { ...data, tiers };
  return {
    table: table2,
    tiers,
    price: (model) => compiled.get(model),
    tierOf: (model) => TIERS.find((t) => tiers[t] === model),
    geoPercent: (g) => (g === undefined ? 100 : (geo.get(g) ?? 100)),
    maxGeoPercent,
  };
}
