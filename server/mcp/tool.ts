// What a feature declares to offer MCP clients: tools (validated by a zod schema, answered as
// compact JSON) and resources (JSON documents that clients may subscribe to). The MCP server
// turns these into protocol messages; features never touch the SDK.
import type { z } from 'zod';
import type { EventEnvelope } from '../../shared/events';
import type { AgentKind } from '../../shared/coordination';

/** `core`: the few tools a client that pays per schema token needs; `full`: everything. */
export type ToolProfile = 'core' | 'full';

/** Hints for clients (see the MCP spec's ToolAnnotations); they never change what the host allows. */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** The agent an MCP session acts as: every tool call is attributed to it. */
export interface AgentIdentity {
  name: string;
  kind: AgentKind;
  /** Program driving the agent, from the client's `clientInfo` unless it registered another. */
  program: string | null;
  model: string | null;
}

/** What a tool handler learns about the call it serves. */
export interface ToolCall {
  readonly agent: AgentIdentity;
  /** The MCP session (one per connected client). */
  readonly sessionId: string;
  /**
   * Reports progress of a long operation. Sent as `notifications/progress` when the client
   * asked for progress (it passed a progressToken); otherwise a no-op.
   */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** Aborted when the client cancels the call or disconnects. */
  readonly signal: AbortSignal;
}

export interface McpTool<S extends z.ZodObject = z.ZodObject> {
  /** snake_case with a domain prefix: `hive_ready`, `lock_reserve`. */
  name: string;
  /** Short, written for a model: what it does and when to call it. */
  description: string;
  /** Arguments; validated before the handler runs (bad arguments change nothing). */
  input: S;
  /** When given, results are also sent as `structuredContent` and the schema is advertised. */
  output?: z.ZodObject;
  profile: ToolProfile;
  annotations?: ToolAnnotations;
  /** Returns a JSON-serialisable value; throws ApiaryError to refuse. */
  handler(args: z.output<S>, call: ToolCall): Promise<unknown>;
}

/** Keeps each tool's argument type tied to its schema while collecting tools in one array. */
export function defineTool<S extends z.ZodObject>(tool: McpTool<S>): McpTool {
  return tool as unknown as McpTool;
}

/** What a resource read learns about its reader. */
export interface ResourceRead {
  readonly agent: AgentIdentity;
  readonly sessionId: string;
}

export interface McpResource {
  /** `apiary://hive/ready`, `apiary://locks/active`, `apiary://mail/inbox` (per agent). */
  uri: string;
  name: string;
  description: string;
  /**
   * Event types whose commit may change what `read` returns: an exact type, a `prefix.*`, or
   * `*`. Subscribed sessions are told `notifications/resources/updated` after such commits.
   */
  dependsOn: string[];
  /**
   * Narrows a notification to the readers a commit concerns (e.g. only the recipient's inbox).
   * Absent: every subscriber of the resource is notified.
   */
  concerns?(event: EventEnvelope, agent: AgentIdentity): boolean;
  /** Returns a JSON-serialisable document. */
  read(reader: ResourceRead): Promise<unknown>;
}
