// One MCP session: one connected client, its own SDK Server on its own Streamable HTTP
// transport, bound to one agent identity. Tool calls are validated here, attributed to the
// agent, heartbeat it, and answer compact JSON or a structured refusal.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import { ApiaryError, RpcErrorCodes } from '../../shared/errors';
import type { AgentRegisterResult } from '../../shared/coordination';
import type { Logger } from '../host/logger';
import { inProfile, type Catalog } from './catalog';
import type { AgentDirectory } from './identity/directory';
import { errorData, invalidArguments, toolError, toolResult } from './results';
import type { AgentIdentity, ToolCall, ToolProfile } from './tool';
import { SessionTransport } from './transport';

/** How often a busy session passes its agent's liveness on to the directory. */
export const HEARTBEAT_EVERY_MS = 5_000;

/** MCP's "resource not found" error code. */
const RESOURCE_NOT_FOUND = -32002;

export interface SessionDeps {
  catalog: Catalog;
  directory: AgentDirectory;
  log: Logger;
  serverInfo: { name: string; version: string };
  instructions: string;
}

export interface SessionOptions {
  profile: ToolProfile;
  /** A client-chosen key (the stdio bridge sends one per parent process) so a restarted client keeps its agent name. */
  clientKey: string | null;
  allowedHosts: string[];
  allowedOrigins: string[];
  onInitialized(session: McpSession): void;
  onClosed(session: McpSession): void;
}

export class McpSession {
  readonly server: Server;
  readonly transport: SessionTransport;
  readonly subscriptions = new Set<string>();
  readonly since = new Date().toISOString();
  /** The bound agent, once registered (notifications filter on it synchronously). */
  identity: AgentIdentity | null = null;
  private binding: Promise<AgentIdentity> | null = null;
  private lastBeat = { name: '', at: 0 };
  private closed = false;

