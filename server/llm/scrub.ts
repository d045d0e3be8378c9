// Keeps secrets out of everything the gateway writes: error messages, events, log lines.

const KEY_PATTERN = /sk-ant-[A-Za-z0-9_-]{8,}/g;
export const REDACTED = '[redacted]';

/** Replaces each secret (and anything shaped like an Anthropic key) in a string. */
export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join(REDACTED);
  }
  return out.replace(KEY_PATTERN, REDACTED);
}

/** Deep copy of a JSON-like value with every string scrubbed. */
export function scrubValue<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return scrubText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = scrubValue(v, secrets);
    return out as T;
  }
  return value;
}
