import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { CostReport } from '../../../shared/llm';
import { BudgetGetRequest, BudgetSetRequest, CostReportRequest, LlmAskRequest } from '../../../shared/llm';
import { foldCostView, type CostView } from '../../../server/llm/costView';
import { readLlmHistory } from '../../../server/llm/historyProjection';
import { reply } from '../../support/messagesApi';
import { eachTestWithMessagesApi, startLlmHost, TEST_KEY } from './helpers';

/** The report without its clock-dependent stamp. */
function figures(r: CostReport): Omit<CostReport, 'generatedAt'> {
  const { generatedAt: _ignored, ...rest } = r;
  return rest;
}

function comparable(v: CostView): unknown {
  return {
    caps: v.ledger.caps,
    spent: [...v.ledger.spent.entries()].sort(),
    open: [...v.ledger.open.keys()].sort(),
    overrides: [...v.ledger.overrides.keys()].sort(),
    calls: v.calls.map((c) => c.callId),
    failures: v.failures.map((f) => f.callId),
    breakers: [...v.breakers.entries()].sort(),
  };
}

describe('Cost history across restarts', function () {
  this.timeout(60_000);
  const scripted = eachTestWithMessagesApi();

  it('a restarted host reports the same figures and enforces the same caps, from its snapshot or rebuilt from the log', async () => {
    scripted.h = await startLlmHost({ env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const dir = scripted.h.dir;
    const c = await scripted.h.connect('builder');
    await c.sendRequest(BudgetSetRequest, { dayUsd: 2, cellUsd: 0.5 });
    scripted.api.enqueue(reply.rateLimited(0), reply.text('after a retry'), reply.error(400, { message: 'bad request' }));
    await c.sendRequest(LlmAskRequest, { prompt: 'first', cell: 'cell-1', epic: 'epic-a' });
    await c.sendRequest(LlmAskRequest, { prompt: 'second' }).catch(() => undefined);
    await c.sendRequest(LlmAskRequest, { prompt: 'third', tier: 'small', cell: 'cell-2' });
    const before = await c.sendRequest(CostReportRequest, {});
    assert.equal(before.calls.settled30d, 2);
    assert.equal(before.calls.failed30d, 1);
    await scripted.h.stop();

    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const fromSnapshot = await (await scripted.h.connect()).sendRequest(CostReportRequest, {});
    assert.deepEqual(figures(fromSnapshot), figures(before));
    assert.deepEqual(await (await scripted.h.connect()).sendRequest(BudgetGetRequest), { day: 2_000_000, cell: 500_000 });
    await scripted.h.stop();

    fs.rmSync(path.join(dir, '.apiary', 'snapshots'), { recursive: true, force: true });
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const rebuilt = await (await scripted.h.connect()).sendRequest(CostReportRequest, {});
    assert.deepEqual(figures(rebuilt), figures(before));
  });

  it('keeps only what the cost view needs, and folding it gives the same view as folding the whole log', async () => {
    scripted.h = await startLlmHost({ env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const c = await scripted.h.connect();
    await c.sendRequest(BudgetSetRequest, { dayUsd: 5 });
    await c.sendRequest(BudgetSetRequest, { monthUsd: 50 });
    scripted.api.enqueue(reply.rateLimited(0), reply.text('ok'));
    for (let i = 0; i < 6; i++) await c.sendRequest(LlmAskRequest, { prompt: `call ${i}`, cell: `c${i % 2}` });
    scripted.api.enqueue(reply.hang());
    const hanging = c.sendRequest(LlmAskRequest, { prompt: 'in flight' }).catch(() => undefined);
    await scripted.api.waitForMessages(8);

    const all = scripted.h.host.store.events.read().filter((e) => e.stream.startsWith('llm-'));
    const kept = readLlmHistory(scripted.h.host.store.db);
    assert.ok(kept.length < all.length, `compacted: ${kept.length} of ${all.length} events kept`);
    assert.equal(kept.filter((e) => e.type === 'llm.call.retried').length, 0);
    assert.equal(kept.filter((e) => e.type === 'llm.call.started').length, 1, 'only the open admission is kept');
    assert.equal(kept.filter((e) => e.type === 'budget.configured').length, 1, 'only the latest caps are kept');
    assert.deepEqual(comparable(foldCostView(kept)), comparable(foldCostView(all)));
    await scripted.h.stop();
    scripted.h = undefined;
    await hanging;
  });
});
