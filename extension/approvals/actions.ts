// What the Approve / Reject / Open Diff / Details buttons do, wherever they are (comment thread,
// diff editor title, tree, notification). Approving a change writes it as ONE workspace edit
// (one undo), saves the touched files, and then tells the host it was approved and applied.
import * as vscode from 'vscode';
import { type Approval, ApprovalDecideRequest } from '../../shared/approvals';
import type { HostClient } from '../client';
import type { ApprovalsModel } from './model';
import { proposalUri } from './proposals';

export class ApprovalActions {
  constructor(
    private readonly client: HostClient,
    private readonly model: ApprovalsModel,
    private readonly workspace: string | undefined,
    private readonly who: () => string,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  fileUri(file: string): vscode.Uri | undefined {
    return this.workspace ? vscode.Uri.joinPath(vscode.Uri.file(this.workspace), file) : undefined;
  }

  async approve(id: string): Promise<boolean> {
    const a = this.model.find(id);
    if (!a) return this.gone(id);
    let applied = false;
    if (a.kind === 'change' && a.details.changes) {
      applied = await this.apply(a);
      if (!applied) return false;
    }
    return this.decide(a, 'approved', undefined, applied);
  }

  async reject(id: string, reason?: string): Promise<boolean> {
    const a = this.model.find(id);
    if (!a) return this.gone(id);
    const why =
      reason ??
      (await vscode.window.showInputBox({
        title: `Reject "${a.summary}"`,
        prompt: `Optional: tell ${a.requester} why (sent back to the agent)`,
        placeHolder: 'Reason (optional)',
        ignoreFocusOut: true,
      }));
    if (why === undefined) return false; // Escape: nothing decided
    return this.decide(a, 'rejected', why.trim() || undefined, false);
  }

  async openDiff(id: string, file?: string): Promise<void> {
    const a = this.model.find(id);
    if (!a) return void this.gone(id);
    const files = Object.keys(a.details.changes ?? {});
    const target = file ?? (files.length > 1 ? await vscode.window.showQuickPick(files, { title: `Files in "${a.summary}"` }) : files[0]);
    if (!target) return;
    const current = this.fileUri(target);
    const exists = current ? await vscode.workspace.fs.stat(current).then(() => true, () => false) : false;
    const left = exists && current ? current : proposalUri(a.id, target, true);
    await vscode.commands.executeCommand('vscode.diff', left, proposalUri(a.id, target), `${target} ↔ proposed by ${a.requester} (approval ${a.id})`);
  }

  async details(id: string): Promise<void> {
    const a = this.model.find(id);
    if (!a) return void this.gone(id);
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: describe(a) });
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  private async apply(a: Approval): Promise<boolean> {
    const edit = new vscode.WorkspaceEdit();
    const touched: vscode.Uri[] = [];
    for (const [file, content] of Object.entries(a.details.changes ?? {})) {
      const uri = this.fileUri(file);
      if (!uri) return false;
      const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
      if (exists) {
        const doc = await vscode.workspace.openTextDocument(uri);
        edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), content);
      } else {
        edit.createFile(uri, { ignoreIfExists: true, contents: new TextEncoder().encode(content) });
      }
      touched.push(uri);
    }
    const ok = await vscode.workspace.applyEdit(edit, { isRefactoring: false });
    if (!ok) {
      void vscode.window.showErrorMessage(`Could not apply "${a.summary}": the edit was refused. Nothing was approved.`);
      return false;
    }
    for (const uri of touched) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc?.isDirty) await doc.save();
    }
    return true;
  }

  private async decide(a: Approval, outcome: 'approved' | 'rejected', reason: string | undefined, applied: boolean): Promise<boolean> {
    try {
      await this.client.request(ApprovalDecideRequest, { id: a.id, outcome, by: this.who(), applied, ...(reason ? { reason } : {}) });
      vscode.window.setStatusBarMessage(`Apiary: ${outcome} "${a.summary}"`, 4000);
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.output.warn(`Deciding approval ${a.id} failed: ${message}`);
      void vscode.window.showErrorMessage(`Could not record the decision on "${a.summary}": ${message}`);
      return false;
    }
  }

  private gone(id: string): false {
    void vscode.window.showInformationMessage(`Approval ${id} no longer waits (already decided or timed out).`);
    return false;
  }
}

export function describe(a: Approval): string {
  const lines = [
    `# ${a.summary}`,
    '',
    `- **Requested by:** ${a.requester}`,
    `- **Kind:** ${a.kind}`,
    `- **Confidence:** ${a.confidence === null ? 'not given' : `${Math.round(a.confidence * 100)}%`}`,
    ...(a.cell ? [`- **Cell:** ${a.cell}`] : []),
    `- **Why it asks:** ${a.policy.reason}`,
    ...(a.timeoutAt ? [`- **Times out:** ${a.timeoutAt} (then ${a.defaultOutcome})`] : []),
    '',
  ];
  if (a.details.command) lines.push('## Command', '', '```sh', a.details.command, '```', '');
  if (a.details.costUsd !== undefined) lines.push(`## Cost`, '', `$${a.details.costUsd.toFixed(2)}`, '');
  if (a.details.text) lines.push('## Details', '', a.details.text, '');
  for (const file of Object.keys(a.details.changes ?? {})) lines.push(`- changes \`${file}\``);
  return lines.join('\n');
}
