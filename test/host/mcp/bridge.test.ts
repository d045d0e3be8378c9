import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ResourceUpdatedNotificationSchema, type ProgressNotification } from '@modelcontextprotocol/sdk/types.js';
import { StatusRequest } from '../../../shared/protocol';
import { attach } from '../../../server/host/attach';
import { isAlive } from '../../../server/host/processes';
import { McpStatusRequest } from '../../../server/mcp/protocol';
import { cleanUp, cliPath, ensureCliBuilt, hostJsonOf, runCli, tempWorkspace, waitFor } from '../../support/host';
import { call, startHost, type TestHost } from './helpers';
import { testFeature } from './testFeature';

interface Bridge {
  client: Client;
  transport: StdioClientTransport;
  pid: number;
  stderr(): string;
  /** Transport errors, e.g. a stdout line that is not a protocol message. */
  errors: Error[];
  exited: Promise<void>;
}

async function bridge(workspace: string, name: string, extra: string[] = []): Promise<Bridge> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cliPath, 'mcp', '--workspace', workspace, ...extra], stderr: 'pipe' });
  let stderr = '';
  (transport.stderr as Readable).on('data', (d: Buffer) => (stderr += d.toString()));
  const errors: Error[] = [];
  const client = new Client({ name, version: '2.0.0' });
  client.onerror = (e) => errors.push(e);
  const exited = new Promise<void>((resolve) => {
    client.onclose = () => resolve();
  });
  await client.connect(transport);
  return { client, transport, pid: transport.pid!, stderr: () => stderr, errors, exited };
}

async function status(workspace: string): Promise<{ position: number; mcpSessions: number }> {
  const { conn } = await attach(workspace, { client: { name: 'test', kind: 'test' }, start: false });
  try {
    const s = await conn.sendRequest(StatusRequest);
    const m = await conn.sendRequest(McpStatusRequest);
    return { position: s.store.position, mcpSessions: m.sessions.length };
  } finally {
    conn.dispose();
  }
}

const nameOf = async (c: Client): Promise<string> => ((await call(c, 'agent_whoami')).body.agent as { name: string }).name;

