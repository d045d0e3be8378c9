// What the gateway takes and gives: its construction options, one call's request and result.
import type { Message, MessageParam, TextBlockParam, ToolChoice, ToolUnion, ToolUseBlock } from '@anthropic-ai/sdk/resources/messages';
import type { CostBreakdown, CostChanged, Tier, Usage } from '../../shared/llm';
import type { BreakerOptions } from './breaker';
import type { Clock, LlmEventSink, LlmLog, Sleep } from './ports';
import type { CacheTtl } from './promptCache';
import type { Pricing } from './pricing/priceTable';
import type { RetryPolicy } from './retry';

export interface GatewayOptions {
  /** From VS Code SecretStorage or ANTHROPIC_API_KEY; without one every call is refused. */
  apiKey?: string;
  /** Another endpoint; the SDK falls back to ANTHROPIC_BASE_URL, then the public API. */
  baseURL?: string;
  sink: LlmEventSink;
  /** LLM events recorded earlier (any order-preserving read of the log), folded at start. */
  history?: Iterable<{ type: string; data: unknown }>;
  /** Defaults to the repository's price table with `tiers` applied. */
  pricing?: Pricing;
  tiers?: Partial<Record<Tier, string>>;
  /** Where a call may go when its model's breaker is open and the caller allows failover. */
  failoverOrder?: Partial<Record<Tier, Tier[]>>;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<BreakerOptions>;
  /** Non-streaming attempt timeout (default 5 minutes). */
  attemptTimeoutMs?: number;
  /** Longest silence inside a stream (default 90 s). */
  streamIdleTimeoutMs?: number;
  /** How long an unsettled reservation counts; default covers every attempt, wait and timeout. */
  reservationTtlMs?: number;
  /** 'api' asks count_tokens (falling back to an estimate); 'estimate' never calls it. */
  tokenCounting?: 'api' | 'estimate';
  defaultMaxTokens?: number;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
  log?: LlmLog;
  onChange?: (change: CostChanged) => void;
  /** The epic of a cell, for the report's by-epic view. */
  epicOf?: (cell: string) => string | undefined;
}

export interface CallRequest {
  /** Who is calling (the session's agent name). */
  agent: string;
  /** Default "medium". Give a tier or a model, not both. */
  tier?: Tier;
  model?: string;
  messages: MessageParam[];
  system?: string | TextBlockParam[];
  tools?: ToolUnion[];
  toolChoice?: ToolChoice;
  maxTokens?: number;
  /** Marks system + tools as a stable prefix: the gateway places cache breakpoints on it. */
  cache?: boolean | { ttl?: CacheTtl };
  cell?: string;
  run?: string;
  epic?: string;
  /** May another tier take the call while this model's breaker is open? */
  failover?: boolean;
  /** Stream the answer (implied by onText). */
  stream?: boolean;
  onText?: (delta: string) => void;
  signal?: AbortSignal;
}

export interface CallResult {
  callId: string;
  message: Message;
  text: string;
  toolUses: ToolUseBlock[];
  model: string;
  tier?: Tier;
  usage: Usage;
  cost: CostBreakdown;
  costMicros: number;
  latencyMs: number;
  attempts: number;
  cacheHit: boolean;
  stopReason: string | null;
  failoverFrom?: string;
}
