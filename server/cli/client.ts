import type { MessageConnection } from 'vscode-jsonrpc';
import { attach } from '../host/attach';
import { VERSION } from '../host/version';
import type { Common } from './args';

/** Runs `fn` against the workspace's host (starting one when none runs), then detaches. */
export async function withHost<T>(common: Common, fn: (conn: MessageConnection) => Promise<T>): Promise<T> {
  const { conn } = await attach(common.workspace, { client: { name: common.agent ?? 'cli', kind: 'cli', version: VERSION } });
  try {
    return await fn(conn);
  } finally {
    conn.dispose();
  }
}
