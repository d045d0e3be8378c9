import assert from 'node:assert/strict';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ProgressPacer } from '../../../server/mcp/bridge';

const request = (id: number, token?: number): JSONRPCMessage & { id: number } => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 't', arguments: {}, ...(token !== undefined ? { _meta: { progressToken: token } } : {}) },
});
const progress = (token: number, n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: n } });
const response = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, result: { content: [] } });
const label = (m: JSONRPCMessage): string => ('result' in m ? `response ${String(m.id)}` : `progress ${String((m as unknown as { params: { progress: number } }).params.progress)}`);

describe('the bridge pacing responses after progress', () => {
  it('writes a response right after its progress only once a gap has passed', async () => {
    const out: Array<[string, number]> = [];
    const t0 = Date.now();
    const p = new ProgressPacer((m) => out.push([label(m), Date.now() - t0]), 30);
    p.requested(request(1, 7));
    p.relay(progress(7, 1));
    p.relay(response(1));
    assert.deepEqual(out.map((o) => o[0]), ['progress 1'], 'held back');
    await p.flushed();
    assert.deepEqual(out.map((o) => o[0]), ['progress 1', 'response 1']);
    assert.ok(out[1]![1] - out[0]![1] >= 25, `a gap of ${out[1]![1] - out[0]![1]} ms`);
  });

  it('does not hold responses of requests without recent progress', () => {
    const out: string[] = [];
    const p = new ProgressPacer((m) => out.push(label(m)), 30);
    p.requested(request(1));
    p.requested(request(2, 9));
    p.relay(progress(9, 1));
    p.relay(response(1));
    assert.deepEqual(out, ['progress 1', 'response 1'], 'request 1 had no progress of its own');
  });

  it('forgets a request once answered', async () => {
    const out: string[] = [];
    const p = new ProgressPacer((m) => out.push(label(m)), 5);
    p.requested(request(3, 3));
    p.relay(progress(3, 1));
    p.relay(response(3));
    await p.flushed();
    p.relay(response(3));
    assert.deepEqual(out, ['progress 1', 'response 3', 'response 3'], 'a repeated id is not held again');
  });
});
