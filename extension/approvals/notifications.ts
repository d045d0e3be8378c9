// Commands, budgets, merges and questions ask through a notification (changes ask inline, in
// the editor). Each request is announced once per window.
import * as vscode from 'vscode';
import type { Approval } from '../../shared/approvals';
import type { ApprovalActions } from './actions';
import type { ApprovalsModel } from './model';

function message(a: Approval): string {
  const what =
    a.kind === 'command' ? `run "${a.details.command ?? ''}"` : a.kind === 'budget' ? `exceed a budget${a.details.costUsd !== undefined ? ` by $${a.details.costUsd.toFixed(2)}` : ''}` : a.kind === 'merge' ? 'merge an attempt' : 'an answer';
  const conf = a.confidence === null ? '' : ` (${Math.round(a.confidence * 100)}% confident)`;
  return `${a.requester} asks to ${what}: ${a.summary}${conf}`;
}

export class ApprovalNotifications implements vscode.Disposable {
  private readonly shown = new Set<string>();
  private readonly off: vscode.Disposable;

  constructor(model: ApprovalsModel, private readonly actions: ApprovalActions) {
    this.off = model.onDidChange((list) => {
      for (const a of list) if (a.kind !== 'change' && !this.shown.has(a.id)) this.announce(a);
    });
  }

  private announce(a: Approval): void {
    this.shown.add(a.id);
    void vscode.window.showInformationMessage(message(a), 'Approve', 'Reject', 'Details').then(async (choice) => {
      if (choice === 'Approve') await this.actions.approve(a.id);
      else if (choice === 'Reject') await this.actions.reject(a.id);
      else if (choice === 'Details') await this.actions.details(a.id);
    });
  }

  dispose(): void {
    this.off.dispose();
  }
}
