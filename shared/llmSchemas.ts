// Parameter schemas for the LLM and cost requests, declared once. The host validates with them;
// shared/llm.ts imports only their inferred types, so the extension bundle carries no zod.
import { z } from 'zod';

export const tierSchema = z.enum(['small', 'medium', 'large']);

const id = z.string().min(1).max(200);

export const llmAskParamsSchema = z.object({
  prompt: z.string().min(1, 'the prompt is empty').max(400_000),
  tier: tierSchema.optional(),
  cell: id.optional(),
  run: id.optional(),
  epic: id.optional(),
  maxTokens: z.number().int().min(1).max(128_000).optional(),
  system: z.string().min(1).max(400_000).optional(),
  /** Allow the gateway to use another tier when this one's circuit breaker is open. */
  failover: z.boolean().optional(),
});
export type LlmAskParams = z.input<typeof llmAskParamsSchema>;

/** A cap in US dollars; null removes it, absent leaves it as it is. */
const capUsd = z.number().positive().max(1_000_000).nullable().optional();

export const budgetSettingsParamsSchema = z
  .object({ dayUsd: capUsd, cellUsd: capUsd, runUsd: capUsd, monthUsd: capUsd })
  .strict();
export type BudgetSettingsParams = z.input<typeof budgetSettingsParamsSchema>;

export const costReportParamsSchema = z.union([z.object({}).strict(), z.null(), z.undefined()]);
export type CostReportParams = z.input<typeof costReportParamsSchema>;

const rates = {
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheWrite5m: z.number().nonnegative(),
  cacheWrite1h: z.number().nonnegative(),
  cacheRead: z.number().nonnegative(),
};

/** The dated price table kept as data in the repository (USD per million tokens). */
export const priceTableSchema = z.object({
  asOf: z.iso.date(),
  source: z.string().min(1),
  currency: z.literal('USD'),
  tiers: z.object({ small: z.string().min(1), medium: z.string().min(1), large: z.string().min(1) }),
  geoMultipliers: z.record(z.string(), z.number().min(1).max(10)),
  models: z.record(
    z.string(),
    z.object({
      label: z.string().min(1),
      ...rates,
      longPrompt: z.object({ thresholdTokens: z.number().int().positive(), ...rates }).optional(),
    }),
  ),
});

/**
 * What a client (VS Code) tells the host about calling the API: a key from its secret storage,
 * another endpoint, tier → model overrides. `null` falls back to the host's environment
 * (ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL) or the price table's tiers; absent leaves a value as it is.
 * Messages never echo the key.
 */
export const llmConfigureParamsSchema = z
  .object({
    apiKey: z.string().min(8, 'the API key is too short').max(1024).regex(/^\S+$/, 'the API key contains spaces').nullable().optional(),
    baseUrl: z.url({ protocol: /^https?$/, error: 'baseUrl must be an http(s) URL' }).max(2048).nullable().optional(),
    models: z
      .object({ small: z.string().min(1).max(200).nullable().optional(), medium: z.string().min(1).max(200).nullable().optional(), large: z.string().min(1).max(200).nullable().optional() })
      .strict()
      .optional(),
  })
  .strict();
export type LlmConfigureParams = z.input<typeof llmConfigureParamsSchema>;
