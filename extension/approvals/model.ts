// The requests waiting for a human, as the host pushes them: loaded when the connection becomes
// ready, then kept current by `apiary/approval/changed`. Threads, tree, status bar and
// notifications all render from here.
import * as vscode from 'vscode';
import { type Approval, ApprovalListRequest, ApprovalsChangedNotification } from '../../shared/approvals';
import type { HostClient } from '../client';
import { onConnected } from '../connected';

export class ApprovalsModel implements vscode.Disposable {
  private list: Approval[] = [];
  private position = 0;
  private readonly emitter = new vscode.EventEmitter<readonly Approval[]>();
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly client: HostClient,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      client.onNotification(ApprovalsChangedNotification, (p) => {
        if (p.position < this.position) return;
        this.position = p.position;
        this.set(p.pending);
      }),
      onConnected(client, () => void this.refresh()),
    );
  }

  /** Waiting requests, oldest first. */
  get pending(): readonly Approval[] {
    return this.list;
  }

  find(id: string): Approval | undefined {
    return this.list.find((a) => a.id === id);
  }

  async refresh(): Promise<void> {
    try {
      const r = await this.client.request(ApprovalListRequest, { status: 'pending' });
      this.set(r.approvals);
    } catch (err) {
      this.output.warn(`Could not load approval requests: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private set(list: Approval[]): void {
    this.list = list;
    this.emitter.fire(list);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}
