// Stopping: a single worker, then a whole run; what they held (claims, reservations) is released.
import assert from 'node:assert/strict';
import { HiveShowRequest } from '../../../shared/hive';
import { SwarmRunRequest, SwarmStatusRequest, SwarmStopRequest, type SwarmRunView } from '../../../shared/swarm';
import { reply } from '../../support/messagesApi';
import { eachTestWithMessagesApi, startLlmHost, TEST_KEY, type LlmHost } from '../llm/helpers';
import { afterTools, fixtureRepo, isPlanning, threePlan, workerFile } from './helpers';

describe('Swarm stop', function () {
  this.timeout(120_000);
  const scripted = eachTestWithMessagesApi();

  async function until(c: Awaited<ReturnType<LlmHost['connect']>>, run: string, ok: (v: SwarmRunView) => boolean): Promise<SwarmRunView> {
    for (let i = 0; i < 300; i++) {
      const v = (await c.sendRequest(SwarmStatusRequest, { run })).runs[0]!;
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('timed out');
  }

  it('stops one worker (its claim and reservation released, not restarted), then the whole run', async () => {
    const dir = fixtureRepo();
    // alpha finishes; beta and gamma hang in their first model call.
    scripted.api.onMessage((req) => {
      if (isPlanning(req)) return reply.toolUse('submit_plan', threePlan());
      const file = workerFile(req)!;
      if (afterTools(req)) return reply.text('done', { stopReason: 'end_turn' });
      if (file !== 'alpha.txt') return { kind: 'hang' };
      return reply.toolUse('write_file', { path: file, content: 'alpha: ok\n' });
    });
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const c = await scripted.h.connect('tester');
    const { run } = await c.sendRequest(SwarmRunRequest, { task: 'three files' });
    const running = await until(c, run.id, (v) => v.workers.length === 3 && v.workers.filter((w) => w.state === 'done').length === 1);
    const beta = running.workers.find((w) => w.files.includes('beta.txt'))!;
    const coordination = scripted.h.host.ctx.services.get('coordination');
    assert.equal(coordination.list({ holder: beta.agent }).reservations.length, 1);

    const afterWorker = (await c.sendRequest(SwarmStopRequest, { run: run.id, worker: beta.agent })).run;
    const stopped = await until(c, run.id, (v) => v.workers.find((w) => w.cell === beta.cell)!.state === 'stopped');
    assert.equal(afterWorker.id, run.id);
    assert.equal(stopped.endedAt, null, 'the run goes on');
    assert.equal(coordination.list({ holder: beta.agent }).reservations.length, 0);
    assert.equal((await c.sendRequest(HiveShowRequest, { id: beta.cell })).cell.claim, null);

    const ended = (await c.sendRequest(SwarmStopRequest, { run: run.id })).run;
    assert.equal(ended.status, 'stopped');
    assert.equal(coordination.list({}).reservations.length, 0);
    for (const w of ended.workers) assert.equal((await c.sendRequest(HiveShowRequest, { id: w.cell })).cell.claim, null);
    assert.equal(ended.workers.find((w) => w.cell === beta.cell)!.attempts, 1, 'the stopped worker was not started again');
    await assert.rejects(c.sendRequest(SwarmStopRequest, { run: run.id }), /already ended/);
  });
});
