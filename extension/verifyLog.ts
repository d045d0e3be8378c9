// "Apiary: Verify Event Log": the audit of `apiary events verify` from the window. The host runs it
// on a worker thread, so the window (and every other client) keeps working while it hashes; the
// answer is a notification that says whether the log is intact and, if not, where it is damaged.
import * as vscode from 'vscode';
import { VerifyEventsRequest, type VerifyReport } from '../shared/protocol';
import type { HostClient } from './client';
import { verifyMessage } from './verifyReport';

export function registerVerifyLog(client: HostClient, output: { info(message: string): void; error(message: string): void }): vscode.Disposable {
  return vscode.commands.registerCommand('apiary.verifyLog', async () => {
    if (client.state.kind !== 'ready') {
      void vscode.window.showWarningMessage(`Apiary: the agent host is ${client.state.kind}; verify the event log once it is ready.`);
      return;
    }
    let report: VerifyReport;
    try {
      report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Apiary: verifying the event log\u2019s hash chain…' },
        () => client.request(VerifyEventsRequest),
      );
    } catch (err) {
      void vscode.window.showErrorMessage(`Apiary: could not verify the event log: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const { ok, text, detail } = verifyMessage(report);
    if (ok) {
      output.info(detail);
      void vscode.window.showInformationMessage(text);
      return;
    }
    output.error(detail);
    void vscode.window.showErrorMessage(text, 'Show Log').then((pick) => pick && vscode.commands.executeCommand('apiary.showLog'));
  });
}
