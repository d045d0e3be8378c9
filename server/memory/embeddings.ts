// Optional embeddings: an OpenAI-compatible `/embeddings`, Ollama's `/api/embed`, or Voyage.
// Configured by environment (none required):
//   APIARY_EMBEDDINGS_URL       base URL, e.g. http://127.0.0.1:11434 or https://api.openai.com/v1
//   APIARY_EMBEDDINGS_PROVIDER  openai (default) | ollama | voyage
//   APIARY_EMBEDDINGS_MODEL     model name (default per provider)
//   APIARY_EMBEDDINGS_KEY       bearer key, when the endpoint wants one
export type EmbeddingsProvider = 'openai' | 'ollama' | 'voyage';

export interface EmbeddingsConfig {
  url: string;
  provider: EmbeddingsProvider;
  model: string;
  key?: string;
  timeoutMs?: number;
}

export interface Embedder {
  embed(texts: string[]): Promise<number[][]>;
}

const DEFAULT_MODEL: Record<EmbeddingsProvider, string> = { openai: 'text-embedding-3-small', ollama: 'nomic-embed-text', voyage: 'voyage-3-lite' };

export function embeddingsConfigFromEnv(env: Record<string, string | undefined> = process.env): EmbeddingsConfig | null {
  const url = env.APIARY_EMBEDDINGS_URL?.trim();
  if (!url) return null;
  const raw = (env.APIARY_EMBEDDINGS_PROVIDER ?? 'openai').trim().toLowerCase();
  const provider: EmbeddingsProvider = raw === 'ollama' || raw === 'voyage' ? raw : 'openai';
  const key = env.APIARY_EMBEDDINGS_KEY?.trim();
  return { url: url.replace(/\/+$/, ''), provider, model: env.APIARY_EMBEDDINGS_MODEL?.trim() || DEFAULT_MODEL[provider], ...(key ? { key } : {}) };
}

function vectorsOf(body: unknown, provider: EmbeddingsProvider): number[][] {
  const o = body as { data?: Array<{ embedding?: unknown; index?: number }>; embeddings?: unknown };
  if (provider === 'ollama' && Array.isArray(o.embeddings)) return o.embeddings as number[][];
  if (Array.isArray(o.data)) {
    return [...o.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).map((d) => d.embedding as number[]);
  }
  throw new Error('the embeddings endpoint answered without vectors');
}

export function httpEmbedder(cfg: EmbeddingsConfig): Embedder {
  const endpoint = cfg.provider === 'ollama' ? `${cfg.url}/api/embed` : `${cfg.url}/embeddings`;
  return {
    async embed(texts) {
      if (texts.length === 0) return [];
      const body: Record<string, unknown> = { model: cfg.model, input: texts };
      if (cfg.provider === 'voyage') body.input_type = 'document';
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cfg.key ? { authorization: `Bearer ${cfg.key}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(cfg.timeoutMs ?? 10_000),
      });
      if (!res.ok) throw new Error(`embeddings endpoint answered HTTP ${res.status}`);
      const vectors = vectorsOf(await res.json(), cfg.provider);
      if (vectors.length !== texts.length || !vectors.every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number'))) {
        throw new Error('the embeddings endpoint answered with malformed vectors');
      }
      return vectors;
    },
  };
}
