import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { attach } from '../../../server/host/attach';
import { readHostFile } from '../../../server/host/hostFile';
import { workspacePaths } from '../../../server/host/paths';
import { McpStatusRequest } from '../../../server/mcp/protocol';
import { call, connect, initializeBody, rawRequest, startHost, type TestHost } from './helpers';
import { testFeature } from './testFeature';

describe('MCP over Streamable HTTP', () => {
  let h: TestHost;
  const clients: Client[] = [];
  const open = async (name?: string): Promise<Client> => {
    const c = await connect(h.url, h.token(), name);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    h = await startHost({ extra: [testFeature()] });
  });
  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.close()));
    await h.stop();
  });

  it('advertises its endpoint on loopback in host.json and answers initialize as apiary', async () => {
    assert.match(h.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    assert.equal(readHostFile(workspacePaths(h.dir).hostJson)?.mcp?.url, h.url);
    const c = await open();
    assert.equal(c.getServerVersion()?.name, 'apiary');
    assert.ok(c.getServerCapabilities()?.tools, 'offers tools');
    assert.equal(c.getServerCapabilities()?.resources?.subscribe, true, 'resources can be subscribed to');
    assert.match(c.getInstructions() ?? '', /agent_whoami/);
  });

  it('lists the agent tools and the tools features contribute, each with a JSON Schema for its arguments', async () => {
    const c = await open();
    const { tools } = await c.listTools();
    const names = tools.map((t) => t.name);
    for (const n of ['agent_register', 'agent_whoami', 'test_steps', 'test_wait', 'test_note']) assert.ok(names.includes(n), `${n} listed`);
    for (const t of tools) assert.equal(t.inputSchema.type, 'object', `${t.name} takes an object`);
    const register = tools.find((t) => t.name === 'agent_register')!;
    assert.equal(register.inputSchema.type, 'object');
    assert.deepEqual(Object.keys(register.inputSchema.properties ?? {}).sort(), ['model', 'name', 'program']);
    assert.equal((register.inputSchema as Record<string, unknown>).$schema, undefined, 'no $schema noise');
    assert.ok(register.description && register.description.length < 300, 'a short description');
    const note = tools.find((t) => t.name === 'test_note')!;
    assert.equal(note.outputSchema?.type, 'object', 'a declared output schema is advertised');
  });

  it('binds each session to an agent named after nothing but itself, with the client as its program', async () => {
    const a = await open('claude-code');
    const b = await open('claude-code');
    const wa = await call(a, 'agent_whoami');
    const wb = await call(b, 'agent_whoami');
    assert.equal(wa.isError, false);
    const agentA = wa.body.agent as { name: string; program: string; kind: string };
    const agentB = wb.body.agent as { name: string; program: string };
    assert.match(agentA.name, /^[A-Z][a-z]+[A-Z][a-z]+\d*$/, 'a readable generated name like BlueLake');
    assert.notEqual(agentA.name, agentB.name, 'two sessions of the same program are two agents');
    assert.equal(agentA.program, 'claude-code');
    assert.equal(agentA.kind, 'mcp-client');
    assert.deepEqual(wa.body.client, { name: 'claude-code', version: '1.0.0' });
    assert.equal(wa.body.tools, 'full');
    const registered = h.host.store.events.read({ stream: 'agents' }).filter((e) => e.type === 'agent.registered' && (e.data as { kind: string }).kind === 'mcp-client');
    assert.deepEqual(registered.map((e) => (e.data as { name: string }).name).sort(), [agentA.name, agentB.name].sort(), 'each registered once, in the log');
  });

  it('agent_register renames the session: later calls are attributed to the new name', async () => {
    const c = await open('cursor');
    await call(c, 'agent_whoami');
    const r = await call(c, 'agent_register', { name: 'GreenHeron', model: 'claude-sonnet-4' });
    assert.equal(r.isError, false, JSON.stringify(r.body));
    assert.equal((r.body.agent as { name: string }).name, 'GreenHeron');
    const who = await call(c, 'agent_whoami');
    assert.deepEqual(who.body.agent, { name: 'GreenHeron', kind: 'mcp-client', program: 'cursor', model: 'claude-sonnet-4' });
    const steps = await call(c, 'test_steps', { steps: 1, delayMs: 0 });
    assert.equal(steps.body.agent, 'GreenHeron');
    const last = h.host.store.events.read({ stream: 'agents' }).filter((e) => e.type === 'agent.registered').at(-1)!;
    assert.equal((last.data as { name: string }).name, 'GreenHeron');
  });

  it('refuses bad arguments with a structured error and writes nothing', async () => {
    const c = await open();
    await call(c, 'agent_whoami');
    const head = h.host.store.head;
    for (const args of [{ name: '1bad' }, { name: 42 }, { nmae: 'Typo' }, { program: '' }]) {
      const r = await call(c, 'agent_register', args);
      assert.equal(r.isError, true, `refused: ${JSON.stringify(args)}`);
      const error = r.body.error as { code: string; message: string; hint: string; details: { issues: string[] } };
      assert.equal(error.code, 'invalid_params');
      assert.match(error.message, /invalid arguments for agent_register/);
      assert.match(error.hint, /input schema/);
      assert.ok(error.details.issues.length > 0);
    }
    const steps = await call(c, 'test_steps', { steps: 0 });
    assert.equal((steps.body.error as { code: string }).code, 'invalid_params');
    assert.equal(h.host.store.head, head, 'the log did not move');
  });

  it("refuses a name another live agent holds, naming the holder, and writes nothing", async () => {
    const a = await open('claude-code');
    const b = await open('cursor');
    assert.equal((await call(a, 'agent_register', { name: 'AmberFox' })).isError, false);
    await call(b, 'agent_whoami');
    const head = h.host.store.head;
    const r = await call(b, 'agent_register', { name: 'amberfox' });
    assert.equal(r.isError, true);
    const error = r.body.error as { code: string; message: string; hint: string };
    assert.equal(error.code, 'conflict');
    assert.match(error.message, /AmberFox belongs to another/);
    assert.match(error.hint, /another name/);
    assert.equal(h.host.store.head, head);
  });

  it('answers an unknown tool with a structured not_found that lists the tools', async () => {
    const c = await open();
    const r = await call(c, 'hive_nonsense');
    assert.equal(r.isError, true);
    const error = r.body.error as { code: string; hint: string };
    assert.equal(error.code, 'not_found');
    assert.match(error.hint, /agent_whoami/);
  });

  it('returns structuredContent for tools that declare an output schema, compact text for all', async () => {
    const c = await open();
    const note = await call(c, 'test_note', { to: 'Someone', text: 'hi' });
    assert.deepEqual(note.raw.structuredContent, { position: h.host.store.head });
    const steps = await call(c, 'test_steps', { steps: 1, delayMs: 0 });
    assert.equal(steps.raw.structuredContent, undefined);
    const text = (steps.raw.content[0] as { text: string }).text;
    assert.equal(text, JSON.stringify(JSON.parse(text)), 'compact JSON, no indentation');
  });

  it('lists its sessions and their agents over the host protocol', async () => {
    const c = await open('claude-code');
    const who = await call(c, 'agent_whoami');
    const { conn } = await attach(h.dir, { client: { name: 'test', kind: 'test' }, start: false });
    try {
      const status = await conn.sendRequest(McpStatusRequest);
      assert.equal(status.url, h.url);
      assert.equal(status.sessions.length, 1);
      assert.equal(status.sessions[0]!.agent?.name, (who.body.agent as { name: string }).name);
      assert.deepEqual(status.sessions[0]!.client, { name: 'claude-code', version: '1.0.0' });
    } finally {
      conn.dispose();
    }
  });

  it('ends sessions left idle with nothing open, and keeps those with an open notification stream', async () => {
    const live = await open();
    await call(live, 'agent_whoami');
    const init = await rawRequest(h.url, { body: initializeBody, headers: { Authorization: `Bearer ${h.token()}` } });
    const abandoned = String(init.headers['mcp-session-id']);
    const mcp = h.host.ctx.services.get('mcp');
    assert.equal(mcp.status().sessions.length, 2);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(mcp.endIdleSessions(10), [abandoned]);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(mcp.status().sessions.length, 1);
    const again = await rawRequest(h.url, { body: { jsonrpc: '2.0', id: 2, method: 'tools/list' }, headers: { Authorization: `Bearer ${h.token()}`, 'Mcp-Session-Id': abandoned } });
    assert.equal(again.status, 404, 'its client is told to start a new session');
    assert.equal((await call(live, 'agent_whoami')).isError, false);
  });

  it('ends every session and stops listening when the host stops', async () => {
    const c = await open();
    await call(c, 'agent_whoami');
    await h.host.stop();
    await assert.rejects(c.listTools());
    await assert.rejects(rawRequest(h.url), /ECONNREFUSED/);
  });
});
