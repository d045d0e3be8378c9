// A swarm run end to end through a real host: the scripted model plans three subtasks, three
// workers complete them in parallel on a fixture repository whose `npm test` really checks the
// files, and the gate accepts only verified work.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HiveShowRequest } from '../../../shared/hive';
import { SwarmExplainRequest, SwarmRunRequest, SwarmStatusRequest, SwarmTranscriptRequest } from '../../../shared/swarm';
import { reply } from '../../support/messagesApi';
import { eachTestWithMessagesApi, startLlmHost, TEST_KEY } from '../llm/helpers';
import { fixtureRepo, isPlanning, NAMES, scriptSwarm, threePlan, workerFile } from './helpers';

describe('Swarm run through the host', function () {
  this.timeout(120_000);
  const scripted = eachTestWithMessagesApi();

  it('decomposes a task into three subtasks that three workers complete in parallel; files change, cells close, outcomes are recorded', async () => {
    const dir = fixtureRepo();
    scriptSwarm(scripted.api, { delayMs: 300 });
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const c = await scripted.h.connect('tester');
    const { run } = await c.sendRequest(SwarmRunRequest, { task: 'Create alpha.txt, beta.txt and gamma.txt, each saying it is ok', wait: true });

    assert.equal(run.status, 'done', `run ended ${run.status}: ${run.reason}`);
    for (const n of NAMES) assert.equal(fs.readFileSync(path.join(dir, `${n}.txt`), 'utf8'), `${n}: ok\n`);
    assert.equal(run.workers.length, 3);
    for (const w of run.workers) {
      assert.equal(w.state, 'done');
      const detail = await c.sendRequest(HiveShowRequest, { id: w.cell });
      assert.equal(detail.cell.status, 'closed');
      assert.match(detail.cell.closeReason ?? '', /Wrote .*\.txt/);
    }
    const epic = await c.sendRequest(HiveShowRequest, { id: run.epic! });
    assert.equal(epic.cell.status, 'closed');
    assert.equal(epic.cell.type, 'epic');

    // In parallel: each worker's second model call came before the last worker's first one ended.
    const workerCalls = scripted.api.messageRequests().filter((r) => !isPlanning(r) && workerFile(r));
    const firstOf = NAMES.map((n) => workerCalls.findIndex((r) => workerFile(r) === `${n}.txt`));
    assert.ok(Math.max(...firstOf) < 3, `the three workers started together (first calls at ${firstOf.join(', ')})`);

    // Outcomes went to the learning loop; reservations are gone.
    const outcomes = scripted.h.host.ctx.store.events.read().filter((e) => e.type === 'learning.outcome_recorded');
    assert.equal(outcomes.length, 3);
    const locks = scripted.h.host.ctx.services.get('coordination').list({});
    assert.deepEqual(locks.reservations.map((r) => [r.holder, r.pattern, r.cell]), [], JSON.stringify(scripted.h.host.ctx.store.events.read().filter((e) => e.type.startsWith("lock.")).map((e) => [e.type, e.data])));

    // The report: decomposition latency, wall time, tokens and cost per worker.
    const status = await c.sendRequest(SwarmStatusRequest, { run: run.id });
    const report = status.runs[0]!.report;
    assert.ok(report.wallMs >= report.decompositionMs && report.decompositionMs > 0);
    assert.equal(report.workers.length, 3);
    for (const w of report.workers) assert.ok(w.tokens > 0 && w.costMicros > 0);
    assert.equal(report.retries, 0, JSON.stringify(scripted.h.host.ctx.store.events.read().filter((e) => e.type === "swarm.gate.failed").map((e) => e.data)));

    const explained = await c.sendRequest(SwarmExplainRequest, { target: run.workers[0]!.cell });
    assert.ok(explained.timeline.some((t) => t.type === 'swarm.gate.passed'));
    assert.match(explained.outcome, /^done/);
    assert.match(explained.summary ?? '', /^Explained:/, 'a short summary from the small tier');
    const small = scripted.api.messageRequests().at(-1)!;
    assert.match(small.body.model, /haiku/i);
    const t = await c.sendRequest(SwarmTranscriptRequest, { cell: run.workers[0]!.cell });
    assert.match(t.markdown, /write_file/);
  });

  it('sends every worker to the tier the run asks for, and records each outcome under its task kind and that tier', async () => {
    const dir = fixtureRepo();
    scriptSwarm(scripted.api);
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const c = await scripted.h.connect('tester');
    const { run } = await c.sendRequest(SwarmRunRequest, { task: 'Create alpha.txt, beta.txt and gamma.txt, each saying it is ok', tier: 'large', wait: true });
    assert.equal(run.status, 'done', `run ended ${run.status}: ${run.reason}`);
    const workerCalls = scripted.api.messageRequests().filter((r) => !isPlanning(r) && workerFile(r));
    assert.ok(workerCalls.length >= 3);
    for (const r of workerCalls) assert.match(r.body.model, /opus/i, 'the run\'s manual tier override wins over the router');
    const outcomes = scripted.h.host.ctx.store.events.read().filter((e) => e.type === 'learning.outcome_recorded').map((e) => e.data as { kind: string; tier: string });
    assert.equal(outcomes.length, 3);
    for (const o of outcomes) {
      assert.equal(o.tier, 'large');
      assert.notEqual(o.kind, 'swarm', 'outcomes land in the bucket of the work\'s kind, not one bucket for everything');
    }
  });

  it('without a tier override, records for each worker the tier the router chose, the one its model calls used', async () => {
    const dir = fixtureRepo();
    scriptSwarm(scripted.api);
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const c = await scripted.h.connect('tester');
    const learning = scripted.h.host.ctx.services.get('learning');
    const kind = 'feature';
    // Evidence for the router to act on (it explores at least 10% of the time, so no tier is certain).
    for (let i = 0; i < 12; i++) {
      await learning.recordOutcome({ kind, tier: 'small', success: false }, 'history');
      await learning.recordOutcome({ kind, tier: 'large', success: true }, 'history');
    }
    const { run } = await c.sendRequest(SwarmRunRequest, { task: 'Create alpha.txt, beta.txt and gamma.txt, each saying it is ok', wait: true });
    assert.equal(run.status, 'done', `run ended ${run.status}: ${run.reason}`);
    const recorded = scripted.h.host.ctx.store.events
      .read()
      .filter((e) => e.type === 'learning.outcome_recorded' && e.actor !== 'history')
      .map((e) => e.data as { kind: string; tier: string });
    assert.equal(recorded.length, 3);
    const workerModels = scripted.api.messageRequests().filter((r) => !isPlanning(r) && workerFile(r)).map((r) => r.body.model as string);
    for (const o of recorded) {
      assert.ok(['small', 'medium', 'large'].includes(o.tier));
      // The tier recorded is the tier the worker's calls used.
      assert.ok(workerModels.some((m) => new RegExp({ small: 'haiku', medium: 'sonnet', large: 'opus' }[o.tier as 'small']!, 'i').test(m)));
    }
  });

  it('re-plans once when the plan gives one file to two subtasks, and refuses a second bad plan', async () => {
    const dir = fixtureRepo();
    const bad = { subtasks: [{ title: 'A', description: 'a', acceptance: ['x'], files: ['alpha.txt'], dependsOn: [], strategy: 'file' }, { title: 'B', description: 'b', acceptance: [], files: ['alpha.txt'], dependsOn: [5], strategy: 'file' }] };
    scripted.api.onMessage((req) => (isPlanning(req) ? reply.toolUse('submit_plan', bad) : reply.text('no')));
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const c = await scripted.h.connect('tester');
    const { run } = await c.sendRequest(SwarmRunRequest, { task: 'do it', wait: true });
    assert.equal(run.status, 'failed');
    assert.match(run.reason ?? '', /refused twice/);
    const plans = scripted.api.messageRequests().filter(isPlanning);
    assert.equal(plans.length, 2);
    const second = JSON.stringify(plans[1]!.body.messages);
    assert.match(second, /claimed by subtasks 0 and 1/);
    assert.match(second, /out of range/);
    assert.match(second, /no acceptance criteria/);
    assert.equal(run.epic, null, 'nothing entered the hive');
  });

  it('a plan fixed on the re-plan goes ahead', async () => {
    const dir = fixtureRepo();
    let plans = 0;
    scriptSwarm(scripted.api, { plan: () => (++plans === 1 ? { subtasks: [] } : threePlan()) });
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const c = await scripted.h.connect('tester');
    const { run } = await c.sendRequest(SwarmRunRequest, { task: 'do it', wait: true });
    assert.equal(run.status, 'done', run.reason ?? '');
    assert.equal(plans, 2);
  });
});
