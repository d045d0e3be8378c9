import assert from 'node:assert/strict';
import type { HostStatus } from '../../../shared/protocol';
import { formatDuration, type HostState } from '../../../extension/hostState';
import { statusBarView } from '../../../extension/statusBarView';

function hostStatus(over: Partial<HostStatus> = {}): HostStatus {
  return {
    pid: 4242,
    version: '0.1.0',
    protocol: 1,
    workspace: '/home/dev/project',
    startedAt: '2025-01-01T10:00:00.000Z',
    socket: '/run/apiary.sock',
    uptimeMs: 90_000,
    sessions: [{ id: 's1', name: 'VS Code', kind: 'vscode-window', since: '2025-01-01T10:00:01.000Z' }],
    store: { position: 17, streams: 3, segments: 1, bytes: 2048, snapshotPosition: 0, headHash: 'abc' },
    projections: [{ name: 'hive', version: 1, position: 17 }],
    ...over,
  };
}

describe('extension/statusBarView: the host state in the status bar', () => {
  it('shows a spinning icon while starting, with the workspace in the tooltip', () => {
    const v = statusBarView({ kind: 'starting', workspace: '/home/dev/project', since: 0 }, 0);
    assert.equal(v.text, '$(sync~spin) Apiary');
    assert.equal(v.label, 'Apiary: starting');
    assert.match(v.tooltip, /starting/);
    assert.match(v.tooltip, /\/home\/dev\/project/);
    assert.equal(v.error, false);
  });

  it('while the starting host replays a large log, shows how far it has come', () => {
    const v = statusBarView({ kind: 'starting', workspace: '/w', since: 0, replay: { fraction: 0.423, events: 420_000 } }, 0);
    assert.equal(v.text, '$(sync~spin) Apiary 42%');
    assert.equal(v.label, 'Apiary: starting, replaying the log 42%');
    assert.match(v.tooltip, /\| Replaying the log \| 42% \(420,000 events\) \|/);
    assert.equal(v.error, false);
  });

  it('while restarting on a host that replays, shows its progress instead of the countdown', () => {
    const v = statusBarView({ kind: 'restarting', workspace: '/w', reason: 'The connection closed', retryAt: 4_000, attempt: 1, replay: { fraction: 0.5, events: 1_000 } }, 9_000);
    assert.equal(v.text, '$(sync~spin) Apiary 50%');
    assert.equal(v.label, 'Apiary: restarting (attempt 1), replaying the log 50%');
    assert.match(v.tooltip, /\| Replaying the log \| 50% \(1,000 events\) \|/);
    assert.doesNotMatch(v.tooltip, /Next attempt/);
  });

  it('when ready, names pid, store position, workspace and an uptime that ages with the clock', () => {
    const state: HostState = { kind: 'ready', workspace: '/home/dev/project', status: hostStatus(), receivedAt: 1_000 };
    const v = statusBarView(state, 1_000 + 60_000);
    assert.equal(v.text, '$(check) Apiary');
    assert.equal(v.label, 'Apiary: ready, host pid 4242, store position 17');
    assert.match(v.tooltip, /\| Host pid \| 4242 \|/);
    assert.match(v.tooltip, /\| Store position \| 17 \|/);
    assert.match(v.tooltip, /\| Uptime \| 2 min 30 s \|/);
    assert.match(v.tooltip, /\/home\/dev\/project/);
  });

  it('warns in the tooltip about a faulted projection', () => {
    const status = hostStatus({ projections: [{ name: 'hive', version: 1, position: 3, faulted: 'bad row' }] });
    const v = statusBarView({ kind: 'ready', workspace: '/w', status, receivedAt: 0 }, 0);
    assert.match(v.tooltip, /\$\(warning\) Faulted projections: hive \(bad row\)/);
  });

  it('while restarting, says why and when the next attempt comes', () => {
    const v = statusBarView({ kind: 'restarting', workspace: '/w', reason: 'The connection closed', retryAt: 4_000, attempt: 2 }, 1_000);
    assert.equal(v.label, 'Apiary: restarting (attempt 2)');
    assert.match(v.tooltip, /The connection closed/);
    assert.match(v.tooltip, /in 3 s \(attempt 2\)/);
    assert.equal(v.error, false);
  });

  it('in error, shows the error text and hint on the error background', () => {
    const v = statusBarView({ kind: 'error', workspace: undefined, message: 'Apiary needs a folder', hint: 'Open a folder' }, 0);
    assert.equal(v.text, '$(error) Apiary');
    assert.equal(v.label, 'Apiary: error, Apiary needs a folder');
    assert.match(v.tooltip, /Apiary needs a folder/);
    assert.match(v.tooltip, /Open a folder/);
    assert.doesNotMatch(v.tooltip, /Workspace/);
    assert.equal(v.error, true);
  });

  it('escapes markdown in values it did not write (paths, error text)', () => {
    const v = statusBarView({ kind: 'error', workspace: '/w/my_[proj]', message: 'bad *thing* | pipe' }, 0);
    assert.match(v.tooltip, /my\\_\\\[proj\\\]/);
    assert.match(v.tooltip, /bad \\\*thing\\\* \\\| pipe/);
  });
});

describe('extension/hostState: durations for tooltips', () => {
  it('uses at most two units, dropping a zero second unit', () => {
    assert.equal(formatDuration(0), '0 s');
    assert.equal(formatDuration(59_999), '59 s');
    assert.equal(formatDuration(60_000), '1 min');
    assert.equal(formatDuration(250_000), '4 min 10 s');
    assert.equal(formatDuration(2 * 3600_000 + 5 * 60_000 + 7_000), '2 h 5 min');
    assert.equal(formatDuration(3 * 86400_000 + 4 * 3600_000), '3 d 4 h');
    assert.equal(formatDuration(-5), '0 s');
  });
});
