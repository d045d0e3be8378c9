import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { embeddingsConfigFromEnv, httpEmbedder } from '../../../server/memory/embeddings';

describe('the embeddings client', () => {
  let server: http.Server;
  let base = '';
  const seen: Array<{ url: string; auth?: string; body: Record<string, unknown> }> = [];
  let status = 200;

  before(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as { input: string[] };
        seen.push({ url: req.url!, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}), body });
        res.statusCode = status;
        res.setHeader('content-type', 'application/json');
        const vectors = body.input.map((t) => [t.length, 1]);
        // OpenAI and Voyage answer {data:[{index, embedding}]} (possibly out of order); Ollama {embeddings}.
        if (req.url === '/api/embed') res.end(JSON.stringify({ embeddings: vectors }));
        else res.end(JSON.stringify({ data: vectors.map((embedding, index) => ({ index, embedding })).reverse() }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((r) => server.close(r)));
  beforeEach(() => {
    seen.length = 0;
    status = 200;
  });

  it('is off unless APIARY_EMBEDDINGS_URL is set, and picks provider defaults', () => {
    assert.equal(embeddingsConfigFromEnv({}), null);
    assert.deepEqual(embeddingsConfigFromEnv({ APIARY_EMBEDDINGS_URL: 'http://x/v1/', APIARY_EMBEDDINGS_PROVIDER: 'Ollama' }), { url: 'http://x/v1', provider: 'ollama', model: 'nomic-embed-text' });
  });

  it('speaks the OpenAI-compatible API with a bearer key, keeping input order', async () => {
    const e = httpEmbedder({ url: `${base}/v1`, provider: 'openai', model: 'm', key: 'k1' });
    assert.deepEqual(await e.embed(['ab', 'abcd']), [[2, 1], [4, 1]]);
    assert.deepEqual(seen[0], { url: '/v1/embeddings', auth: 'Bearer k1', body: { model: 'm', input: ['ab', 'abcd'] } });
  });

  it('speaks Ollama and Voyage', async () => {
    assert.deepEqual(await httpEmbedder({ url: base, provider: 'ollama', model: 'o' }).embed(['abc']), [[3, 1]]);
    assert.equal(seen[0]!.url, '/api/embed');
    await httpEmbedder({ url: `${base}/v1`, provider: 'voyage', model: 'v' }).embed(['a']);
    assert.equal(seen[1]!.body.input_type, 'document');
  });

  it('reports an HTTP failure as an error', async () => {
    status = 500;
    await assert.rejects(httpEmbedder({ url: base, provider: 'openai', model: 'm' }).embed(['a']), /HTTP 500/);
  });
});
