// The coordination service: agents, file reservations and mail, as the host runs them. Each
// operation reads the read model, asks the pure core for a decision and appends its events
// through the DecisionWriter (atomic, expected versions, re-decided on a lost race). Acting
// agents count as heard from: their actions carry a heartbeat when one is due.
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import {
  type Agent,
  type AgentRegisterResult,
  type CheckResult,
  type CoordinationEvent,
  type GuardResult,
  HUMAN_AGENT_NAME,
  type InboxEntry,
  type MailMessage,
  type Reservation,
  type ReservationRef,
  type ReserveResult,
} from '../../shared/coordination';
import type {
  agentRegisterParamsSchema,
  lockCheckParamsSchema,
  lockGuardParamsSchema,
  lockListParamsSchema,
  lockOverrideParamsSchema,
  mailAckParamsSchema,
  mailInboxParamsSchema,
  mailReadParamsSchema,
  mailThreadParamsSchema,
} from '../../shared/coordinationSchemas';
import { ApiaryError } from '../../shared/errors';
import type { Store } from '../store/store';
import {
  type AgentRecord,
  decideHeartbeat,
  decideRegister,
  findAgent,
  publicAgent,
  requireAgent,
  sweepAgents,
} from './core/agents';
import { checkPaths, decideGuard, decideOverride } from './core/check';
import type { Decision } from './core/decision';
import { decideForceRelease, type LockForceReleaseInput } from './core/forceRelease';
import { normalizePath } from './core/glob/syntax';
import { decideAck, decideRead, decideSend, type MailSendInput } from './core/mail';
import type { CoordinationPolicy } from './core/policy';
import { ReservationIndex } from './core/reservationIndex';
import {
  decideRelease,
  decideRenew,
  decideReserve,
  type LockReleaseInput,
  type LockRenewInput,
  type LockReserveInput,
  releaseForCell,
  sweepExpired,
} from './core/reservations';
import * as q from './queries';
import { DecisionWriter } from './writer';

export type AgentRegisterInput = z.output<typeof agentRegisterParamsSchema>;

export interface CoordinationServiceOptions {
  store: Store;
  now(): number;
  /**
   * The workspace's policy, read fresh for every decision (mode can change without a restart);
   * hot reads may accept one checked up to `maxAgeMs` ago.
   */
  policy(maxAgeMs?: number): CoordinationPolicy;
  /** Workspace files for globs too general to compare structurally. */
  files?(): readonly string[];
  newId?(): string;
}

/** How stale a policy lock_check may use: the config file is stat'ed at most this often for reads. */
const READ_POLICY_MAX_AGE_MS = 1000;

/** Short random ids people can type: `mail read 3f9a0c2b1d`. */
export function shortId(): string {
  return randomBytes(5).toString('hex');
}

export class CoordinationService {
  readonly writer: DecisionWriter;
  private index: ReservationIndex | null = null;
  private indexNocase = false;
  private names: { head: number; byKey: Map<string, string> } | null = null;
  private readonly off: () => void;
  private readonly newId: () => string;

  constructor(private readonly opts: CoordinationServiceOptions) {
    this.writer = new DecisionWriter(opts.store);
    this.newId = opts.newId ?? shortId;
    this.off = opts.store.events.onCommitted((events) => {
      if (events.some((e) => e.type.startsWith('lock.'))) this.index = null;
    });
  }

  dispose(): void {
    this.off();
    this.writer.dispose();
  }

  private get db() {
    return this.opts.store.db;
  }

  private now(): number {
    return this.opts.now();
  }

  // ── agents ────────────────────────────────────────────────────────────────────────────────

  agentRecords(): AgentRecord[] {
    return q.listAgents(this.db, this.now(), { policy: this.opts.policy() });
  }

  agents(includeInactive = true): Agent[] {
    const list = this.agentRecords().map(publicAgent);
    return includeInactive ? list : list.filter((a) => a.active);
  }

  /** The agent's registered spelling, or a not_found refusal telling how to register. */
  canonicalName(name: string): string {
    return requireAgent(this.agentRecords(), name).name;
  }

  /** Registers (or re-registers) an agent; the MCP server's agent directory calls this too. */
  async register(req: AgentRegisterInput): Promise<AgentRegisterResult> {
    if (req.name === undefined && req.clientKey === undefined) {
      throw new ApiaryError('invalid_params', 'give a name or a clientKey (the name is generated from it)');
    }
    return this.writer.commit(() => decideRegister(this.agentRecords(), req, { now: this.now(), policy: this.opts.policy() }), req.name ?? 'host');
  }

  /** Registers `name` unless it is known already (the human at start-up). */
  async ensureAgent(name: string, kind: AgentRegisterInput['kind']): Promise<void> {
    if (findAgent(this.agentRecords(), name)) return;
    await this.register({ name, kind });
  }

