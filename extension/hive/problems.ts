// Lines of `.hive/issues.jsonl` the host could not read, as problems on the file (the Problems
// panel and squiggles), plus a one-line warning when new ones appear. The host reports them; the
// window only draws them.
import * as vscode from 'vscode';
import { HiveFileStatusNotification, HiveFileStatusRequest, type HiveFileStatus } from '../../shared/hiveViews';
import { onConnected } from '../connected';
import type { HostClient } from '../client';
import { counted } from '../../shared/counted';

export class HiveFileProblems implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('apiary-hive');
  private readonly subscriptions: vscode.Disposable[] = [];
  private shown = '';
  status: HiveFileStatus | undefined;

  constructor(
    private readonly client: HostClient,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      onConnected(client, () => void this.load()),
      client.onNotification(HiveFileStatusNotification, (s) => this.render(s)),
    );
    if (client.state.kind === 'ready') void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.render(await this.client.request(HiveFileStatusRequest));
    } catch (err) {
      this.output.debug(`Hive file status: ${String(err)}`);
    }
  }

  private render(status: HiveFileStatus): void {
    this.status = status;
    const uri = vscode.Uri.file(status.path);
    this.diagnostics.set(
      uri,
      status.problems.map((p) => {
        const line = Math.max(0, p.line - 1);
        const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), `Apiary cannot read this line: ${p.reason}. It is kept in the file until you fix it.`, vscode.DiagnosticSeverity.Warning);
        d.source = 'apiary hive';
        return d;
      }),
    );
    const key = status.problems.map((p) => `${p.line}:${p.text ?? ''}`).join('\n');
    if (key && key !== this.shown) {
      const lines = status.problems.map((p) => p.line).join(', ');
      void vscode.window.showWarningMessage(`Apiary: .hive/issues.jsonl has ${counted(status.problems.length, 'line')} it cannot read (${status.problems.length === 1 ? 'line' : 'lines'} ${lines}); they are kept in the file.`, 'Open File').then((pick) => {
        if (pick) void vscode.window.showTextDocument(uri, { selection: new vscode.Range(status.problems[0]!.line - 1, 0, status.problems[0]!.line - 1, 0) });
      });
    }
    this.shown = key;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.diagnostics.dispose();
  }
}
