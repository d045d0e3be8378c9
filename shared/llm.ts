// The LLM gateway and cost control, as both ends see them: tiers, prices, usage, call records,
// budgets, breaker states, the cost report, the events the gateway appends, and the host
// requests. Money is always an integer number of micro-dollars (1 USD = 1,000,000) so sums
// never drift; `formatUsd` turns it into text at the edge.
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from './errors';
import type { BudgetSettingsParams, CostReportParams, LlmAskParams, LlmConfigureParams } from './llmSchemas';

export type { BudgetSettingsParams, CostReportParams, LlmAskParams, LlmConfigureParams };

// ── tiers and prices ────────────────────────────────────────────────────────────────────────

export type Tier = 'small' | 'medium' | 'large';
export const TIERS: readonly Tier[] = ['small', 'medium', 'large'];

/** USD per million tokens for one band of a model's prices. */
export interface PriceRates {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

export interface ModelPrice extends PriceRates {
  /** Human name, e.g. "Claude Sonnet 5.5". */
  label: string;
  /** Some models bill every token of a request at higher rates once its prompt (input + cache
   * writes + cache reads) is longer than `thresholdTokens`. */
  longPrompt?: PriceRates & { thresholdTokens: number };
}

export interface PriceTable {
  /** Date (YYYY-MM-DD) the prices were checked. */
  asOf: string;
  source: string;
  currency: 'USD';
  tiers: Record<Tier, string>;
  /** Multipliers by `usage.inference_geo`, e.g. { us: 1.1 }; absent geos cost 1×. */
  geoMultipliers: Record<string, number>;
  models: Record<string, ModelPrice>;
}

// ── usage and calls ─────────────────────────────────────────────────────────────────────────

/** Token counts of one response, normalised from the API's usage object. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** All cache writes; equals the 5m + 1h split when the API gave one. */
  cacheCreationInputTokens: number;
  cacheCreation5mInputTokens: number;
  cacheCreation1hInputTokens: number;
  cacheReadInputTokens: number;
  inferenceGeo?: string;
}

export interface CostBreakdown {
  inputMicros: number;
  outputMicros: number;
  cacheWrite5mMicros: number;
  cacheWrite1hMicros: number;
  cacheReadMicros: number;
  totalMicros: number;
}

/** One settled model call, as the cost views read it. */
export interface CallRecord {
  callId: string;
  /** ISO time the call was admitted (its budget day and month are taken from this). */
  startedAt: string;
  settledAt: string;
  model: string;
  tier?: Tier;
  agent: string;
  cell?: string;
  run?: string;
  epic?: string;
  stream: boolean;
  usage: Usage;
  cost: CostBreakdown;
  costMicros: number;
  latencyMs: number;
  attempts: number;
  /** True when the response read any tokens from the prompt cache. */
  cacheHit: boolean;
  stopReason: string | null;
  /** The model first asked for, when the breaker sent the call elsewhere. */
  failoverFrom?: string;
}

// ── budgets ─────────────────────────────────────────────────────────────────────────────────

export type BudgetScope = 'day' | 'cell' | 'run' | 'month';
export const BUDGET_SCOPES: readonly BudgetScope[] = ['day', 'cell', 'run', 'month'];

/** Caps in micro-dollars; an absent scope has no cap. `cell` and `run` cap each cell / run. */
export type BudgetCaps = Partial<Record<BudgetScope, number>>;

/** Which budget a call counts against: day "2026-11-21", month "2026-11", a cell id, a run id. */
export interface ScopeRef {
  scope: BudgetScope;
  key: string;
}

export interface BudgetStatus extends ScopeRef {
  capMicros: number;
  spentMicros: number;
  /** Worst cases of calls admitted but not yet settled. */
  reservedMicros: number;
  remainingMicros: number;
  /** (spent + reserved) / cap. */
  usedRatio: number;
}

// ── circuit breaker ─────────────────────────────────────────────────────────────────────────

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerStatus {
  model: string;
  state: BreakerState;
  consecutiveFailures: number;
  /** ISO time it opened, while open or half-open. */
  openedAt?: string;
  /** ISO time an open breaker lets a probe through. */
  retryAt?: string;
}

// ── cost report (panel, `apiary cost`, MCP `cost_report`) ──────────────────────────────────

