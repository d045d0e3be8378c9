// Building what a settled call leaves behind: the record the cost views read and the result
// the caller gets, both from the admission event and the response.
import type { Message, ToolUseBlock } from '@anthropic-ai/sdk/resources/messages';
import { ApiaryError } from '../../shared/errors';
import type { CallRecord, CostBreakdown, LlmAskResult, LlmCallStarted, Usage } from '../../shared/llm';
import { llmAskParamsSchema } from '../../shared/llmSchemas';
import type { CallRequest, CallResult } from './gatewayTypes';

export interface Settlement {
  started: LlmCallStarted;
  message: Message;
  usage: Usage;
  cost: CostBreakdown;
  settledAt: string;
  latencyMs: number;
  attempts: number;
}

export function callRecord(s: Settlement): CallRecord {
  const st = s.started;
  const rec: CallRecord = {
    callId: st.callId,
    startedAt: st.startedAt,
    settledAt: s.settledAt,
    model: st.model,
    agent: st.agent,
    stream: st.stream,
    usage: s.usage,
    cost: s.cost,
    costMicros: s.cost.totalMicros,
    latencyMs: s.latencyMs,
    attempts: s.attempts,
    cacheHit: s.usage.cacheReadInputTokens > 0,
    stopReason: s.message.stop_reason ?? null,
  };
  if (st.tier) rec.tier = st.tier;
  if (st.cell !== undefined) rec.cell = st.cell;
  if (st.run !== undefined) rec.run = st.run;
  if (st.epic !== undefined) rec.epic = st.epic;
  if (st.failoverFrom) rec.failoverFrom = st.failoverFrom;
  return rec;
}

export function callResult(rec: CallRecord, message: Message): CallResult {
  const result: CallResult = {
    callId: rec.callId,
    message,
    text: message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(''),
    toolUses: message.content.filter((b): b is ToolUseBlock => b.type === 'tool_use'),
    model: rec.model,
    usage: rec.usage,
    cost: rec.cost,
    costMicros: rec.costMicros,
    latencyMs: rec.latencyMs,
    attempts: rec.attempts,
    cacheHit: rec.cacheHit,
    stopReason: rec.stopReason,
  };
  if (rec.tier) result.tier = rec.tier;
  if (rec.failoverFrom) result.failoverFrom = rec.failoverFrom;
  return result;
}

/** Validates `apiary/llm/ask` params and turns them into a gateway call. */
export function askRequest(params: unknown, agent: string, signal?: AbortSignal): CallRequest {
  const parsed = llmAskParamsSchema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiaryError('invalid_params', `Invalid ask: ${issue?.path.join('.') || 'params'}: ${issue?.message ?? 'invalid'}`, 'Give a non-empty prompt; tier is small, medium or large; maxTokens 1–128000.');
  }
  const p = parsed.data;
  const req: CallRequest = { agent, messages: [{ role: 'user', content: p.prompt }] };
  if (p.tier) req.tier = p.tier;
  if (p.system) req.system = p.system;
  if (p.maxTokens) req.maxTokens = p.maxTokens;
  if (p.cell) req.cell = p.cell;
  if (p.run) req.run = p.run;
  if (p.epic) req.epic = p.epic;
  if (p.failover !== undefined) req.failover = p.failover;
  if (signal) req.signal = signal;
  return req;
}

export function askResult(r: CallResult): LlmAskResult {
  const out: LlmAskResult = { callId: r.callId, text: r.text, model: r.model, usage: r.usage, costMicros: r.costMicros, latencyMs: r.latencyMs, cacheHit: r.cacheHit, stopReason: r.stopReason };
  if (r.tier) out.tier = r.tier;
  return out;
}
