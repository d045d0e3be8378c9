// The host's own agent directory, used until the coordination feature supplies its registry:
// agents are `agent.registered` / `agent.heartbeat` events in the `agents` stream, in exactly
// the shape coordination's read model folds, so nothing written here has to be migrated.
import { ApiaryError } from '../../../shared/errors';
import type { EventEnvelope } from '../../../shared/events';
import { CoordinationEventTypes, CoordinationStreams, type Agent, type AgentRegisterResult, type CoordinationEventData } from '../../../shared/coordination';
import { agentNameSchema } from '../../../shared/coordinationSchemas';
import type { Store } from '../../store/store';
import type { AgentDirectory, AgentRegistration } from './directory';
import { generateName } from './names';

export interface EventDirectoryOptions {
  /** Record at most one heartbeat per agent this often (every call still updates last-seen). */
  heartbeatEveryMs?: number;
  /** A name whose holder was seen this recently is not handed to another client. */
  liveForMs?: number;
}

interface Known {
  agent: Agent;
  clientKey: string | null;
  recordedHeartbeatAt: number;
}

const T = CoordinationEventTypes;

export class EventAgentDirectory implements AgentDirectory {
  private readonly agents = new Map<string, Known>();
  private loaded = false;
  private unsubscribe: (() => void) | null = null;
  private readonly heartbeatEveryMs: number;
  private readonly liveForMs: number;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    opts: EventDirectoryOptions = {},
  ) {
    this.heartbeatEveryMs = opts.heartbeatEveryMs ?? 30_000;
    this.liveForMs = opts.liveForMs ?? 5 * 60_000;
  }

  async register(req: AgentRegistration): Promise<AgentRegisterResult> {
    this.load();
    const at = new Date(this.now()).toISOString();
    let name: string;
    let reconnected: boolean;
    if (req.name !== undefined) {
      const parsed = agentNameSchema.safeParse(req.name);
      if (!parsed.success) {
        throw new ApiaryError('invalid_params', `invalid agent name ${JSON.stringify(req.name)}: ${parsed.error.issues[0]?.message ?? 'not a name'}`, 'Use a letter, then letters, digits, _ or - (at most 40), e.g. "BlueLake".');
      }
      const holder = this.agents.get(req.name.toLowerCase());
      if (holder && holder.clientKey !== req.clientKey && this.isLive(holder)) {
        throw new ApiaryError(
          'conflict',
          `the name ${holder.agent.name} belongs to another agent (${holder.agent.program ?? holder.agent.kind}, last seen ${holder.agent.lastSeen})`,
          'Pick another name, or leave it out to get a generated one.',
          { name: holder.agent.name, program: holder.agent.program, lastSeen: holder.agent.lastSeen },
        );
      }
      name = req.name;
      reconnected = holder !== undefined && holder.clientKey === req.clientKey;
    } else {
      const mine = this.latestFor(req.clientKey);
      reconnected = mine !== undefined;
      name = mine?.agent.name ?? generateName(req.clientKey, (n) => this.agents.has(n.toLowerCase()));
    }
    const data: CoordinationEventData['agent.registered'] = {
      name,
      kind: req.kind,
      program: req.program ?? null,
      model: req.model ?? null,
      clientKey: req.clientKey,
      at,
      reconnected,
    };
    // Folded before the append resolves so a concurrent registration already sees the name.
    this.fold({ type: T.agentRegistered, data } as EventEnvelope);
    try {
      await this.store.events.append(CoordinationStreams.agents, [{ type: T.agentRegistered, data }], 'any', { actor: name });
    } catch (err) {
      this.reset();
      throw err;
    }
    return { agent: { ...this.agents.get(name.toLowerCase())!.agent }, reconnected };
  }

  async heartbeat(name: string): Promise<void> {
    this.load();
    const known = this.agents.get(name.toLowerCase());
    if (!known) return;
    const now = this.now();
    known.agent.lastSeen = new Date(now).toISOString();
    known.agent.active = true;
    if (now - known.recordedHeartbeatAt < this.heartbeatEveryMs) return;
    known.recordedHeartbeatAt = now;
    const data: CoordinationEventData['agent.heartbeat'] = { name: known.agent.name, at: known.agent.lastSeen };
    await this.store.events.append(CoordinationStreams.agents, [{ type: T.agentHeartbeat, data }], 'any', { actor: known.agent.name });
  }

  /** Every agent known, for tests and diagnostics. */
  list(): Agent[] {
    this.load();
    return [...this.agents.values()].map((k) => ({ ...k.agent }));
  }

  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Folds the `agents` stream once, then follows new commits (the read and the subscription are
   *  both synchronous, so no commit falls between them). */
  private load(): void {
    if (this.loaded) return;
    for (const e of this.store.events.read({ stream: CoordinationStreams.agents })) this.fold(e);
    this.unsubscribe = this.store.events.onCommitted((events) => {
      for (const e of events) if (e.stream === CoordinationStreams.agents) this.fold(e);
    });
    this.loaded = true;
  }

  private reset(): void {
    this.dispose();
    this.agents.clear();
    this.loaded = false;
  }

  private fold(e: Pick<EventEnvelope, 'type' | 'data'>): void {
    if (e.type === T.agentRegistered) {
      const d = e.data as CoordinationEventData['agent.registered'];
      const prev = this.agents.get(d.name.toLowerCase());
      const keep = prev && prev.clientKey === d.clientKey;
      this.agents.set(d.name.toLowerCase(), {
        agent: {
          name: d.name,
          kind: d.kind,
          program: d.program,
          model: d.model,
          registeredAt: keep ? prev.agent.registeredAt : d.at,
          lastSeen: d.at,
          active: true,
        },
        clientKey: d.clientKey,
        recordedHeartbeatAt: Date.parse(d.at),
      });
    } else if (e.type === T.agentHeartbeat) {
      const d = e.data as CoordinationEventData['agent.heartbeat'];
      const known = this.agents.get(d.name.toLowerCase());
      if (known && d.at >= known.agent.lastSeen) {
        known.agent.lastSeen = d.at;
        known.agent.active = true;
        known.recordedHeartbeatAt = Math.max(known.recordedHeartbeatAt, Date.parse(d.at));
      }
    } else if (e.type === T.agentInactive) {
      const d = e.data as CoordinationEventData['agent.inactive'];
      const known = this.agents.get(d.name.toLowerCase());
      if (known) known.agent.active = false;
    }
  }

  private latestFor(clientKey: string): Known | undefined {
    let best: Known | undefined;
    for (const k of this.agents.values()) {
      if (k.clientKey === clientKey && (!best || k.agent.lastSeen > best.agent.lastSeen)) best = k;
    }
    return best;
  }

  private isLive(k: Known): boolean {
    return k.agent.active && this.now() - Date.parse(k.agent.lastSeen) < this.liveForMs;
  }
}
