// Approvals in the window: inline comment threads on proposed changes, a diff editor with
// Approve / Reject in its title, notifications for commands and budgets, the Approvals section,
// a status bar count, the policy settings and the trust command. Called once from activate().
import * as vscode from 'vscode';
import { HUMAN_AGENT_NAME } from '../../shared/coordination';
import type { HostClient } from '../client';
import { ApprovalActions } from './actions';
import { ApprovalsModel } from './model';
import { ApprovalNotifications } from './notifications';
import { parseProposalUri, PROPOSAL_SCHEME, ProposalDocuments } from './proposals';
import { syncApprovalSettings } from './settings';
import { ApprovalsStatusItem } from './statusItem';
import { ApprovalThreads } from './threads';
import { APPROVALS_VIEW_ID, type ApprovalNode, ApprovalsTree } from './tree';
import { showAgentTrust } from './trust';

export interface ApprovalsFeature {
  model: ApprovalsModel;
  threads: ApprovalThreads;
  actions: ApprovalActions;
}

export function registerApprovals(
  context: vscode.ExtensionContext,
  client: HostClient,
  output: vscode.LogOutputChannel,
  workspace: string | undefined,
): ApprovalsFeature {
  const model = new ApprovalsModel(client, output);
  const actions = new ApprovalActions(client, model, workspace, () => HUMAN_AGENT_NAME, output);
  const threads = new ApprovalThreads(model, actions);
  const tree = new ApprovalsTree(model);
  const view = vscode.window.createTreeView(APPROVALS_VIEW_ID, { treeDataProvider: tree });
  const status = new ApprovalsStatusItem(model, `${APPROVALS_VIEW_ID}.focus`);
  const notifications = new ApprovalNotifications(model, actions);
  const updateBadge = (): void => {
    const n = model.pending.length;
    view.badge = n ? { value: n, tooltip: `${n} approval request${n === 1 ? '' : 's'} waiting` } : undefined;
  };

  /** The request a command was invoked on: an id, a tree node, a comment thread, or a proposal document. */
  const idOf = (arg: unknown): string | undefined => {
    if (typeof arg === 'string') return arg;
    if (arg instanceof vscode.Uri) return parseProposalUri(arg)?.id;
    if (arg && typeof arg === 'object') {
      if ('approval' in arg) return (arg as ApprovalNode).approval.id;
      if ('uri' in arg && 'range' in arg) return threads.idOf(arg as vscode.CommentThread);
    }
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (tab instanceof vscode.TabInputTextDiff) return parseProposalUri(tab.modified)?.id;
    const active = vscode.window.activeTextEditor?.document.uri;
    return active ? parseProposalUri(active)?.id : undefined;
  };
  // The diff editor's title buttons show while a proposal's diff is the active tab.
  const updateDiffContext = (): void => {
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const onProposal = tab instanceof vscode.TabInputTextDiff && parseProposalUri(tab.modified) !== undefined;
    void vscode.commands.executeCommand('setContext', 'apiary.approvalDiffActive', onProposal);
  };
  const withId = (fn: (id: string, rest: unknown[]) => unknown) => (arg: unknown, ...rest: unknown[]) => {
    const id = idOf(arg);
    if (!id) return void vscode.window.showWarningMessage('Pick an approval request first (Apiary sidebar > Approvals).');
    return fn(id, rest);
  };

  context.subscriptions.push(
    model,
    threads,
    tree,
    view,
    status,
    notifications,
    model.onDidChange(updateBadge),
    vscode.window.tabGroups.onDidChangeTabs(updateDiffContext),
    vscode.window.tabGroups.onDidChangeTabGroups(updateDiffContext),
    syncApprovalSettings(client, output),
    vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, new ProposalDocuments(model)),
    vscode.commands.registerCommand('apiary.approval.approve', withId((id) => actions.approve(id))),
    vscode.commands.registerCommand('apiary.approval.reject', withId((id, rest) => actions.reject(id, typeof rest[0] === 'string' ? rest[0] : undefined))),
    vscode.commands.registerCommand('apiary.approval.openDiff', (arg: unknown, file?: unknown) => {
      const id = idOf(arg);
      if (!id) return void vscode.window.showWarningMessage('Pick an approval request first (Apiary sidebar > Approvals).');
      // From a thread's title bar: the thread's own file.
      const fromThread = arg && typeof arg === 'object' && 'uri' in arg ? threads.of(id).find((t) => t.thread === arg)?.file : undefined;
      return actions.openDiff(id, typeof file === 'string' ? file : fromThread);
    }),
    vscode.commands.registerCommand('apiary.approval.details', withId((id) => actions.details(id))),
    vscode.commands.registerCommand('apiary.showAgentTrust', () =>
      showAgentTrust(client).catch((err: unknown) => vscode.window.showErrorMessage(`Could not read agent trust: ${err instanceof Error ? err.message : String(err)}`)),
    ),
  );
  // Close the proposal's diff once its request is decided, so no stale Approve button remains.
  context.subscriptions.push(
    model.onDidChange(() => {
      for (const group of vscode.window.tabGroups.all)
        for (const tab of group.tabs) {
          const input = tab.input;
          if (input instanceof vscode.TabInputTextDiff) {
            const p = parseProposalUri(input.modified);
            if (p && !model.find(p.id)) void vscode.window.tabGroups.close(tab);
          }
        }
    }),
  );
  return { model, threads, actions };
}
