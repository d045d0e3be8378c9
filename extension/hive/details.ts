// "Show Cell Details": a read-only markdown document per cell (`apiary-cell:/<id>.md`), rendered
// from apiary/hive/show and redrawn when the host says the cell changed.
import * as vscode from 'vscode';
import { HiveChangedNotification, HiveShowRequest, type CellDetail } from '../../shared/hive';
import { errorText } from '../agents/errors';
import type { HostClient } from '../client';

export const CELL_SCHEME = 'apiary-cell';

export function cellUri(id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: CELL_SCHEME, path: `/${id}.md` });
}

function idOf(uri: vscode.Uri): string {
  return uri.path.replace(/^\//, '').replace(/\.md$/, '');
}

/** Markdown that reads well as source too: the editor shows it as text, read-only. */
export function renderCell(d: CellDetail): string {
  const c = d.cell;
  const code = (id: string): string => `\`${id}\``;
  const lines = [`# ${c.title}`, '', `${code(c.id)} · ${c.type} · **${c.status.replace('_', ' ')}** · P${c.priority}${d.ready ? ' · ready to start' : ''}`, ''];
  const facts: Array<[string, string]> = [];
  if (c.parent) facts.push(['Parent', code(c.parent)]);
  if (c.assignee) facts.push(['Assignee', c.assignee]);
  if (c.claim) facts.push(['Claimed by', `${c.claim.holder} until ${c.claim.expiresAt}`]);
  if (d.blockedBy.length) facts.push(['Waits for', d.blockedBy.map(code).join(', ')]);
  if (d.blocks.length) facts.push(['Blocks', d.blocks.map(code).join(', ')]);
  for (const r of d.related) facts.push([r.type === 'related' ? 'Related' : 'Discovered from', `${code(r.id)}${r.direction === 'in' ? ' (incoming)' : ''}`]);
  if (c.labels.length) facts.push(['Labels', c.labels.join(', ')]);
  if (c.files.length) facts.push(['Files', c.files.map(code).join(', ')]);
  facts.push(['Created', c.createdAt], ['Updated', c.updatedAt]);
  if (c.closedAt) facts.push(['Closed', `${c.closedAt}${c.closeReason ? ` — ${c.closeReason}` : ''}`]);
  lines.push(...facts.map(([k, v]) => `- **${k}:** ${v}`), '');
  if (c.description) lines.push('## Description', '', c.description, '');
  if (d.children.length) {
    lines.push('## Subtasks', '');
    for (const s of d.children) lines.push(`- [${s.status === 'closed' ? 'x' : ' '}] ${code(s.id)} ${s.title} (${s.status.replace('_', ' ')}, P${s.priority})`);
    lines.push('');
  }
  if (c.comments.length) {
    lines.push('## Comments', '');
    for (const m of c.comments) lines.push(`**${m.author}** · ${m.createdAt}`, '', m.text, '');
  }
  if (Object.keys(c.metadata).length) lines.push('## Metadata', '', '```json', JSON.stringify(c.metadata, null, 2), '```', '');
  return lines.join('\n');
}

export class CellDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly off: vscode.Disposable;

  constructor(private readonly client: HostClient) {
    this.off = client.onNotification(HiveChangedNotification, (change) => {
      for (const doc of vscode.workspace.textDocuments) {
        if (doc.uri.scheme === CELL_SCHEME && change.ids.includes(idOf(doc.uri))) this.emitter.fire(doc.uri);
      }
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = idOf(uri);
    try {
      return renderCell(await this.client.request(HiveShowRequest, { id }));
    } catch (err) {
      return `# ${id}\n\nThe host could not show this cell: ${errorText(err)}\n`;
    }
  }

  async show(id: string): Promise<void> {
    // The .md path makes it a markdown document; a content provider's documents are read-only.
    const doc = await vscode.workspace.openTextDocument(cellUri(id));
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    this.off.dispose();
    this.emitter.dispose();
  }
}