export interface SpendBucket {
  key: string;
  micros: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
}

export interface CostReport {
  generatedAt: string;
  prices: { asOf: string; source: string };
  tiers: Record<Tier, string>;
  spend: {
    todayMicros: number;
    last7dMicros: number;
    last30dMicros: number;
    monthMicros: number;
    /** This month's spend extrapolated linearly to the month's end. */
    projectedMonthMicros: number;
  };
  /** Spend per UTC day, the last 30 days, oldest first. */
  daily: Array<{ day: string; micros: number }>;
  /** The last 30 days, biggest first. */
  byModel: SpendBucket[];
  byAgent: SpendBucket[];
  byEpic: SpendBucket[];
  budgets: BudgetStatus[];
  /** What the last 30 days' tokens would have cost on the large tier alone. */
  counterfactual: { largeTierModel: string; actualMicros: number; largeTierOnlyMicros: number; savingMicros: number };
  cache: {
    /** Cache-read tokens / all prompt tokens (input + cache writes + cache reads). */
    hitRate: number;
    /** Calls that read from the cache / calls. */
    callHitRate: number;
    inputTokens: number;
    writeTokens: number;
    readTokens: number;
  };
  /** Breakers that are open or half-open; none listed means every model is healthy. */
  breakers: BreakerStatus[];
  calls: { settled30d: number; failed30d: number; inFlight: number; reservedMicros: number };
}

// ── events the gateway appends ──────────────────────────────────────────────────────────────

export const LlmEventTypes = {
  callStarted: 'llm.call.started',
  callRetried: 'llm.call.retried',
  callSettled: 'llm.call.settled',
  callFailed: 'llm.call.failed',
  reservationExpired: 'llm.reservation.expired',
  breakerChanged: 'llm.breaker.changed',
  budgetConfigured: 'budget.configured',
  overrideGranted: 'budget.override.granted',
} as const;

export interface Reservation {
  amountMicros: number;
  scopes: ScopeRef[];
  /** ISO time after which an unsettled reservation no longer counts. */
  expiresAt: string;
}

/** Admission of a call: its budget reservation travels in the same event, so it is atomic. */
export interface LlmCallStarted {
  callId: string;
  startedAt: string;
  model: string;
  tier?: Tier;
  agent: string;
  cell?: string;
  run?: string;
  epic?: string;
  stream: boolean;
  maxTokens: number;
  /** Prompt tokens the reservation assumes: counted plus a small margin, or a conservative estimate. */
  inputTokens: number;
  inputTokensSource: 'count_tokens' | 'estimate';
  reservation: Reservation;
  /** Budget overrides this admission used up. */
  overridesUsed: string[];
  failoverFrom?: string;
}

export type FailureKind =
  | 'rate_limited'
  | 'overloaded'
  | 'server_error'
  | 'timeout'
  | 'connection'
  | 'request_error'
  | 'auth'
  | 'aborted'
  | 'breaker_open'
  | 'deadline'
  | 'unknown';

export interface LlmCallRetried {
  callId: string;
  /** The attempt that failed (1-based). */
  attempt: number;
  kind: FailureKind;
  status?: number;
  delayMs: number;
  /** The delay came from the server's retry-after / retry-after-ms. */
  serverDelay: boolean;
}

export interface LlmCallSettled {
  callId: string;
  scopes: ScopeRef[];
  record: CallRecord;
}

export interface LlmCallFailed {
  callId: string;
  scopes: ScopeRef[];
  failedAt: string;
  model: string;
  agent: string;
  attempts: number;
  latencyMs: number;
  kind: FailureKind;
  status?: number;
  message: string;
  /** Normally 0: failed requests are not billed. Set when a stream broke after usage was known. */
  costMicros: number;
}

export interface LlmReservationExpired {
  callId: string;
  amountMicros: number;
  expiredAt: string;
}

export interface LlmBreakerChanged {
  model: string;
  from: BreakerState;
  to: BreakerState;
  consecutiveFailures: number;
  at: string;
  retryAt?: string;
  reason: string;
}

export interface BudgetConfigured {
  caps: BudgetCaps;
}

/** Lifts one budget's cap for exactly one call (granted by an "exceed a budget" approval). */
export interface BudgetOverrideGranted {
  overrideId: string;
  scope: BudgetScope;
  /** The day / month / cell / run it applies to; absent: whichever the next refused call hits. */
  key?: string;
  approvalId?: string;
  grantedBy?: string;
  reason?: string;
}

