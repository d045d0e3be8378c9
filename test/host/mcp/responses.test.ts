import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hiveClaimParamsSchema, hiveCreateParamsSchema } from '../../../shared/hiveSchemas';
import { Host } from '../../../server/host/host';
import { hostFeatures } from '../../../server/main';
import { initializeBody, rawRequest, startHost, type RawResponse, type TestHost } from './helpers';
import { testFeature } from './testFeature';

const PROTOCOL = '2025-06-18';

/** The JSON-RPC messages of an SSE body, in order. */
function sseMessages(body: string): Array<Record<string, unknown>> {
  return body
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l.length > 'data: '.length)
    .map((l) => JSON.parse(l.slice('data: '.length)) as Record<string, unknown>);
}

describe('MCP responses: one JSON body for a plain call, an SSE stream when progress is asked for', () => {
  let h: TestHost;
  let session: string;
  const headers = (extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${h.token()}`, 'Mcp-Session-Id': session, 'Mcp-Protocol-Version': PROTOCOL, ...extra });
  const post = (body: unknown, extra: Record<string, string> = {}): Promise<RawResponse> => rawRequest(h.url, { body, headers: headers(extra) });

  beforeEach(async () => {
    h = await startHost({ extra: [testFeature()] });
    const init = await rawRequest(h.url, { body: initializeBody, headers: { Authorization: `Bearer ${h.token()}` } });
    assert.equal(init.status, 200);
    session = init.headers['mcp-session-id'] as string;
    assert.ok(session, 'initialize names the session');
    assert.equal((await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).status, 202);
  });
  afterEach(async () => {
    await h.stop();
  });

  it('answers a tool call without a progress token as one application/json body with the session id', async () => {
    const r = await post({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'agent_whoami', arguments: {} } });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.equal(r.headers['mcp-session-id'], session);
    assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.body), 'a known length, not chunked');
    const message = JSON.parse(r.body) as { id: number; result: { content: Array<{ text: string }> } };
    assert.equal(message.id, 7);
    assert.match(message.result.content[0]!.text, /"name"/);
  });

  it('answers a call that passes a progress token as an SSE stream: the progress first, then the result', async () => {
    const r = await post({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'test_steps', arguments: { steps: 2, delayMs: 0 }, _meta: { progressToken: 'p1' } } });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/event-stream/);
    const messages = sseMessages(r.body);
    assert.deepEqual(
      messages.map((m) => m.method ?? `result ${String(m.id)}`),
      ['notifications/progress', 'notifications/progress', 'result 8'],
    );
    assert.deepEqual(
      messages.slice(0, 2).map((m) => (m.params as { progress: number; progressToken: string }).progress),
      [1, 2],
    );
  });

  it('leaves a request with a header the SDK refuses to the SDK: unsupported protocol version, wrong Accept, foreign origin', async () => {
    const call = { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'agent_whoami', arguments: {} } };
    assert.equal((await post(call, { 'Mcp-Protocol-Version': '1999-01-01' })).status, 400);
    assert.equal((await post(call, { Accept: 'application/json' })).status, 406);
    assert.equal((await post(call, { Origin: 'http://localhost:1' })).status, 403);
    // None of those reached a tool: the session still answers normally.
    assert.equal((await post(call)).status, 200);
  });

  it('refuses a body that is not JSON with a JSON-RPC parse error, and a message that is not JSON-RPC through the SDK', async () => {
    const bad = await rawRequest(h.url, { text: '{"jsonrpc": ', headers: headers() });
    assert.equal(bad.status, 400);
    assert.equal((JSON.parse(bad.body) as { error: { code: number } }).error.code, -32700);
    const notRpc = await post({ hello: 'world' });
    assert.equal(notRpc.status, 400);
  });

  it('refuses a call reusing the id of a call still in progress, and answers the first one normally', async () => {
    const first = post({ jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'test_steps', arguments: { steps: 2, delayMs: 50 } } });
    await new Promise((r) => setTimeout(r, 20));
    const second = await post({ jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'agent_whoami', arguments: {} } });
    assert.equal(second.status, 400);
    assert.match((JSON.parse(second.body) as { error: { message: string } }).error.message, /already in use/);
    const a = await first;
    assert.equal(a.status, 200);
    assert.match((JSON.parse(a.body) as { result: { content: Array<{ text: string }> } }).result.content[0]!.text, /"steps":2/);
  });
});

describe('hive_ready answers kept between commits', () => {
  let dir: string;
  let host: Host;
  let clock = Date.parse('2026-05-01T10:00:00.000Z');

  beforeEach(async () => {
    clock = Date.parse('2026-05-01T10:00:00.000Z');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-mcp-ready-'));
    host = await Host.start({ workspace: dir, features: hostFeatures(), sink: () => {}, logLevel: 'warn', now: () => clock });
  });
  afterEach(async () => {
    await host.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('drops a claimed cell at once, and brings it back when the claim expires with no event in between', async () => {
    const hive = host.ctx.services.get('hive');
    const { cell } = await hive.create(hiveCreateParamsSchema.parse({ title: 'Fix the parser' }), 'Alice');
    const ids = () => hive.ready({ limit: 10 }).cells.map((c) => c.id);
    assert.deepEqual(ids(), [cell.id]);
    assert.equal(hive.ready({ limit: 10 }), hive.ready({ limit: 10 }), 'the same answer while nothing changed');
    await hive.change('apiary/hive/claim', hiveClaimParamsSchema.parse({ id: cell.id, agent: 'Alice', ttlSeconds: 60 }), 'Alice');
    assert.deepEqual(ids(), [], 'the claim is a commit: the kept answer is not used');
    const head = host.ctx.store.head;
    clock += 61_000;
    assert.deepEqual(ids(), [cell.id], 'the expired claim frees the cell');
    assert.equal(host.ctx.store.head, head, 'by time alone');
  });

  it('keeps answers per query: another limit or type is asked of the read model', async () => {
    const hive = host.ctx.services.get('hive');
    await hive.create(hiveCreateParamsSchema.parse({ title: 'A task' }), 'Alice');
    await hive.create(hiveCreateParamsSchema.parse({ title: 'A bug', type: 'bug' }), 'Alice');
    assert.equal(hive.ready({ limit: 10 }).cells.length, 2);
    assert.equal(hive.ready({ limit: 1 }).cells.length, 1);
    assert.deepEqual(
      hive.ready({ limit: 10, type: 'bug' }).cells.map((c) => c.title),
      ['A bug'],
    );
  });
});
