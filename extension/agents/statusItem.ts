// A status bar item beside the host's: how many agents are active and how many reservations are
// in force (mine among them), with the holders in the tooltip; a click shows the Reservations.
import * as vscode from 'vscode';
import type { CoordinationModel } from './model';

export class CoordinationStatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly model: CoordinationModel,
    private readonly me: () => string,
    focusCommand: string,
  ) {
    this.item = vscode.window.createStatusBarItem('apiary.coordination', vscode.StatusBarAlignment.Left, 9);
    this.item.name = 'Apiary Agents and Reservations';
    this.item.command = focusCommand;
    this.subscriptions.push(
      model.onDidChangeReservations(() => this.render()),
      model.onDidChangeAgents(() => this.render()),
    );
  }

  render(): void {
    if (!this.model.loaded) return;
    const now = Date.now();
    const locks = this.model.reservations.filter((r) => Date.parse(r.expiresAt) > now);
    const mine = locks.filter((r) => r.holder === this.me()).length;
    const agents = this.model.agents.filter((a) => a.active);
    this.item.text = `$(lock) ${locks.length}  $(person) ${agents.length}`;
    const holders = [...new Set(locks.map((r) => r.holder))];
    const lines = [
      `**${locks.length} active reservation${locks.length === 1 ? '' : 's'}**${mine ? ` (${mine} yours)` : ''}${holders.length ? ` held by ${holders.join(', ')}` : ''}`,
      '',
      `**${agents.length} active agent${agents.length === 1 ? '' : 's'}**: ${agents.map((a) => `${a.name} (${a.kind})`).join(', ') || 'none'}`,
      '',
      'Click to show the Reservations.',
    ];
    this.item.tooltip = new vscode.MarkdownString(lines.join('\n'));
    this.item.accessibilityInformation = {
      label: `Apiary coordination: ${locks.length} reservation${locks.length === 1 ? '' : 's'}, ${agents.length} active agent${agents.length === 1 ? '' : 's'}`,
      role: 'button',
    };
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