  /** The agent is still here; recorded at most once per heartbeat interval. Unknown names are ignored. */
  async heartbeat(name: string): Promise<void> {
    if (!findAgent(this.agentRecords(), name)) return;
    await this.beat(name);
  }

  /** The heartbeat request: refuses unknown agents. */
  beat(name: string): Promise<{ agent: Agent }> {
    return this.writer.commit(() => decideHeartbeat(this.agentRecords(), name, { now: this.now(), policy: this.opts.policy() }), name);
  }

  /** The decision plus the acting agent's heartbeat, when one is due. */
  private acting<R>(name: string, decide: (agents: AgentRecord[]) => Decision<R>): Decision<R> {
    const agents = this.agentRecords();
    const decision = decide(agents);
    const beat = findAgent(agents, name) ? decideHeartbeat(agents, name, { now: this.now(), policy: this.opts.policy() }).events : [];
    return { events: [...decision.events, ...beat], result: decision.result };
  }

  // ── reservations ──────────────────────────────────────────────────────────────────────────

  /** The path index over open reservations, rebuilt after lock events. */
  reservationIndex(policyMaxAgeMs = 0): ReservationIndex {
    const nocase = this.opts.policy(policyMaxAgeMs).nocase;
    if (!this.index || this.indexNocase !== nocase) {
      this.index = ReservationIndex.build(q.openReservations(this.db), { nocase });
      this.indexNocase = nocase;
    }
    return this.index;
  }

  reserve(req: LockReserveInput): Promise<ReserveResult> {
    return this.writer.commit(
      () =>
        this.acting(req.agent, (agents) => {
          const policy = this.opts.policy();
          return decideReserve({ reservations: q.openReservations(this.db), agents }, req, {
            now: this.now(),
            lockMode: policy.lockMode,
            newId: this.newId,
            nocase: policy.nocase,
            files: this.opts.files?.() ?? [],
          });
        }),
      req.agent,
    );
  }

  renew(req: LockRenewInput): Promise<{ renewed: Reservation[] }> {
    return this.writer.commit(
      () => this.acting(req.agent, (agents) => decideRenew({ reservations: q.openReservations(this.db), agents }, req, { now: this.now() })),
      req.agent,
    );
  }

  release(req: LockReleaseInput): Promise<{ released: Reservation[] }> {
    return this.writer.commit(
      () => this.acting(req.agent, (agents) => decideRelease({ reservations: q.openReservations(this.db), agents }, req, { now: this.now() })),
      req.agent,
    );
  }

  list(params: z.output<typeof lockListParamsSchema>): { reservations: Reservation[] } {
    const now = this.now();
    const holder = params.holder === undefined ? undefined : (findAgent(this.agentRecords(), params.holder)?.name ?? params.holder);
    let reservations = q.activeReservations(this.db, now, holder === undefined ? {} : { holder });
    if (params.path !== undefined) {
      const covering = new Set(this.reservationIndex().covering(normalizePath(params.path), now).map((r) => r.id));
      reservations = reservations.filter((r) => covering.has(r.id));
    }
    return { reservations };
  }

  /**
   * lock_check is the hottest read MCP clients make: the agent's spelling comes from a name map
   * kept until the next commit, and the case rule from a policy at most a second old.
   */
  check(params: z.output<typeof lockCheckParamsSchema>): CheckResult {
    const agent = params.agent === undefined ? undefined : (this.agentNames().get(params.agent.toLowerCase()) ?? params.agent);
    return checkPaths(this.reservationIndex(READ_POLICY_MAX_AGE_MS), params.paths, { ...(agent !== undefined ? { agent } : {}), now: this.now() });
  }

  /** Registered spelling by lower-cased name, as of the store's head. */
  private agentNames(): Map<string, string> {
    const head = this.opts.store.head;
    if (this.names?.head !== head) {
      this.names = { head, byKey: new Map(q.listAgents(this.db, this.now()).map((a) => [a.name.toLowerCase(), a.name])) };
    }
    return this.names.byKey;
  }

  forceRelease(req: LockForceReleaseInput): Promise<{ released: Reservation }> {
    return this.writer.commit(
      () =>
        this.acting(req.agent, (agents) =>
          decideForceRelease({ reservations: q.openReservations(this.db), agents }, req, {
            now: this.now(),
            newId: this.newId,
            policy: this.opts.policy(),
          }),
        ),
      req.agent,
    );
  }

  override(req: z.output<typeof lockOverrideParamsSchema>): Promise<{ overridden: ReservationRef[] }> {
    return this.writer.commit(
      () =>
        this.acting(req.agent, (agents) => {
          const by = requireAgent(agents, req.agent).name;
          return decideOverride(this.reservationIndex(), { ...req, agent: by }, { now: this.now(), newId: this.newId });
        }),
      req.agent,
    );
  }

