// agent register · agent list · agent heartbeat — and the identity every acting verb uses:
// `--agent NAME`, else $APIARY_AGENT, else the human ("you"). A name the host does not know yet
// is registered on first use (kind `cli`), so a script can start with `--agent BlueLake`.
import type { MessageConnection } from 'vscode-jsonrpc';
import { ResponseError } from 'vscode-jsonrpc';
import { type Agent, AgentHeartbeatRequest, AgentListRequest, AgentRegisterRequest, HUMAN_AGENT_NAME } from '../../../shared/coordination';
import { agentKindSchema, agentNameSchema, type AgentRegisterParams } from '../../../shared/coordinationSchemas';
import { isApiaryErrorData } from '../../../shared/errors';
import { GUARD_AGENT_ENV } from '../../coordination/core/guardHook';
import { type Common, parse } from '../args';
import { withHost } from '../client';
import { printResult, UsageError } from '../output';

/** Who this invocation acts as. */
export function agentOf(common: Common): string {
  const name = common.agent ?? process.env[GUARD_AGENT_ENV] ?? HUMAN_AGENT_NAME;
  const parsed = agentNameSchema.safeParse(name);
  if (!parsed.success) throw new UsageError(`--agent ${JSON.stringify(name)} is not an agent name (a letter, then letters, digits, _ or -)`);
  return name;
}

function isNotFound(err: unknown): boolean {
  return err instanceof ResponseError && isApiaryErrorData(err.data) && err.data.code === 'not_found';
}

/** Heartbeats the agent, registering it first when the host has never heard of it. */
export async function ensureAgent(conn: MessageConnection, name: string): Promise<Agent> {
  try {
    return (await conn.sendRequest(AgentHeartbeatRequest, { agent: name })).agent;
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const kind = name.toLowerCase() === HUMAN_AGENT_NAME ? 'human' : 'cli';
    return (await conn.sendRequest(AgentRegisterRequest, { name, kind, program: 'apiary-cli' })).agent;
  }
}

/** "3 min ago", "in 42 min": relative times for people. */
export function relative(isoTime: string, now = Date.now()): string {
  const ms = Date.parse(isoTime) - now;
  const s = Math.round(Math.abs(ms) / 1000);
  const text = s < 90 ? `${s} s` : s < 90 * 60 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

function agentLine(a: Agent): string {
  const what = [a.kind, a.program, a.model].filter((x) => x).join(', ');
  return `${a.active ? '●' : '○'} ${a.name.padEnd(16)} ${what.padEnd(36)} last seen ${relative(a.lastSeen)}`;
}

export async function agent(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, common } = parse(rest, {
    name: { type: 'string' },
    kind: { type: 'string' },
    program: { type: 'string' },
    model: { type: 'string' },
    'client-key': { type: 'string' },
    active: { type: 'boolean', default: false },
  });
  if (sub === 'register') {
    const kind = agentKindSchema.safeParse(values.kind ?? 'cli');
    if (!kind.success) throw new UsageError(`--kind must be one of ${agentKindSchema.options.join(', ')}`);
    const name = (values.name as string | undefined) ?? common.agent;
    const clientKey = values['client-key'] as string | undefined;
    if (name === undefined && clientKey === undefined) throw new UsageError('agent register needs --name NAME (or --client-key KEY for a generated name)');
    const params: AgentRegisterParams = { kind: kind.data };
    if (name !== undefined) params.name = name;
    if (clientKey !== undefined) params.clientKey = clientKey;
    if (typeof values.program === 'string') params.program = values.program;
    if (typeof values.model === 'string') params.model = values.model;
    const r = await withHost(common, (c) => c.sendRequest(AgentRegisterRequest, params));
    printResult(r, common.json, () => `${r.reconnected ? 'Welcome back' : 'Registered'}: ${r.agent.name} (${r.agent.kind})`);
    return 0;
  }
  if (sub === 'list') {
    const r = await withHost(common, (c) => c.sendRequest(AgentListRequest, { includeInactive: values.active !== true }));
    printResult(r, common.json, () => (r.agents.length ? r.agents.map(agentLine).join('\n') : 'No agents registered.'));
    return 0;
  }
  if (sub === 'heartbeat') {
    const name = agentOf(common);
    const r = await withHost(common, (c) => c.sendRequest(AgentHeartbeatRequest, { agent: name }));
    printResult(r, common.json, () => `${r.agent.name} is active.`);
    return 0;
  }
  throw new UsageError(sub ? `unknown agent subcommand ${sub}` : 'agent needs a subcommand: register | list | heartbeat');
}
