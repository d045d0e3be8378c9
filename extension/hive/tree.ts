// The Hive section of the Apiary sidebar. It asks the host for the tree when the connection opens
// and whenever the host pushes `apiary/hive/changed` (never on a timer), and draws what came back.
import * as vscode from 'vscode';
import { HiveChangedNotification } from '../../shared/hive';
import { HiveTreeRequest, type HiveTreeResult } from '../../shared/hiveViews';
import { onConnected } from '../connected';
import { errorText } from '../agents/errors';
import type { HostClient } from '../client';
import { buildTree, cellNodes, contextValue, describeCell, type CellNode, type CellState, type HiveNode, type HiveViewOptions } from './model';
import { counted } from '../../shared/counted';

export const HIVE_VIEW_ID = 'apiary.hive';

const ICONS: Record<CellState, [string, string]> = {
  in_progress: ['play-circle', 'charts.yellow'],
  claimed: ['circle-large-filled', 'charts.orange'],
  ready: ['circle-large-outline', 'charts.green'],
  blocked: ['circle-slash', 'charts.red'],
  open: ['circle-large-outline', 'charts.blue'],
  closed: ['pass-filled', 'disabledForeground'],
};

const GROUP_ICONS: Record<CellState, string> = {
  in_progress: 'play-circle',
  claimed: 'lock',
  ready: 'circle-large-outline',
  blocked: 'circle-slash',
  open: 'circle-large-outline',
  closed: 'pass-filled',
};

export function iconOf(state: CellState, type: string): vscode.ThemeIcon {
  const [icon, color] = ICONS[state];
  // Epics keep their own shape; the colour still says how far along they are.
  return new vscode.ThemeIcon(type === 'epic' && state !== 'closed' ? 'layers' : icon, new vscode.ThemeColor(color));
}

export class HiveTree implements vscode.TreeDataProvider<HiveNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<HiveNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly changed = new vscode.EventEmitter<HiveTreeResult>();
  /** Fires after every refresh with what the host answered. */
  readonly onDidRefresh = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private data: HiveTreeResult | undefined;
  private roots: HiveNode[] = [];
  private error: string | undefined;
  private pending: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  view: vscode.TreeView<HiveNode> | undefined;
  /** Approval requests waiting per cell id (fed by the approvals feature; the hive view only shows them). */
  private waiting: ReadonlyMap<string, number> = new Map();

  constructor(
    private readonly client: HostClient,
    private readonly output: vscode.LogOutputChannel,
    private options: HiveViewOptions,
  ) {
    this.subscriptions.push(
      onConnected(client, () => void this.refresh()),
      // Pushes come in bursts (an epic is many events): one re-query per burst.
      client.onNotification(HiveChangedNotification, () => this.soon()),
    );
    if (client.state.kind === 'ready') void this.refresh();
  }

  get current(): HiveTreeResult | undefined {
    return this.data;
  }

  /** Marks cells whose agents wait for a human decision. */
  setWaiting(waiting: ReadonlyMap<string, number>): void {
    this.waiting = waiting;
    this.emitter.fire(undefined);
  }

  setOptions(options: HiveViewOptions): void {
    this.options = options;
    this.rebuild();
  }

  /** Every cell node on display. */
  cells(): CellNode[] {
    return [...cellNodes(this.roots)];
  }

  find(id: string): CellNode | undefined {
    return this.cells().find((n) => n.cell.id === id);
  }

  private soon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), 30);
  }

  /** Asks the host again; a refresh asked for while one runs runs once more after it. */
  refresh(): Promise<void> {
    if (this.pending) {
      this.again = true;
      return this.pending;
    }
    this.pending = (async () => {
      do {
        this.again = false;
        try {
          this.data = await this.client.request(HiveTreeRequest, {});
          this.error = undefined;
        } catch (err) {
          this.error = errorText(err);
          this.output.debug(`Hive view: ${this.error}`);
        }
        this.rebuild();
        if (this.data) this.changed.fire(this.data);
      } while (this.again);
    })().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private rebuild(): void {
    this.roots = this.data ? buildTree(this.data, this.options, Date.now()) : [];
    if (this.view) {
      const filters = [`by ${this.options.groupBy}`, ...(this.options.readyOnly ? ['ready only'] : [])];
      this.view.description = filters.join(' · ');
      this.view.message = this.message();
      const count = this.data ? this.data.ready.length : 0;
      this.view.badge = count ? { value: count, tooltip: `${counted(count, 'cell')} ready to start` } : undefined;
    }
    this.emitter.fire(undefined);
  }

  private message(): string | undefined {
    if (this.error && !this.data) return `The hive is not available: ${this.error}`;
    if (!this.data) return undefined;
    if (this.options.readyOnly && this.data.ready.length === 0 && this.data.cells.length > 0) return 'Nothing is ready: every open cell is blocked or claimed.';
    if (this.data.total > this.data.cells.length) return `Showing ${this.data.cells.length} of ${this.data.total} cells.`;
    return undefined;
  }

  getChildren(node?: HiveNode): HiveNode[] {
    return node ? node.children : this.roots;
  }

  getParent(node: HiveNode): HiveNode | undefined {
    return node.parent ?? undefined;
  }

  getTreeItem(node: HiveNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `${this.options.groupBy}:group:${node.key}`;
      item.description = String(node.children.length);
      item.iconPath = node.state ? new vscode.ThemeIcon(GROUP_ICONS[node.state], new vscode.ThemeColor(ICONS[node.state][1])) : new vscode.ThemeIcon('person');
      item.contextValue = 'group';
      return item;
    }
    const c = node.cell;
    const item = new vscode.TreeItem(c.title, node.children.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    // Per grouping, so each grouping remembers its own expanded rows.
    item.id = `${this.options.groupBy}:cell:${c.id}`;
    const waits = this.waiting.get(c.id) ?? 0;
    item.description = waits ? `${waits} waiting for you · ${describeCell(node)}` : describeCell(node);
    item.iconPath = node.context ? new vscode.ThemeIcon(c.type === 'epic' ? 'layers' : 'circle-large-outline', new vscode.ThemeColor('disabledForeground')) : iconOf(node.state, c.type);
    item.contextValue = contextValue(node);
    item.tooltip = tooltip(node);
    if (waits) item.tooltip.appendMarkdown(`$(bell-dot) ${waits} approval request${waits === 1 ? '' : 's'} waiting for you (see Approvals)\n\n`);
    item.accessibilityInformation = { label: `${c.title}, ${c.type}, ${node.state.replace('_', ' ')}, priority ${c.priority}, ${c.id}` };
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
    this.changed.dispose();
  }
}

function tooltip(n: CellNode): vscode.MarkdownString {
  const c = n.cell;
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(c.title)}**\n\n`);
  md.appendMarkdown(`\`${c.id}\` · ${c.type} · ${c.status.replace('_', ' ')} · P${c.priority}\n\n`);
  if (n.holder) md.appendMarkdown(`$(lock) claimed by ${escape(n.holder)} until ${c.claim!.expiresAt}\n\n`);
  else if (c.assignee) md.appendMarkdown(`$(person) ${escape(c.assignee)}\n\n`);
  if (n.blockedBy.length) md.appendMarkdown(`$(circle-slash) waits for ${n.blockedBy.map((b) => `\`${b}\``).join(', ')}\n\n`);
  if (c.labels.length) md.appendMarkdown(`$(tag) ${c.labels.map(escape).join(', ')}\n\n`);
  if (n.context) md.appendMarkdown('_Shown for context: not ready itself._');
  return md;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
