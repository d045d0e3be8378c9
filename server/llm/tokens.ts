// How many prompt tokens a request will be billed for, before it is sent: count_tokens when
// it answers (plus a margin: its count is documented as an estimate that can differ a little),
// else an estimate that must not come out low — two UTF-8 bytes a token is well under what
// current tokenizers pack into a token, plus room for message framing.
import type Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';

export interface PromptCount {
  tokens: number;
  source: 'count_tokens' | 'estimate';
}

export function estimatePromptTokens(parts: unknown): number {
  const bytes = Buffer.byteLength(JSON.stringify(parts ?? ''), 'utf8');
  return Math.ceil(bytes / 2) + 64;
}

export function withCountMargin(counted: number): number {
  return counted + Math.ceil(counted / 50) + 8;
}

/** Counts via the API when a client is given; falls back to the estimate on any failure but cancellation. */
export async function countPromptTokens(
  client: Anthropic | undefined,
  params: MessageCreateParamsNonStreaming,
  signal: AbortSignal,
  onFallback: (reason: string) => void,
): Promise<PromptCount> {
  if (client) {
    try {
      const body = {
        model: params.model,
        messages: params.messages,
        ...(params.system ? { system: params.system } : {}),
        ...(params.tools ? { tools: params.tools } : {}),
        ...(params.tool_choice ? { tool_choice: params.tool_choice } : {}),
      };
      const r = await client.messages.countTokens(body, { signal, timeout: 15_000, maxRetries: 0 });
      return { tokens: withCountMargin(r.input_tokens), source: 'count_tokens' };
    } catch (err) {
      if (signal.aborted) throw err;
      onFallback(err instanceof Error ? err.message : String(err));
    }
  }
  return { tokens: estimatePromptTokens({ system: params.system, tools: params.tools, messages: params.messages }), source: 'estimate' };
}
