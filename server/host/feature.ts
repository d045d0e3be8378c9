import type { NotificationType } from 'vscode-jsonrpc';
import type { Projection } from '../store/projection';
import type { Store } from '../store/store';
import type { CasLocks } from '../store/primitives/casLock';
import type { Cursors } from '../store/primitives/cursor';
import type { Deferreds } from '../store/primitives/deferred';
import type { Mailboxes } from '../store/primitives/mailbox';
import type { RpcRegistry } from '../rpc/registry';
import type { Logger } from './logger';
import type { WorkspacePaths } from './paths';
import type { HostInfo } from '../../shared/protocol';
import type { Session } from './session';

/** What a capability gets from the host it runs in. */
export interface HostContext {
  readonly paths: WorkspacePaths;
  readonly store: Store;
  readonly log: Logger;
  readonly mailboxes: Mailboxes;
  readonly casLocks: CasLocks;
  readonly cursors: Cursors;
  readonly deferreds: Deferreds;
  now(): number;
  info(): HostInfo;
  sessions(): Session[];
  /** Pushes a notification to every attached client. */
  broadcast<P>(type: NotificationType<P>, params: P): void;
}

/**
 * A capability of the host (hive, coordination, …): its read models, the streams only its own
 * commands may write, and its request handlers.
 */
export interface Feature {
  name: string;
  projections?: Projection[];
  ownedStreamPrefixes?: string[];
  start(ctx: HostContext, rpc: RpcRegistry): void | { dispose(): void | Promise<void> };
}