  guard(req: z.output<typeof lockGuardParamsSchema>): Promise<GuardResult> {
    const agent = findAgent(this.agentRecords(), req.agent ?? HUMAN_AGENT_NAME)?.name ?? req.agent ?? HUMAN_AGENT_NAME;
    return this.writer.commit(() => decideGuard(this.reservationIndex(), { agent, paths: req.paths, bypass: req.bypass }, { now: this.now() }), agent);
  }

  /** A cell closed: its reservations are released. Returns how many. */
  async releaseCell(cell: string): Promise<number> {
    let released = 0;
    await this.writer.append(() => {
      const events = releaseForCell(q.reservationsForCell(this.db, cell), cell, this.now());
      released = events.reduce((n, e) => n + (e.type === 'lock.released' ? (e.data as { ids: string[] }).ids.length : 0), 0);
      return events;
    }, 'host');
    return released;
  }

  // ── mail ──────────────────────────────────────────────────────────────────────────────────

  send(req: MailSendInput): Promise<{ message: MailMessage }> {
    return this.writer.commit(
      () =>
        this.acting(req.from, (agents) => {
          const from = findAgent(agents, req.from)?.name ?? req.from;
          const replyTo = req.replyTo === undefined ? null : q.messageById(this.db, req.replyTo);
          const earlier = req.idempotencyKey === undefined ? null : q.messageByKey(this.db, from, req.idempotencyKey);
          return decideSend({ agents, replyTo, earlier }, req, { now: this.now(), newId: this.newId });
        }),
      req.from,
    );
  }

  inbox(params: z.output<typeof mailInboxParamsSchema>): { entries: InboxEntry[]; unread: number } {
    const agent = this.canonicalName(params.agent);
    return q.inbox(this.db, agent, {
      unreadOnly: params.unreadOnly,
      includeAcked: params.includeAcked,
      limit: params.limit,
      ...(params.thread !== undefined ? { thread: params.thread } : {}),
    });
  }

  read(params: z.output<typeof mailReadParamsSchema>): Promise<{ entries: InboxEntry[] }> {
    return this.writer.commit(
      () =>
        this.acting(params.agent, (agents) => {
          const agent = requireAgent(agents, params.agent).name;
          const entries = params.ids === undefined ? q.unreadEntries(this.db, agent, params.limit) : q.inboxEntries(this.db, agent, params.ids);
          return decideRead(agent, params.ids, entries, { now: this.now() });
        }),
      params.agent,
    );
  }

  ack(params: z.output<typeof mailAckParamsSchema>): Promise<{ entry: InboxEntry; alreadyAcked: boolean }> {
    return this.writer.commit(
      () =>
        this.acting(params.agent, (agents) => {
          const agent = requireAgent(agents, params.agent).name;
          return decideAck(agent, params.id, q.inboxEntries(this.db, agent, [params.id])[0] ?? null, { now: this.now() });
        }),
      params.agent,
    );
  }

  thread(params: z.output<typeof mailThreadParamsSchema>): { thread: string; messages: MailMessage[] } {
    const agent = params.agent === undefined ? undefined : this.canonicalName(params.agent);
    const messages = q.thread(this.db, params.thread, agent);
    if (messages.length === 0) {
      throw new ApiaryError('not_found', `No thread ${params.thread}${agent ? ` with messages to or from ${agent}` : ''}`, 'Use a thread id from mail inbox.', {
        thread: params.thread,
      });
    }
    return { thread: params.thread, messages };
  }

  // ── upkeep ────────────────────────────────────────────────────────────────────────────────

  /** Records expired reservations and silent agents; `present` agents (attached clients) get a heartbeat. */
  async sweep(present: readonly string[] = []): Promise<{ expired: number; inactive: number }> {
    for (const name of new Set(present)) await this.heartbeat(name);
    let expired = 0;
    let inactive = 0;
    await this.writer.append(() => {
      const now = this.now();
      const lockEvents = sweepExpired(q.openReservations(this.db), now);
      const agentEvents = sweepAgents(this.agentRecords(), { now, policy: this.opts.policy() });
      expired = lockEvents.reduce((n, e) => n + (e.data as { reservations: unknown[] }).reservations.length, 0);
      inactive = agentEvents.length;
      return [...lockEvents, ...agentEvents] satisfies CoordinationEvent[];
    }, 'host');
    return { expired, inactive };
  }

  counts(): { activeAgents: number; activeLocks: number } {
    return q.coordinationCounts(this.db, this.now(), this.opts.policy());
  }
}
