// The Agents section: who is connected (VS Code windows, MCP clients, swarm workers), their
// client, when they were last seen, and what they hold. Refreshed by the host's pushes
// (agents, reservations, hive changes) — never polled; only "last seen" re-renders on a timer.
import * as vscode from 'vscode';
import { type Agent, AgentListRequest, AgentsChangedNotification, LockListRequest, type Reservation, ReservationsChangedNotification } from '../../shared/coordination';
import { type CellSummary, HiveChangedNotification, HiveListRequest } from '../../shared/hive';
import type { HostClient } from '../client';
import { agentRows, type AgentRow, type HoldingRow } from './agentRows';

type Node = { type: 'agent'; row: AgentRow } | { type: 'holding'; row: HoldingRow; agent: string };

const RELOAD_COALESCE_MS = 100;
const LAST_SEEN_TICK_MS = 30_000;

export class AgentsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private agents: Agent[] = [];
  private reservations: Reservation[] = [];
  private claimed: CellSummary[] = [];
  private rowsNow: AgentRow[] = [];
  private reloadTimer: NodeJS.Timeout | undefined;
  private readonly tick: NodeJS.Timeout;
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  private readonly changed = new vscode.EventEmitter<readonly AgentRow[]>();
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly onDidChangeTreeData = this.emitter.event;
  /** Fires with the rows after each reload (for tests and other views). */
  readonly onDidChangeRows = this.changed.event;

  constructor(private readonly client: HostClient, private readonly output: vscode.LogOutputChannel) {
    let ready = client.state.kind === 'ready';
    this.subscriptions.push(
      client.onDidChangeState((s) => {
        if (s.kind === 'ready' && !ready) this.scheduleReload();
        ready = s.kind === 'ready';
      }),
      client.onNotification(AgentsChangedNotification, () => this.scheduleReload()),
      client.onNotification(ReservationsChangedNotification, () => this.scheduleReload()),
      client.onNotification(HiveChangedNotification, () => this.scheduleReload()),
    );
    this.tick = setInterval(() => this.render(), LAST_SEEN_TICK_MS);
    if (ready) this.scheduleReload();
  }

  /** What the section shows now. */
  rows(): readonly AgentRow[] {
    return this.rowsNow;
  }

  scheduleReload(): void {
    this.reloadTimer ??= setTimeout(() => {
      this.reloadTimer = undefined;
      void this.reload();
    }, RELOAD_COALESCE_MS);
  }

  async reload(): Promise<void> {
    if (this.client.state.kind !== 'ready') return;
    try {
      const [agents, locks, cells] = await Promise.all([
        this.client.request(AgentListRequest, { includeInactive: true }),
        this.client.request(LockListRequest, {}),
        this.client.request(HiveListRequest, { status: 'in_progress', limit: 500 }),
      ]);
      this.agents = agents.agents;
      this.reservations = locks.reservations;
      this.claimed = cells.cells;
      this.render();
    } catch (err) {
      this.output.warn(`Agents: could not load from the host: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private render(): void {
    this.rowsNow = agentRows(this.agents, this.reservations, this.claimed, Date.now());
    this.emitter.fire(undefined);
    this.changed.fire(this.rowsNow);
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.rowsNow.map((row) => ({ type: 'agent', row }));
    if (node.type === 'agent') return node.row.holdings.map((row) => ({ type: 'holding', row, agent: node.row.name }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.type === 'agent') {
      const item = new vscode.TreeItem(node.row.label, node.row.holdings.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.id = `agent:${node.row.name}`;
      item.description = node.row.description;
      item.tooltip = node.row.tooltip;
      item.iconPath = new vscode.ThemeIcon(node.row.active ? 'account' : 'circle-slash');
      item.contextValue = 'apiary.agent';
      return item;
    }
    const item = new vscode.TreeItem(node.row.label, vscode.TreeItemCollapsibleState.None);
    item.id = `agent:${node.agent}:${node.row.kind}:${node.row.label}`;
    item.description = node.row.description;
    item.iconPath = new vscode.ThemeIcon(node.row.kind === 'cell' ? 'tasklist' : 'lock');
    return item;
  }

  dispose(): void {
    clearInterval(this.tick);
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
    this.changed.dispose();
  }
}
