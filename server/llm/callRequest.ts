// Checking a call request and turning it into Messages API params (with the cache breakpoints
// on the stable prefix).
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import { ApiaryError } from '../../shared/errors';
import type { Tier } from '../../shared/llm';
import { TIERS } from '../../shared/llm';
import type { CallRequest } from './gatewayTypes';
import { placeBreakpoints, type CacheTtl } from './promptCache';
import type { Pricing } from './pricing/priceTable';

export const MAX_OUTPUT_TOKENS = 128_000;

/** Refuses a malformed request before anything is counted, reserved or sent. */
export function validateCallRequest(req: CallRequest, pricing: Pricing, maxTokens: number): void {
  const bad = (message: string, hint: string) => new ApiaryError('invalid_params', message, hint);
  if (typeof req.agent !== 'string' || req.agent === '') throw bad('A call needs the calling agent.', 'Pass agent: the session or worker name.');
  if (!Array.isArray(req.messages) || req.messages.length === 0) throw bad('A call needs at least one message.', 'Pass messages: [{ role: "user", content: "..." }].');
  if (req.tier !== undefined && req.model !== undefined) throw bad('Give a tier or a model, not both.', 'Drop one of tier / model.');
  if (req.tier !== undefined && !TIERS.includes(req.tier)) throw bad(`Unknown tier "${String(req.tier)}".`, 'Tiers are small, medium and large.');
  if (req.model !== undefined && !pricing.price(req.model)) {
    throw bad(`Model "${req.model}" has no price, so its calls cannot be budgeted.`, `Use a tier, or one of: ${Object.keys(pricing.table.models).join(', ')}.`);
  }
  if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > MAX_OUTPUT_TOKENS) {
    throw bad(`maxTokens must be a whole number from 1 to ${MAX_OUTPUT_TOKENS}.`, 'Lower maxTokens.');
  }
}

export function cacheTtlOf(req: CallRequest): CacheTtl | undefined {
  if (!req.cache) return undefined;
  return typeof req.cache === 'object' && req.cache.ttl === '1h' ? '1h' : '5m';
}

export function messageParams(req: CallRequest, model: string, maxTokens: number): MessageCreateParamsNonStreaming {
  const prefix = placeBreakpoints(req.system, req.tools, cacheTtlOf(req));
  const params: MessageCreateParamsNonStreaming = { model, max_tokens: maxTokens, messages: req.messages };
  if (prefix.system) params.system = prefix.system;
  if (prefix.tools) params.tools = prefix.tools;
  if (req.toolChoice) params.tool_choice = req.toolChoice;
  return params;
}

/** The models a call may use, in order: its own, then (with failover) the other tiers' models. */
export function modelChain(req: CallRequest, pricing: Pricing, failoverOrder: Record<Tier, Tier[]>): Array<{ model: string; tier?: Tier }> {
  const primaryTier = req.model !== undefined ? pricing.tierOf(req.model) : (req.tier ?? 'medium');
  const primary = req.model ?? pricing.tiers[primaryTier ?? 'medium'];
  const chain: Array<{ model: string; tier?: Tier }> = [{ model: primary, ...(primaryTier ? { tier: primaryTier } : {}) }];
  if (req.failover && primaryTier) {
    for (const t of failoverOrder[primaryTier]) {
      const m = pricing.tiers[t];
      if (!chain.some((c) => c.model === m)) chain.push({ model: m, tier: t });
    }
  }
  return chain;
}
