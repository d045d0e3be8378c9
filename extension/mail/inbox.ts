// The Inbox section of the Apiary side bar: this window's agent's mail as threads. Urgent and
// ack-required arrivals raise a notification; a message opens as a read-only markdown document
// (which marks it read); Reply, Mark Read and Acknowledge work from the tree.
import * as vscode from 'vscode';
import { type InboxEntry, MailAckRequest, MailArrivedNotification, MailInboxRequest, MailReadRequest, MailSendRequest } from '../../shared/coordination';
import type { HostClient } from '../client';
import { onConnected } from '../connected';
import { errorText } from '../agents/errors';
import { relative } from './time';
import { groupThreads, messageMarkdown, replySubject, type ThreadView, wantsAttention } from './threads';

export const INBOX_VIEW_ID = 'apiary.inbox';
const SCHEME = 'apiary-mail';

export type InboxNode = { kind: 'thread'; thread: ThreadView } | { kind: 'message'; entry: InboxEntry };

export class Inbox implements vscode.TreeDataProvider<InboxNode>, vscode.TextDocumentContentProvider, vscode.Disposable {
  private entries: InboxEntry[] = [];
  private readonly emitter = new vscode.EventEmitter<InboxNode | undefined>();
  private readonly docs = new vscode.EventEmitter<vscode.Uri>();
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly onDidChangeTreeData = this.emitter.event;
  readonly onDidChange = this.docs.event;
  /** Unread count, for the view's badge. */
  unread = 0;
  view: vscode.TreeView<InboxNode> | undefined;

  constructor(
    private readonly client: HostClient,
    private readonly me: () => string,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(SCHEME, this),
      client.onNotification(MailArrivedNotification, (p) => {
        if (!p.message.to.includes(this.me())) return;
        void this.refresh();
        if (wantsAttention(p.message, this.me())) void this.notify(p.message.id);
      }),
      onConnected(client, () => void this.refresh()),
    );
  }

  async refresh(): Promise<void> {
    try {
      const r = await this.client.request(MailInboxRequest, { agent: this.me(), limit: 200 });
      this.entries = r.entries;
      this.unread = r.unread;
    } catch (err) {
      this.output.debug(`Inbox not loaded: ${errorText(err)}`);
    }
    if (this.view) this.view.badge = this.unread > 0 ? { value: this.unread, tooltip: `${this.unread} unread message${this.unread === 1 ? '' : 's'}` } : undefined;
    this.emitter.fire(undefined);
  }

  entry(id: string): InboxEntry | undefined {
    return this.entries.find((e) => e.message.id === id);
  }

  getChildren(node?: InboxNode): InboxNode[] {
    if (!node) return groupThreads(this.entries).map((thread) => ({ kind: 'thread', thread }));
    if (node.kind === 'thread') return node.thread.entries.map((entry) => ({ kind: 'message', entry }));
    return [];
  }

  getTreeItem(node: InboxNode): vscode.TreeItem {
    if (node.kind === 'thread') {
      const t = node.thread;
      const item = new vscode.TreeItem(t.subject, t.entries.length > 1 || t.unread > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `thread:${t.thread}`;
      const counts = [t.unread ? `${t.unread} unread` : '', t.awaitingAck ? `${t.awaitingAck} to ack` : ''].filter((x) => x);
      item.description = [t.from.join(', '), ...counts].join(' · ');
      item.iconPath = new vscode.ThemeIcon(t.urgent ? 'bell-dot' : 'comment-discussion');
      item.contextValue = 'apiary.mail.thread';
      return item;
    }
    const e = node.entry;
    const m = e.message;
    const item = new vscode.TreeItem(`${m.from}: ${m.subject}`, vscode.TreeItemCollapsibleState.None);
    item.id = `message:${m.id}`;
    item.description = [relative(m.sentAt, Date.now()), m.importance !== 'normal' ? m.importance : '', m.ackRequired && e.state !== 'acked' ? 'ack requested' : ''].filter((x) => x).join(' · ');
    item.iconPath = new vscode.ThemeIcon(e.state === 'acked' ? 'check' : e.state === 'read' ? 'mail-read' : 'mail');
    item.tooltip = new vscode.MarkdownString(messageMarkdown(m));
    item.contextValue = `apiary.mail.${e.state}${m.ackRequired && e.state !== 'acked' ? '.ack' : ''}`;
    item.command = { command: 'apiary.mail.open', title: 'Open', arguments: [node] };
    return item;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    const e = this.entry(id);
    return e ? messageMarkdown(e.message) : `# Message ${id}\n\nNot in your inbox any more.`;
  }

  async open(node?: InboxNode): Promise<void> {
    const e = node?.kind === 'message' ? node.entry : undefined;
    if (!e) return;
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${e.message.id}.md` });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true });
    if (e.state === 'unread') await this.markRead(node);
  }

  async markRead(node?: InboxNode): Promise<void> {
    const ids = node?.kind === 'message' ? [node.entry.message.id] : node?.kind === 'thread' ? node.thread.entries.filter((e) => e.state === 'unread').map((e) => e.message.id) : [];
    if (ids.length === 0) return;
    try {
      await this.client.request(MailReadRequest, { agent: this.me(), ids });
    } catch (err) {
      void vscode.window.showErrorMessage(`Apiary: ${errorText(err)}`);
    }
    await this.refresh();
  }

  async ack(node?: InboxNode | string): Promise<void> {
    const id = typeof node === 'string' ? node : node?.kind === 'message' ? node.entry.message.id : undefined;
    if (!id) return;
    try {
      await this.client.request(MailAckRequest, { agent: this.me(), id });
    } catch (err) {
      void vscode.window.showErrorMessage(`Apiary: ${errorText(err)}`);
    }
    await this.refresh();
  }

  async reply(node?: InboxNode | string): Promise<void> {
    const e =
      typeof node === 'string'
        ? this.entry(node)
        : node?.kind === 'message'
          ? node.entry
          : node?.kind === 'thread'
            ? node.thread.entries.at(-1)
            : undefined;
    if (!e) return;
    const m = e.message;
    const body = await vscode.window.showInputBox({ title: `Reply to ${m.from}: ${m.subject}`, prompt: 'Your answer (markdown)', ignoreFocusOut: true });
    if (!body?.trim()) return;
    try {
      await this.client.request(MailSendRequest, { from: this.me(), to: [m.from], subject: replySubject(m.subject), body, replyTo: m.id });
      if (e.state === 'unread') await this.client.request(MailReadRequest, { agent: this.me(), ids: [m.id] });
      void vscode.window.showInformationMessage(`Apiary: replied to ${m.from}.`);
    } catch (err) {
      void vscode.window.showErrorMessage(`Apiary: ${errorText(err)}`);
    }
    await this.refresh();
  }

  private async notify(id: string): Promise<void> {
    await this.refresh();
    const e = this.entry(id);
    if (!e) return;
    const m = e.message;
    const actions = ['Open', 'Reply', ...(m.ackRequired ? ['Acknowledge'] : [])];
    const text = `${m.importance === 'urgent' ? 'Urgent message' : 'Message'} from ${m.from}: ${m.subject}${m.ackRequired ? ' (acknowledgement requested)' : ''}`;
    const pick = m.importance === 'urgent' ? await vscode.window.showWarningMessage(text, ...actions) : await vscode.window.showInformationMessage(text, ...actions);
    if (pick === 'Open') await this.open({ kind: 'message', entry: e });
    else if (pick === 'Reply') await this.reply(id);
    else if (pick === 'Acknowledge') await this.ack(id);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
    this.docs.dispose();
  }
}
