// The approval gate through the host: an agent's MCP call blocks until a human decides from
// another client (the CLI), requests survive a restart, time-outs apply the default outcome,
// trust follows rejections, and bad input is refused with nothing written.
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  type Approval,
  ApprovalDecideRequest,
  ApprovalGetRequest,
  ApprovalListRequest,
  ApprovalRequestRequest,
  ApprovalsChangedNotification,
  ApprovalTrustRequest,
} from '../../../shared/approvals';
import { cleanUp, ensureCliBuilt, jsonOf, runCli, tempWorkspace } from '../../support/host';
import { collect, refusal, until } from '../coordination/helpers';
import { json } from '../mcp/helpers';
import { eventually, startApprovalHost } from './helpers';

type Compact = { id: string; status: string; policy: { action: string; reason: string }; decision?: { outcome: string; by: string; reason: string | null; auto?: boolean; timedOut?: boolean } };

describe('approvals through the host', function () {
  this.timeout(60_000);
  before(ensureCliBuilt);
  afterEach(cleanUp);

  it('blocks an MCP approval_request with progress until a human approves it from the CLI', async () => {
    const h = await startApprovalHost();
    try {
      const agent = await h.mcp('agent-one');
      const watcher = await h.rpc('VS Code');
      const pushes = collect(watcher.conn, ApprovalsChangedNotification);
      const progress: string[] = [];
      const call = agent.callTool(
        {
          name: 'approval_request',
          arguments: {
            kind: 'change',
            summary: 'Rename the helper in two files',
            details: { changes: { 'src/a.ts': 'export const b = 1;\n', 'src/b.ts': 'import { b } from "./a";\n' } },
            confidence: 0.6,
            cell: 'bd-1',
          },
        },
        undefined,
        { onprogress: (p) => progress.push(p.message ?? ''), timeout: 30_000 },
      );
      let settled = false;
      void call.then(() => (settled = true));
      const first = await eventually('the request to be listed', async () => {
        const r = jsonOf<{ approvals: Approval[] }>(await runCli(['approval', 'list', '--json', '--workspace', h.workspace]));
        return r.approvals[0];
      });
      assert.equal(first.kind, 'change');
      assert.equal(first.cell, 'bd-1');
      assert.equal(first.policy.action, 'ask');
      assert.deepEqual(Object.keys(first.details.changes ?? {}), ['src/a.ts', 'src/b.ts']);
      await until('a progress notification', () => progress.length > 0, 10_000);
      assert.match(progress[0]!, /waiting for a human/);
      assert.equal(settled, false, 'the call still blocks');
      assert.ok(pushes.some((p) => p.pending.some((a) => a.id === first.id)), 'VS Code was told the request waits');

      const approved = await runCli(['approval', 'approve', first.id, '--reason', 'looks right', '--json', '--workspace', h.workspace]);
      assert.equal(approved.code, 0, approved.stderr);
      const result = json((await call) as CallToolResult) as unknown as Compact;
      assert.equal(result.status, 'approved');
      assert.deepEqual([result.decision?.outcome, result.decision?.by, result.decision?.reason], ['approved', 'you', 'looks right']);
      await until('the waiting list to empty', () => pushes.at(-1)?.pending.length === 0);

      const again = await runCli(['approval', 'reject', first.id, '--json', '--workspace', h.workspace]);
      assert.equal(again.code, 1);
      assert.equal(jsonOf<{ error: { code: string } }>(again).error.code, 'conflict');
      const trust = await watcher.conn.sendRequest(ApprovalTrustRequest, { agent: first.requester });
      assert.deepEqual([trust.trust[0]?.successes, trust.trust[0]?.failures], [1, 0]);
    } finally {
      await h.stop();
    }
  });

  it('keeps a pending request across a restart: the requester reads it again, waits, and gets the rejection reason', async () => {
    const workspace = tempWorkspace();
    let h = await startApprovalHost({ workspace });
    const c = await h.rpc('worker');
    const made = await c.conn.sendRequest(ApprovalRequestRequest, { requester: 'worker', kind: 'command', summary: 'Run the migration', details: { command: 'npm run migrate' }, confidence: 0.9, timeoutSeconds: 120 });
    assert.equal(made.approval.status, 'pending');
    await h.stop();

    h = await startApprovalHost({ workspace });
    try {
      const agent = await h.mcp('worker');
      const pending = json((await agent.callTool({ name: 'approval_status', arguments: { id: made.approval.id } })) as CallToolResult) as unknown as Compact;
      assert.equal(pending.status, 'pending');
      const waiting = agent.callTool({ name: 'approval_status', arguments: { id: made.approval.id, wait_seconds: 20 } }, undefined, { timeout: 30_000 });
      const human = await h.rpc('VS Code');
      await human.conn.sendRequest(ApprovalDecideRequest, { id: made.approval.id, outcome: 'rejected', reason: 'not on a Friday' });
      const done = json((await waiting) as CallToolResult) as unknown as Compact;
      assert.deepEqual([done.status, done.decision?.reason, done.decision?.by], ['rejected', 'not on a Friday', 'VS Code']);
    } finally {
      await h.stop();
    }
  });

  it('applies the default outcome when nobody answers in time: reject unless configured, also after a restart', async () => {
    const h = await startApprovalHost();
    try {
      const agent = await h.mcp('slowpoke');
      const r = json((await agent.callTool({ name: 'approval_request', arguments: { kind: 'question', summary: 'Use tabs?', timeout_seconds: 1 } }, undefined, { timeout: 20_000 })) as CallToolResult) as unknown as Compact;
      assert.equal(r.status, 'rejected');
      assert.equal(r.decision?.timedOut, true);
      assert.match(r.decision?.reason ?? '', /no answer within 1 s: default outcome rejected/);
      const trust = await (await h.rpc()).conn.sendRequest(ApprovalTrustRequest, { agent: 'slowpoke' });
      assert.equal(trust.trust[0]?.failures, 0, 'a time-out is nobody\'s failure');
    } finally {
      await h.stop();
    }

    const workspace = tempWorkspace();
    let h2 = await startApprovalHost({ workspace, config: { approvals: { defaultOutcome: 'approved' } } });
    const c = await h2.rpc('bot');
    const made = await c.conn.sendRequest(ApprovalRequestRequest, { requester: 'bot', kind: 'budget', summary: 'Spend $2 more', details: { costUsd: 2 }, timeoutSeconds: 2 });
    assert.equal(made.approval.defaultOutcome, 'approved');
    await h2.stop();
    h2 = await startApprovalHost({ workspace });
    try {
      const c2 = await h2.rpc('bot');
      const got = await eventually('the re-armed timeout', async () => {
        const r = await c2.conn.sendRequest(ApprovalGetRequest, { id: made.approval.id });
        return r.approval.status !== 'pending' && r.approval;
      });
      assert.deepEqual([got.status, got.decision?.timedOut], ['approved', true]);
    } finally {
      await h2.stop();
    }
  });

  it('auto-approves by policy, loses it after a rejection (trust), and earns it back after a reset', async () => {
    const h = await startApprovalHost({ config: { approvals: { autoApprove: { change: true } } } });
    try {
      const c = await h.rpc('bot');
      const ask = (confidence: number) =>
        c.conn.sendRequest(ApprovalRequestRequest, { requester: 'bot', kind: 'change', summary: 'Edit', details: { changes: { 'a.txt': 'x' } }, confidence });
      const auto = await ask(0.9);
      assert.deepEqual([auto.approval.status, auto.approval.decision?.auto, auto.approval.decision?.by], ['approved', true, 'policy']);
      assert.match(auto.approval.policy.reason, /auto-approved: confidence 0\.90/);
      const unsure = await ask(0.5);
      assert.equal(unsure.approval.status, 'pending');
      await c.conn.sendRequest(ApprovalDecideRequest, { id: unsure.approval.id, outcome: 'rejected', reason: 'wrong file' });
      const distrusted = await ask(0.9);
      assert.equal(distrusted.approval.status, 'pending');
      assert.match(distrusted.approval.policy.reason, /trust 0\.50 is below 0\.70/);
      const shown = jsonOf<{ trust: Array<{ score: number; restricted: boolean }> }>(await runCli(['approval', 'trust', 'bot', '--json', '--workspace', h.workspace]));
      assert.deepEqual([shown.trust[0]?.score, shown.trust[0]?.restricted], [0.5, true]);
      const reset = await runCli(['approval', 'trust', 'bot', '--reset', '--json', '--workspace', h.workspace]);
      assert.equal(jsonOf<{ trust: Array<{ score: number }> }>(reset).trust[0]?.score, 1);
      assert.equal((await ask(0.9)).approval.status, 'approved');
      const events = h.host.store.events.read().filter((e) => e.type === 'approval.requested');
      assert.equal(events.length, 4, 'every decision, automatic ones too, is an event');
    } finally {
      await h.stop();
    }
  });

  it('refuses bad input with a structured error and writes nothing', async () => {
    const h = await startApprovalHost();
    try {
      const c = await h.rpc('bot');
      const before = h.host.store.head;
      const noChanges = await refusal(c.conn.sendRequest(ApprovalRequestRequest, { requester: 'bot', kind: 'change', summary: 'x' }));
      assert.equal(noChanges.code, 'invalid_params');
      assert.match(noChanges.message, /details\.changes/);
      const escape = await refusal(c.conn.sendRequest(ApprovalRequestRequest, { requester: 'bot', kind: 'change', summary: 'x', details: { changes: { '../etc/passwd': 'x' } } }));
      assert.equal(escape.code, 'invalid_params');
      const conf = await refusal(c.conn.sendRequest(ApprovalRequestRequest, { requester: 'bot', kind: 'question', summary: 'x', confidence: 2 }));
      assert.equal(conf.code, 'invalid_params');
      const missing = await refusal(c.conn.sendRequest(ApprovalDecideRequest, { id: 'nope', outcome: 'approved' }));
      assert.equal(missing.code, 'not_found');
      const agent = await h.mcp('bot');
      const tool = (await agent.callTool({ name: 'approval_request', arguments: { kind: 'command', summary: 'run' } })) as CallToolResult;
      assert.equal(tool.isError, true);
      assert.match(JSON.stringify(tool.content), /details\.command/);
      const usage = await runCli(['approval', 'request', '--kind', 'nonsense', '--summary', 'x', '--json', '--workspace', h.workspace]);
      assert.equal(usage.code, 2);
      assert.equal(h.host.store.events.read().filter((e) => e.position > before && e.stream.startsWith('approval')).length, 0);
      assert.equal((await c.conn.sendRequest(ApprovalListRequest, { status: 'all' })).approvals.length, 0);
    } finally {
      await h.stop();
    }
  });
});

describe('approvals and the LLM budget', function () {
  this.timeout(30_000);
  afterEach(cleanUp);

  it('grants the gateway a one-time budget override when a budget request with a scope is approved', async () => {
    const h = await startApprovalHost();
    try {
      const c = await h.rpc('worker');
      const made = await c.conn.sendRequest(ApprovalRequestRequest, { requester: 'worker', kind: 'budget', summary: 'Finish the refactor', details: { costUsd: 3, budgetScope: 'day' }, confidence: 0.9 });
      assert.equal(made.approval.status, 'pending');
      await c.conn.sendRequest(ApprovalDecideRequest, { id: made.approval.id, outcome: 'approved', by: 'you' });
      const granted = await until('the override event', () => h.host.store.events.read().find((e) => e.type === 'budget.override.granted'));
      assert.deepEqual(granted.data, { overrideId: `approval-${made.approval.id}`, scope: 'day', approvalId: made.approval.id, grantedBy: 'you', reason: 'Finish the refactor' });
    } finally {
      await h.stop();
    }
  });
});
