import assert from 'node:assert/strict';
import type { HostStatus } from '../../../shared/protocol';
import { renderStatusReport } from '../../../extension/statusReport';

const status: HostStatus = {
  pid: 777,
  version: '0.1.0',
  protocol: 1,
  workspace: '/home/dev/project',
  startedAt: '2025-01-01T10:00:00.000Z',
  socket: '/run/apiary.sock',
  mcp: { url: 'http://127.0.0.1:7777/mcp' },
  uptimeMs: 3_600_000,
  sessions: [{ id: 'sess-1', name: 'VS Code', kind: 'vscode-window', since: '2025-01-01T10:00:01.000Z' }],
  store: { position: 120, streams: 4, segments: 2, bytes: 65_536, snapshotPosition: 100, headHash: 'ff00' },
  projections: [
    { name: 'hive', version: 2, position: 120 },
    { name: 'locks', version: 1, position: 99, faulted: 'constraint | failed' },
  ],
};

describe('extension/statusReport: the Show Host Status document', () => {
  it('summarises host, store, projections and clients in tables, then the raw JSON', () => {
    const text = renderStatusReport({
      state: { kind: 'ready', workspace: status.workspace, status, receivedAt: 0 },
      status,
      activationMs: 12.5,
      extensionVersion: '0.1.0',
      now: Date.parse('2025-01-01T11:00:00Z'),
    });
    assert.match(text, /^# Apiary agent host/);
    assert.match(text, /\*\*Connection:\*\* ready/);
    assert.match(text, /activated in 12\.5 ms/);
    assert.match(text, /\| Pid \| 777 \|/);
    assert.match(text, /\| Uptime \| 1 h \|/);
    assert.match(text, /\| MCP endpoint \| http:\/\/127\.0\.0\.1:7777\/mcp \|/);
    assert.match(text, /\| Position \| 120 \|/);
    assert.match(text, /\| Snapshot at \| 100 \|/);
    assert.match(text, /\| hive \| 2 \| 120 \| ok \|/);
    assert.match(text, /\| locks \| 1 \| 99 \| faulted: constraint \\\| failed \|/);
    assert.match(text, /\| VS Code \| vscode-window \|/);
    const json = /```json\n([\s\S]*?)\n```/.exec(text)?.[1];
    assert.deepEqual(JSON.parse(json ?? 'null'), status);
  });

  it('without a host, explains the error and hint and shows no host tables', () => {
    const text = renderStatusReport({
      state: { kind: 'error', workspace: undefined, message: 'Apiary needs a folder', hint: 'Open a folder first.' },
      activationMs: 3,
      extensionVersion: '0.1.0',
      now: 0,
    });
    assert.match(text, /\*\*Connection:\*\* error/);
    assert.match(text, /\*\*Error:\*\* Apiary needs a folder/);
    assert.match(text, /\*\*Hint:\*\* Open a folder first\./);
    assert.doesNotMatch(text, /## Host/);
    assert.doesNotMatch(text, /```json/);
  });

  it('says why the status could not be read when the request failed', () => {
    const text = renderStatusReport({
      state: { kind: 'restarting', workspace: '/w', reason: 'The connection closed.', retryAt: 0, attempt: 3 },
      statusError: 'not connected',
      activationMs: 3,
      extensionVersion: '0.1.0',
      now: 0,
    });
    assert.match(text, /Restarting after: The connection closed\. \(attempt 3\)/);
    assert.match(text, /Could not read the host status: not connected/);
  });
});
