// The gateway through the real SDK against the fake Messages API: what it sends, what it
// returns, what it records.
import { strict as assert } from 'node:assert';
import { LlmEventTypes } from '../../../shared/llm';
import { ApiaryError } from '../../../shared/errors';
import { reply } from '../../support/messagesApi';
import { rig, TEST_API_KEY, user, type Rig } from './helpers';

describe('LLM gateway calls', () => {
  let r: Rig;
  beforeEach(async () => {
    r = await rig();
  });
  afterEach(() => r.close());

  it('sends a non-streaming call to the tier\'s model with our key and returns text, usage and cost', async () => {
    r.api.enqueue(reply.text('Four.', { usage: { input_tokens: 1000, output_tokens: 200 } }));
    const res = await r.gateway.call({ agent: 'alice', tier: 'small', messages: user('2+2?'), maxTokens: 300 });
    assert.equal(res.text, 'Four.');
    assert.equal(res.model, 'test-small');
    assert.equal(res.tier, 'small');
    assert.equal(res.attempts, 1);
    // 1000 × $1/M + 200 × $5/M = $0.001 + $0.001
    assert.equal(res.costMicros, 2000);
    const sent = r.api.messageRequests();
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.body.model, 'test-small');
    assert.equal(sent[0]!.body.max_tokens, 300);
    assert.notEqual(sent[0]!.body.stream, true);
    assert.equal(sent[0]!.headers['authorization'], `Bearer ${TEST_API_KEY}`);
  });

  it('records the admission with its reservation, then the settlement, as events', async () => {
    r.api.enqueue(reply.text('ok', { usage: { input_tokens: 10, output_tokens: 3 } }));
    const res = await r.gateway.call({ agent: 'bob', tier: 'medium', messages: user('hi'), maxTokens: 100, cell: 'c-1', run: 'run-9', epic: 'e-2' });
    const [started] = r.sink.ofType(LlmEventTypes.callStarted);
    const [settled] = r.sink.ofType(LlmEventTypes.callSettled);
    assert.equal(started!.callId, res.callId);
    assert.equal(started!.agent, 'bob');
    assert.equal(started!.inputTokensSource, 'count_tokens');
    assert.deepEqual(started!.reservation.scopes, [
      { scope: 'day', key: '2026-11-21' },
      { scope: 'month', key: '2026-11' },
      { scope: 'cell', key: 'c-1' },
      { scope: 'run', key: 'run-9' },
    ]);
    assert.ok(started!.reservation.amountMicros >= res.costMicros);
    assert.equal(settled!.record.costMicros, res.costMicros);
    assert.equal(settled!.record.epic, 'e-2');
    assert.equal(settled!.record.model, 'test-medium');
    assert.equal(r.gateway.costView().ledger.open.size, 0, 'the reservation is released');
    assert.equal(r.gateway.costView().ledger.spent.get('cell:c-1'), res.costMicros);
  });

  it('streams: text arrives through onText and the final message carries the usage', async () => {
    r.api.enqueue(reply.text('A streamed answer, in pieces.', { usage: { input_tokens: 40, output_tokens: 12 } }));
    const pieces: string[] = [];
    const res = await r.gateway.call({ agent: 'a', tier: 'small', messages: user('go'), onText: (d) => pieces.push(d) });
    assert.ok(pieces.length > 1);
    assert.equal(pieces.join(''), 'A streamed answer, in pieces.');
    assert.equal(res.text, 'A streamed answer, in pieces.');
    assert.equal(res.usage.outputTokens, 12);
    assert.equal(r.api.messageRequests()[0]!.body.stream, true);
    assert.equal(r.sink.ofType(LlmEventTypes.callSettled)[0]!.record.stream, true);
  });

  it('passes tools and returns tool_use blocks, streaming or not', async () => {
    const tools = [{ name: 'read_file', description: 'Read a file', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } } } }];
    r.api.enqueue(reply.toolUse('read_file', { path: 'src/a.ts' }), reply.toolUse('read_file', { path: 'src/b.ts' }, { text: 'Reading.' }));
    const plain = await r.gateway.call({ agent: 'a', messages: user('read a'), tools });
    const streamed = await r.gateway.call({ agent: 'a', messages: user('read b'), tools, stream: true });
    assert.deepEqual(plain.toolUses.map((t) => t.input), [{ path: 'src/a.ts' }]);
    assert.deepEqual(streamed.toolUses.map((t) => t.input), [{ path: 'src/b.ts' }]);
    assert.equal(streamed.stopReason, 'tool_use');
    assert.equal((r.api.messageRequests()[0]!.body.tools as Array<{ name: string }>)[0]!.name, 'read_file');
  });

  it('places cache breakpoints on the stable prefix (last tool, last system block) and reports the cache hit', async () => {
    const tools = [
      { name: 'one', input_schema: { type: 'object' as const } },
      { name: 'two', input_schema: { type: 'object' as const } },
    ];
    const system = 'You review TypeScript. '.repeat(60);
    const first = await r.gateway.call({ agent: 'a', messages: user('first'), system, tools, cache: true });
    const second = await r.gateway.call({ agent: 'a', messages: user('second'), system, tools, cache: true });
    const body = r.api.messageRequests()[0]!.body;
    const sentTools = body.tools as Array<{ cache_control?: unknown }>;
    const sentSystem = body.system as Array<{ cache_control?: unknown }>;
    assert.equal(sentTools[0]!.cache_control, undefined);
    assert.deepEqual(sentTools[1]!.cache_control, { type: 'ephemeral' });
    assert.deepEqual(sentSystem[sentSystem.length - 1]!.cache_control, { type: 'ephemeral' });
    assert.equal(tools[1]!.hasOwnProperty('cache_control'), false, "the caller's objects are left alone");
    assert.ok(first.usage.cacheCreation5mInputTokens > 0 && !first.cacheHit);
    assert.ok(second.usage.cacheReadInputTokens > 0 && second.cacheHit);
    assert.ok(second.costMicros < first.costMicros, 'a cache read costs less than a cache write');
  });

  it('asks for a one-hour cache when told to', async () => {
    await r.gateway.call({ agent: 'a', messages: user('x'), system: 'stable', cache: { ttl: '1h' } });
    const sys = r.api.messageRequests()[0]!.body.system as Array<{ cache_control?: unknown }>;
    assert.deepEqual(sys[0]!.cache_control, { type: 'ephemeral', ttl: '1h' });
  });

  it('answers `ask` with the text, usage and cost, and validates its params', async () => {
    r.api.enqueue(reply.text('Paris.', { usage: { input_tokens: 20, output_tokens: 2 } }));
    const res = await r.gateway.ask({ prompt: 'Capital of France?', tier: 'large', maxTokens: 50, cell: 'c-7' }, { agent: 'cli' });
    assert.equal(res.text, 'Paris.');
    assert.equal(res.model, 'test-large');
    // 20 × $15/M + 2 × $75/M = 300 + 150 µ$
    assert.equal(res.costMicros, 450);
    const err = await r.gateway.ask({ prompt: '', tier: 'huge' }, { agent: 'cli' }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiaryError);
    assert.equal(err.code, 'invalid_params');
    assert.equal(r.api.messageRequests().length, 1, 'the invalid ask sent nothing');
  });

  it('refuses bad calls before sending: unknown model, no messages, tier and model together', async () => {
    for (const bad of [
      { agent: 'a', model: 'gpt-nothing', messages: user('x') },
      { agent: 'a', messages: [] },
      { agent: 'a', tier: 'small' as const, model: 'test-small', messages: user('x') },
      { agent: 'a', messages: user('x'), maxTokens: 0 },
    ]) {
      const err = await r.gateway.call(bad).catch((e: unknown) => e);
      assert.ok(err instanceof ApiaryError, JSON.stringify(bad));
      assert.equal(err.code, 'invalid_params');
      assert.ok(err.hint);
    }
    assert.equal(r.api.requests.length, 0);
    assert.equal(r.sink.events.length, 0);
  });

  it('falls back to a conservative estimate when count_tokens fails, and says so', async () => {
    r.api.onCountTokens(() => reply.error(500));
    r.api.enqueue(reply.text('fine'));
    await r.gateway.call({ agent: 'a', messages: user('hello world') });
    const [started] = r.sink.ofType(LlmEventTypes.callStarted);
    assert.equal(started!.inputTokensSource, 'estimate');
    const sentInput = r.api.messageRequests()[0]!;
    assert.ok(started!.inputTokens >= JSON.stringify(sentInput.body.messages).length / 2);
  });

  it('refuses every call without an API key, sending nothing', async () => {
    const g = r.restart({ apiKey: undefined });
    const err = await g.call({ agent: 'a', messages: user('x') }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiaryError);
    assert.equal(err.code, 'forbidden');
    assert.match(err.hint ?? '', /API Key|ANTHROPIC_API_KEY/);
    assert.equal(r.api.requests.length, 0);
  });

  it('refuses to admit a call whose start could not be recorded, and keeps no reservation', async () => {
    r.sink.failing = true;
    const err = await r.gateway.call({ agent: 'a', messages: user('x') }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiaryError);
    assert.equal(err.code, 'unavailable');
    assert.equal(r.api.messageRequests().length, 0);
    assert.equal(r.gateway.costView().ledger.open.size, 0);
  });

  it('on close cancels calls in flight, records them as failed, and refuses new ones', async () => {
    r.api.onMessage(() => reply.hang());
    const inFlight = r.gateway.call({ agent: 'a', messages: user('slow') }).catch((e: unknown) => e);
    await r.api.waitForMessages(1);
    await r.gateway.close();
    const err = await inFlight;
    assert.ok(err instanceof ApiaryError);
    assert.match(err.message, /shut down/);
    assert.equal(r.sink.ofType(LlmEventTypes.callFailed)[0]!.kind, 'aborted');
    assert.equal(r.gateway.costView().ledger.open.size, 0);
    const after = await r.gateway.call({ agent: 'a', messages: user('x') }).catch((e: unknown) => e);
    assert.ok(after instanceof ApiaryError && after.code === 'unavailable');
  });
});
