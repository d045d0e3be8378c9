// The approvals service: a request is decided by the pure policy at once (auto-approve, refuse)
// or becomes a deferred promise a human settles; a timeout settles it with its default outcome.
// Every decision is an event with its reason. Other features call `request`, `wait` and
// `recordOutcome` (the swarm reports task outcomes so trust follows real results).
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import {
  type Approval,
  ApprovalEvents,
  type ApprovalSettings,
  ApprovalStreams,
  DEFERRED_PREFIX,
  type TrustState,
} from '../../shared/approvals';
import { type approvalDecideParamsSchema, approvalRequestParamsSchema, type ApprovalSettingsInput } from '../../shared/approvalsSchemas';
import { invalidParams } from '../rpc/registry';
import { ApiaryError } from '../../shared/errors';
import type { Deferreds } from '../store/primitives/deferred';
import type { Store } from '../store/store';
import { decide } from './core/policy';
import { DEFAULT_SETTINGS, mergeSettings } from './core/settings';
import { publicTrust } from './core/trust';
import { allTrust, approvalById, listApprovals, trustOf } from './projection';

export type ApprovalRequestInput = z.output<typeof approvalRequestParamsSchema>;
export type ApprovalDecideInput = z.output<typeof approvalDecideParamsSchema>;

export interface ApprovalsServiceOptions {
  store: Store;
  deferreds: Deferreds;
  now(): number;
  /** The workspace file's settings, read fresh per request. */
  fileSettings(): ApprovalSettingsInput | undefined;
  newId?(): string;
}

export class ApprovalsService {
  /** Settings a VS Code window pushed; they override the file's. */
  private pushed: ApprovalSettingsInput | undefined;

  constructor(private readonly opts: ApprovalsServiceOptions) {}

  private get db() {
    return this.opts.store.db;
  }

  settings(): ApprovalSettings {
    return mergeSettings(mergeSettings(DEFAULT_SETTINGS, this.opts.fileSettings()), this.pushed);
  }

  setPushedSettings(s: ApprovalSettingsInput): ApprovalSettings {
    this.pushed = s;
    return this.settings();
  }

  get(id: string): Approval {
    const a = approvalById(this.db, id);
    if (!a) throw new ApiaryError('not_found', `no approval request ${id}`, 'List them with `apiary approval list --all`.', { id });
    return a;
  }

  find(id: string): Approval | undefined {
    return approvalById(this.db, id);
  }

  list(pendingOnly = true, limit = 200): Approval[] {
    return listApprovals(this.db, pendingOnly, limit);
  }

  async request(input: ApprovalRequestInput): Promise<Approval> {
    // Callers other than the RPC layer (MCP tools, other features) get the same checks.
    const parsed = approvalRequestParamsSchema.safeParse(input);
    if (!parsed.success) throw invalidParams(parsed.error);
    const req = parsed.data;
    if (req.id) {
      const existing = approvalById(this.db, req.id);
      if (existing) {
        if (existing.requester !== req.requester || existing.kind !== req.kind) {
          throw new ApiaryError('conflict', `approval ${req.id} exists for another request`, 'Use a new id, or omit it.', { id: req.id });
        }
        return existing;
      }
    }
    const settings = this.settings();
    const id = req.id ?? this.opts.newId?.() ?? randomBytes(4).toString('hex');
    const confidence = req.confidence ?? null;
    const policy = decide({ kind: req.kind, details: req.details, confidence }, settings, trustOf(this.db, req.requester));
    const now = this.opts.now();
    const at = new Date(now).toISOString();
    const timeoutSeconds = req.timeoutSeconds ?? settings.timeoutSeconds;
    const asked = policy.action === 'ask';
    const approval: Approval = {
      id,
      requester: req.requester,
      kind: req.kind,
      summary: req.summary,
      details: req.details,
      cell: req.cell ?? null,
      confidence,
      createdAt: at,
      timeoutAt: asked ? new Date(now + timeoutSeconds * 1000).toISOString() : null,
      defaultOutcome: settings.defaultOutcome,
      policy,
      status: asked ? 'pending' : policy.action === 'auto_approve' ? 'approved' : 'rejected',
      decision: asked
        ? null
        : { outcome: policy.action === 'auto_approve' ? 'approved' : 'rejected', by: 'policy', at, reason: policy.reason, auto: true, timedOut: false, applied: false },
    };
    if (asked) {
      // The deferred first: a request that is listed can always be settled and waited on.
      const timeoutReason = `no answer within ${timeoutSeconds} s: default outcome ${settings.defaultOutcome}`;
      await this.opts.deferreds.create(
        {
          id: DEFERRED_PREFIX + id,
          data: { approval: id },
          timeoutMs: timeoutSeconds * 1000,
          onTimeout: settings.defaultOutcome === 'approved' ? { outcome: 'resolved', value: { reason: timeoutReason } } : { outcome: 'rejected', reason: timeoutReason },
        },
        req.requester,
      );
    }
    await this.opts.store.events.append(ApprovalStreams.requests, [{ type: ApprovalEvents.requested, data: { approval } }], 'any', { actor: req.requester });
    return this.get(id);
  }

  /** A human (or another client) approves or rejects a waiting request; one decision wins. */
  async decideRequest(input: ApprovalDecideInput, by: string): Promise<Approval> {
    const a = this.get(input.id);
    if (a.status !== 'pending') {
      throw new ApiaryError('conflict', `approval ${a.id} is already ${a.status} (by ${a.decision?.by ?? 'unknown'})`, 'Read its outcome with `apiary approval list --all`.', { status: a.status });
    }
    const reason = input.reason?.trim() ? input.reason.trim() : null;
    const did = DEFERRED_PREFIX + a.id;
    if (input.outcome === 'approved') await this.opts.deferreds.resolve(did, { reason, applied: input.applied === true }, input.by ?? by);
    else await this.opts.deferreds.reject(did, reason ?? 'rejected', input.by ?? by);
    return this.get(a.id);
  }

  /** Waits until the request is decided (or `timeoutMs` passes: then it is still pending). */
  async wait(id: string, timeoutMs?: number, signal?: AbortSignal): Promise<Approval> {
    const a = this.get(id);
    if (a.status !== 'pending') return a;
    const waited = this.opts.deferreds.wait(DEFERRED_PREFIX + id, timeoutMs);
    if (signal) await Promise.race([waited, new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))]);
    else await waited;
    return this.get(id);
  }

  trust(agent?: string): TrustState[] {
    const min = this.settings().minTrust;
    if (agent) return [publicTrust(trustOf(this.db, agent), min)];
    return allTrust(this.db).map((t) => publicTrust(t, min));
  }

  async resetTrust(agent: string, by: string): Promise<TrustState> {
    await this.opts.store.events.append(ApprovalStreams.trust, [{ type: ApprovalEvents.trustReset, data: { agent } }], 'any', { actor: by });
    return this.trust(agent)[0]!;
  }

  /** Another outcome of an agent's work (a task passed its tests, an attempt failed): moves its trust. */
  async recordOutcome(agent: string, success: boolean, note: string | null = null, by = agent): Promise<TrustState> {
    await this.opts.store.events.append(ApprovalStreams.trust, [{ type: ApprovalEvents.outcomeRecorded, data: { agent, success, note } }], 'any', { actor: by });
    return this.trust(agent)[0]!;
  }
}
