import assert from 'node:assert/strict';
import { ResponseError } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from '../../../shared/errors';
import type { CostChanged, LlmBreakerChanged } from '../../../shared/llm';
import { CostChangedNotification, CostReportRequest, LlmAskRequest, LlmConfigRequest, LlmEventTypes } from '../../../shared/llm';
import { reply, startMessagesApi, type MessagesApi } from '../../support/messagesApi';
import { runCli, startLlmHost, TEST_KEY, type LlmHost } from './helpers';

async function refusal(p: Promise<unknown>): Promise<ApiaryErrorData> {
  try {
    await p;
  } catch (err) {
    return (err as ResponseError<ApiaryErrorData>).data!;
  }
  throw new Error('expected a refusal');
}

describe('Circuit breakers through the agent host', function () {
  this.timeout(60_000);
  let api: MessagesApi;
  let h: LlmHost;

  beforeEach(async () => {
    api = await startMessagesApi();
  });
  afterEach(async () => {
    await h?.stop();
    await api.close();
  });

  it('opens after five failures in a row, fails over when allowed, half-opens after the cool-down and closes on a good probe — each change recorded and pushed', async () => {
    h = await startLlmHost({ env: { apiKey: TEST_KEY, baseUrl: api.url } });
    const c = await h.connect('worker');
    const changes: CostChanged[] = [];
    c.onNotification(CostChangedNotification, (n: CostChanged) => {
      changes.push(n);
    });
    const { tiers } = await c.sendRequest(LlmConfigRequest);
    // The medium model is overloaded (and says to retry at once); the others answer.
    api.onMessage((req) => (req.body.model === tiers.medium ? reply.overloaded({ headers: { 'retry-after': '0' } }) : reply.text(`answer from ${req.body.model}`)));

    const first = await refusal(c.sendRequest(LlmAskRequest, { prompt: 'one' }));
    assert.equal(first.code, 'unavailable');
    assert.equal(first.details?.attempts, 4, 'retried on 529');
    const second = await refusal(c.sendRequest(LlmAskRequest, { prompt: 'two' }));
    assert.match(second.message, /circuit breaker for .* opened during the call/);
    assert.equal(api.messageRequests().length, 5, 'the fifth failure in a row opened it');

    const sentBefore = api.messageRequests().length;
    const closedDoor = await refusal(c.sendRequest(LlmAskRequest, { prompt: 'three' }));
    assert.equal(closedDoor.code, 'unavailable');
    assert.match(closedDoor.message, new RegExp(`circuit breaker for ${tiers.medium} is open until`));
    assert.match(closedDoor.hint ?? '', /failover/);
    assert.equal(api.messageRequests().length, sentBefore, 'nothing is sent to an open breaker');

    const cli = await runCli(['llm', 'ask', 'four', '--json', '--workspace', h.dir]);
    assert.equal(cli.code, 1);
    assert.equal((cli.json as { error: { code: string } }).error.code, 'unavailable');

    const over = await c.sendRequest(LlmAskRequest, { prompt: 'five', failover: true });
    assert.equal(over.model, tiers.large, 'medium fails over to large first');
    assert.equal(over.text, `answer from ${tiers.large}`);

    const open = await c.sendRequest(CostReportRequest, {});
    assert.deepEqual(open.breakers.map((b) => [b.model, b.state]), [[tiers.medium, 'open']]);
    assert.ok(open.breakers[0]!.retryAt);

    // After the cool-down one probe goes through; it succeeds, so the breaker closes.
    api.onMessage((req) => reply.text(`recovered ${req.body.model}`));
    h.clock.offsetMs = Date.parse(open.breakers[0]!.retryAt!) - Date.now() + 1000;
    const probe = await c.sendRequest(LlmAskRequest, { prompt: 'six' });
    assert.equal(probe.model, tiers.medium);
    assert.deepEqual((await c.sendRequest(CostReportRequest, {})).breakers, []);

    const recorded = h.host.store.events.read({ stream: 'llm-breakers' });
    assert.ok(recorded.every((e) => e.type === LlmEventTypes.breakerChanged));
    assert.deepEqual(
      recorded.map((e) => { const d = e.data as LlmBreakerChanged; return `${d.from}→${d.to}`; }),
      ['closed→open', 'open→half-open', 'half-open→closed'],
    );
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(changes.filter((n) => n.reason === 'breaker').length >= 3, 'clients heard each breaker change');
    assert.ok(changes.some((n) => n.reason === 'settled'));
    assert.ok(changes.some((n) => n.reason === 'failed'));
  });
});
