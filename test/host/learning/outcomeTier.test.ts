// Outside agents' outcomes through the real MCP tools: the tier they count for comes from the tier
// given, the model named or registered (mapped with the workspace's tier models first), and is
// left out — not guessed — when the model is unknown.
import assert from 'node:assert/strict';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { LearningReportRequest, type Outcome } from '../../../shared/learning';
import { LlmConfigureRequest } from '../../../shared/llm';
import { hiveClaimParamsSchema, hiveCreateParamsSchema } from '../../../shared/hiveSchemas';
import { OUTCOME_RECORDED } from '../../../server/learning/projection';
import type { Client } from '../../support/host';
import { call } from '../mcp/helpers';
import { startInProcessHost, type InProcessHost } from '../support/inProcessHost';

describe('outside agents\u2019 outcomes and their tier (MCP)', function () {
  this.timeout(30_000);
  let h: InProcessHost;
  let rpc: Client;

  const agent = (name: string): Promise<McpClient> => h.mcp(name);
  const outcomes = (): Outcome[] => h.events(OUTCOME_RECORDED).map((e) => e.data as Outcome);
  const routerPulls = async (kind: string): Promise<Record<string, number>> => {
    const report = await rpc.conn.sendRequest(LearningReportRequest);
    const k = report.router.kinds.find((x) => x.kind === kind);
    return Object.fromEntries((k?.tiers ?? []).map((t) => [t.tier, t.pulls]));
  };

  beforeEach(async () => {
    h = await startInProcessHost();
    rpc = await h.client();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('counts a named model for its family\u2019s tier and records the model', async () => {
    const c = await agent('outsider');
    const r = await call(c, 'swarm_record_outcome', { kind: 'bugfix', model: 'claude-opus-4-1', success: true });
    assert.equal(r.isError, false);
    assert.equal(r.body.tier, 'large');
    assert.deepEqual(outcomes().map((o) => [o.tier, o.model]), [['large', 'claude-opus-4-1']]);
    assert.deepEqual(await routerPulls('bugfix'), { small: 0, medium: 0, large: 1 });
  });

  it('uses the model an agent registered when the call names none', async () => {
    const c = await agent('registered');
    assert.equal((await call(c, 'agent_register', { model: 'claude-haiku-4-5' })).isError, false);
    const r = await call(c, 'swarm_record_outcome', { kind: 'docs', success: true });
    assert.equal(r.body.tier, 'small');
    assert.equal(outcomes()[0]!.model, 'claude-haiku-4-5');
  });

  it('maps with the workspace\u2019s tier models before the family name', async () => {
    await rpc.conn.sendRequest(LlmConfigureRequest, { models: { medium: 'claude-haiku-4-5' } });
    const c = await agent('configured');
    const r = await call(c, 'swarm_record_outcome', { kind: 'test', model: 'claude-haiku-4-5', success: true });
    assert.equal(r.body.tier, 'medium');
  });

  it('takes an explicit tier over the model', async () => {
    const c = await agent('explicit');
    const r = await call(c, 'swarm_record_outcome', { kind: 'refactor', model: 'claude-opus-4-1', tier: 'small', success: false });
    assert.equal(r.body.tier, 'small');
    assert.deepEqual(await routerPulls('refactor'), { small: 1, medium: 0, large: 0 });
  });

  it('records an unknown model without a tier: the outcome teaches patterns, the router stays where it was', async () => {
    const c = await agent('mystery');
    let last: Record<string, unknown> = {};
    for (let i = 0; i < 3; i++) {
      last = (await call(c, 'swarm_record_outcome', { kind: 'refactor', model: 'gpt-5', success: false, patterns: ['rename everything at once'] })).body;
      assert.equal(last.tier, null);
    }
    assert.deepEqual(last.antiPatterns, ['AVOID: rename everything at once (failed 100% of 3 attempts)']);
    const recorded = outcomes();
    assert.equal(recorded.length, 3);
    assert.ok(recorded.every((o) => !('tier' in o) && o.model === 'gpt-5'));
    const report = await rpc.conn.sendRequest(LearningReportRequest);
    assert.equal(report.outcomes, 3);
    assert.deepEqual(report.router.kinds, []);
    assert.deepEqual(report.router.history, []);
    assert.equal(report.router.outcomesWithoutTier, 3);
    assert.equal(h.host.ctx.services.get('learning').route({ kind: 'refactor' }).reason, 'cold-start');
  });

  it('refuses a bad tier or model with invalid_params and records nothing', async () => {
    const c = await agent('careless');
    for (const args of [{ tier: 'huge' }, { model: 'claude\nopus' }, { model: '' }]) {
      const r = await call(c, 'swarm_record_outcome', { kind: 'bugfix', success: true, ...args });
      assert.equal(r.isError, true, JSON.stringify(args));
      assert.equal((r.body.error as { code: string }).code, 'invalid_params');
    }
    assert.deepEqual(outcomes(), []);
  });

  it('swarm_complete records the cell\u2019s outcome at the tier of the model the agent names, or at none', async () => {
    const hive = h.host.ctx.services.get('hive');
    const c = await agent('finisher');
    const me = (await call(c, 'agent_whoami')).body as { name?: string; agent?: { name: string } };
    const name = me.agent?.name ?? me.name!;
    const cells: string[] = [];
    for (const title of ['fix the parser', 'fix the lexer']) {
      const cell = (await hive.create(hiveCreateParamsSchema.parse({ title }), name)).cell;
      await hive.change('apiary/hive/claim', hiveClaimParamsSchema.parse({ id: cell.id, agent: name }), name);
      cells.push(cell.id);
    }
    const named = await call(c, 'swarm_complete', { cell: cells[0], summary: 'parser fixed', model: 'claude-sonnet-4-5' });
    assert.equal(named.isError, false, JSON.stringify(named.body));
    assert.equal(named.body.passed, true);
    assert.equal(named.body.tier, 'medium');
    const unnamed = await call(c, 'swarm_complete', { cell: cells[1], summary: 'lexer fixed' });
    assert.equal(unnamed.body.tier, null);
    assert.deepEqual(outcomes().map((o) => [o.cell, o.tier ?? null]), [[cells[0], 'medium'], [cells[1], null]]);

    const bad = await call(c, 'swarm_complete', { cell: cells[1], summary: 'again', tier: 'gigantic' });
    assert.equal((bad.body.error as { code: string }).code, 'invalid_params');
  });
});
