// The MCP benchmark's clients use a small node:http fetch (test/bench/support/leanFetch.ts) in
// place of Node's global fetch; these specs hold it to what a real SDK client needs from it.
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { leanFetch, type LeanFetch } from '../../bench/support/leanFetch';
import { json, startHost, type TestHost } from './helpers';
import { testFeature } from './testFeature';

describe('The MCP benchmark\'s node:http fetch under a real SDK client', () => {
  let h: TestHost;
  let fetchFn: LeanFetch;
  let client: Client;
  let transport: StreamableHTTPClientTransport;

  beforeEach(async () => {
    h = await startHost({ extra: [testFeature()] });
    fetchFn = leanFetch();
    client = new Client({ name: 'lean-client', version: '1.0.0' });
    transport = new StreamableHTTPClientTransport(new URL(h.url), { requestInit: { headers: { Authorization: `Bearer ${h.token()}` } }, fetch: fetchFn });
    await client.connect(transport);
  });
  afterEach(async () => {
    await client.close();
    fetchFn.close();
    await h.stop();
  });

  it('initializes a session (an SSE answer) and makes plain tool calls (JSON answers) on it', async () => {
    const who = json(await client.callTool({ name: 'agent_whoami', arguments: {} }));
    assert.deepEqual(who.client, { name: 'lean-client', version: '1.0.0' });
    assert.equal(who.session, transport.sessionId);
    const again = json(await client.callTool({ name: 'agent_whoami', arguments: {} }));
    assert.deepEqual(again, who);
  });

  it('delivers progress notifications streamed before the result', async () => {
    const seen: number[] = [];
    const r = await client.callTool({ name: 'test_steps', arguments: { steps: 3, delayMs: 5 } }, undefined, { onprogress: (p) => seen.push(p.progress) });
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(json(r).steps, 3);
  });

  it('passes a refusal\'s status and body through: a wrong token is a 401 the client reports', async () => {
    const other = new Client({ name: 'wrong-token', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(h.url), { requestInit: { headers: { Authorization: 'Bearer nope' } }, fetch: fetchFn });
    await assert.rejects(other.connect(transport), /401|bearer token/i);
  });

  it('rejects a request in flight when its signal aborts, and the session goes on', async () => {
    const abort = new AbortController();
    const pending = fetchFn(h.url, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${h.token()}`,
        Accept: 'application/json, text/event-stream',
        'Content-Type': 'application/json',
        'Mcp-Session-Id': transport.sessionId!,
        'Mcp-Protocol-Version': transport.protocolVersion!,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'waits', method: 'tools/call', params: { name: 'test_wait', arguments: {} } }),
      signal: abort.signal,
    });
    setTimeout(() => abort.abort(), 50);
    await assert.rejects(pending, { name: 'AbortError' });
    assert.equal(json(await client.callTool({ name: 'test_steps', arguments: { steps: 1, delayMs: 0 } })).steps, 1);
  });
});
