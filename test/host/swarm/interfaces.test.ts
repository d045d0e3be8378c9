// The swarm from the command line and over MCP, against a host in this process.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { hiveCreateParamsSchema, hiveClaimParamsSchema } from '../../../shared/hiveSchemas';
import { lockReserveParamsSchema } from '../../../shared/coordinationSchemas';
import type { SwarmExplainResult, SwarmRunView } from '../../../shared/swarm';
import { eachTestWithMessagesApi, runCli, startLlmHost, TEST_KEY } from '../llm/helpers';
import { call, connect } from '../mcp/helpers';
import { fixtureRepo, NAMES, scriptSwarm } from './helpers';

describe('Swarm CLI and MCP tools', function () {
  this.timeout(120_000);
  let client: Client | undefined;

  afterEach(async () => {
    await client?.close();
    client = undefined;
  });
  const scripted = eachTestWithMessagesApi();

  it('apiary swarm run --wait --json, then status and explain, all as JSON', async () => {
    const dir = fixtureRepo();
    scriptSwarm(scripted.api);
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const ran = await runCli(['swarm', 'run', 'Create the three files', '--wait', '--concurrency', '2', '--json', '--workspace', dir]);
    assert.equal(ran.code, 0, ran.stderr + ran.stdout);
    const run = (ran.json as { run: SwarmRunView }).run;
    assert.equal(run.status, 'done');
    assert.equal(run.options.concurrency, 2);
    for (const n of NAMES) assert.equal(fs.readFileSync(path.join(dir, `${n}.txt`), 'utf8'), `${n}: ok\n`);

    const status = await runCli(['swarm', 'status', run.id, '--json', '--workspace', dir]);
    assert.equal(status.code, 0);
    const report = (status.json as { runs: SwarmRunView[] }).runs[0]!.report;
    for (const key of ['decompositionMs', 'wallMs', 'coordinationOverheadMs', 'reservationConflicts', 'retries', 'tokens', 'costMicros'] as const) assert.equal(typeof report[key], 'number', key);
    assert.equal(report.workers.length, 3);

    const explained = await runCli(['swarm', 'explain', run.id, '--json', '--workspace', dir]);
    const e = explained.json as SwarmExplainResult;
    assert.equal(e.run, run.id);
    assert.match(e.outcome, /^done/);
    assert.ok(e.timeline.some((t) => t.type === 'swarm.epic.created'));

    const human = await runCli(['swarm', 'status', run.id, '--workspace', dir]);
    assert.match(human.stdout, new RegExp(`${run.id}\\s+done`));
    assert.match(human.stdout, /swarm-\w+-w1/);
  });

  it('refuses usage errors with exit 2 and unknown runs with exit 1 and a hint', async () => {
    const dir = fixtureRepo();
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    assert.equal((await runCli(['swarm', 'run', '--workspace', dir])).code, 2);
    assert.equal((await runCli(['swarm', 'run', 'x', '--budget', 'lots', '--workspace', dir])).code, 2);
    const missing = await runCli(['swarm', 'status', 'ffffffff', '--json', '--workspace', dir]);
    assert.equal(missing.code, 1);
    assert.equal((missing.json as { error: { code: string; hint: string } }).error.code, 'not_found');
  });

  it('MCP: swarm_run and swarm_status report the run; swarm_complete closes a cell only when verification passes', async () => {
    const dir = fixtureRepo();
    scriptSwarm(scripted.api);
    scripted.h = await startLlmHost({ dir, env: { apiKey: TEST_KEY, baseUrl: scripted.api.url } });
    const token = fs.readFileSync(path.join(scripted.h.dir, '.apiary', 'token'), 'utf8').trim();
    client = await connect(scripted.h.host.info().mcp!.url, token, 'claude-code');
    const { tools } = await client.listTools();
    for (const name of ['swarm_run', 'swarm_status', 'swarm_complete', 'swarm_explain']) assert.ok(tools.some((t) => t.name === name), name);

    const started = await call(client, 'swarm_run', { task: 'Create the three files', wait: true });
    assert.equal(started.isError, false);
    const run = started.body.run as SwarmRunView;
    assert.equal(run.status, 'done');
    const status = await call(client, 'swarm_status', { run: run.id });
    assert.equal(((status.body.runs as SwarmRunView[])[0]!).workers.length, 3);

    // An outside agent works a cell itself and completes it through the same gate.
    const hive = scripted.h.host.ctx.services.get('hive');
    const me = (await call(client, 'agent_whoami')).body as { name?: string; agent?: { name: string } };
    const agent = me.agent?.name ?? me.name!;
    const cell = (await hive.create(hiveCreateParamsSchema.parse({ title: 'fix gamma', files: ['gamma.txt'] }), agent)).cell;
    await hive.change('apiary/hive/claim', hiveClaimParamsSchema.parse({ id: cell.id, agent }), agent);
    await scripted.h.host.ctx.services.get('coordination').reserve(lockReserveParamsSchema.parse({ agent, patterns: ['gamma.txt'], cell: cell.id }));
    fs.writeFileSync(path.join(dir, 'gamma.txt'), 'gamma: broken\n');
    const refused = await call(client, 'swarm_complete', { cell: cell.id, summary: 'fixed gamma' });
    assert.equal(refused.body.passed, false);
    assert.match(String(refused.body.output), /gamma.txt: expected "gamma: ok"/);
    assert.notEqual(hive.get(cell.id)!.status, 'closed');
    fs.writeFileSync(path.join(dir, 'gamma.txt'), 'gamma: ok\n');
    const done = await call(client, 'swarm_complete', { cell: cell.id, summary: 'fixed gamma' });
    assert.equal(done.body.passed, true);
    assert.equal(done.body.released, 1);
    assert.equal(hive.get(cell.id)!.status, 'closed');
  });
});
