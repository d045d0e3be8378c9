import assert from 'node:assert/strict';
import net from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { call, connect, startHost, type TestHost } from './helpers';
import { testFeature } from './testFeature';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('MCP settings in .apiary/config.json', () => {
  let h: TestHost | null = null;
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.close()));
    await h?.stop();
    h = null;
  });
  const open = async (headers?: Record<string, string>): Promise<Client> => {
    const c = await connect(h!.url, h!.token(), 'test-client', headers);
    clients.push(c);
    return c;
  };

  it('offers only the core tools under "tools": "core", and says how to get the rest', async () => {
    h = await startHost({ extra: [testFeature()], config: { mcp: { tools: 'core' } } });
    const c = await open();
    const names = (await c.listTools()).tools.map((t) => t.name);
    for (const n of ['agent_register', 'agent_whoami', 'test_steps']) assert.ok(names.includes(n), `${n} is core`);
    for (const n of ['test_note', 'test_wait']) assert.ok(!names.includes(n), `${n} is not`);
    const full = await open({ 'X-Apiary-Tools': 'full' });
    const all = (await full.listTools()).tools.map((t) => t.name);
    assert.ok(names.every((n) => all.includes(n)) && all.length > names.length, 'core is a strict subset of full');
    const r = await call(c, 'test_note', { to: 'x', text: 'y' });
    assert.equal(r.isError, true);
    const error = r.body.error as { code: string; hint: string };
    assert.equal(error.code, 'not_found');
    assert.match(error.hint, /core tool profile.*"tools": "full"/);
    assert.equal((await call(c, 'agent_whoami')).body.tools, 'core');
  });

  it('lets one client choose its own profile with the X-Apiary-Tools header', async () => {
    h = await startHost({ extra: [testFeature()], config: { mcp: { tools: 'core' } } });
    const full = await open({ 'X-Apiary-Tools': 'full' });
    assert.ok((await full.listTools()).tools.some((t) => t.name === 'test_note'));
    const core = await open();
    assert.ok(!(await core.listTools()).tools.some((t) => t.name === 'test_note'));
  });

  it('listens on the configured port', async () => {
    const port = await freePort();
    h = await startHost({ config: { mcp: { port } } });
    assert.equal(h.url, `http://127.0.0.1:${port}/mcp`);
  });

  it('falls back to a free port, with a warning, when the configured one is taken', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    try {
      h = await startHost({ config: { mcp: { port } } });
      assert.notEqual(new URL(h.url).port, String(port));
      assert.ok(h.logs.some((l) => l.includes(`MCP port ${port}`) && l.includes('in use')));
      const c = await open();
      assert.equal((await call(c, 'agent_whoami')).isError, false);
    } finally {
      blocker.close();
    }
  });

  it('starts with the defaults and a warning when the settings are invalid', async () => {
    h = await startHost({ extra: [testFeature()], config: { mcp: { tools: 'some', port: -1 } } });
    assert.ok(h.logs.some((l) => l.includes('invalid MCP settings') && l.includes('mcp.tools')));
    const c = await open();
    assert.ok((await c.listTools()).tools.some((t) => t.name === 'test_note'), 'the full profile');
  });
});
