// Agent identity and liveness. An agent is registered under a name (given, or generated from
// its client key so a reconnecting client keeps its name), heartbeats keep it active, and an
// agent silent past the policy's threshold is inactive; its reservations then lapse with their
// TTLs and may be force-released.
import { type Agent, type AgentRegisterResult, type CoordinationEvent, CoordinationStreams } from '../../../shared/coordination';
import type { agentRegisterParamsSchema } from '../../../shared/coordinationSchemas';
import { ApiaryError } from '../../../shared/errors';
import type { z } from 'zod';
import type { Decision } from './decision';
import { generateAgentName } from './names';
import { type CoordinationPolicy, duration, iso, toMs } from './policy';

/** An agent as the host keeps it: the public view plus the key that identifies its client. */
export interface AgentRecord extends Agent {
  clientKey: string | null;
  /** An agent.inactive was recorded and no heartbeat since (what the sweep needs; `active` is computed from lastSeen). */
  inactiveRecorded: boolean;
}

export type AgentRegisterInput = z.output<typeof agentRegisterParamsSchema>;

export function findAgent(agents: readonly AgentRecord[], name: string): AgentRecord | undefined {
  const key = name.toLowerCase();
  return agents.find((a) => a.name.toLowerCase() === key);
}

/** Active: heard from within the policy's threshold. */
export function isAgentActive(agent: Pick<Agent, 'lastSeen'>, now: number, policy: Pick<CoordinationPolicy, 'inactiveAfterMs'>): boolean {
  return now - toMs(agent.lastSeen) <= policy.inactiveAfterMs;
}

/** The agent, or a not_found refusal that tells the caller how to become one. */
export function requireAgent(agents: readonly AgentRecord[], name: string, role = 'agent'): AgentRecord {
  const agent = findAgent(agents, name);
  if (!agent) {
    throw new ApiaryError(
      'not_found',
      `No ${role} named ${name}`,
      'Register first (apiary agent register, or the agent_register MCP tool), then use the name it returns.',
      { agent: name },
    );
  }
  return agent;
}

export function publicAgent(record: AgentRecord): Agent {
  const { clientKey: _clientKey, inactiveRecorded: _inactiveRecorded, ...agent } = record;
  return agent;
}

export function decideRegister(
  agents: readonly AgentRecord[],
  request: AgentRegisterInput,
  ctx: { now: number; policy: Pick<CoordinationPolicy, 'inactiveAfterMs'> },
): Decision<AgentRegisterResult> {
  const clientKey = request.clientKey ?? null;
  let name: string;
  let existing: AgentRecord | undefined;
  if (request.name !== undefined) {
    existing = findAgent(agents, request.name);
    if (
      existing &&
      isAgentActive(existing, ctx.now, ctx.policy) &&
      existing.clientKey !== null &&
      clientKey !== null &&
      existing.clientKey !== clientKey
    ) {
      throw new ApiaryError(
        'conflict',
        `The name ${existing.name} belongs to another active agent`,
        'Pick another name, or omit the name to get a generated one.',
        { agent: existing.name, lastSeen: existing.lastSeen },
      );
    }
    name = existing?.name ?? request.name;
  } else {
    // The schema guarantees a clientKey when no name is given.
    const key = clientKey as string;
    existing = agents.find((a) => a.clientKey === key);
    name = existing?.name ?? generateAgentName(key, agents.map((a) => a.name));
  }
  const reconnected = existing !== undefined && existing.clientKey !== null && existing.clientKey === clientKey;
  const at = iso(ctx.now);
  const event: CoordinationEvent<'agent.registered'> = {
    stream: CoordinationStreams.agents,
    type: 'agent.registered',
    data: {
      name,
      kind: request.kind,
      program: request.program ?? null,
      model: request.model ?? null,
      clientKey: clientKey ?? existing?.clientKey ?? null,
      at,
      reconnected,
    },
  };
  const agent: Agent = {
    name,
    kind: request.kind,
    program: request.program ?? null,
    model: request.model ?? null,
    registeredAt: existing?.registeredAt ?? at,
    lastSeen: at,
    active: true,
  };
  return { events: [event], result: { agent, reconnected } };
}

/**
 * A heartbeat keeps the agent active. It is written to the log only when the last recorded
 * one is older than policy.heartbeatRecordMs (or the agent was inactive), so a chatty client
 * does not flood the log; liveness thresholds are minutes, so nothing is lost.
 */
export function decideHeartbeat(
  agents: readonly AgentRecord[],
  name: string,
  ctx: { now: number; policy: Pick<CoordinationPolicy, 'inactiveAfterMs' | 'heartbeatRecordMs'> },
): Decision<{ agent: Agent }> {
  const record = requireAgent(agents, name);
  const stale = ctx.now - toMs(record.lastSeen) >= ctx.policy.heartbeatRecordMs;
  const events: CoordinationEvent[] =
    stale || !record.active || record.inactiveRecorded
      ? [{ stream: CoordinationStreams.agents, type: 'agent.heartbeat', data: { name: record.name, at: iso(ctx.now) } }]
      : [];
  const lastSeen = events.length > 0 ? iso(ctx.now) : record.lastSeen;
  return { events, result: { agent: { ...publicAgent(record), lastSeen, active: true } } };
}

/** agent.inactive for every agent silent past the threshold and not yet recorded as inactive. */
export function sweepAgents(
  agents: readonly AgentRecord[],
  ctx: { now: number; policy: Pick<CoordinationPolicy, 'inactiveAfterMs'> },
): CoordinationEvent[] {
  return agents
    .filter((a) => !a.inactiveRecorded && !isAgentActive(a, ctx.now, ctx.policy))
    .map((a) => ({
      stream: CoordinationStreams.agents,
      type: 'agent.inactive' as const,
      data: { name: a.name, lastSeen: a.lastSeen, at: iso(ctx.now) },
    }));
}

/** "BlueLake was last seen 3 min ago": for refusals and tooltips. */
export function lastSeenPhrase(agent: Pick<Agent, 'name' | 'lastSeen'>, now: number): string {
  return `${agent.name} was last seen ${duration(now - toMs(agent.lastSeen))} ago`;
}