export interface LlmEventDataMap {
  [LlmEventTypes.callStarted]: LlmCallStarted;
  [LlmEventTypes.callRetried]: LlmCallRetried;
  [LlmEventTypes.callSettled]: LlmCallSettled;
  [LlmEventTypes.callFailed]: LlmCallFailed;
  [LlmEventTypes.reservationExpired]: LlmReservationExpired;
  [LlmEventTypes.breakerChanged]: LlmBreakerChanged;
  [LlmEventTypes.budgetConfigured]: BudgetConfigured;
  [LlmEventTypes.overrideGranted]: BudgetOverrideGranted;
}
export type LlmEventType = keyof LlmEventDataMap;
/** `{type, data}` of every event the gateway appends, discriminated by type. */
export type LlmEvent = { [K in LlmEventType]: { type: K; data: LlmEventDataMap[K] } }[LlmEventType];
const llmEventTypeSet: ReadonlySet<string> = new Set(Object.values(LlmEventTypes));

/** Narrows a stored `{type, data}` to an LLM event by its type name (data is trusted: we wrote it). */
export function isLlmEvent(event: { type: string; data: unknown }): event is LlmEvent {
  return llmEventTypeSet.has(event.type);
}

// ── host requests ───────────────────────────────────────────────────────────────────────────

export interface LlmAskResult {
  callId: string;
  text: string;
  model: string;
  tier?: Tier;
  usage: Usage;
  costMicros: number;
  latencyMs: number;
  cacheHit: boolean;
  stopReason: string | null;
}

export const LlmAskRequest = new RequestType<LlmAskParams, LlmAskResult, ApiaryErrorData>('apiary/llm/ask');
export const CostReportRequest = new RequestType<CostReportParams, CostReport, ApiaryErrorData>('apiary/cost/report');
/** The caps in force (micro-dollars; an absent scope has no cap). */
export const BudgetGetRequest = new RequestType0<BudgetCaps, ApiaryErrorData>('apiary/cost/budgets');
/** Sets caps in US dollars (null removes one); answers the caps now in force. */
export const BudgetSetRequest = new RequestType<BudgetSettingsParams, BudgetCaps, ApiaryErrorData>('apiary/cost/budgets/set');

/** How the host calls the API now. Never carries the key itself, only where it came from. */
export interface LlmConfigState {
  /** `client`: set by a client (VS Code's secret storage); `environment`: ANTHROPIC_API_KEY. */
  apiKey: 'client' | 'environment' | 'none';
  /** The endpoint in use; null: the public API. */
  baseUrl: string | null;
  baseUrlSource: 'client' | 'environment' | 'default';
  /** Tier → model in force (the price table's, with overrides applied). */
  tiers: Record<Tier, string>;
  /** True while new settings wait for calls in flight to finish. */
  pending: boolean;
}

/** Sets the key / endpoint / tier models (null falls back to the host's environment); answers the state in force. */
export const LlmConfigureRequest = new RequestType<LlmConfigureParams, LlmConfigState, ApiaryErrorData>('apiary/llm/configure');
export const LlmConfigRequest = new RequestType0<LlmConfigState, ApiaryErrorData>('apiary/llm/config');

/** Pushed after a call settles or fails, a breaker changes or budgets change: views re-query the report. */
export interface CostChanged {
  /** `config`: the key, endpoint or tier models changed (see apiary/llm/config). */
  reason: 'settled' | 'failed' | 'breaker' | 'budget' | 'expired' | 'config';
  callId?: string;
  model?: string;
}
export const CostChangedNotification = new NotificationType<CostChanged>('apiary/cost/changed');

// ── helpers both ends use ───────────────────────────────────────────────────────────────────

export const MICROS_PER_USD = 1_000_000;

/** "$0.0123" below a dollar (four places), "$12.35" from a dollar up. */
export function formatUsd(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const places = abs < MICROS_PER_USD ? 4 : 2;
  return `${sign}$${(abs / MICROS_PER_USD).toFixed(places)}`;
}

export function usdToMicros(usd: number): number {
  return Math.round(usd * MICROS_PER_USD);
}
