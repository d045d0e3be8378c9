// One attempt of a worker: a tool-use loop over the worker tools until the model ends its turn
// (or runs out of turns). Every model call and tool call is recorded as an event.
import type { ContentBlock, ContentBlockParam, MessageParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { Tier } from '../../shared/llm';
import type { PlannedSubtask } from '../../shared/swarm';
import type { CallRequest, CallResult } from '../llm/gatewayTypes';
import type { SwarmEvent } from './events';
import { runTool, WORKER_TOOLS, type ToolHost } from './workerTools';

export interface WorkerAttemptInput {
  agent: string;
  cell: string;
  run: string;
  task: string;
  subtask: PlannedSubtask;
  attempt: number;
  /** Trimmed output of the last failed gate, plus known fixes. */
  lastFailure: string | null;
  maxTurns: number;
  verifyCommand: string | null;
  /** The model tier this attempt uses (routed per subtask, or the run's override). */
  tier: Tier;
  signal: AbortSignal;
}

export interface WorkerDeps {
  call(req: CallRequest): Promise<CallResult>;
  emit(event: SwarmEvent): Promise<void>;
  tools: ToolHost;
}

export interface WorkerAttemptResult {
  ended: boolean;
  summary: string;
}

export function workerPrompt(input: WorkerAttemptInput): string {
  const s = input.subtask;
  const parts = [
    `You are ${input.agent}, one worker of a swarm on this overall task:\n${input.task}`,
    `Your subtask: ${s.title}\n${s.description}`,
    `Acceptance criteria:\n${s.acceptance.map((a) => `- ${a}`).join('\n')}`,
    `Your reserved files (the only ones you may change): ${s.files.join(', ')}`,
    input.verifyCommand ? `Your work is accepted only when \`${input.verifyCommand}\` passes (run_verify runs it).` : 'No verification command is set.',
    'Use the tools to make the change. When done, answer with a one-paragraph summary and no tool call.',
  ];
  if (input.lastFailure) parts.push(`Attempt ${input.attempt}: the previous attempt failed the gate:\n${input.lastFailure}`);
  return parts.join('\n\n');
}

function asParams(content: readonly ContentBlock[]): ContentBlockParam[] {
  const out: ContentBlockParam[] = [];
  for (const b of content) {
    if (b.type === 'text') out.push({ type: 'text', text: b.text });
    else if (b.type === 'tool_use') out.push({ type: 'tool_use', id: b.id, name: b.name, input: b.input });
  }
  return out;
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…` : s);

export async function runWorkerAttempt(input: WorkerAttemptInput, deps: WorkerDeps): Promise<WorkerAttemptResult> {
  const messages: MessageParam[] = [{ role: 'user', content: workerPrompt(input) }];
  let summary = '';
  for (let turn = 0; turn < input.maxTurns; turn++) {
    input.signal.throwIfAborted();
    const started = Date.now();
    let result: CallResult;
    try {
      result = await deps.call({ agent: input.agent, tier: input.tier, system: 'You are a careful software engineer working inside a shared repository.', messages, tools: WORKER_TOOLS, cache: true, cell: input.cell, run: input.run, maxTokens: 8000, signal: input.signal });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await deps.emit({ type: 'swarm.model.called', data: { cell: input.cell, agent: input.agent, callId: null, model: '', tokens: 0, costMicros: 0, latencyMs: Date.now() - started, stopReason: null, text: '', error: clip(message, 500) } });
      throw err;
    }
    const u = result.usage;
    await deps.emit({
      type: 'swarm.model.called',
      data: { cell: input.cell, agent: input.agent, callId: result.callId, model: result.model, tokens: u.inputTokens + u.outputTokens + u.cacheReadInputTokens + u.cacheCreationInputTokens, costMicros: result.costMicros, latencyMs: result.latencyMs, stopReason: result.stopReason, text: clip(result.text, 4000) },
    });
    if (result.text.trim()) summary = result.text.trim();
    messages.push({ role: 'assistant', content: asParams(result.message.content) });
    if (result.toolUses.length === 0) return { ended: true, summary };
    const results: ToolResultBlockParam[] = [];
    for (const use of result.toolUses) {
      input.signal.throwIfAborted();
      const t0 = Date.now();
      const out = await runTool(use.name, use.input, deps.tools);
      await deps.emit({ type: 'swarm.tool.called', data: { cell: input.cell, agent: input.agent, tool: use.name, input: clip(JSON.stringify(use.input ?? {}), 300), ok: out.ok, result: clip(out.text, 2000), ms: Date.now() - t0 } });
      results.push({ type: 'tool_result', tool_use_id: use.id, content: out.text, ...(out.ok ? {} : { is_error: true }) });
    }
    messages.push({ role: 'user', content: results });
  }
  return { ended: false, summary: summary || `ran out of turns (${input.maxTurns})` };
}
