// Host requests about the MCP endpoint (the CLI's `apiary mcp-token`, diagnostics). They sit
// beside the MCP server rather than in shared/ because only server-side clients send them; the
// extension reads the endpoint from HostInfo.mcp and the token from .apiary/token.
import { RequestType0 } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from '../../shared/errors';
import type { AgentIdentity, ToolProfile } from './tool';

export interface RotateTokenResult {
  /** Where the new token was written. */
  file: string;
  /** Sessions that stay open: each must present the new token on its next request. */
  sessions: number;
}

export interface McpSessionInfo {
  id: string;
  agent: AgentIdentity | null;
  client: { name: string; version: string } | null;
  tools: ToolProfile;
  since: string;
  subscriptions: string[];
}

export interface McpStatus {
  url: string;
  tools: ToolProfile;
  sessions: McpSessionInfo[];
}

export const McpRotateTokenRequest = new RequestType0<RotateTokenResult, ApiaryErrorData>('apiary/mcp/rotateToken');
export const McpStatusRequest = new RequestType0<McpStatus, ApiaryErrorData>('apiary/mcp/status');
