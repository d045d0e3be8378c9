// The approval policy: given a request, the settings and the requester's trust, decide whether
// to approve it at once, ask a human, or refuse it — always with a reason a person can read.
import { type ApprovalDetails, type ApprovalKind, type ApprovalSettings, type PolicyAction, RISKY_KINDS } from '../../../shared/approvals';
import { isReadOnlyCommand } from './readOnly';
import type { TrustRecord } from './trust';

export interface PolicyInput {
  kind: ApprovalKind;
  details: ApprovalDetails;
  confidence: number | null;
}

export interface PolicyDecision {
  action: PolicyAction;
  reason: string;
}

export function decide(req: PolicyInput, settings: ApprovalSettings, trust: TrustRecord): PolicyDecision {
  if (settings.refuse[req.kind]) return { action: 'refuse', reason: `${req.kind} requests are refused by the workspace's approval settings` };
  const readOnly = req.kind === 'command' && req.details.command !== undefined && isReadOnlyCommand(req.details.command);
  const auto = settings.autoApprove[req.kind] || (readOnly && settings.autoApprove.readOnlyCommand);
  if (!auto) return { action: 'ask', reason: `${readOnly ? 'read-only ' : ''}${req.kind} requests need a human (auto-approve is off)` };
  if (req.confidence === null) return { action: 'ask', reason: 'no confidence given: a human decides' };
  if (req.confidence < settings.threshold) {
    return { action: 'ask', reason: `confidence ${req.confidence.toFixed(2)} is below the threshold ${settings.threshold.toFixed(2)}` };
  }
  // A read-only command cannot do harm, so trust only gates the kinds that can.
  if (RISKY_KINDS.includes(req.kind) && !readOnly && trust.score < settings.minTrust) {
    return {
      action: 'ask',
      reason: `${trust.agent}'s trust ${trust.score.toFixed(2)} is below ${settings.minTrust.toFixed(2)} after ${trust.failures} failure(s): risky requests need a human until it recovers`,
    };
  }
  return {
    action: 'auto_approve',
    reason: `${readOnly ? 'read-only command' : req.kind} auto-approved: confidence ${req.confidence.toFixed(2)} ≥ ${settings.threshold.toFixed(2)}, trust ${trust.score.toFixed(2)}`,
  };
}
