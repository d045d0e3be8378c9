// The completion gate through a real host: a scope violation fails the gate and the retry
// passes; a worker that keeps failing verification is blocked after three strikes and a human
// is asked; a run whose budget runs out stops cleanly and releases what it held.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ApprovalListRequest } from '../../../shared/approvals';
import { HiveShowRequest } from '../../../shared/hive';
import { SwarmRunRequest } from '../../../shared/swarm';
import { reply } from '../../support/messagesApi';
import { eachTestWithMessagesApi, startLlmHost, TEST_KEY } from '../llm/helpers';
import { attemptOf, fixtureRepo, scriptSwarm } from './helpers';

describe('Swarm completion gate', function () {
  this.timeout(120_000);
  const scripted = eachTestWithMessagesApi();

  const swarmEvents = (type: string) => scripted.h!.host.ctx.store.events.read().filter((e) => e.type === type).map((e) => e.data as Record<string, unknown>);

  it('fails the gate when a file outside the assignment changed, and accepts the retry that stays in scope', async () => {
    const dir = fixtureRepo();
    scriptSwarm(scripted.api, {
      firstTurn: (file, req) => {
        // Something the worker set off wrote outside its assignment (not through the file tools).
        if (file === 'alpha.txt' && attemptOf(req) === 1) fs.writeFileSync(path.join(dir, 'stray.txt'), 'oops');
        return null;
      },
    });
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const c = await scripted.h.connect('tester');
    const { run } = await c.sendRequest(SwarmRunRequest, { task: 'three files', concurrency: 1, wait: true });
    assert.equal(run.status, 'done', run.reason ?? '');
    const failed = swarmEvents('swarm.gate.failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.reason, 'scope');
    assert.deepEqual(failed[0]!.scope, ['stray.txt']);
    const alpha = run.workers.find((w) => w.files.includes('alpha.txt'))!;
    assert.equal(alpha.attempts, 2);
    assert.equal(run.report.retries, 1);
  });

  it('retries with the trimmed failure output, blocks the cell after three strikes and asks a human', async () => {
    const dir = fixtureRepo();
    scriptSwarm(scripted.api, { content: (file) => (file === 'beta.txt' ? 'beta: not yet\n' : `${file.replace('.txt', '')}: ok\n`) });
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const c = await scripted.h.connect('tester');
    const { run } = await c.sendRequest(SwarmRunRequest, { task: 'three files', wait: true });
    assert.equal(run.status, 'failed');
    const beta = run.workers.find((w) => w.files.includes('beta.txt'))!;
    assert.equal(beta.state, 'blocked');
    assert.equal(beta.attempts, 3);
    assert.equal(run.workers.filter((w) => w.state === 'done').length, 2);
    assert.match(run.reason ?? '', new RegExp(`blocked: ${beta.cell}`));

    // The retry prompt carried what failed, trimmed to the check's own message.
    const retry = scripted.api.messageRequests().find((r) => attemptOf(r) === 2 && JSON.stringify(r.body.messages[0]).includes('beta.txt'));
    assert.ok(retry, 'a second attempt was made');
    assert.match(JSON.stringify(retry.body.messages[0]), /beta.txt: expected \\"beta: ok\\" but found \\"beta: not yet\\"/);

    const cell = await c.sendRequest(HiveShowRequest, { id: beta.cell });
    assert.equal(cell.cell.status, 'blocked');
    assert.equal(fs.existsSync(path.join(dir, 'beta.txt')), false, 'the unaccepted file was reverted');
    assert.equal(fs.readFileSync(path.join(dir, 'alpha.txt'), 'utf8'), 'alpha: ok\n');
    assert.equal(cell.cell.claim, null, 'the claim was released');
    const approvals = await c.sendRequest(ApprovalListRequest, {});
    const q = approvals.approvals.find((a) => a.cell === beta.cell);
    assert.ok(q, 'a human was asked');
    assert.equal(q.kind, 'question');
    assert.equal(scripted.h.host.ctx.services.get('coordination').list({}).reservations.length, 0);
    const outcomes = swarmEvents('learning.outcome_recorded');
    assert.equal(outcomes.length, 3);
  });

  it('stops cleanly when the run budget is spent mid-run: workers stop, claims and reservations are released', async () => {
    const dir = fixtureRepo();
    let calls = 0;
    scriptSwarm(scripted.api, { delayMs: 100 });
    const inner = scripted.api;
    // Expensive answers: each worker call uses many output tokens.
    inner.onMessage((req) => {
      calls++;
      if ((req.body.tools ?? []).some((t) => (t as { name: string }).name === 'submit_plan')) {
        return reply.toolUse('submit_plan', { subtasks: ['alpha', 'beta', 'gamma'].map((n) => ({ title: n, description: n, acceptance: ['ok'], files: [`${n}.txt`], dependsOn: [], strategy: 'file' })) });
      }
      return reply.toolUse('read_file', { path: 'README.md' }, { usage: { output_tokens: 20_000 }, delayMs: 50 });
    });
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const c = await scripted.h.connect('tester');
    const { run } = await c.sendRequest(SwarmRunRequest, { task: 'three files', budgetUsd: 0.5, wait: true });
    assert.equal(run.status, 'stopped');
    assert.match(run.reason ?? '', /budget/);
    assert.ok(calls < 60, `stopped early (${calls} calls)`);
    assert.ok(run.report.costMicros >= 500_000, 'it spent up to the budget');
    assert.equal(scripted.h.host.ctx.services.get('coordination').list({}).reservations.length, 0);
    for (const w of run.workers) {
      const cell = await c.sendRequest(HiveShowRequest, { id: w.cell });
      assert.notEqual(cell.cell.status, 'closed');
      assert.equal(cell.cell.claim, null);
    }
  });
});
