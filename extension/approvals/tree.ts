// The Approvals section of the Apiary sidebar: what waits, oldest first; a change expands to its
// files (click: the diff); inline Approve / Reject on each request.
import * as vscode from 'vscode';
import type { Approval } from '../../shared/approvals';
import type { ApprovalsModel } from './model';

export const APPROVALS_VIEW_ID = 'apiary.approvals';

export type ApprovalNode = { kind: 'request'; approval: Approval } | { kind: 'file'; approval: Approval; file: string };

const ICON: Record<Approval['kind'], string> = { change: 'diff', command: 'terminal', budget: 'credit-card', merge: 'git-merge', question: 'question' };

export class ApprovalsTree implements vscode.TreeDataProvider<ApprovalNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ApprovalNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly off: vscode.Disposable;

  constructor(private readonly model: ApprovalsModel) {
    this.off = model.onDidChange(() => this.emitter.fire(undefined));
  }

  getChildren(node?: ApprovalNode): ApprovalNode[] {
    if (!node) return this.model.pending.map((approval) => ({ kind: 'request', approval }));
    if (node.kind === 'request') return Object.keys(node.approval.details.changes ?? {}).map((file) => ({ kind: 'file', approval: node.approval, file }));
    return [];
  }

  getTreeItem(node: ApprovalNode): vscode.TreeItem {
    const a = node.approval;
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(node.file, vscode.TreeItemCollapsibleState.None);
      item.resourceUri = vscode.Uri.file(node.file);
      item.iconPath = vscode.ThemeIcon.File;
      item.command = { command: 'apiary.approval.openDiff', title: 'Open Diff', arguments: [a.id, node.file] };
      item.contextValue = 'apiary.approval.file';
      return item;
    }
    const files = Object.keys(a.details.changes ?? {}).length;
    const item = new vscode.TreeItem(a.summary, files ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = `approval:${a.id}`;
    item.description = `${a.requester} · ${a.kind}${a.confidence === null ? '' : ` · ${Math.round(a.confidence * 100)}%`}`;
    item.tooltip = new vscode.MarkdownString(`**${a.summary}**\n\n${a.requester} asks (${a.kind}), ${a.policy.reason}.${a.timeoutAt ? `\n\nTimes out ${a.timeoutAt}, then ${a.defaultOutcome}.` : ''}`);
    item.iconPath = new vscode.ThemeIcon(ICON[a.kind], new vscode.ThemeColor('charts.yellow'));
    item.contextValue = `apiary.approval.${a.kind}`;
    if (!files) item.command = { command: 'apiary.approval.details', title: 'Details', arguments: [a.id] };
    return item;
  }

  dispose(): void {
    this.off.dispose();
    this.emitter.dispose();
  }
}
