// Which tier a reported model counts as, so an outside agent's outcome lands in the router's
// right arm. The configured tier→model mapping decides first (a workspace that maps "medium" to
// a Haiku model makes its Haiku work medium work); then the model family named in the id or in
// the price table's label (haiku → small, sonnet → medium, opus → large); then, for a model the
// price table prices under another name, the tier whose model costs nearest. Anything else is
// unknown: no tier is better than a wrong one, which would bias the router.
import { TIERS, type Tier } from '../../shared/llm';

export type TierSource = 'given' | 'configured' | 'family' | 'price';

export interface TierResolution {
  tier: Tier;
  source: TierSource;
}

/** What the mapping reads: the tier models in force and the price table's models. */
export interface ModelCatalog {
  tiers: Readonly<Record<Tier, string>>;
  models: Readonly<Record<string, { label: string; input: number; output: number }>>;
}

const FAMILY_TIER: Record<string, Tier> = { haiku: 'small', sonnet: 'medium', opus: 'large' };
const FAMILY = /(?:^|[^a-z])(haiku|sonnet|opus)(?:[^a-z]|$)/;

/**
 * One spelling for the ways clients and gateways write the same model: case, a provider path
 * ("anthropic/…"), Bedrock's "us.anthropic.…-v1:0", Vertex's "…@20250929", a dated snapshot
 * suffix and dots in versions ("4.5" = "4-5").
 */
export function canonicalModelId(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/^.*\//, '')
    .replace(/^(?:[a-z]{2,4}\.)?anthropic\./, '')
    .replace(/-v\d+(?::\d+)?$/, '')
    .replace(/@.*$/, '')
    .replace(/-\d{8}$/, '')
    .replace(/\./g, '-');
}

function familyTier(text: string): Tier | undefined {
  const m = FAMILY.exec(text.toLowerCase());
  return m ? FAMILY_TIER[m[1]!] : undefined;
}

/** A typical 4:1 input:output blend, USD per million tokens. */
const blended = (p: { input: number; output: number }): number => 0.8 * p.input + 0.2 * p.output;

function nearestByPrice(price: number, catalog: ModelCatalog): Tier | undefined {
  let best: Tier | undefined;
  let bestGap = Infinity;
  for (const t of TIERS) {
    const p = catalog.models[catalog.tiers[t]];
    if (!p || price <= 0 || blended(p) <= 0) continue;
    // Prices span orders of magnitude, so nearness is a ratio.
    const gap = Math.abs(Math.log(price / blended(p)));
    if (gap < bestGap) {
      bestGap = gap;
      best = t;
    }
  }
  return best;
}

/** The tier a model id counts as, or undefined when nothing says. */
export function tierOfModel(model: string, catalog: ModelCatalog): TierResolution | undefined {
  const id = canonicalModelId(model);
  if (!id) return undefined;
  const configured = TIERS.find((t) => canonicalModelId(catalog.tiers[t]) === id);
  if (configured) return { tier: configured, source: 'configured' };
  const named = familyTier(id);
  if (named) return { tier: named, source: 'family' };
  const priced = Object.entries(catalog.models).find(([key]) => canonicalModelId(key) === id)?.[1];
  if (!priced) return undefined;
  const labelled = familyTier(priced.label);
  if (labelled) return { tier: labelled, source: 'family' };
  const nearest = nearestByPrice(blended(priced), catalog);
  return nearest ? { tier: nearest, source: 'price' } : undefined;
}

/** An explicit tier wins; else the model's; else unknown. */
export function resolveTier(p: { tier?: Tier | undefined; model?: string | undefined }, catalog: ModelCatalog): TierResolution | undefined {
  if (p.tier) return { tier: p.tier, source: 'given' };
  return p.model ? tierOfModel(p.model, catalog) : undefined;
}