  constructor(
    private readonly deps: SessionDeps,
    readonly opts: SessionOptions,
  ) {
    this.transport = new SessionTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: () => opts.onInitialized(this),
      enableDnsRebindingProtection: true,
      allowedHosts: opts.allowedHosts,
      allowedOrigins: opts.allowedOrigins,
    });
    this.server = new Server(deps.serverInfo, {
      capabilities: { tools: {}, resources: { subscribe: true } },
      instructions: deps.instructions,
    });
    this.server.onclose = () => this.markClosed();
    // Register the agent as soon as the client says who it is; tool calls wait for it.
    this.server.oninitialized = () => {
      this.agent().catch((err: unknown) => deps.log.warn(`MCP session ${this.id}: could not register its agent: ${errorData(err).message}`));
    };
    this.handleTools();
    this.handleResources();
  }

  get id(): string {
    return this.transport.sessionId ?? '(initializing)';
  }

  get profile(): ToolProfile {
    return this.opts.profile;
  }

  client(): { name: string; version: string } | null {
    const v = this.server.getClientVersion();
    return v ? { name: v.name, version: v.version } : null;
  }

  /** The agent this session acts as, registered from the client's name on first need. */
  agent(): Promise<AgentIdentity> {
    return (this.binding ??= this.remember(this.bind({}).then((r) => r.identity)));
  }

  /** Re-registers this session under an explicit name / program / model (`agent_register`). */
  async rebind(req: { name?: string; program?: string; model?: string }): Promise<{ identity: AgentIdentity; result: AgentRegisterResult }> {
    const r = this.bind(req);
    this.binding = this.remember(r.then((x) => x.identity));
    return r;
  }

  /** A failed registration is retried by the next call rather than remembered. */
  private remember(p: Promise<AgentIdentity>): Promise<AgentIdentity> {
    p.catch(() => {
      if (this.binding === p) this.binding = null;
    });
    return p;
  }

  async notifyUpdated(uri: string): Promise<void> {
    if (this.closed) return;
    await this.server.sendResourceUpdated({ uri });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.server.close();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.opts.onClosed(this);
  }

  private clientKey(program: string): string {
    return this.opts.clientKey ? `${this.opts.clientKey}|${program}` : `mcp-session:${this.id}`;
  }

  private async bind(req: { name?: string; program?: string; model?: string }): Promise<{ identity: AgentIdentity; result: AgentRegisterResult }> {
    const clientName = this.client()?.name ?? 'mcp-client';
    const program = req.program ?? this.identity?.program ?? clientName;
    const result = await this.deps.directory.register({
      kind: 'mcp-client',
      clientKey: this.clientKey(clientName),
      ...(req.name !== undefined ? { name: req.name } : {}),
      program,
      ...((req.model ?? this.identity?.model) ? { model: (req.model ?? this.identity?.model)! } : {}),
    });
    const identity: AgentIdentity = { name: result.agent.name, kind: result.agent.kind, program: result.agent.program, model: result.agent.model };
    this.identity = identity;
    this.deps.log.debug(`MCP session ${this.id} (${clientName}) acts as ${identity.name}`);
    return { identity, result };
  }

  private handleTools(): void {
    const { catalog } = this.deps;
    this.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: catalog.list(this.profile) }));
    this.server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
      const name = request.params.name;
      const tool = catalog.tool(name);
      if (!tool || !inProfile(tool, this.profile)) {
        const hint = tool
          ? `${name} is not in the core tool profile this client uses; set "mcp": {"tools": "full"} in .apiary/config.json to offer every tool.`
          : `Available tools: ${catalog.toolNames(this.profile).join(', ')}.`;
        return toolError({ code: 'not_found', message: `unknown tool ${name}`, hint });
      }
      const parsed = tool.input.safeParse(request.params.arguments ?? {});
      if (!parsed.success) return toolError(invalidArguments(name, parsed.error).toData());
      try {
        const agent = await this.agent();
        this.beat(agent.name);
        const token = extra._meta?.progressToken;
        const call: ToolCall = {
          agent,
          sessionId: this.id,
          signal: extra.signal,
          progress: async (progress, total, message) => {
            if (token === undefined || extra.signal.aborted) return;
            await extra.sendNotification({
              method: 'notifications/progress',
              params: { progressToken: token, progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message } : {}) },
            });
          },
        };
        const value = await tool.handler(parsed.data, call);
        return toolResult(value, tool.output !== undefined);
      } catch (err) {
        if (!(err instanceof ApiaryError)) this.deps.log.error(`MCP tool ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return toolError(errorData(err));
      }
    });
  }

  /**
   * Tells the directory the agent is alive, at most once per HEARTBEAT_EVERY_MS: the directory
   * records a heartbeat only once a minute anyway, and asking it on every call cost a query of
   * every agent per tool call.
   */
  private beat(name: string): void {
    const now = Date.now();
    if (name === this.lastBeat.name && now - this.lastBeat.at < HEARTBEAT_EVERY_MS) return;
    this.lastBeat = { name, at: now };
    this.deps.directory.heartbeat(name).catch((err: unknown) => this.deps.log.warn(`heartbeat of ${name} failed: ${errorData(err).message}`));
  }

  private handleResources(): void {
    const { catalog } = this.deps;
    const known = (uri: string) => {
      const r = catalog.resource(uri);
      if (!r) throw new McpError(RESOURCE_NOT_FOUND, `unknown resource ${uri}`, { uri, available: catalog.allResources().map((x) => x.uri) });
      return r;
    };
    this.server.setRequestHandler(ListResourcesRequestSchema, () => ({
      resources: catalog.allResources().map((r) => ({ uri: r.uri, name: r.name, description: r.description, mimeType: 'application/json' })),
    }));
    this.server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
      const r = known(request.params.uri);
      try {
        const value = await r.read({ agent: await this.agent(), sessionId: this.id });
        return { contents: [{ uri: r.uri, mimeType: 'application/json', text: JSON.stringify(value) }] };
      } catch (err) {
        const data = errorData(err);
        throw new McpError(RpcErrorCodes[data.code], data.message, data);
      }
    });
    this.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
      known(request.params.uri);
      // Bind now: inbox-like resources decide who a commit concerns by the agent's name.
      await this.agent();
      this.subscriptions.add(request.params.uri);
      return {};
    });
    this.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
      this.subscriptions.delete(request.params.uri);
      return {};
    });
  }
}
