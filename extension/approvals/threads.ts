// One comment thread per file of each waiting change, anchored at the first lines the proposal
// changes, with the requester, summary and confidence, and Approve / Reject / Open Diff both as
// links in the comment and as buttons in the thread's title bar. Threads go when the request
// stops waiting.
import * as vscode from 'vscode';
import type { Approval } from '../../shared/approvals';
import type { ApprovalActions } from './actions';
import { changedRange } from './diffRange';
import type { ApprovalsModel } from './model';
import { proposalUri } from './proposals';

export const COMMENT_CONTROLLER_ID = 'apiary.approvals';
export const THREAD_CONTEXT = 'apiaryApproval';

export interface ApprovalThread {
  id: string;
  file: string;
  thread: vscode.CommentThread;
}

const link = (label: string, command: string, args: unknown[]): string => `[${label}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;

export function commentBody(a: Approval, file: string): vscode.MarkdownString {
  const conf = a.confidence === null ? 'confidence not given' : `${Math.round(a.confidence * 100)}% confident`;
  const others = Object.keys(a.details.changes ?? {}).filter((f) => f !== file);
  const md = new vscode.MarkdownString(
    [
      `Asks to apply: **${escape(a.summary)}**`,
      '',
      `$(pulse) ${conf}${a.cell ? ` · cell ${a.cell}` : ''}${others.length ? ` · also changes ${others.map((f) => `\`${f}\``).join(', ')}` : ''}`,
      '',
      `_${escape(a.policy.reason)}_`,
      '',
      `${link('$(check) Approve', 'apiary.approval.approve', [a.id])} · ${link('$(close) Reject', 'apiary.approval.reject', [a.id])} · ${link('$(diff) Open Diff', 'apiary.approval.openDiff', [a.id, file])}`,
    ].join('\n'),
    true,
  );
  md.isTrusted = { enabledCommands: ['apiary.approval.approve', 'apiary.approval.reject', 'apiary.approval.openDiff'] };
  return md;
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]<>()#+!|]/g, (c) => `\\${c}`);
}

export class ApprovalThreads implements vscode.Disposable {
  readonly controller = vscode.comments.createCommentController(COMMENT_CONTROLLER_ID, 'Apiary approvals');
  private readonly threads = new Map<string, ApprovalThread[]>();
  private readonly off: vscode.Disposable;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly model: ApprovalsModel,
    private readonly actions: ApprovalActions,
  ) {
    this.off = model.onDidChange(() => this.sync());
  }

  /** Threads of a request (for tests and the commands' thread argument). */
  of(id: string): readonly ApprovalThread[] {
    return this.threads.get(id) ?? [];
  }

  idOf(thread: vscode.CommentThread): string | undefined {
    for (const [id, list] of this.threads) if (list.some((t) => t.thread === thread)) return id;
    return undefined;
  }

  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.apply()).catch(() => {});
    return this.syncing;
  }

  private async apply(): Promise<void> {
    const waiting = new Map(this.model.pending.filter((a) => a.kind === 'change' && a.details.changes).map((a) => [a.id, a]));
    for (const [id, list] of this.threads) {
      if (waiting.has(id)) continue;
      for (const t of list) t.thread.dispose();
      this.threads.delete(id);
    }
    for (const a of waiting.values()) {
      if (this.threads.has(a.id)) continue;
      const list: ApprovalThread[] = [];
      for (const [file, proposed] of Object.entries(a.details.changes ?? {})) list.push(await this.create(a, file, proposed));
      this.threads.set(a.id, list);
    }
  }

  private async create(a: Approval, file: string, proposed: string): Promise<ApprovalThread> {
    const uri = this.actions.fileUri(file);
    const current = uri ? await readText(uri) : undefined;
    let anchor: vscode.Uri;
    let range: vscode.Range;
    if (uri && current !== undefined) {
      const r = changedRange(current, proposed)?.current ?? { start: 0, end: 0 };
      anchor = uri;
      range = new vscode.Range(r.start, 0, r.end, 0);
    } else {
      // A new file: anchor on the proposal itself.
      const r = changedRange('', proposed)?.proposed ?? { start: 0, end: 0 };
      anchor = proposalUri(a.id, file);
      range = new vscode.Range(r.start, 0, r.end, 0);
    }
    const comment: vscode.Comment = {
      author: { name: a.requester },
      body: commentBody(a, file),
      mode: vscode.CommentMode.Preview,
      label: 'approval requested',
      timestamp: new Date(a.createdAt),
    };
    const thread = this.controller.createCommentThread(anchor, range, [comment]);
    thread.label = `Approval ${a.id}: ${a.summary}`;
    thread.contextValue = THREAD_CONTEXT;
    thread.canReply = false;
    thread.state = vscode.CommentThreadState.Unresolved;
    thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    return { id: a.id, file, thread };
  }

  dispose(): void {
    this.off.dispose();
    for (const list of this.threads.values()) for (const t of list) t.thread.dispose();
    this.threads.clear();
    this.controller.dispose();
  }
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
