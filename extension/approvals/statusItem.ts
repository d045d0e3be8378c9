// "N approvals waiting" in the status bar; hidden when nothing waits.
import * as vscode from 'vscode';
import type { ApprovalsModel } from './model';

export class ApprovalsStatusItem implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('apiary.approvals', vscode.StatusBarAlignment.Left, 9);
  private readonly off: vscode.Disposable;

  constructor(private readonly model: ApprovalsModel, command: string) {
    this.item.name = 'Apiary Approvals';
    this.item.command = command;
    this.off = model.onDidChange(() => this.render());
    this.render();
  }

  render(): void {
    const n = this.model.pending.length;
    if (n === 0) return this.item.hide();
    this.item.text = `$(shield) ${n}`;
    this.item.tooltip = `${n} approval request${n === 1 ? '' : 's'} waiting — oldest: ${this.model.pending[0]!.summary} (${this.model.pending[0]!.requester})`;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.item.accessibilityInformation = { label: `${n} Apiary approval request${n === 1 ? '' : 's'} waiting` };
    this.item.show();
  }

  dispose(): void {
    this.off.dispose();
    this.item.dispose();
  }
}
