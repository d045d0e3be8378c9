// The MCP server as a host feature: it starts after every other feature, gathers their tools and
// resources, listens on loopback, and advertises its URL in HostInfo (host.json, hello).
import { ApiaryError } from '../../shared/errors';
import type { Feature, HostContext } from '../host/feature';
import type { RpcRegistry } from '../rpc/registry';
import { VERSION } from '../host/version';
import { agentTools } from './agentTools';
import { Catalog } from './catalog';
import { readMcpConfig } from './config';
import { McpHttpServer } from './httpServer';
import type { AgentDirectory } from './identity/directory';
import { ResourceNotifier } from './notifier';
import { McpRotateTokenRequest, McpStatusRequest, type McpStatus } from './protocol';
import { McpSession, type SessionDeps } from './session';
import { TokenStore } from './token';
import type { ToolProfile } from './tool';

export interface McpFeatureOptions {
  /** Every feature of the host; read once all have started, for their tools and resources. */
  features: () => Feature[];
}

/** What the MCP server offers other features. */
export interface McpService {
  /** The endpoint and its sessions: who is connected, as which agent. */
  status(): McpStatus;
  /** Ends sessions with nothing open for longer than `idleMs` (the host does this hourly by itself). */
  endIdleSessions(idleMs: number): string[];
}

declare module '../host/services' {
  interface ServiceMap {
    mcp: McpService;
    /** The agent registry MCP sessions register with; the coordination feature provides it. */
    agentDirectory: AgentDirectory;
  }
}

const INSTRUCTIONS =
  'Apiary coordinates the AI agents working in this repository through one shared host: a work queue (hive_*), ' +
  'file reservations (lock_*) and mail between agents (mail_*). Your calls are attributed to the agent name that ' +
  'agent_whoami shows. Reserve files before you edit them. Refusals are JSON {error:{code,message,hint}}: follow the hint.';

export function mcpFeature(opts: McpFeatureOptions): Feature {
  let http: McpHttpServer | null = null;
  return {
    name: 'mcp',
    async start(ctx, rpc) {
      const { config, warnings } = readMcpConfig(ctx.paths.apiary);
      for (const w of warnings) ctx.log.warn(w);
      const { store: tokens, notes } = TokenStore.open(ctx.paths.apiary);
      for (const n of notes) ctx.log.warn(n);
      const directory = registry(ctx);
      const features = opts.features();
      const catalog = new Catalog(
        [...agentTools((id) => http?.sessions.get(id)), ...features.flatMap((f) => f.tools?.(ctx) ?? [])],
        features.flatMap((f) => f.resources?.(ctx) ?? []),
      );
      const deps: SessionDeps = { catalog, directory, log: ctx.log, serverInfo: { name: 'apiary', version: VERSION }, instructions: INSTRUCTIONS };
      const server = await McpHttpServer.listen({
        port: config.port,
        tokens,
        log: ctx.log,
        holdOpen: (reason) => ctx.holdOpen(reason),
        createSession: (init, register, forget) =>
          new McpSession(deps, {
            profile: init.profile ?? config.tools,
            clientKey: init.clientKey,
            allowedHosts: init.allowedHosts,
            allowedOrigins: init.allowedOrigins,
            onInitialized: register,
            onClosed: forget,
          }),
      });
      http = server;
      const notifier = new ResourceNotifier(catalog.allResources(), () => server.sessions.values(), (err) => ctx.log.debug(`resource notification not delivered: ${String(err)}`));
      const unsubscribe = ctx.store.events.onCommitted((events) => notifier.committed(events));

      const service: McpService = { status: () => mcpStatus(server, config.tools), endIdleSessions: (ms) => server.sweep(Date.now(), ms) };
      ctx.services.provide('mcp', service);
      serveRequests(rpc, ctx, server, tokens, service);
      ctx.log.info(`MCP server at ${server.url} (${catalog.toolNames(config.tools).length} tools, profile ${config.tools}; token in ${tokens.file})`);
      return {
        async dispose() {
          unsubscribe();
          notifier.dispose();
          await server.close();
          http = null;
        },
      };
    },
    hostInfo: () => (http ? { mcp: { url: http.url } } : {}),
  };
}

/** The agent registry, looked up per call: without one, tool calls are refused with a reason. */
function registry(ctx: HostContext): AgentDirectory {
  const get = (): AgentDirectory => {
    const d = ctx.services.maybe('agentDirectory');
    if (!d) throw new ApiaryError('unavailable', 'no agent registry runs in this host, so MCP sessions cannot act as agents', 'The coordination feature provides it: run the host with it.');
    return d;
  };
  return { register: (req) => get().register(req), heartbeat: (name) => get().heartbeat(name) };
}

function mcpStatus(server: McpHttpServer, tools: ToolProfile): McpStatus {
  return {
    url: server.url,
    tools,
    sessions: [...server.sessions.values()].map((s) => ({
      id: s.id,
      agent: s.identity,
      client: s.client(),
      tools: s.profile,
      since: s.since,
      subscriptions: [...s.subscriptions],
    })),
  };
}

function serveRequests(rpc: RpcRegistry, ctx: HostContext, server: McpHttpServer, tokens: TokenStore, service: McpService): void {
  rpc.on(McpRotateTokenRequest, null, () => {
    tokens.rotate();
    ctx.log.info('MCP token rotated: the old token is refused from now on');
    return { file: tokens.file, sessions: server.sessions.size };
  });
  rpc.on(McpStatusRequest, null, () => service.status());
}
