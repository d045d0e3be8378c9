// A real agent host (every feature of hostFeatures()) in this process on a temp workspace, with
// a clock tests can move forward (claims and reservations expiring, agents falling silent), and
// clients attached the way real ones are: JSON-RPC over the workspace socket, MCP over HTTP.
import fs from 'node:fs';
import path from 'node:path';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import type { EventEnvelope } from '../../../shared/events';
import { Host } from '../../../server/host/host';
import { hostFeatures } from '../../../server/main';
import { connect as connectRpc, tempWorkspace, type Client } from '../../support/host';
import { connect as connectMcp } from '../mcp/helpers';

export interface InProcessHost {
  host: Host;
  workspace: string;
  /** Milliseconds added to the real time on the host's clock. */
  clock: { offsetMs: number };
  logs: string[];
  /** A JSON-RPC client over the workspace socket (closed by stop). */
  client(name?: string): Promise<Client>;
  /** An MCP client with the workspace's token (closed by stop). */
  mcp(name?: string): Promise<McpClient>;
  /** Events in the log (in order), optionally of some types only. */
  events(...types: string[]): EventEnvelope[];
  stop(): Promise<void>;
}

export function writeConfig(workspace: string, config: unknown): void {
  fs.mkdirSync(path.join(workspace, '.apiary'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.apiary', 'config.json'), JSON.stringify(config));
}

export async function startInProcessHost(opts: { workspace?: string; config?: unknown } = {}): Promise<InProcessHost> {
  const workspace = opts.workspace ?? tempWorkspace();
  if (opts.config !== undefined) writeConfig(workspace, opts.config);
  const logs: string[] = [];
  const clock = { offsetMs: 0 };
  const host = await Host.start({ workspace, features: hostFeatures(), sink: (t) => logs.push(t), logLevel: 'debug', now: () => Date.now() + clock.offsetMs });
  const clients: Client[] = [];
  const mcps: McpClient[] = [];
  return {
    host,
    workspace,
    clock,
    logs,
    async client(name = 'test') {
      const c = await connectRpc(host.info().socket, name);
      clients.push(c);
      return c;
    },
    async mcp(name = 'agent-one') {
      const url = host.info().mcp?.url;
      if (!url) throw new Error('the host advertises no MCP endpoint');
      const token = fs.readFileSync(path.join(workspace, '.apiary', 'token'), 'utf8').trim();
      const c = await connectMcp(url, token, name);
      mcps.push(c);
      return c;
    },
    events: (...types) => host.store.events.read().filter((e) => types.length === 0 || types.includes(e.type)),
    async stop() {
      for (const c of mcps.splice(0)) await c.close().catch(() => {});
      for (const c of clients.splice(0)) c.conn.dispose();
      await host.stop();
    },
  };
}
