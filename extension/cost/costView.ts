// The Cost view in the Apiary side bar. It holds no figures of its own: it asks the host for the
// cost report when the host says something changed (`apiary/cost/changed`), when the connection
// comes back and when the UTC day rolls over — never on a polling timer.
import * as vscode from 'vscode';
import { CostChangedNotification, CostReportRequest, LlmConfigRequest } from '../../shared/llm';
import type { HostClient } from '../client';
import type { HostState } from '../hostState';
import { COST_COMMANDS, isFromCostView, type CostPanelState, type ToCostView } from '../../webview/cost/messages';
import { RefreshScheduler } from '../webview/refresh';
import { resolveView } from '../webview/viewWiring';
import { costViewHtml } from './html';

/** Bursts of changes (many calls settling) become one refresh. */
const COALESCE_MS = 200;

export const COST_VIEW_ID = 'apiary.cost';

function connectionOf(state: HostState): CostPanelState['connection'] {
  return state.kind === 'ready' ? 'ready' : state.kind === 'error' ? 'error' : 'connecting';
}

export class CostViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  /** The resolved view, while there is one. */
  view: vscode.WebviewView | undefined;
  private state: CostPanelState;
  private readonly disposables: vscode.Disposable[] = [];
  private midnightTimer: NodeJS.Timeout | undefined;
  private readonly refresher = new RefreshScheduler(() => this.fetch());
  private readonly changed = new vscode.EventEmitter<CostPanelState>();
  /** Fires after each state the panel was given (tests read figures from here, not pixels). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly client: HostClient,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.state = { connection: connectionOf(client.state) };
    this.disposables.push(
      client.onNotification(CostChangedNotification, () => this.refresher.changed(COALESCE_MS)),
      client.onDidChangeState((s) => {
        const connection = connectionOf(s);
        if (connection === this.state.connection) return;
        this.state = { ...this.state, connection };
        if (connection === 'ready') this.refresher.changed(0);
        else this.post();
      }),
    );
    this.armMidnight();
    if (this.state.connection === 'ready') this.refresher.changed(0);
  }

  /** What the panel shows now. */
  current(): CostPanelState {
    return this.state;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    resolveView(this, view, {
      extensionUri: this.extensionUri,
      html: costViewHtml,
      refresher: this.refresher,
      accept: isFromCostView,
      commands: COST_COMMANDS,
      post: () => this.post(),
    });
  }

  /** Fetches the report now (also after commands that change budgets or settings). */
  refresh(): Promise<void> {
    return this.refresher.now();
  }

  private async fetch(): Promise<void> {
    if (this.client.state.kind !== 'ready') {
      this.state = { ...this.state, connection: connectionOf(this.client.state) };
      this.post();
      return;
    }
    try {
      const [report, config] = await Promise.all([this.client.request(CostReportRequest, {}), this.client.request(LlmConfigRequest)]);
      this.state = { connection: 'ready', report, config };
    } catch (err) {
      const { error: _previous, ...rest } = this.state;
      this.state = { ...rest, error: `Could not read the cost report: ${err instanceof Error ? err.message : String(err)}` };
    }
    this.post();
  }

  dispose(): void {
    this.refresher.dispose();
    if (this.midnightTimer) clearTimeout(this.midnightTimer);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }

  private post(): void {
    this.changed.fire(this.state);
    const message: ToCostView = { type: 'state', state: this.state };
    void this.view?.webview.postMessage(message);
  }

  /** "Today" starts at midnight UTC: refresh then, once, and arm the next one. */
  private armMidnight(): void {
    const now = Date.now();
    const next = Math.floor(now / 86_400_000) * 86_400_000 + 86_400_000 + 1000;
    this.midnightTimer = setTimeout(() => {
      this.refresher.changed(0);
      this.armMidnight();
    }, next - now);
    this.midnightTimer.unref?.();
  }
}
