// The hive over MCP with the real SDK client: the claim holder is the session's agent, the core
// profile carries the three tools a worker needs, refusals are structured, and the ready-queue
// resource tells subscribers when the queue changed.
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { connect, json, startHost, type TestHost } from '../mcp/helpers';
import { until } from './helpers';

describe('the hive as MCP tools', function () {
  this.timeout(60_000);
  let h: TestHost;

  beforeEach(async () => {
    h = await startHost();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('lists hive_ready, hive_claim and hive_close in the core profile and every hive tool in the full one', async () => {
    const core = await connect(h.url, h.token(), 'lean', { 'x-apiary-tools': 'core' });
    const full = await connect(h.url, h.token(), 'wide', { 'x-apiary-tools': 'full' });
    try {
      const names = (c: typeof core) => c.listTools().then((r) => r.tools.map((t) => t.name).filter((n) => n.startsWith('hive_')).sort());
      const fullNames = await names(full);
      assert.deepEqual(await names(core), ['hive_claim', 'hive_close', 'hive_ready']);
      assert.deepEqual(fullNames, [
        'hive_claim',
        'hive_close',
        'hive_comment',
        'hive_create',
        'hive_create_epic',
        'hive_dep_add',
        'hive_query',
        'hive_ready',
        'hive_show',
        'hive_update',
      ]);
    } finally {
      await core.close();
      await full.close();
    }
  });

  it('creates an epic, claims a subtask as the session\'s agent, refuses a second claimant, and closes it', async () => {
    const planner = await connect(h.url, h.token(), 'planner');
    const worker = await connect(h.url, h.token(), 'worker');
    const rival = await connect(h.url, h.token(), 'rival');
    try {
      await worker.callTool({ name: 'agent_register', arguments: { name: 'BlueLake' } });
      await rival.callTool({ name: 'agent_register', arguments: { name: 'GreenFern' } });
      const epic = json(
        await planner.callTool({
          name: 'hive_create_epic',
          arguments: { title: 'Search', subtasks: [{ title: 'index' }, { title: 'query', depends_on: [1] }] },
        }),
      ) as { epic: string; subtasks: Array<{ id: string }> };
      const [index, query] = epic.subtasks.map((s) => s.id) as [string, string];

      await worker.subscribeResource({ uri: 'apiary://hive/ready' });
      const updates: string[] = [];
      worker.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
        updates.push(n.params.uri);
      });
      const read = await worker.readResource({ uri: 'apiary://hive/ready' });
      const ready = JSON.parse((read.contents[0] as { text: string }).text) as { cells: Array<{ id: string }> };
      assert.ok(ready.cells.some((c) => c.id === index));
      assert.ok(!ready.cells.some((c) => c.id === query), 'query waits for index');

      const claimed = json(await worker.callTool({ name: 'hive_claim', arguments: { id: index } })) as { cell: { status: string; claim: { holder: string } } };
      assert.equal(claimed.cell.claim.holder, 'BlueLake');
      assert.equal(claimed.cell.status, 'in_progress');
      await until('a ready-queue update', () => updates.includes('apiary://hive/ready'));

      const refused = (await rival.callTool({ name: 'hive_claim', arguments: { id: index } })) as CallToolResult;
      assert.equal(refused.isError, true);
      const error = json(refused).error as { code: string; message: string; hint: string };
      assert.equal(error.code, 'conflict');
      assert.match(error.message, /claimed by BlueLake/);
      const notMine = (await rival.callTool({ name: 'hive_close', arguments: { id: index } })) as CallToolResult;
      assert.equal(notMine.isError, true);

      const closed = json(await worker.callTool({ name: 'hive_close', arguments: { id: index, reason: 'indexed' } }));
      assert.deepEqual(closed, { closed: index, reason: 'indexed' });
      const next = json(await rival.callTool({ name: 'hive_ready', arguments: {} })) as { cells: Array<{ id: string }> };
      assert.ok(next.cells.some((c) => c.id === query), 'closing index unblocked query');
      const shown = json(await rival.callTool({ name: 'hive_show', arguments: { id: index } }));
      assert.equal(shown.status, 'closed');
      assert.equal(shown.assignee, 'BlueLake');
    } finally {
      await Promise.all([planner.close(), worker.close(), rival.close()]);
    }
  });
});
