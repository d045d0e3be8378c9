// Exact cost of a call from its usage, and the worst case a call could cost before it is sent.
// Arithmetic is in BigInt pico-dollars (token × micro-dollars per million tokens) and rounded
// once per category to micro-dollars, so totals never drift.
import type { CostBreakdown, Usage } from '../../shared/llm';
import type { CompiledPrice, MicroRates } from './pricing/priceTable';

/** The usage object as the Messages API returns it (fields may be null or absent). */
export interface ApiUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
  inference_geo?: string | null;
}

const n = (v: number | null | undefined): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

/**
 * Normalises API usage. Cache writes without a 5m/1h split count as 5-minute writes (the
 * default TTL); a split that falls short of the total puts the remainder at 5 minutes too.
 */
export function normaliseUsage(u: ApiUsage): Usage {
  const split1h = n(u.cache_creation?.ephemeral_1h_input_tokens);
  const split5m = n(u.cache_creation?.ephemeral_5m_input_tokens);
  const total = Math.max(n(u.cache_creation_input_tokens), split5m + split1h);
  const usage: Usage = {
    inputTokens: n(u.input_tokens),
    outputTokens: n(u.output_tokens),
    cacheCreationInputTokens: total,
    cacheCreation5mInputTokens: total - split1h,
    cacheCreation1hInputTokens: split1h,
    cacheReadInputTokens: n(u.cache_read_input_tokens),
  };
  if (typeof u.inference_geo === 'string' && u.inference_geo !== '') usage.inferenceGeo = u.inference_geo;
  return usage;
}

export function promptTokens(u: Usage): number {
  return u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens;
}

/** The band of rates a request pays: long-prompt rates apply to every token once the prompt is over the threshold. */
export function ratesFor(price: CompiledPrice, promptTokenCount: number): MicroRates {
  const long = price.longPrompt;
  return long && promptTokenCount > long.thresholdTokens ? long : price.base;
}

const PICO_PER_MICRO_PERCENT = 1_000_000n * 100n;

/** tokens × rate × geo% / (1e6 × 100), rounded half up to whole micro-dollars. */
function roundedMicros(tokens: number, rate: bigint, geoPercent: number): number {
  const num = BigInt(tokens) * rate * BigInt(geoPercent);
  return Number((num + PICO_PER_MICRO_PERCENT / 2n) / PICO_PER_MICRO_PERCENT);
}

function ceilMicros(num: bigint): number {
  return Number((num + PICO_PER_MICRO_PERCENT - 1n) / PICO_PER_MICRO_PERCENT);
}

/** What a response's usage costs on a model, category by category, in micro-dollars. */
export function costOf(usage: Usage, price: CompiledPrice, geoPercent = 100): CostBreakdown {
  const r = ratesFor(price, promptTokens(usage));
  const inputMicros = roundedMicros(usage.inputTokens, r.input, geoPercent);
  const outputMicros = roundedMicros(usage.outputTokens, r.output, geoPercent);
  const cacheWrite5mMicros = roundedMicros(usage.cacheCreation5mInputTokens, r.cacheWrite5m, geoPercent);
  const cacheWrite1hMicros = roundedMicros(usage.cacheCreation1hInputTokens, r.cacheWrite1h, geoPercent);
  const cacheReadMicros = roundedMicros(usage.cacheReadInputTokens, r.cacheRead, geoPercent);
  return {
    inputMicros,
    outputMicros,
    cacheWrite5mMicros,
    cacheWrite1hMicros,
    cacheReadMicros,
    totalMicros: inputMicros + outputMicros + cacheWrite5mMicros + cacheWrite1hMicros + cacheReadMicros,
  };
}

export interface WorstCaseInput {
  price: CompiledPrice;
  /** Prompt tokens counted (or conservatively estimated) before sending. */
  inputTokens: number;
  maxTokens: number;
  /** The cache TTL of the breakpoints the request carries; none means no cache writes can happen. */
  cacheTtl?: '5m' | '1h';
  geoPercent: number;
}

/**
 * The most a request can cost: every prompt token at the dearest rate it could be billed at
 * (a cache write at the request's TTL when it carries breakpoints), every one of max_tokens
 * generated, the band the prompt length selects, the worst geo multiplier. Rounded up.
 */
export function worstCaseMicros(w: WorstCaseInput): number {
  const r = ratesFor(w.price, w.inputTokens);
  let inRate = r.input;
  if (w.cacheTtl === '5m' && r.cacheWrite5m > inRate) inRate = r.cacheWrite5m;
  if (w.cacheTtl === '1h' && r.cacheWrite1h > inRate) inRate = r.cacheWrite1h;
  const pico = BigInt(w.inputTokens) * inRate + BigInt(w.maxTokens) * r.output;
  return ceilMicros(pico * BigInt(w.geoPercent));
}
