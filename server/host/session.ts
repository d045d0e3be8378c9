import type { MessageConnection } from 'vscode-jsonrpc';
import type { LogLevel } from '../../shared/protocol';

/** One attached client: a VS Code window (through its relay), the CLI, a bridge, a test. */
export interface Session {
  readonly id: string;
  name: string;
  kind: string;
  readonly since: string;
  logLevel: LogLevel | null;
  readonly conn: MessageConnection;
}
