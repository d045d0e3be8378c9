// Chaos mode through a real host: injected API errors and timeouts, killed worker loops and
// delayed tools; the run still ends — subtasks done or blocked with a reason — and its report
// says what was injected and what recovered.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SwarmExplainRequest, SwarmRunRequest } from '../../../shared/swarm';
import { eachTestWithMessagesApi, runCli, startLlmHost, TEST_KEY } from '../llm/helpers';
import { fixtureRepo, scriptSwarm, writeSwarmConfig } from './helpers';

describe('Swarm chaos mode', function () {
  this.timeout(180_000);
  const scripted = eachTestWithMessagesApi();

  it('injects faults, recovers by retrying, and reports what it injected', async () => {
    const dir = fixtureRepo();
    writeSwarmConfig(dir, { chaosSeed: 11 });
    scriptSwarm(scripted.api);
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const c = await scripted.h.connect('tester');
    const { run } = await c.sendRequest(SwarmRunRequest, { task: 'three files', chaos: true, wait: true });
    assert.ok(run.endedAt, 'the run ended');
    assert.ok(run.status === 'done' || run.status === 'failed', `${run.status}: ${run.reason}`);
    const injected = scripted.h.host.ctx.store.events.read().filter((e) => e.type === 'swarm.chaos.injected');
    assert.ok(injected.length > 0, 'faults were injected');
    assert.ok(run.report.chaos, 'a chaos report');
    assert.equal(run.report.chaos.injected.length, injected.length);
    for (const w of run.workers) {
      assert.ok(w.state === 'done' || w.state === 'blocked', `${w.cell} ended ${w.state}`);
      const name = w.files[0]!.replace('.txt', '');
      if (w.state === 'done') assert.equal(fs.readFileSync(path.join(dir, w.files[0]!), 'utf8'), `${name}: ok\n`);
      else {
        const e = await c.sendRequest(SwarmExplainRequest, { target: w.cell });
        assert.match(e.outcome, /^blocked after 3 attempt\(s\): failed the gate 3 times/);
      }
    }
    assert.ok(run.workers.some((w) => w.attempts > 1), 'some worker was hit and retried');
    assert.equal(run.report.chaos.recovered, run.workers.filter((w) => w.state === 'done' && w.attempts > 1).length);

    const printed = await runCli(['swarm', 'status', run.id, '--workspace', dir]);
    assert.match(printed.stdout, /chaos: injected \d+ faults? \((api_error|timeout|kill_worker|delay_tool) ×\d+/);
  });

  it('is off by default: a plain run injects nothing', async () => {
    const dir = fixtureRepo();
    scriptSwarm(scripted.api);
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const c = await scripted.h.connect('tester');
    const { run } = await c.sendRequest(SwarmRunRequest, { task: 'three files', wait: true });
    assert.equal(run.report.chaos, null);
    assert.equal(scripted.h.host.ctx.store.events.read().filter((e) => e.type === 'swarm.chaos.injected').length, 0);
  });
});