describe('the stdio bridge (`apiary mcp`)', function () {
  this.timeout(60_000);
  const open: Bridge[] = [];
  let ws: string;

  before(() => {
    ensureCliBuilt();
    ws = tempWorkspace();
  });
  afterEach(() => {
    for (const b of open) assert.deepEqual(b.errors.map((e) => e.message), [], 'stdout carried protocol messages only');
  });
  after(async () => {
    await Promise.allSettled(open.map((b) => b.client.close()));
    await cleanUp();
  });
  const start = async (name: string, extra?: string[]): Promise<Bridge> => {
    const b = await bridge(ws, name, extra);
    open.push(b);
    return b;
  };

  it('starts a background host when none runs and relays initialize, tools/list and tool calls', async () => {
    assert.equal(hostJsonOf(ws), null, 'no host yet');
    const a = await start('client-a');
    assert.equal(a.client.getServerVersion()?.name, 'apiary');
    const info = hostJsonOf(ws)!;
    assert.ok(isAlive(info.pid) && info.pid !== a.pid, 'a separate host process serves the workspace');
    assert.match(info.mcp?.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const names = (await a.client.listTools()).tools.map((t) => t.name);
    assert.ok(names.includes('agent_register') && names.includes('agent_whoami'));
    const who = await call(a.client, 'agent_whoami');
    assert.equal((who.body.agent as { program: string }).program, 'client-a');
  });

  it('relays bad arguments as the structured error, and the log does not move', async () => {
    const a = open[0]!;
    const before = (await status(ws)).position;
    const r = await call(a.client, 'agent_register', { name: 'not a name!' });
    assert.equal(r.isError, true);
    assert.equal((r.body.error as { code: string }).code, 'invalid_params');
    const events = await runCli(['events', '--json', '--workspace', ws]);
    assert.equal((JSON.parse(events.stdout) as { head: number }).head, before);
  });

  it('lets many bridges share the one host: same pid, and each sees the agents of the others', async () => {
    const a = open[0]!;
    const b = await start('client-b');
    const c = await start('client-c');
    const pid = hostJsonOf(ws)!.pid;
    assert.equal((await status(ws)).mcpSessions, 3);
    const names = new Set([await nameOf(a.client), await nameOf(b.client), await nameOf(c.client)]);
    assert.equal(names.size, 3, 'three agents');
    assert.equal((await call(a.client, 'agent_register', { name: 'SwiftOtter' })).isError, false);
    const clash = await call(c.client, 'agent_register', { name: 'SwiftOtter' });
    assert.equal((clash.body.error as { code: string }).code, 'conflict');
    assert.match((clash.body.error as { message: string }).message, /SwiftOtter/);
    assert.equal(hostJsonOf(ws)!.pid, pid, 'still the same host');
  });

  it('picks up a rotated token by itself and keeps working', async () => {
    const a = open[0]!;
    const r = await runCli(['mcp-token', '--rotate', '--json', '--workspace', ws]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { rotated: boolean }).rotated, true);
    assert.equal(await nameOf(a.client), 'SwiftOtter');
  });

  it('exits when its stdin closes, ending its session on the host', async () => {
    const b = open.splice(1, 1)[0]!;
    const sessions = (await status(ws)).mcpSessions;
    const t0 = Date.now();
    await b.client.close();
    assert.ok(Date.now() - t0 < 1900, 'it left on its own, before the client had to signal it');
    await waitFor(() => !isAlive(b.pid), 2000, 'the bridge to exit');
    assert.equal((await status(ws)).mcpSessions, sessions - 1);
  });

  it('gives a restarted bridge of the same client its agent name back', async () => {
    const first = await bridge(ws, 'restarting');
    const name = await nameOf(first.client);
    await first.client.close();
    const again = await start('restarting');
    assert.equal(await nameOf(again.client), name);
  });

  it('exits with a clear message on stderr when the host goes away', async () => {
    const a = open[0]!;
    const pid = hostJsonOf(ws)!.pid;
    process.kill(pid, 'SIGTERM');
    await a.exited;
    await waitFor(() => !isAlive(a.pid), 5000, 'the bridge to exit');
    assert.match(a.stderr(), /apiary mcp: the agent host for .* went away/);
    open.splice(0).forEach((b) => void b.client.close());
  });
});

describe('the stdio bridge relays notifications', function () {
  this.timeout(60_000);
  let h: TestHost;
  let b: Bridge;

  before(async () => {
    ensureCliBuilt();
    // A host in this process (with a test feature) serves the workspace; the bridge attaches to it.
    h = await startHost({ extra: [testFeature()] });
    b = await bridge(h.dir, 'relayed');
  });
  after(async () => {
    await b.client.close();
    await h.stop();
  });

  it('passes progress notifications through to the client', async () => {
    const progress: number[] = [];
    const r = await b.client.callTool({ name: 'test_steps', arguments: { steps: 4 } }, undefined, { onprogress: (p) => void progress.push((p as ProgressNotification['params']).progress) });
    assert.equal(r.isError, undefined);
    assert.deepEqual(progress, [1, 2, 3, 4]);
  });

  it('passes resource update notifications through to a subscriber', async () => {
    const me = await nameOf(b.client);
    const seen: string[] = [];
    b.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void seen.push(n.params.uri));
    await b.client.subscribeResource({ uri: 'apiary://test/notes' });
    await h.host.store.events.append('test-notes', [{ type: 'test.note', data: { to: me, text: 'hi' } }], 'any', { actor: 'test' });
    await waitFor(() => seen.length > 0, 3000, 'resources/updated');
    assert.deepEqual(seen, ['apiary://test/notes']);
    assert.deepEqual(b.errors, []);
  });
});
