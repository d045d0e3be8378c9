// The fake Messages API must be faithful enough that the real SDK parses what it sends; these
// specs pin that down so the gateway's tests mean something.
import Anthropic, { APIError, RateLimitError } from '@anthropic-ai/sdk';
import { strict as assert } from 'node:assert';
import { reply, startMessagesApi, type MessagesApi } from '../../support/messagesApi';

describe('the fake Messages API, spoken to by the real SDK', () => {
  let api: MessagesApi;
  let client: Anthropic;
  beforeEach(async () => {
    api = await startMessagesApi();
    client = new Anthropic({ apiKey: 'sk-fake-key', baseURL: api.url, maxRetries: 0, logLevel: 'off' });
  });
  afterEach(() => api.close());

  it('answers a JSON message with usage and records the request and its headers', async () => {
    api.enqueue(reply.text('Hello there.'));
    const m = await client.messages.create({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(m.content[0]?.type, 'text');
    assert.equal((m.content[0] as { text: string }).text, 'Hello there.');
    assert.equal(m.model, 'claude-x');
    assert.ok(m.usage.input_tokens > 0 && m.usage.output_tokens > 0);
    const [rec] = api.messageRequests();
    assert.equal(rec!.body.max_tokens, 50);
    assert.equal(rec!.headers['authorization'], 'Bearer sk-fake-key');
  });

  it('streams text and tool use as SSE events the SDK assembles into one message', async () => {
    api.enqueue(reply.toolUse('lookup', { city: 'Paris', days: [1, 2] }, { text: 'Let me check that.' }));
    const stream = client.messages.stream({ model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'weather?' }] });
    const deltas: string[] = [];
    stream.on('text', (d) => deltas.push(d));
    const m = await stream.finalMessage();
    assert.ok(deltas.length > 1, 'text arrives in several deltas');
    assert.equal(deltas.join(''), 'Let me check that.');
    const tool = m.content.find((b) => b.type === 'tool_use');
    assert.deepEqual(tool && tool.type === 'tool_use' ? tool.input : undefined, { city: 'Paris', days: [1, 2] });
    assert.equal(m.stop_reason, 'tool_use');
    assert.ok(m.usage.output_tokens > 1, 'message_delta carries the final output tokens');
  });

  it('simulates the prompt cache: the first call writes the marked prefix, the next reads it', async () => {
    const system = [{ type: 'text' as const, text: 'You are careful. '.repeat(40), cache_control: { type: 'ephemeral' as const, ttl: '1h' as const } }];
    const first = await client.messages.create({ model: 'claude-x', max_tokens: 10, system, messages: [{ role: 'user', content: 'a' }] });
    const second = await client.messages.create({ model: 'claude-x', max_tokens: 10, system, messages: [{ role: 'user', content: 'b' }] });
    assert.ok(first.usage.cache_creation_input_tokens! > 0);
    assert.equal(first.usage.cache_creation?.ephemeral_1h_input_tokens, first.usage.cache_creation_input_tokens);
    assert.equal(first.usage.cache_read_input_tokens, 0);
    assert.equal(second.usage.cache_read_input_tokens, first.usage.cache_creation_input_tokens);
    assert.equal(second.usage.cache_creation_input_tokens, 0);
  });

  it('counts tokens, scripted or simulated', async () => {
    const simulated = await client.messages.countTokens({ model: 'claude-x', messages: [{ role: 'user', content: 'hello' }] });
    assert.ok(simulated.input_tokens > 0);
    api.onCountTokens(() => 1234);
    const scripted = await client.messages.countTokens({ model: 'claude-x', messages: [{ role: 'user', content: 'hello' }] });
    assert.equal(scripted.input_tokens, 1234);
    assert.equal(api.requests.filter((r) => r.path === '/v1/messages/count_tokens').length, 2);
  });

  it('scripts a 429 with retry-after that the SDK surfaces as a RateLimitError', async () => {
    api.enqueue(reply.rateLimited(3));
    const err = await client.messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    assert.ok(err instanceof RateLimitError);
    assert.equal(err.headers.get('retry-after'), '3');
  });

  it('can break a stream with an SSE error event', async () => {
    api.enqueue({ kind: 'message', content: [{ type: 'text', text: 'partial answer' }], errorAfterEvents: { count: 2, type: 'overloaded_error' } });
    const err = await client.messages.stream({ model: 'claude-x', max_tokens: 20, messages: [{ role: 'user', content: 'x' }] }).finalMessage().catch((e: unknown) => e);
    assert.ok(err instanceof APIError);
    assert.equal(err.type, 'overloaded_error');
  });

  it('refuses a request without a key with 401 authentication_error, like the API', async () => {
    const res = await fetch(`${api.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'claude-x', max_tokens: 5, messages: [] }) });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'authentication_error');
  });
});
