// The port through which the MCP server registers the agents its sessions act as. The
// coordination feature owns the agent registry and provides it as the `agentDirectory` service.
import type { AgentRegisterResult } from '../../../shared/coordination';

export interface AgentRegistration {
  /** Wanted name; absent: a readable one derived from clientKey (the same key gets it back). */
  name?: string;
  kind: 'mcp-client';
  /** Program driving the agent (`claude-code`, `cursor`, …). */
  program?: string;
  model?: string;
  /** Stable per client, so a reconnecting client keeps its name. */
  clientKey: string;
}

export interface AgentDirectory {
  /** Registers (or re-registers) an agent; refuses a name another live agent holds (ApiaryError `conflict`). */
  register(req: AgentRegistration): Promise<AgentRegisterResult>;
  /** The agent is still here: called on every tool call (implementations throttle what they record). */
  heartbeat(name: string): Promise<void>;
}
