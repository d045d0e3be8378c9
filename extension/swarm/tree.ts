// The Swarm section: runs, and under each its workers (agent, cell, model, state, tokens and
// cost, last action). Refreshed from the host on `apiary/swarm/changed`.
import * as vscode from 'vscode';
import { formatUsd } from '../../shared/llm';
import { SwarmChangedNotification, SwarmStatusRequest, type SwarmRunView, type SwarmWorkerView } from '../../shared/swarm';
import type { HostClient } from '../client';

export const SWARM_VIEW_ID = 'apiary.swarm';

export type SwarmNode = { kind: 'run'; run: SwarmRunView } | { kind: 'worker'; run: SwarmRunView; worker: SwarmWorkerView };

const RUN_ICONS: Record<SwarmRunView['status'], string> = { planning: 'loading~spin', running: 'sync~spin', done: 'pass', failed: 'error', stopped: 'debug-stop' };
const WORKER_ICONS: Record<SwarmWorkerView['state'], string> = { queued: 'clock', running: 'loading~spin', verifying: 'beaker', done: 'pass', failed: 'warning', blocked: 'error', stopped: 'debug-stop' };

export class SwarmTree implements vscode.TreeDataProvider<SwarmNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SwarmNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly runsChanged = new vscode.EventEmitter<SwarmRunView[]>();
  /** Fires with every fresh list of runs (progress notifications follow it). */
  readonly onDidChangeRuns = this.runsChanged.event;
  private runs: SwarmRunView[] = [];
  private readonly subs: vscode.Disposable[] = [];
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: HostClient,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.subs.push(
      client.onNotification(SwarmChangedNotification, () => this.scheduleRefresh()),
      client.onDidChangeState((s) => {
        if (s.kind === 'ready') this.scheduleRefresh();
      }),
    );
    if (client.state.kind === 'ready') this.scheduleRefresh();
  }

  current(): SwarmRunView[] {
    return this.runs;
  }

  private scheduleRefresh(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.refresh();
    }, 150);
  }

  async refresh(): Promise<void> {
    try {
      this.runs = (await this.client.request(SwarmStatusRequest, {})).runs;
      this.changed.fire(undefined);
      this.runsChanged.fire(this.runs);
    } catch (err) {
      this.output.debug(`Swarm status unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  getChildren(node?: SwarmNode): SwarmNode[] {
    if (!node) return this.runs.map((run) => ({ kind: 'run', run }));
    if (node.kind === 'run') return node.run.workers.map((worker) => ({ kind: 'worker', run: node.run, worker }));
    return [];
  }

  getTreeItem(node: SwarmNode): vscode.TreeItem {
    if (node.kind === 'run') {
      const r = node.run;
      const item = new vscode.TreeItem(r.task.split('\n')[0]!.slice(0, 80), r.status === 'running' || r.status === 'planning' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `run:${r.id}`;
      item.description = `${r.status} · ${r.workers.filter((w) => w.state === 'done').length}/${r.workers.length} · ${formatUsd(r.report.costMicros)}`;
      item.iconPath = new vscode.ThemeIcon(RUN_ICONS[r.status]);
      item.contextValue = r.endedAt ? 'apiary.swarm.run' : 'apiary.swarm.run.active';
      item.tooltip = new vscode.MarkdownString(
        `**${r.id}** — ${r.status}${r.reason ? `: ${r.reason}` : ''}\n\n` +
          `decomposition ${r.report.decompositionMs} ms · wall ${r.report.wallMs} ms · overhead ${r.report.coordinationOverheadMs} ms\n\n` +
          `retries ${r.report.retries} · conflicts ${r.report.reservationConflicts} · ${r.report.tokens} tokens · ${formatUsd(r.report.costMicros)}` +
          (r.epic ? `\n\nepic ${r.epic}` : ''),
      );
      return item;
    }
    const w = node.worker;
    const item = new vscode.TreeItem(w.agent, vscode.TreeItemCollapsibleState.None);
    item.id = `worker:${node.run.id}:${w.cell}`;
    item.description = `${w.cell} · ${w.state} · ${w.model ?? '—'} · ${w.tokens} tok · ${formatUsd(w.costMicros)}${w.lastAction ? ` · ${w.lastAction}` : ''}`;
    item.iconPath = new vscode.ThemeIcon(WORKER_ICONS[w.state]);
    item.contextValue = ['running', 'verifying', 'failed', 'queued'].includes(w.state) && !node.run.endedAt ? 'apiary.swarm.worker.active' : 'apiary.swarm.worker';
    item.tooltip = new vscode.MarkdownString(`**${w.agent}** on ${w.cell}: ${w.title}\n\nfiles: ${w.files.join(', ')}\n\nattempts ${w.attempts}${w.summary ? `\n\n${w.summary}` : ''}`);
    item.command = { command: 'apiary.swarm.openTranscript', title: 'Open Transcript', arguments: [node] };
    return item;
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
    this.runsChanged.dispose();
  }
}
