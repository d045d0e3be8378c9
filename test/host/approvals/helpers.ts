import fs from 'node:fs';
import path from 'node:path';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { Host } from '../../../server/host/host';
import { hostFeatures } from '../../../server/main';
import { connect as connectRpc, type Client, tempWorkspace } from '../../support/host';
import { connect as connectMcp } from '../mcp/helpers';

export interface ApprovalHost {
  host: Host;
  workspace: string;
  rpc(name?: string): Promise<Client>;
  mcp(name?: string): Promise<McpClient>;
  stop(): Promise<void>;
}

/** A host in this process (every production feature) on `workspace`, with RPC and MCP clients. */
export async function startApprovalHost(opts: { workspace?: string; config?: unknown } = {}): Promise<ApprovalHost> {
  const workspace = opts.workspace ?? tempWorkspace();
  if (opts.config !== undefined) {
    fs.mkdirSync(path.join(workspace, '.apiary'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.apiary', 'config.json'), JSON.stringify(opts.config));
  }
  const host = await Host.start({ workspace, features: hostFeatures(), sink: () => {}, logLevel: 'warn' });
  const rpcs: Client[] = [];
  const mcps: McpClient[] = [];
  return {
    host,
    workspace,
    async rpc(name = 'test') {
      const c = await connectRpc(host.info().socket, name);
      rpcs.push(c);
      return c;
    },
    async mcp(name = 'agent-one') {
      const url = host.info().mcp?.url;
      if (!url) throw new Error('no MCP endpoint');
      const token = fs.readFileSync(path.join(workspace, '.apiary', 'token'), 'utf8').trim();
      const c = await connectMcp(url, token, name);
      mcps.push(c);
      return c;
    },
    async stop() {
      for (const c of mcps.splice(0)) await c.close().catch(() => {});
      for (const c of rpcs.splice(0)) c.conn.dispose();
      await host.stop();
    },
  };
}

/** Polls an async check until it gives a value. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
