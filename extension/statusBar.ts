// The host's health as one status bar item; clicking it shows the full status.
import * as vscode from 'vscode';
import type { HostState } from './hostState';
import { statusBarView } from './statusBarView';

/** How often a visible tooltip's uptime / countdown is refreshed. */
const REFRESH_MS = 5_000;

export class HostStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private state: HostState | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(showStatusCommand: string) {
    this.item = vscode.window.createStatusBarItem('apiary.host', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Apiary Agent Host';
    this.item.command = showStatusCommand;
    this.timer = setInterval(() => this.render(), REFRESH_MS);
    this.timer.unref?.();
  }

  update(state: HostState): void {
    this.state = state;
    this.render();
    this.item.show();
  }

  private render(): void {
    if (!this.state) return;
    const view = statusBarView(this.state, Date.now());
    this.item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltip, true);
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: view.label, role: 'button' };
    this.item.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    clearInterval(this.timer);
    this.item.dispose();
  }
}
