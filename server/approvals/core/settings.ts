// Approval settings: defaults, then `.apiary/config.json`'s `approvals` section, then what a
// VS Code window pushed (the person at the editor has the last word).
import type { ApprovalSettings } from '../../../shared/approvals';
import type { ApprovalSettingsInput } from '../../../shared/approvalsSchemas';

export const DEFAULT_SETTINGS: ApprovalSettings = {
  autoApprove: { change: false, command: false, budget: false, merge: false, question: false, readOnlyCommand: true },
  refuse: { change: false, command: false, budget: false, merge: false, question: false },
  threshold: 0.75,
  timeoutSeconds: 3600,
  defaultOutcome: 'rejected',
  minTrust: 0.7,
};

export function mergeSettings(base: ApprovalSettings, over: ApprovalSettingsInput | undefined): ApprovalSettings {
  if (!over) return base;
  return {
    autoApprove: { ...base.autoApprove, ...stripUndefined(over.autoApprove) },
    refuse: { ...base.refuse, ...stripUndefined(over.refuse) },
    threshold: over.threshold ?? base.threshold,
    timeoutSeconds: over.timeoutSeconds ?? base.timeoutSeconds,
    defaultOutcome: over.defaultOutcome ?? base.defaultOutcome,
    minTrust: over.minTrust ?? base.minTrust,
  };
}

function stripUndefined<T extends Record<string, boolean | undefined>>(o: T | undefined): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (v !== undefined) out[k] = v;
  return out;
}
