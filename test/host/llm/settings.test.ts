import assert from 'node:assert/strict';
import { ResponseError } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from '../../../shared/errors';
import type { CostChanged } from '../../../shared/llm';
import { CostChangedNotification, LlmAskRequest, LlmConfigRequest, LlmConfigureRequest } from '../../../shared/llm';
import { AppendEventsRequest, ReadEventsRequest } from '../../../shared/protocol';
import { reply, startMessagesApi, type MessagesApi } from '../../support/messagesApi';
import { filesUnder, keyOf, startLlmHost, TEST_KEY, type LlmHost } from './helpers';

const CLIENT_KEY = 'sk-ant-api03-client-Hq2Wd8Kx5Nv1Pz7Tb4Lm0Sg3Yc6Rf9';

async function refusal(p: Promise<unknown>): Promise<ApiaryErrorData> {
  try {
    await p;
  } catch (err) {
    return (err as ResponseError<ApiaryErrorData>).data!;
  }
  throw new Error('expected a refusal');
}

describe('LLM settings and secrets in the agent host', function () {
  this.timeout(60_000);
  let api: MessagesApi;
  let other: MessagesApi;
  let h: LlmHost;

  beforeEach(async () => {
    api = await startMessagesApi();
    other = await startMessagesApi();
  });
  afterEach(async () => {
    await h?.stop();
    await api.close();
    await other.close();
  });

  it("uses a key a client sets over ANTHROPIC_API_KEY, falls back to the environment's when it is cleared, and takes endpoint and tier models from clients", async () => {
    h = await startLlmHost({ env: { apiKey: TEST_KEY, baseUrl: api.url } });
    const c = await h.connect('VS Code');
    const changes: CostChanged[] = [];
    c.onNotification(CostChangedNotification, (n: CostChanged) => {
      changes.push(n);
    });
    const initial = await c.sendRequest(LlmConfigRequest);
    assert.equal(initial.apiKey, 'environment');
    assert.equal(initial.baseUrl, api.url);
    assert.equal(initial.baseUrlSource, 'environment');
    assert.equal(initial.pending, false);

    await c.sendRequest(LlmAskRequest, { prompt: 'one' });
    assert.equal(keyOf(api.messageRequests()[0]!.headers), TEST_KEY);

    const set = await c.sendRequest(LlmConfigureRequest, { apiKey: CLIENT_KEY, baseUrl: other.url, models: { small: 'claude-haiku-4-5' } });
    assert.equal(set.apiKey, 'client');
    assert.equal(set.baseUrlSource, 'client');
    assert.equal(set.tiers.small, 'claude-haiku-4-5');
    assert.ok(!JSON.stringify(set).includes(CLIENT_KEY), 'the state never carries the key');
    const small = await c.sendRequest(LlmAskRequest, { prompt: 'two', tier: 'small' });
    assert.equal(small.model, 'claude-haiku-4-5');
    assert.equal(other.messageRequests().length, 1, 'the new endpoint took the call');
    assert.equal(keyOf(other.messageRequests()[0]!.headers), CLIENT_KEY);

    const cleared = await c.sendRequest(LlmConfigureRequest, { apiKey: null, baseUrl: null, models: { small: null } });
    assert.equal(cleared.apiKey, 'environment');
    assert.equal(cleared.baseUrlSource, 'environment');
    await c.sendRequest(LlmAskRequest, { prompt: 'three', tier: 'small' });
    assert.equal(api.messageRequests().length, 2);
    assert.equal(keyOf(api.messageRequests()[1]!.headers), TEST_KEY);
    assert.notEqual(api.messageRequests()[1]!.body.model, 'claude-haiku-4-5');
    assert.ok(changes.some((n) => n.reason === 'config'), 'clients hear about new settings');
  });

  it('refuses bad settings without echoing the key and changes nothing', async () => {
    h = await startLlmHost({ env: { apiKey: TEST_KEY, baseUrl: api.url } });
    const c = await h.connect();
    const before = await c.sendRequest(LlmConfigRequest);
    const unpriced = await refusal(c.sendRequest(LlmConfigureRequest, { apiKey: CLIENT_KEY, models: { large: 'gpt-imaginary' } }));
    assert.equal(unpriced.code, 'invalid_params');
    assert.match(unpriced.message, /has no price/);
    const spaced = await refusal(c.sendRequest(LlmConfigureRequest, { apiKey: `${CLIENT_KEY} extra` }));
    assert.equal(spaced.code, 'invalid_params');
    assert.ok(!JSON.stringify(spaced).includes(CLIENT_KEY), 'the refusal does not repeat the key');
    const url = await refusal(c.sendRequest(LlmConfigureRequest, { baseUrl: 'file:///etc/passwd' }));
    assert.equal(url.code, 'invalid_params');
    assert.deepEqual(await c.sendRequest(LlmConfigRequest), before);
  });

  it('lets calls in flight finish on the old settings, then serves new calls with the new ones', async () => {
    h = await startLlmHost({ env: { apiKey: TEST_KEY, baseUrl: api.url } });
    const c = await h.connect();
    api.enqueue(reply.text('slow answer', { delayMs: 600 }));
    const slow = c.sendRequest(LlmAskRequest, { prompt: 'slow' });
    await api.waitForMessages(1);
    const state = await c.sendRequest(LlmConfigureRequest, { apiKey: CLIENT_KEY });
    assert.equal(state.pending, true, 'the switch waits for the call in flight');
    const next = c.sendRequest(LlmAskRequest, { prompt: 'after' });
    assert.equal((await slow).text, 'slow answer');
    await next;
    assert.deepEqual(api.messageRequests().map((r) => keyOf(r.headers)), [TEST_KEY, CLIENT_KEY]);
    assert.equal((await c.sendRequest(LlmConfigRequest)).pending, false);
  });

  it('never writes a key to the log, the snapshot, host files or events — even when the API echoes it in an error', async () => {
    h = await startLlmHost({ env: { apiKey: TEST_KEY, baseUrl: api.url } });
    const c = await h.connect();
    api.enqueue(reply.error(401, { message: `invalid x-api-key: ${TEST_KEY}` }));
    const err = await refusal(c.sendRequest(LlmAskRequest, { prompt: 'first' }));
    assert.equal(err.code, 'forbidden');
    assert.ok(!JSON.stringify(err).includes(TEST_KEY), 'the error the client gets is scrubbed');
    await c.sendRequest(LlmConfigureRequest, { apiKey: CLIENT_KEY });
    api.enqueue(reply.error(401, { message: `invalid x-api-key: ${CLIENT_KEY}` }));
    await refusal(c.sendRequest(LlmAskRequest, { prompt: 'second' }));
    await c.sendRequest(LlmAskRequest, { prompt: 'third' });

    const { events } = await c.sendRequest(ReadEventsRequest, {});
    assert.ok(events.some((e) => e.type === 'llm.call.failed'), 'the failures were recorded');
    const dir = h.dir;
    const logs = h.logs.join('');
    await h.stop();
    const files = filesUnder(`${dir}/.apiary`);
    assert.ok(files.some((f) => f.file.includes('snapshots')), 'a snapshot of the read models was written');
    for (const key of [TEST_KEY, CLIENT_KEY]) {
      assert.ok(!JSON.stringify(events).includes(key), 'no event holds a key');
      assert.ok(!logs.includes(key), 'the host log holds no key');
      for (const f of files) assert.ok(!f.bytes.includes(key), `${f.file} holds a key`);
    }
  });

  it('owns its streams and event types: a generic append cannot forge spend or reservations', async () => {
    h = await startLlmHost({ env: { apiKey: TEST_KEY, baseUrl: api.url } });
    const c = await h.connect();
    const stream = await refusal(c.sendRequest(AppendEventsRequest, { stream: 'llm-budgets', events: [{ type: 'note', data: {} }] }));
    assert.equal(stream.code, 'reserved_stream');
    const type = await refusal(c.sendRequest(AppendEventsRequest, { stream: 'notes-1', events: [{ type: 'budget.configured', data: { caps: {} } }] }));
    assert.equal(type.code, 'reserved_stream');
  });
});
