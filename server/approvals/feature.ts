// Approvals as a host feature: the read model, the service (provided as `approvals`), a request
// handler per declared request, `apiary/approval/changed` after every commit that touches a
// request, and the MCP tools approval_request / approval_status.
import {
  ApprovalDecideRequest,
  ApprovalGetRequest,
  ApprovalListRequest,
  ApprovalRecordOutcomeRequest,
  ApprovalRequestRequest,
  ApprovalSettingsRequest,
  ApprovalsChangedNotification,
  ApprovalStreams,
  ApprovalTrustRequest,
  ApprovalTrustResetRequest,
  ApprovalWaitRequest,
  DEFERRED_PREFIX,
} from '../../shared/approvals';
import {
  approvalDecideParamsSchema,
  approvalIdParamsSchema,
  approvalListParamsSchema,
  approvalOutcomeParamsSchema,
  approvalRequestParamsSchema,
  approvalSettingsParamsSchema,
  approvalTrustParamsSchema,
  approvalTrustResetParamsSchema,
  approvalWaitParamsSchema,
} from '../../shared/approvalsSchemas';
import type { Feature } from '../host/feature';
import { ApprovalConfigFile } from './config';
import { approvalsProjection } from './projection';
import { ApprovalsService } from './service';
import { approvalTools } from './tools';

declare module '../host/services' {
  interface ServiceMap {
    approvals: ApprovalsService;
  }
}

const NOTIFY_COALESCE_MS = 10;

export function approvalsFeature(): Feature {
  let service: ApprovalsService | undefined;
  return {
    name: 'approvals',
    projections: [approvalsProjection],
    ownedStreamPrefixes: Object.values(ApprovalStreams),

    start(ctx, rpc) {
      const file = new ApprovalConfigFile(ctx.paths.apiary, (m) => ctx.log.warn(m));
      const svc = new ApprovalsService({ store: ctx.store, deferreds: ctx.deferreds, now: () => ctx.now(), fileSettings: () => file.get() });
      service = svc;
      ctx.services.provide('approvals', svc);

      rpc.on(ApprovalRequestRequest, approvalRequestParamsSchema, async (params) => ({ approval: await svc.request(params) }));
      rpc.on(ApprovalGetRequest, approvalIdParamsSchema, (params) => ({ approval: svc.get(params.id) }));
      rpc.on(ApprovalWaitRequest, approvalWaitParamsSchema, async (params, _session, token) => {
        const abort = new AbortController();
        const off = token.onCancellationRequested(() => abort.abort());
        try {
          return { approval: await svc.wait(params.id, params.timeoutMs, abort.signal) };
        } finally {
          off.dispose();
        }
      });
      rpc.on(ApprovalListRequest, approvalListParamsSchema, (params) => ({ approvals: svc.list(params.status === 'pending', params.limit) }));
      rpc.on(ApprovalDecideRequest, approvalDecideParamsSchema, async (params, session) => ({ approval: await svc.decideRequest(params, session.name) }));
      rpc.on(ApprovalTrustRequest, approvalTrustParamsSchema, (params) => ({ trust: svc.trust(params.agent), minTrust: svc.settings().minTrust }));
      rpc.on(ApprovalTrustResetRequest, approvalTrustResetParamsSchema, async (params, session) => ({ trust: await svc.resetTrust(params.agent, session.name) }));
      rpc.on(ApprovalRecordOutcomeRequest, approvalOutcomeParamsSchema, async (params, session) => ({
        trust: await svc.recordOutcome(params.agent, params.success, params.note ?? null, session.name),
      }));
      rpc.on(ApprovalSettingsRequest, approvalSettingsParamsSchema, (params) => ({ settings: svc.setPushedSettings(params.settings) }));

      // Pushes: the waiting list after any commit that touched a request (coalesced).
      let timer: NodeJS.Timeout | null = null;
      const flush = (): void => {
        timer = null;
        try {
          ctx.broadcast(ApprovalsChangedNotification, { position: ctx.store.head, pending: svc.list(true) });
        } catch (err) {
          ctx.log.debug(`approvals push not delivered: ${err instanceof Error ? err.message : String(err)}`);
        }
      };
      const off = ctx.store.events.onCommitted((events) => {
        const touched = events.some(
          (e) => e.stream === ApprovalStreams.requests || (e.type.startsWith('deferred.') && String((e.data as { id?: unknown }).id).startsWith(DEFERRED_PREFIX)),
        );
        if (touched && !timer) timer = setTimeout(flush, NOTIFY_COALESCE_MS);
      });
      // An approved budget request with a scope grants the LLM gateway a one-time override.
      const offBudget = ctx.store.events.onCommitted((events) => {
        for (const e of events) {
          if (e.type !== 'deferred.resolved' && e.type !== 'deferred.timed_out') continue;
          const id = String((e.data as { id?: unknown }).id);
          if (!id.startsWith(DEFERRED_PREFIX)) continue;
          setImmediate(() => {
            const a = svc.find(id.slice(DEFERRED_PREFIX.length));
            const llm = ctx.services.maybe('llm');
            if (!a || a.kind !== 'budget' || a.status !== 'approved' || !a.details.budgetScope || !llm) return;
            llm
              .grantOverride({
                overrideId: `approval-${a.id}`,
                scope: a.details.budgetScope,
                ...(a.details.budgetKey ? { key: a.details.budgetKey } : {}),
                approvalId: a.id,
                grantedBy: a.decision?.by ?? 'host',
                reason: a.summary,
              })
              .catch((err: unknown) => ctx.log.warn(`granting the budget override of approval ${a.id} failed: ${String(err)}`));
          });
        }
      });
      ctx.log.info(`approvals ready: ${svc.list(true).length} waiting`);
      return {
        dispose() {
          off();
          offBudget();
          if (timer) clearTimeout(timer);
          service = undefined;
        },
      };
    },

    tools: () => (service ? approvalTools(service) : []),
  };
}
