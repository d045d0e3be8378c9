import type { CancellationToken } from 'vscode-jsonrpc';

/** An AbortSignal that fires when the JSON-RPC request is cancelled or its client goes away. */
export function abortSignalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
