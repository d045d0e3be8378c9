import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Host } from '../../../server/host/host';
import { hostFeatures } from '../../../server/main';
import { call } from './helpers';

const IDLE_MS = 300;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe('a background host and its MCP sessions', () => {
  let dir: string;
  let host: Host;
  let stopped: boolean;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-mcp-idle-'));
    host = await Host.start({ workspace: dir, features: hostFeatures(), sink: () => {}, idleExitMs: IDLE_MS });
    stopped = false;
    host.onStopped = () => (stopped = true);
  });
  afterEach(async () => {
    await host.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
    const token = fs.readFileSync(path.join(dir, '.apiary', 'token'), 'utf8').trim();
    const transport = new StreamableHTTPClientTransport(new URL(host.info().mcp!.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
    const client = new Client({ name: 'idle-test', version: '1.0.0' });
    await client.connect(transport);
    return { client, transport };
  }

  it('stays up past its idle time while an MCP session is open, and exits once the session ends', async () => {
    const { client, transport } = await open();
    assert.deepEqual(host.heldOpenBy().length, 1, 'the session holds the host open');
    await sleep(IDLE_MS * 3);
    assert.equal(stopped, false, 'no idle exit while the MCP client is connected');
    const who = await call(client, 'agent_whoami');
    assert.equal(who.isError, false, 'the session still answers after the idle time');

    await transport.terminateSession();
    await client.close();
    assert.deepEqual(host.heldOpenBy(), [], 'the ended session released its hold');
    await sleep(IDLE_MS * 3);
    assert.equal(stopped, true, 'with no client of any kind left, the host exits for idleness');
  });

  it('still exits for idleness when no client ever connected', async () => {
    await sleep(IDLE_MS * 3);
    assert.equal(stopped, true);
  });

  it('a hold released twice counts once: another open session keeps the host up', async () => {
    const a = await open();
    const b = await open();
    assert.equal(host.heldOpenBy().length, 2);
    await a.transport.terminateSession();
    await a.client.close();
    await sleep(IDLE_MS * 3);
    assert.equal(stopped, false, 'the second session still holds it');
    const release = host.ctx.holdOpen('test');
    release();
    release();
    assert.equal(host.heldOpenBy().length, 1);
    await b.transport.terminateSession();
    await b.client.close();
    await sleep(IDLE_MS * 3);
    assert.equal(stopped, true);
  });
});
