// Human-in-the-loop approvals: an agent asks before a risky step (apply a change, run a command,
// exceed a budget, merge an attempt, or a custom question); the host's policy auto-approves,
// asks a human, or refuses. Domain types, events and the host requests/notifications.
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from './errors';
import type {
  ApprovalDecideParams,
  ApprovalIdParams,
  ApprovalListParams,
  ApprovalOutcomeParams,
  ApprovalRequestParams,
  ApprovalSettingsParams,
  ApprovalTrustParams,
  ApprovalTrustResetParams,
  ApprovalWaitParams,
} from './approvalsSchemas';

export type ApprovalKind = 'change' | 'command' | 'budget' | 'merge' | 'question';
export const APPROVAL_KINDS: readonly ApprovalKind[] = ['change', 'command', 'budget', 'merge', 'question'];
/** Kinds an agent with low trust may not have auto-approved. */
export const RISKY_KINDS: readonly ApprovalKind[] = ['change', 'command', 'budget', 'merge'];

export type PolicyAction = 'auto_approve' | 'ask' | 'refuse';
export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

export interface ApprovalDetails {
  changes?: Record<string, string>;
  command?: string;
  costUsd?: number;
  budgetScope?: 'day' | 'month' | 'cell' | 'run';
  budgetKey?: string;
  text?: string;
}

export interface ApprovalDecision {
  outcome: 'approved' | 'rejected';
  by: string;
  at: string;
  reason: string | null;
  /** Decided by the policy, not a person. */
  auto: boolean;
  timedOut: boolean;
  /** The deciding client applied the proposed change itself. */
  applied: boolean;
}

export interface Approval {
  id: string;
  requester: string;
  kind: ApprovalKind;
  summary: string;
  details: ApprovalDetails;
  cell: string | null;
  confidence: number | null;
  createdAt: string;
  timeoutAt: string | null;
  defaultOutcome: 'approved' | 'rejected';
  /** What the policy decided when the request came in, and why. */
  policy: { action: PolicyAction; reason: string };
  status: ApprovalStatus;
  decision: ApprovalDecision | null;
}

export interface TrustState {
  agent: string;
  /** 0–1; starts at 1, halves on a failure or rejection, recovers by 0.1 per success. */
  score: number;
  successes: number;
  failures: number;
  /** Below the policy's minimum trust: risky kinds always ask a human. */
  restricted: boolean;
  updatedAt: string | null;
}

export interface ApprovalSettings {
  autoApprove: Record<ApprovalKind | 'readOnlyCommand', boolean>;
  refuse: Record<ApprovalKind, boolean>;
  threshold: number;
  timeoutSeconds: number;
  defaultOutcome: 'approved' | 'rejected';
  minTrust: number;
}

export const ApprovalStreams = { requests: 'approvals', trust: 'approvals-trust' } as const;
export const DEFERRED_PREFIX = 'approval-';

export const ApprovalEvents = {
  requested: 'approval.requested',
  outcomeRecorded: 'approval.outcome_recorded',
  trustReset: 'approval.trust_reset',
} as const;

export interface ApprovalEventData {
  'approval.requested': { approval: Approval };
  'approval.outcome_recorded': { agent: string; success: boolean; note: string | null };
  'approval.trust_reset': { agent: string };
}

export interface ApprovalsChanged {
  position: number;
  /** Every waiting request, oldest first. */
  pending: Approval[];
}

export const ApprovalRequestRequest = new RequestType<ApprovalRequestParams, { approval: Approval }, ApiaryErrorData>('apiary/approval/request');
export const ApprovalGetRequest = new RequestType<ApprovalIdParams, { approval: Approval }, ApiaryErrorData>('apiary/approval/get');
export const ApprovalWaitRequest = new RequestType<ApprovalWaitParams, { approval: Approval }, ApiaryErrorData>('apiary/approval/wait');
export const ApprovalListRequest = new RequestType<ApprovalListParams, { approvals: Approval[] }, ApiaryErrorData>('apiary/approval/list');
export const ApprovalDecideRequest = new RequestType<ApprovalDecideParams, { approval: Approval }, ApiaryErrorData>('apiary/approval/decide');
export const ApprovalTrustRequest = new RequestType<ApprovalTrustParams, { trust: TrustState[]; minTrust: number }, ApiaryErrorData>('apiary/approval/trust');
export const ApprovalTrustResetRequest = new RequestType<ApprovalTrustResetParams, { trust: TrustState }, ApiaryErrorData>('apiary/approval/trustReset');
export const ApprovalRecordOutcomeRequest = new RequestType<ApprovalOutcomeParams, { trust: TrustState }, ApiaryErrorData>('apiary/approval/recordOutcome');
export const ApprovalSettingsRequest = new RequestType<ApprovalSettingsParams, { settings: ApprovalSettings }, ApiaryErrorData>('apiary/approval/settings');
export const ApprovalsChangedNotification = new NotificationType<ApprovalsChanged>('apiary/approval/changed');
