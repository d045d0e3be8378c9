// A conservative prompt-size estimate for when count_tokens is unavailable. It must not come
// out low (a low estimate would under-reserve): two UTF-8 bytes a token is well under what
// current tokenizers pack into a token, plus a margin for message framing.
export function estimatePromptTokens(parts: unknown): number {
  const bytes = Buffer.byteLength(JSON.stringify(parts ?? ''), 'utf8');
  return Math.ceil(bytes / 2) + 64;
}
