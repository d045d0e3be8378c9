import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CostReport } from '../../../shared/llm';
import { BudgetSetRequest, CostReportRequest, LlmAskRequest } from '../../../shared/llm';
import { reply, startMessagesApi, type MessagesApi } from '../../support/messagesApi';
import { call, connect } from '../mcp/helpers';
import { startLlmHost, TEST_KEY, type LlmHost } from './helpers';

function figures(r: CostReport): Omit<CostReport, 'generatedAt'> {
  const { generatedAt: _ignored, ...rest } = r;
  return rest;
}

describe('MCP: cost_report', function () {
  this.timeout(30_000);
  let api: MessagesApi;
  let h: LlmHost;
  let client: Client | undefined;

  beforeEach(async () => {
    api = await startMessagesApi();
  });
  afterEach(async () => {
    await client?.close();
    await h?.stop();
    await api.close();
  });

  it('gives agents the same figures as `apiary/cost/report` (and so `apiary cost --json`)', async () => {
    h = await startLlmHost({ env: { apiKey: TEST_KEY, baseUrl: api.url } });
    const rpc = await h.connect('reviewer');
    await rpc.sendRequest(BudgetSetRequest, { dayUsd: 3 });
    api.onMessage(() => reply.text('done', { usage: { input_tokens: 900, output_tokens: 300 } }));
    await rpc.sendRequest(LlmAskRequest, { prompt: 'review this diff', tier: 'small' });

    const token = fs.readFileSync(path.join(h.dir, '.apiary', 'token'), 'utf8').trim();
    client = await connect(h.host.info().mcp!.url, token, 'cost-reader');
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === 'cost_report');
    assert.ok(tool, 'cost_report is listed');
    assert.equal(tool.annotations?.readOnlyHint, true);

    const viaMcp = await call(client, 'cost_report');
    assert.equal(viaMcp.isError, false);
    const viaRpc = await rpc.sendRequest(CostReportRequest, {});
    assert.deepEqual(figures(viaMcp.body as unknown as CostReport), figures(viaRpc));
    assert.equal((viaMcp.body as unknown as CostReport).byAgent[0]!.key, 'reviewer');
    assert.equal((viaMcp.body as unknown as CostReport).budgets[0]!.capMicros, 3_000_000);
  });
});
