// The API key reaches the Messages API in its auth header and nowhere else: not in events,
// not in error messages, not in log lines — even when a server echoes it back.
import { strict as assert } from 'node:assert';
import { ApiaryError } from '../../../shared/errors';
import { scrubText } from '../../../server/llm/scrub';
import { reply } from '../../support/messagesApi';
import { rig, TEST_API_KEY, user } from './helpers';

describe('API key secrecy', () => {
  it('scrubs the key, and anything shaped like an Anthropic key, from text', () => {
    assert.equal(scrubText(`bad key ${TEST_API_KEY}!`, [TEST_API_KEY]), 'bad key [redacted]!');
    assert.equal(scrubText('other sk-ant-admin01-abcdefghijkl leaked', []), 'other [redacted] leaked');
  });

  it('keeps the key out of events, errors and logs even when the server echoes it', async () => {
    const logs: string[] = [];
    const r = await rig({ log: (_level, m) => logs.push(m), retry: { maxAttempts: 2 } });
    try {
      const echo = `invalid x-api-key: ${TEST_API_KEY}`;
      r.api.onCountTokens(() => reply.error(500, { message: echo }));
      r.api.enqueue(
        reply.error(401, { message: echo }),
        reply.error(500, { message: echo }),
        reply.error(500, { message: echo }),
        { kind: 'message', content: [{ type: 'text', text: 'x' }], errorAfterEvents: { count: 1, type: 'api_error', message: echo } },
        reply.error(400, { message: echo }),
        reply.text('fine'),
      );
      const errors: unknown[] = [];
      for (const stream of [false, false, true, false, false]) {
        errors.push(await r.gateway.call({ agent: 'a', messages: user('x'), stream }).catch((e: unknown) => e));
      }
      assert.equal(r.api.messageRequests().at(-1)!.headers['authorization'], `Bearer ${TEST_API_KEY}`, 'the key did go to the API');
      const thrown = errors.filter((e): e is ApiaryError => e instanceof ApiaryError);
      assert.ok(thrown.length >= 3);
      assert.ok(thrown.some((e) => e.code === 'forbidden'));
      for (const e of thrown) {
        assert.ok(!JSON.stringify({ m: e.message, h: e.hint, d: e.details }).includes(TEST_API_KEY), e.message);
      }
      assert.ok(thrown.some((e) => e.message.includes('[redacted]')), 'the echoed key was replaced, not silently dropped');
      assert.ok(r.sink.events.length > 5);
      assert.ok(!JSON.stringify(r.sink.events).includes(TEST_API_KEY));
      assert.ok(logs.length > 0);
      assert.ok(!logs.join('\n').includes(TEST_API_KEY));
    } finally {
      await r.close();
    }
  });
});
