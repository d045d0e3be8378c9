// "The connection (re)opened": the client's state also fires while connected (the store position
// moves with every commit), so acting on every `ready` would, for example, register the window
// again after each commit — and registering commits. This fires once per connection.
import type * as vscode from 'vscode';
import type { HostClient } from './client';

export function onConnected(client: HostClient, fn: () => void): vscode.Disposable {
  let connected = client.state.kind === 'ready';
  return client.onDidChangeState((s) => {
    const now = s.kind === 'ready';
    if (now && !connected) fn();
    connected = now;
  });
}
