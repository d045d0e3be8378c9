// Coordination as a host feature: the read model, the service (provided to other features as
// `coordination`), a request handler per declared request, push notifications after commits,
// periodic sweeps (expired reservations, silent agents), releasing a cell's reservations when
// the cell closes, and deferred promises over the store's primitive.
import {
  AgentHeartbeatRequest,
  AgentListRequest,
  AgentRegisterRequest,
  AgentsChangedNotification,
  CoordinationStreams,
  DeferredCreateRequest,
  DeferredGetRequest,
  DeferredRejectRequest,
  DeferredResolveRequest,
  DeferredWaitRequest,
  HUMAN_AGENT_NAME,
  LockCheckRequest,
  LockForceReleaseRequest,
  LockGuardRequest,
  LockListRequest,
  LockOverrideRequest,
  LockReleaseRequest,
  LockRenewRequest,
  LockReserveRequest,
  MailAckRequest,
  MailArrivedNotification,
  MailInboxRequest,
  MailReadRequest,
  MailSendRequest,
  MailThreadRequest,
  ReservationsChangedNotification,
  type CoordinationEventData,
} from '../../shared/coordination';
import {
  agentHeartbeatParamsSchema,
  agentListParamsSchema,
  agentRegisterParamsSchema,
  deferredCreateParamsSchema,
  deferredGetParamsSchema,
  deferredRejectParamsSchema,
  deferredResolveParamsSchema,
  deferredWaitParamsSchema,
  lockCheckParamsSchema,
  lockForceReleaseParamsSchema,
  lockGuardParamsSchema,
  lockListParamsSchema,
  lockOverrideParamsSchema,
  lockReleaseParamsSchema,
  lockRenewParamsSchema,
  lockReserveParamsSchema,
  mailAckParamsSchema,
  mailInboxParamsSchema,
  mailReadParamsSchema,
  mailSendParamsSchema,
  mailThreadParamsSchema,
} from '../../shared/coordinationSchemas';
import type { NotificationType } from 'vscode-jsonrpc';
import { ApiaryError } from '../../shared/errors';
import type { EventEnvelope } from '../../shared/events';
import { HiveEvents } from '../../shared/hive';
import type { Feature, HostContext } from '../host/feature';
import type { Session } from '../host/session';
import type { RpcRegistry } from '../rpc/registry';
import { PolicySource } from './config';
import { coordinationProjection } from './projection';
import { CoordinationService } from './service';
import { coordinationTools } from './tools';
import { WorkspaceFiles, type WorkspaceFilesOptions } from './workspaceFiles';

declare module '../host/services' {
  interface ServiceMap {
    coordination: CoordinationService;
  }
}

export interface CoordinationFeatureOptions {
  /** How often expired reservations and silent agents are recorded (default 5 s). */
  sweepEveryMs?: number;
  files?: WorkspaceFilesOptions;
}

const NOTIFY_COALESCE_MS = 10;

/** Cell events after which the cell's reservations no longer serve anyone. */
const CELL_ENDED: ReadonlySet<string> = new Set([HiveEvents.cellClosed, HiveEvents.cellDeleted]);

export function coordinationFeature(opts: CoordinationFeatureOptions = {}): Feature {
  let service: CoordinationService | undefined;
  return {
    name: 'coordination',
    projections: [coordinationProjection],
    ownedStreamPrefixes: Object.values(CoordinationStreams),

    async start(ctx, rpc) {
      const policy = new PolicySource(ctx.paths.apiary, (m) => ctx.log.warn(m));
      const files = new WorkspaceFiles(ctx.paths.workspace, { now: () => ctx.now(), ...opts.files });
      const svc = new CoordinationService({ store: ctx.store, now: () => ctx.now(), policy: (maxAgeMs) => policy.get(maxAgeMs), files: () => files.current() });
      service = svc;
      ctx.services.provide('coordination', svc);
      // MCP sessions register as agents here (the MCP server starts after every other feature).
      ctx.services.provide('agentDirectory', svc);
      await svc.ensureAgent(HUMAN_AGENT_NAME, 'human');

      // Which attached client acts as which agent: their connection is their heartbeat.
      const bound = new Map<string, string>();
      const bind = (session: Session, name: string): void => {
        if (!bound.has(session.id)) session.conn.onClose(() => bound.delete(session.id));
        bound.set(session.id, name);
      };
      const present = (): string[] => ctx.sessions().flatMap((s) => bound.get(s.id) ?? []);

      serve(rpc, ctx, svc, bind, bound);
      const stopPush = pushChanges(ctx, svc);

      const sweep = (): void => {
        svc.sweep(present()).catch((err: unknown) => ctx.log.warn(`coordination sweep failed: ${err instanceof Error ? err.message : String(err)}`));
      };
      const timer = setInterval(sweep, opts.sweepEveryMs ?? 5_000);
      timer.unref();
      sweep();

      const stopCells = ctx.store.events.onCommitted((events) => {
        for (const e of events) {
          if (!CELL_ENDED.has(e.type)) continue;
          const cell = (e.data as { id?: unknown }).id;
          if (typeof cell !== 'string') continue;
          // After this commit has been applied everywhere: the writer waits for the read model.
          setImmediate(() => {
            svc
              .releaseCell(cell)
              .then((n) => n > 0 && ctx.log.info(`cell ${cell} ended: released ${n} reservation(s)`))
              .catch((err: unknown) => ctx.log.warn(`releasing the reservations of cell ${cell} failed: ${String(err)}`));
          });
        }
      });

      ctx.log.info(`coordination ready: lock mode ${policy.get().lockMode}, ${svc.counts().activeLocks} active reservation(s), ${svc.counts().activeAgents} active agent(s)`);
      return {
        dispose() {
          clearInterval(timer);
          stopCells();
          stopPush();
          svc.dispose();
          service = undefined;
        },
      };
    },

    tools: () => (service ? coordinationTools(service) : []),
  };
}

