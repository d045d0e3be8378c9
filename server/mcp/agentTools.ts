// agent_register · agent_whoami: who this MCP session acts as. Every other tool call is
// attributed to that agent (claims, reservations, mail), so a model may want to pick its name.
import { z } from 'zod';
import { ApiaryError } from '../../shared/errors';
import { agentNameSchema } from '../../shared/coordinationSchemas';
import type { McpSession } from './session';
import { defineTool, type McpTool } from './tool';

export function agentTools(session: (id: string) => McpSession | undefined): McpTool[] {
  const mine = (id: string): McpSession => {
    const s = session(id);
    if (!s) throw new ApiaryError('not_found', `MCP session ${id} is gone`, 'Reconnect and try again.');
    return s;
  };
  return [
    defineTool({
      name: 'agent_register',
      description:
        'Set the name this session acts under (claims, file reservations and mail are attributed to it). Optional: every session already has a generated name. Omit name to keep or get the generated one.',
      input: z.strictObject({
        name: agentNameSchema.optional().describe('Wanted name, e.g. "BlueLake"; refused if another live agent has it'),
        program: z.string().min(1).max(100).optional().describe('The program driving you, e.g. "claude-code"'),
        model: z.string().min(1).max(100).optional().describe('Your model, e.g. "claude-sonnet-4"'),
      }),
      profile: 'core',
      annotations: { idempotentHint: true, destructiveHint: false, openWorldHint: false },
      async handler(args, call) {
        const { result } = await mine(call.sessionId).rebind(args);
        return { agent: result.agent, reconnected: result.reconnected };
      },
    }),
    defineTool({
      name: 'agent_whoami',
      description: 'Which agent this session acts as, which client it is, and which tool profile it sees.',
      input: z.strictObject({}),
      profile: 'core',
      annotations: { readOnlyHint: true, openWorldHint: false },
      async handler(_args, call) {
        const s = mine(call.sessionId);
        return { agent: call.agent, client: s.client(), session: call.sessionId, tools: s.profile };
      },
    }),
  ];
}
