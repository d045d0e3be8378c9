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
import type { Services } from './services';
import type { McpResource, McpTool } from '../mcp/tool';

/** What a capability gets from the host it runs in. */
export interface HostContext {
  readonly paths: WorkspacePaths;
  readonly store: Store;
  readonly log: Logger;
  readonly mailboxes: Mailboxes;
  readonly casLocks: CasLocks;
  readonly cursors: Cursors;
  readonly deferreds: Deferreds;
  /** Services features provide to each other (start order matters: provide in start()). */
  readonly services: Services;
  now(): number;
  info(): HostInfo;
  sessions(): Session[];
  /** Pushes a notification to every attached client. */
  broadcast<P>(type: NotificationType<P>, params: P): void;
  /**
   * Keeps a background host from exiting for idleness while a client that is not a socket
   * session (an MCP session) is connected; call the returned function when it leaves.
   */
  holdOpen(reason: string): () => void;
}

/**
 * A capability of the host (hive, coordination, …): its read models, the streams only its own
 * commands may write, and its request handlers.
 */
export interface Feature {
  name: string;
  projections?: Projection[];
  ownedStreamPrefixes?: string[];
  /** May finish asynchronously (e.g. after binding a port); the host waits for it. */
  start(ctx: HostContext, rpc: RpcRegistry): void | { dispose(): void | Promise<void> } | Promise<void | { dispose(): void | Promise<void> }>;
  /** What this feature adds to HostInfo (host.json, hello), e.g. the MCP endpoint; read after every feature started. */
  hostInfo?(): Partial<Pick<HostInfo, 'mcp'>>;
  /** Tools this feature offers MCP clients; called once, after every feature has started. */
  tools?(ctx: HostContext): McpTool[];
  /** Resources this feature offers MCP clients (subscribable); called once, after every feature has started. */
  resources?(ctx: HostContext): McpResource[];
}
