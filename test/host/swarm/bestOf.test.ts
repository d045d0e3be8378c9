// Best-of-N through a real host: three attempts in isolated copies, one passes verification and
// two fail; the passing one is chosen, and its diff reaches the working tree only after the
// merge approval.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ApprovalDecideRequest, ApprovalListRequest } from '../../../shared/approvals';
import { SwarmRunRequest, SwarmStatusRequest } from '../../../shared/swarm';
import { reply } from '../../support/messagesApi';
import { eachTestWithMessagesApi, startLlmHost, TEST_KEY } from '../llm/helpers';
import { afterTools, fixtureRepo, isPlanning, workerFile } from './helpers';

describe('Swarm best-of-N', function () {
  this.timeout(120_000);
  const scripted = eachTestWithMessagesApi();

  it('runs three isolated attempts; the one that passes wins and is applied only after the merge approval', async () => {
    const dir = fixtureRepo();
    fs.mkdirSync(path.join(dir, 'node_modules', 'dep'), { recursive: true });
    let firstTurns = 0;
    scripted.api.onMessage((req) => {
      if (isPlanning(req)) return reply.toolUse('submit_plan', { subtasks: [{ title: 'Write alpha.txt', description: 'alpha', acceptance: ['alpha.txt says ok'], files: ['alpha.txt'], dependsOn: [], strategy: 'risk' }] });
      const file = workerFile(req);
      if (!file) return reply.text('2');
      if (afterTools(req)) return reply.text('Wrote alpha.txt.', { stopReason: 'end_turn' });
      const good = ++firstTurns === 1;
      return reply.toolUse('write_file', { path: 'alpha.txt', content: good ? 'alpha: ok\n' : 'alpha: maybe\n' });
    });
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const c = await scripted.h.connect('tester');
    const { run } = await c.sendRequest(SwarmRunRequest, { task: 'alpha', bestOf: 3 });

    // The merge approval comes first; the working tree is untouched until it is decided.
    let approvalId: string | undefined;
    for (let i = 0; i < 200 && !approvalId; i++) {
      const list = await c.sendRequest(ApprovalListRequest, {});
      approvalId = list.approvals.find((a) => a.kind === 'merge')?.id;
      if (!approvalId) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(approvalId, 'a merge approval was requested');
    const pending = (await c.sendRequest(ApprovalListRequest, {})).approvals.find((a) => a.id === approvalId)!;
    assert.deepEqual(pending.details.changes, { 'alpha.txt': 'alpha: ok\n' });
    assert.equal(fs.existsSync(path.join(dir, 'alpha.txt')), false, 'attempts never touch the working tree');
    await c.sendRequest(ApprovalDecideRequest, { id: approvalId, outcome: 'approved' });

    let view = (await c.sendRequest(SwarmStatusRequest, { run: run.id })).runs[0]!;
    for (let i = 0; i < 200 && !view.endedAt; i++) {
      await new Promise((r) => setTimeout(r, 100));
      view = (await c.sendRequest(SwarmStatusRequest, { run: run.id })).runs[0]!;
    }
    assert.equal(view.status, 'done', view.reason ?? '');
    assert.equal(fs.readFileSync(path.join(dir, 'alpha.txt'), 'utf8'), 'alpha: ok\n');
    const scored = scripted.h.host.ctx.store.events.read().filter((e) => e.type === 'swarm.attempt.scored').map((e) => e.data as { passed: boolean; dir: string });
    assert.equal(scored.length, 3);
    assert.equal(scored.filter((s) => s.passed).length, 1);
    assert.equal(new Set(scored.map((s) => s.dir)).size, 3, 'each attempt had its own copy');
    const chosen = scripted.h.host.ctx.store.events.read().find((e) => e.type === 'swarm.attempt.chosen')!.data as { applied: boolean; approval: string };
    assert.equal(chosen.applied, true);
    assert.equal(chosen.approval, approvalId);
  });
});
