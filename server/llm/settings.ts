// Where the gateway's key, endpoint and tier models come from: what a client set (VS Code's
// secret storage and settings) wins over the host's environment (ANTHROPIC_API_KEY,
// ANTHROPIC_BASE_URL), which wins over the defaults. Pure, so the precedence is testable.
import type { LlmConfigureParams, LlmConfigState, Tier } from '../../shared/llm';
import { TIERS } from '../../shared/llm';
import { loadPricing } from './pricing/priceTable';

/** What clients have set; absent: not set by any client. */
export interface ClientLlmSettings {
  apiKey?: string;
  baseUrl?: string;
  models: Partial<Record<Tier, string>>;
}

/** The options a gateway is built with. */
export interface EffectiveLlmConfig {
  apiKey?: string;
  apiKeySource: LlmConfigState['apiKey'];
  baseURL?: string;
  baseUrlSource: LlmConfigState['baseUrlSource'];
  tiers: Partial<Record<Tier, string>>;
}

export type LlmEnv = Partial<Record<'ANTHROPIC_API_KEY' | 'ANTHROPIC_BASE_URL', string>>;

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

export function effectiveConfig(settings: ClientLlmSettings, env: LlmEnv): EffectiveLlmConfig {
  const envKey = nonEmpty(env.ANTHROPIC_API_KEY);
  const envUrl = nonEmpty(env.ANTHROPIC_BASE_URL);
  const out: EffectiveLlmConfig = {
    apiKeySource: settings.apiKey ? 'client' : envKey ? 'environment' : 'none',
    baseUrlSource: settings.baseUrl ? 'client' : envUrl ? 'environment' : 'default',
    tiers: { ...settings.models },
  };
  const key = settings.apiKey ?? envKey;
  if (key) out.apiKey = key;
  const url = settings.baseUrl ?? envUrl;
  if (url) out.baseURL = url;
  return out;
}

/**
 * Applies a configure request (absent keeps a value, null clears it). Throws ApiaryError
 * (invalid_params) when a tier would map to a model without a price: such calls could not be
 * budgeted. Never mentions the key.
 */
export function applyConfigure(current: ClientLlmSettings, params: LlmConfigureParams): ClientLlmSettings {
  const next: ClientLlmSettings = { ...current, models: { ...current.models } };
  if (params.apiKey === null) delete next.apiKey;
  else if (params.apiKey !== undefined) next.apiKey = params.apiKey;
  if (params.baseUrl === null) delete next.baseUrl;
  else if (params.baseUrl !== undefined) next.baseUrl = params.baseUrl.replace(/\/+$/, '');
  for (const tier of TIERS) {
    const m = params.models?.[tier];
    if (m === null) delete next.models[tier];
    else if (m !== undefined) next.models[tier] = m.trim();
  }
  loadPricing(undefined, next.models);
  return next;
}

/** Do two configurations build the same gateway? */
export function sameConfig(a: EffectiveLlmConfig, b: EffectiveLlmConfig): boolean {
  return a.apiKey === b.apiKey && a.baseURL === b.baseURL && TIERS.every((t) => a.tiers[t] === b.tiers[t]);
}

/** The endpoint as it may be shown: without any user:password part. */
export function displayUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return null;
  }
}
