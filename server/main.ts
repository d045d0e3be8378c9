// The host's JSON-RPC wiring: `runHost` serves every client on the workspace's socket, and
// `runRelay` is the process VS Code launches (vscode-languageserver over IPC): it answers the
// language-server handshake itself and relays every `apiary/*` message to the one shared host.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createConnection, ProposedFeatures, ResponseError, ErrorCodes } from 'vscode-languageserver/node';
import { HOST_METHOD_PREFIX, type LogLevel } from '../shared/protocol';
import { attach } from './host/attach';
import type { Feature } from './host/feature';
import { Host } from './host/host';
import { VERSION } from './host/version';
import { coreFeature } from './rpc/core';
import { eventsFeature } from './rpc/events';
import { coordinationFeature } from './coordination/feature';
import { hiveFeature } from './hive/feature';
import { llmFeature } from './llm/feature';
import { mcpFeature } from './mcp/feature';
import { approvalsFeature } from './approvals/feature';
import { memoryFeature } from './memory/feature';
import { learningFeature } from './learning/feature';
import { swarmFeature } from './swarm/feature';
import { primitiveProjections, type Projection, type ReplayWorkers } from './store';

/** Every capability the host runs, in start order (`extra`: more features, e.g. in tests; they start before MCP). */
export function hostFeatures(extra: Feature[] = []): Feature[] {
  const features: Feature[] = [coreFeature];
  const all = (): Feature[] => features;
  features.push(
    eventsFeature(
      () => all().flatMap((f) => f.projections ?? []),
      () => all().flatMap((f) => f.ownedStreamPrefixes ?? []),
    ),
  );
  features.push(llmFeature());
  features.push(hiveFeature());
  features.push(coordinationFeature());
  features.push(approvalsFeature());
  features.push(memoryFeature());
  features.push(learningFeature());
  features.push(swarmFeature());
  features.push(...extra);
  // Last: it gathers the tools and resources of every feature started before it.
  features.push(mcpFeature({ features: all }));
  return features;
}

/** The read models of a host running every feature: what its store replays. */
export function hostProjections(): Projection[] {
  return [...primitiveProjections, ...hostFeatures().flatMap((f) => f.projections ?? [])];
}

/** Replay workers run the worker bundle the build puts beside the host's (server/replayWorker.ts). */
export function hostReplayWorkers(script: string = path.join(__dirname, 'replay-worker.js')): ReplayWorkers {
  return { spawn: () => new Worker(script) };
}

export interface RunHostOptions {
  workspace: string;
  background: boolean;
  logLevel?: LogLevel;
  idleExitMs?: number;
}

export async function runHost(opts: RunHostOptions): Promise<Host> {
  const host = await Host.start({
    workspace: opts.workspace,
    features: hostFeatures(),
    replayWorkers: hostReplayWorkers(),
    logLevel: opts.logLevel,
    idleExitMs: opts.idleExitMs,
  });
  let exiting = false;
  const shutdown = (code: number): void => {
    if (exiting) return;
    exiting = true;
    host.stop().finally(() => process.exit(code));
  };
  host.onStopped = () => {
    if (!exiting) process.exit(0);
  };
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
  process.on('uncaughtException', (err) => {
    host.log.error(`uncaught: ${err.stack ?? err.message}`);
    shutdown(1);
  });
  return host;
}

export function runRelay(workspace: string): void {
  const conn = createConnection(ProposedFeatures.all);
  let hostConn: Awaited<ReturnType<typeof attach>>['conn'] | null = null;
  conn.onInitialize(async () => {
    const attached = await attach(workspace, {
      client: { name: 'VS Code relay', kind: 'vscode-window', version: VERSION },
      // Shown in the Apiary output channel while a host replays a large log.
      onStarting: (s) => conn.console.info(`Waiting for the agent host: replaying the log into its read models, ${Math.round(s.fraction * 100)}% (${s.events.toLocaleString('en-US')} events)`),
    });
    hostConn = attached.conn;
    hostConn.onNotification((method: string, params: unknown) => {
      void conn.sendNotification(method, params);
    });
    // The host went away: exit so the extension restarts us (and we restart the host).
    hostConn.onClose(() => process.exit(1));
    return { capabilities: {}, serverInfo: { name: 'apiary-relay', version: VERSION } };
  });
  conn.onRequest((method, params, token) => {
    if (!method.startsWith(HOST_METHOD_PREFIX) || !hostConn) {
      return new ResponseError(ErrorCodes.MethodNotFound, `unknown request ${method}`);
    }
    // A request without params must stay without: passing undefined would send `[null]`.
    return params === undefined ? hostConn.sendRequest(method, token) : hostConn.sendRequest(method, params, token);
  });
  conn.onNotification((method, params) => {
    if (method.startsWith(HOST_METHOD_PREFIX) && hostConn) void hostConn.sendNotification(method, params);
  });
  conn.listen();
}
