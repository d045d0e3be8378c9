import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { ResponseError } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from '../../../shared/errors';
import type { LlmAskResult } from '../../../shared/llm';
import { BudgetSetRequest, CostReportRequest, LlmAskRequest, LlmEventTypes } from '../../../shared/llm';
import { attach } from '../../../server/host/attach';
import { VERSION } from '../../../server/host/version';
import { reply } from '../../support/messagesApi';
import { eachTestWithMessagesApi, spawnHost, startLlmHost, tempWorkspace, TEST_KEY } from './helpers';

describe('Budgets enforced by the agent host', function () {
  this.timeout(120_000);
  let child: ChildProcess | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
  });
  const scripted = eachTestWithMessagesApi();

  it('admits only what fits: 50 concurrent asks from 5 clients against a daily cap never settle more than the cap', async () => {
    scripted.h = await startLlmHost({ env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    // Every answer uses all the output it may, so a call costs close to its reservation, and
    // answers are slow enough that many calls are in flight together.
    scripted.api.onMessage((req) => reply.text('x'.repeat(40), { usage: { output_tokens: req.body.max_tokens }, delayMs: 150 }));
    const clients = await Promise.all([1, 2, 3, 4, 5].map((i) => scripted.h!.connect(`agent-${i}`)));
    const capUsd = 0.05;
    await clients[0]!.sendRequest(BudgetSetRequest, { dayUsd: capUsd });

    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        clients[i % 5]!.sendRequest(LlmAskRequest, { prompt: `task ${i}: summarise the change`, maxTokens: 1000 }).then(
          (r: LlmAskResult) => ({ ok: true as const, r }),
          (e: unknown) => ({ ok: false as const, e: (e as ResponseError<ApiaryErrorData>).data }),
        ),
      ),
    );
    const admitted = outcomes.flatMap((o) => (o.ok ? [o.r] : []));
    const refused = outcomes.flatMap((o) => (o.ok ? [] : [o.e]));
    const capMicros = capUsd * 1e6;
    const settled = admitted.reduce((t, r) => t + r.costMicros, 0);

    assert.ok(admitted.length > 0, 'some calls fit under the cap');
    assert.ok(refused.length > 0, 'the cap refused some calls');
    assert.ok(settled <= capMicros, `settled ${settled} µ$ is over the cap of ${capMicros} µ$`);
    assert.equal(scripted.api.messageRequests().length, admitted.length, 'a refused call is never sent');
    for (const e of refused) {
      assert.equal(e?.code, 'budget_exceeded');
      assert.equal((e?.details?.budget as { scope: string; capMicros: number }).scope, 'day');
      assert.equal((e?.details?.budget as { capMicros: number }).capMicros, capMicros);
    }

    const report = await clients[1]!.sendRequest(CostReportRequest, {});
    assert.equal(report.spend.todayMicros, settled);
    assert.equal(report.calls.settled30d, admitted.length);
    assert.equal(report.calls.inFlight, 0);
    const day = report.budgets.find((b) => b.scope === 'day')!;
    assert.equal(day.spentMicros, settled);
    assert.equal(day.reservedMicros, 0);
    assert.equal(day.remainingMicros, capMicros - settled);
    for (const b of report.byAgent) assert.match(b.key, /^agent-[1-5]$/, 'each call is charged to the client that made it');
    assert.equal(report.byAgent.reduce((t, b) => t + b.calls, 0), admitted.length);
  });

  it('keeps the reservation of a call whose host was killed before it settled, and expires it once its deadline passes', async () => {
    const dir = tempWorkspace();
    scripted.api.onMessage(() => reply.hang());
    const spawned = await spawnHost(dir, { apiKey: TEST_KEY, baseUrl: scripted.api.url });
    child = spawned.child;
    const { conn } = await attach(dir, { client: { name: 'crash-test', kind: 'cli', version: VERSION }, start: false });
    await conn.sendRequest(BudgetSetRequest, { dayUsd: 1 });
    const pending = conn.sendRequest(LlmAskRequest, { prompt: 'never answered', maxTokens: 2000 }).catch(() => undefined);
    await scripted.api.waitForMessages(1, 20_000);
    // The admission (with its reservation) is durable before the request is sent; now the host dies mid-call.
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    conn.dispose();
    await pending;

    // Restarted at once: the crashed call's worst case still counts against the budget.
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const c1 = await scripted.h.connect();
    const before = await c1.sendRequest(CostReportRequest, {});
    assert.equal(before.calls.inFlight, 1);
    assert.ok(before.calls.reservedMicros > 0);
    assert.equal(before.budgets.find((b) => b.scope === 'day')!.reservedMicros, before.calls.reservedMicros);
    const started = scripted.h.host.store.events.read().filter((e) => e.type === LlmEventTypes.callStarted);
    assert.equal(started.length, 1);
    const callId = (started[0]!.data as { callId: string; reservation: { expiresAt: string } }).callId;
    const expiresAt = Date.parse((started[0]!.data as { reservation: { expiresAt: string } }).reservation.expiresAt);
    await scripted.h.stop();

    // Restarted after the reservation's deadline: it is recorded as expired and nothing stays reserved.
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url }, offsetMs: expiresAt - Date.now() + 60_000 });
    const c2 = await scripted.h.connect();
    const deadline = Date.now() + 10_000;
    let after = await c2.sendRequest(CostReportRequest, {});
    while (after.calls.inFlight > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      after = await c2.sendRequest(CostReportRequest, {});
    }
    assert.equal(after.calls.inFlight, 0);
    assert.equal(after.calls.reservedMicros, 0);
    assert.equal(after.budgets.find((b) => b.scope === 'day')?.reservedMicros ?? 0, 0);
    assert.equal(after.spend.todayMicros, 0, 'an unanswered call costs nothing');
    const stream = scripted.h.host.store.events.read({ stream: `llm-${callId}` }).map((e) => e.type);
    assert.deepEqual(stream, [LlmEventTypes.callStarted, LlmEventTypes.reservationExpired]);
  });
});
