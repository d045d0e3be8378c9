import type { MessageConnection } from 'vscode-jsonrpc';
import { ApiaryError } from '../../shared/errors';
import { attach } from '../host/attach';
import { workspacePaths } from '../host/paths';
import { VERSION } from '../host/version';
import type { Common } from './args';

/** Runs `fn` against the workspace's host (starting one when none runs), then detaches. */
export async function withHost<T>(common: Common, fn: (conn: MessageConnection) => Promise<T>): Promise<T> {
  let said = -1;
  const { conn } = await attach(common.workspace, {
    client: { name: common.agent ?? 'cli', kind: 'cli', version: VERSION },
    // Stdout stays the command's answer (--json included); the wait is explained on stderr.
    onStarting: (s) => {
      const step = Math.floor(s.fraction * 10);
      if (step === said) return;
      said = step;
      process.stderr.write(`Waiting for the agent host: replaying the log into its read models, ${Math.round(s.fraction * 100)}% (${s.events.toLocaleString('en-US')} events)…\n`);
    },
  });
  // A request the host never answers because it went away would otherwise leave nothing for the
  // event loop to wait on: the CLI would exit 0 without a word, as if it had succeeded.
  let closed = false;
  const lost = new Promise<never>((_, reject) =>
    conn.onClose(() => {
      closed = true;
      reject(
        new ApiaryError(
          'unavailable',
          'the agent host went away before it answered',
          `Run the command again (it starts a new host if none runs); ${workspacePaths(common.workspace).hostLog} may say what happened.`,
        ),
      );
    }),
  );
  lost.catch(() => {});
  try {
    return await Promise.race([fn(conn), lost]);
  } finally {
    if (!closed) conn.dispose();
  }
}