function serve(rpc: RpcRegistry, ctx: HostContext, svc: CoordinationService, bind: (s: Session, name: string) => void, bound: Map<string, string>): void {
  const actor = (session: Session): string => bound.get(session.id) ?? session.name;

  rpc.on(AgentRegisterRequest, agentRegisterParamsSchema, async (params, session) => {
    const result = await svc.register(params);
    bind(session, result.agent.name);
    return result;
  });
  rpc.on(AgentHeartbeatRequest, agentHeartbeatParamsSchema, (params) => svc.beat(params.agent));
  rpc.on(AgentListRequest, agentListParamsSchema, (params) => ({ agents: svc.agents(params.includeInactive) }));

  rpc.on(LockReserveRequest, lockReserveParamsSchema, (params) => svc.reserve(params));
  rpc.on(LockRenewRequest, lockRenewParamsSchema, (params) => svc.renew(params));
  rpc.on(LockReleaseRequest, lockReleaseParamsSchema, (params) => svc.release(params));
  rpc.on(LockListRequest, lockListParamsSchema, (params) => svc.list(params));
  rpc.on(LockCheckRequest, lockCheckParamsSchema, (params) => svc.check(params));
  rpc.on(LockForceReleaseRequest, lockForceReleaseParamsSchema, (params) => svc.forceRelease(params));
  rpc.on(LockOverrideRequest, lockOverrideParamsSchema, (params) => svc.override(params));
  rpc.on(LockGuardRequest, lockGuardParamsSchema, (params) => svc.guard(params));

  rpc.on(MailSendRequest, mailSendParamsSchema, (params) => svc.send(params));
  rpc.on(MailInboxRequest, mailInboxParamsSchema, (params) => svc.inbox(params));
  rpc.on(MailReadRequest, mailReadParamsSchema, (params) => svc.read(params));
  rpc.on(MailAckRequest, mailAckParamsSchema, (params) => svc.ack(params));
  rpc.on(MailThreadRequest, mailThreadParamsSchema, (params) => svc.thread(params));

  const found = (id: string) => {
    const d = ctx.deferreds.get(id);
    if (!d) throw new ApiaryError('not_found', `No deferred ${id}`, 'Create it first (apiary/deferred/create), or check the id.', { id });
    return d;
  };
  rpc.on(DeferredCreateRequest, deferredCreateParamsSchema, async (params, session) => ({
    deferred: await ctx.deferreds.create(
      {
        id: params.id,
        ...(params.data !== undefined ? { data: params.data } : {}),
        ...(params.timeoutMs !== undefined ? { timeoutMs: params.timeoutMs } : {}),
        ...(params.onTimeout !== undefined ? { onTimeout: params.onTimeout } : {}),
      },
      actor(session),
    ),
  }));
  rpc.on(DeferredResolveRequest, deferredResolveParamsSchema, async (params, session) => ({
    deferred: await ctx.deferreds.resolve(params.id, params.value ?? null, actor(session)),
  }));
  rpc.on(DeferredRejectRequest, deferredRejectParamsSchema, async (params, session) => ({
    deferred: await ctx.deferreds.reject(params.id, params.reason, actor(session)),
  }));
  rpc.on(DeferredGetRequest, deferredGetParamsSchema, (params) => ({ deferred: found(params.id) }));
  rpc.on(DeferredWaitRequest, deferredWaitParamsSchema, async (params) => {
    found(params.id);
    return { deferred: await ctx.deferreds.wait(params.id, params.timeoutMs) };
  });
}

/**
 * After commits: the full set of active reservations when locks changed, the agent list when
 * agents changed (coalesced over a few milliseconds), and each delivered message at once.
 */
function pushChanges(ctx: HostContext, svc: CoordinationService): () => void {
  let locks = false;
  let agents = false;
  let timer: NodeJS.Timeout | null = null;
  // A client that went away between the commit and the push must not stop the others' pushes.
  const push = <P>(type: NotificationType<P>, params: P): void => {
    try {
      ctx.broadcast(type, params);
    } catch (err) {
      ctx.log.debug(`coordination push not delivered: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const flush = (): void => {
    timer = null;
    const position = ctx.store.head;
    if (locks) push(ReservationsChangedNotification, { position, reservations: svc.list({}).reservations });
    if (agents) push(AgentsChangedNotification, { position, agents: svc.agents(true) });
    locks = false;
    agents = false;
  };
  const off = ctx.store.events.onCommitted((events: EventEnvelope[]) => {
    for (const e of events) {
      if (e.stream === CoordinationStreams.locks) locks = true;
      else if (e.stream === CoordinationStreams.agents) agents = true;
      else if (e.type === 'mail.sent') {
        const { message } = e.data as CoordinationEventData['mail.sent'];
        push(MailArrivedNotification, { position: e.position, message });
      }
    }
    if ((locks || agents) && !timer) timer = setTimeout(flush, NOTIFY_COALESCE_MS);
  });
  return () => {
    off();
    if (timer) clearTimeout(timer);
  };
}
