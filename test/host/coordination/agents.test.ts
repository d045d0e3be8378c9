// Agents in the real host: VS Code windows register as the human ("you") and keep their name
// across reconnects, generated names stay with their client key, silent agents are marked
// inactive by the sweep (an attached client's connection keeps it alive), and MCP sessions act
// as agents of this same registry through the lock_* / mail_* tools.
import assert from 'node:assert/strict';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import fs from 'node:fs';
import path from 'node:path';
import {
  AgentHeartbeatRequest,
  AgentListRequest,
  AgentRegisterRequest,
  AgentsChangedNotification,
  LockListRequest,
  LockReserveRequest,
  MailInboxRequest,
} from '../../../shared/coordination';
import { cleanUp } from '../../support/host';
import { collect, type CoordHost, MINUTE, refusal, startCoordHost, until } from './helpers';

describe('agents in the host', function () {
  this.timeout(30_000);
  let h: CoordHost;

  beforeEach(async () => {
    h = await startCoordHost();
  });
  afterEach(async () => {
    await h.stop();
    await cleanUp();
  });

  it('has the human registered from the start', async () => {
    const c = await h.client();
    const { agents } = await c.conn.sendRequest(AgentListRequest, {});
    assert.deepEqual(agents.map((a) => [a.name, a.kind, a.active]), [['you', 'human', true]]);
  });

  it('lets every VS Code window of one machine act as "you", and refuses the name to another live client', async () => {
    const w1 = await h.client('VS Code');
    const w2 = await h.client('VS Code');
    const first = await w1.conn.sendRequest(AgentRegisterRequest, { name: 'you', kind: 'vscode-window', clientKey: 'vscode:machine-1', program: 'vscode' });
    const second = await w2.conn.sendRequest(AgentRegisterRequest, { name: 'you', kind: 'vscode-window', clientKey: 'vscode:machine-1', program: 'vscode' });
    assert.equal(first.agent.name, 'you');
    assert.equal(second.reconnected, true);
    const stranger = await h.client('stranger');
    const err = await refusal(stranger.conn.sendRequest(AgentRegisterRequest, { name: 'you', kind: 'mcp-client', clientKey: 'someone-else' }));
    assert.equal(err.code, 'conflict');
    assert.match(err.hint ?? '', /another name/);
  });

  it('generates a readable name from a client key and gives it back when that client reconnects', async () => {
    const c = await h.client();
    const a = await c.conn.sendRequest(AgentRegisterRequest, { clientKey: 'claude-code@laptop', kind: 'mcp-client', program: 'claude-code' });
    assert.match(a.agent.name, /^[A-Z][a-z]+[A-Z][a-z]+$/);
    const b = await c.conn.sendRequest(AgentRegisterRequest, { clientKey: 'claude-code@laptop', kind: 'mcp-client', program: 'claude-code' });
    assert.equal(b.agent.name, a.agent.name);
    assert.equal(b.reconnected, true);
    const other = await c.conn.sendRequest(AgentRegisterRequest, { clientKey: 'cursor@laptop', kind: 'mcp-client' });
    assert.notEqual(other.agent.name, a.agent.name);
  });

  it('marks a silent agent inactive through the periodic sweep while an attached client keeps its agent active', async () => {
    const attached = await h.client('attached');
    await attached.conn.sendRequest(AgentRegisterRequest, { name: 'Attached', kind: 'swarm-worker' });
    const gone = await h.client('gone');
    await gone.conn.sendRequest(AgentRegisterRequest, { name: 'Gone', kind: 'swarm-worker' });
    gone.conn.dispose();
    const pushes = collect(attached.conn, AgentsChangedNotification);
    h.clock.offsetMs += 6 * MINUTE;
    const inactive = await until('agent.inactive for Gone', () => h.events('agent.inactive').find((e) => (e.data as { name: string }).name === 'Gone'), 8_000);
    assert.equal(inactive.actor, 'host');
    const { agents } = await attached.conn.sendRequest(AgentListRequest, {});
    const state = Object.fromEntries(agents.map((a) => [a.name, a.active]));
    assert.equal(state.Gone, false);
    assert.equal(state.Attached, true, 'its connection counts as a heartbeat');
    await until('the change pushed', () => pushes.some((p) => p.agents.some((a) => a.name === 'Gone' && !a.active)));
    const back = await attached.conn.sendRequest(AgentHeartbeatRequest, { agent: 'Gone' });
    assert.equal(back.agent.active, true, 'a heartbeat brings it back');
  });

  it('serves MCP sessions as agents of the same registry: lock_reserve and mail_send act as the session agent', async () => {
    const url = h.host.info().mcp?.url;
    assert.ok(url, 'the host serves MCP');
    const token = fs.readFileSync(path.join(h.workspace, '.apiary', 'token'), 'utf8').trim();
    const mcp = new McpClient({ name: 'claude-code', version: '1.0.0' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    try {
      const call = async (name: string, args: Record<string, unknown>) => {
        const r = (await mcp.callTool({ name, arguments: args })) as CallToolResult;
        const first = r.content[0];
        assert.ok(first && first.type === 'text');
        return { isError: r.isError === true, body: JSON.parse(first.text) as Record<string, unknown> };
      };
      const who = (await call('agent_register', { name: 'SwiftOtter' })).body;
      assert.equal((who.agent as { name: string }).name, 'SwiftOtter');
      const reserved = await call('lock_reserve', { patterns: ['src/api/**'], reason: 'endpoints' });
      assert.equal(reserved.isError, false, JSON.stringify(reserved.body));

      const c = await h.client();
      const list = await c.conn.sendRequest(LockListRequest, {});
      assert.deepEqual(list.reservations.map((r) => [r.holder, r.pattern, r.reason]), [['SwiftOtter', 'src/api/**', 'endpoints']]);
      const { agents } = await c.conn.sendRequest(AgentListRequest, {});
      assert.equal(agents.find((a) => a.name === 'SwiftOtter')?.kind, 'mcp-client');

      await c.conn.sendRequest(AgentRegisterRequest, { name: 'BlueLake', kind: 'swarm-worker' });
      const refused = await c.conn.sendRequest(LockReserveRequest, { agent: 'BlueLake', patterns: ['src/api/users.ts'] }).then(
        () => null,
        (err: { data: { message: string } }) => err.data.message,
      );
      assert.match(refused ?? '', /Reserved by SwiftOtter/);

      const checked = await call('lock_check', { paths: ['src/api/users.ts'] });
      assert.equal(checked.body.blocked, false, 'its own reservation never blocks the holder');
      const sent = await call('mail_send', { to: ['BlueLake'], subject: 'api is mine until noon' });
      assert.equal(sent.isError, false);
      const inbox = await c.conn.sendRequest(MailInboxRequest, { agent: 'BlueLake' });
      assert.equal(inbox.entries[0]?.message.from, 'SwiftOtter');
      const conflict = await call('lock_reserve', { patterns: ['!nothing/**'] });
      assert.equal(conflict.isError, true);
      assert.equal((conflict.body.error as { code: string }).code, 'invalid_params');
    } finally {
      await mcp.close();
    }
  });
});
