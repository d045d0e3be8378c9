// The `apiary.approvals.*` settings, handed to the host once per connection and whenever they
// change; the host layers them over `.apiary/config.json`.
import * as vscode from 'vscode';
import { APPROVAL_KINDS, ApprovalSettingsRequest } from '../../shared/approvals';
import type { ApprovalSettingsInput } from '../../shared/approvalsSchemas';
import type { HostClient } from '../client';
import { onConnected } from '../connected';

export function currentSettings(): ApprovalSettingsInput {
  const c = vscode.workspace.getConfiguration('apiary.approvals');
  const autoApprove: Record<string, boolean> = {};
  for (const k of [...APPROVAL_KINDS, 'readOnlyCommand'] as const) {
    const v = c.inspect<boolean>(`autoApprove.${k}`);
    const set = v?.workspaceFolderValue ?? v?.workspaceValue ?? v?.globalValue;
    if (set !== undefined) autoApprove[k] = set;
  }
  const out: ApprovalSettingsInput = { autoApprove };
  const pick = <T>(key: string): T | undefined => {
    const v = c.inspect<T>(key);
    return v?.workspaceFolderValue ?? v?.workspaceValue ?? v?.globalValue;
  };
  const threshold = pick<number>('threshold');
  const timeout = pick<number>('timeoutSeconds');
  const outcome = pick<'approved' | 'rejected'>('defaultOutcome');
  if (threshold !== undefined) out.threshold = threshold;
  if (timeout !== undefined) out.timeoutSeconds = timeout;
  if (outcome !== undefined) out.defaultOutcome = outcome;
  return out;
}

/** Only what the user set is pushed, so `.apiary/config.json` still decides the rest. */
export function syncApprovalSettings(client: HostClient, output: vscode.LogOutputChannel): vscode.Disposable {
  const push = (): void => {
    if (client.state.kind !== 'ready') return;
    client.request(ApprovalSettingsRequest, { settings: currentSettings() }).catch((err: unknown) => output.warn(`Could not hand the approval settings to the host: ${String(err)}`));
  };
  return vscode.Disposable.from(
    onConnected(client, push),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('apiary.approvals') && push()),
  );
}
