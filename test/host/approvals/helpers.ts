// The approvals specs' host: the shared in-process host, with JSON-RPC and MCP clients.
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import type { Host } from '../../../server/host/host';
import type { Client } from '../../support/host';
import { startInProcessHost } from '../support/inProcessHost';

export { eventually } from '../support/waiting';

export interface ApprovalHost {
  host: Host;
  workspace: string;
  rpc(name?: string): Promise<Client>;
  mcp(name?: string): Promise<McpClient>;
  stop(): Promise<void>;
}

/** A host in this process (every production feature) on `workspace`, with RPC and MCP clients. */
export async function startApprovalHost(opts: { workspace?: string; config?: unknown } = {}): Promise<ApprovalHost> {
  const h = await startInProcessHost(opts);
  return { host: h.host, workspace: h.workspace, rpc: h.client, mcp: h.mcp, stop: h.stop };
}
