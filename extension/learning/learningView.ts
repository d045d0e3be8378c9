// The Learning view in the Apiary side bar. It holds no figures of its own: it asks the host for
// the learning report when outcomes (or trust) change in the log, and when the connection returns.
import * as vscode from 'vscode';
import { LearningReportRequest } from '../../shared/learning';
import type { HostClient } from '../client';
import type { HostState } from '../hostState';
import { isFromLearningView, LEARNING_COMMANDS, type LearningPanelState, type ToLearningView } from '../../webview/learning/messages';
import { RefreshScheduler } from '../webview/refresh';
import { resolveView } from '../webview/viewWiring';
import { learningViewHtml } from './html';

export const LEARNING_VIEW_ID = 'apiary.learning';
const COALESCE_MS = 300;
/** Event types whose commit changes what the view shows. */
const RELEVANT = /^(learning\.|approval\.)/;

function connectionOf(state: HostState): LearningPanelState['connection'] {
  return state.kind === 'ready' ? 'ready' : state.kind === 'error' ? 'error' : 'connecting';
}

export class LearningViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  /** The resolved view, while there is one. */
  view: vscode.WebviewView | undefined;
  private state: LearningPanelState;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly refresher = new RefreshScheduler(() => this.fetch());
  private readonly changed = new vscode.EventEmitter<LearningPanelState>();
  /** Fires after each state the view was given (tests read figures here, not pixels). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly client: HostClient,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.state = { connection: connectionOf(client.state) };
    this.disposables.push(
      client.onStoreChanged((c) => {
        if (c.types.some((t) => RELEVANT.test(t))) this.refresher.changed(COALESCE_MS);
      }),
      client.onDidChangeState((s) => {
        const connection = connectionOf(s);
        if (connection === this.state.connection) return;
        this.state = { ...this.state, connection };
        if (connection === 'ready') this.refresher.changed(0);
        else this.post();
      }),
    );
    if (this.state.connection === 'ready') this.refresher.changed(0);
  }

  current(): LearningPanelState {
    return this.state;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    resolveView(this, view, {
      extensionUri: this.extensionUri,
      html: learningViewHtml,
      refresher: this.refresher,
      accept: isFromLearningView,
      commands: LEARNING_COMMANDS,
      post: () => this.post(),
    });
  }

  /** Fetches the report now, shown or not. */
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
      const report = await this.client.request(LearningReportRequest);
      this.state = { connection: 'ready', report };
    } catch (err) {
      const { error: _previous, ...rest } = this.state;
      this.state = { ...rest, error: `Could not read the learning report: ${err instanceof Error ? err.message : String(err)}` };
    }
    this.post();
  }

  dispose(): void {
    this.refresher.dispose();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }

  private post(): void {
    this.changed.fire(this.state);
    const message: ToLearningView = { type: 'state', state: this.state };
    void this.view?.webview.postMessage(message);
  }
}
