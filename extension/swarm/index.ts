// The swarm in the window: the Swarm section, "Start Swarm on Task…", "Run Swarm on Cell" from
// the Hive view, Stop (run or worker), Open Transcript, Explain, and a progress notification
// while a run is going. `registerSwarm` is called once from activate().
import * as vscode from 'vscode';
import { SwarmExplainRequest, SwarmRunRequest, SwarmStopRequest, SwarmTranscriptRequest, type SwarmRunView } from '../../shared/swarm';
import type { SwarmRunParams } from '../../shared/swarmSchemas';
import type { HostClient } from '../client';
import { SWARM_VIEW_ID, SwarmTree, type SwarmNode } from './tree';

export interface SwarmFeature {
  tree: SwarmTree;
  /** Starts a run without prompts (UI tests and other commands). */
  start(params: SwarmRunParams): Promise<SwarmRunView>;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function registerSwarm(context: vscode.ExtensionContext, client: HostClient, output: vscode.LogOutputChannel): SwarmFeature {
  const tree = new SwarmTree(client, output);
  const view = vscode.window.createTreeView(SWARM_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const progressShown = new Set<string>();

  const follow = (run: SwarmRunView): void => {
    if (progressShown.has(run.id)) return;
    progressShown.add(run.id);
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Swarm ${run.id}`, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => void client.request(SwarmStopRequest, { run: run.id }).catch(() => undefined));
      return new Promise<void>((resolve) => {
        let reported = 0;
        const update = (runs: SwarmRunView[]): void => {
          const r = runs.find((x) => x.id === run.id);
          if (!r) return;
          const done = r.workers.filter((w) => w.state === 'done').length;
          const total = Math.max(1, r.workers.length);
          const pct = Math.round((done / total) * 100);
          progress.report({ message: `${r.status}: ${done}/${r.workers.length} subtasks verified`, increment: Math.max(0, pct - reported) });
          reported = Math.max(reported, pct);
          if (r.endedAt) {
            sub.dispose();
            resolve();
            const text = `Swarm ${r.id} ${r.status}${r.reason ? `: ${r.reason}` : ''}`;
            if (r.status === 'done') void vscode.window.showInformationMessage(text);
            else void vscode.window.showWarningMessage(text, 'Explain').then((pick) => pick && vscode.commands.executeCommand('apiary.swarm.explain', { kind: 'run', run: r }));
          }
        };
        const sub = tree.onDidChangeRuns(update);
        update(tree.current());
      });
    });
  };

  const start = async (params: SwarmRunParams): Promise<SwarmRunView> => {
    const { run } = await client.request(SwarmRunRequest, params);
    await tree.refresh();
    follow(run);
    return run;
  };

  const askOptions = async (): Promise<Pick<SwarmRunParams, 'bestOf' | 'budgetUsd'> | undefined> => {
    const bestOf = await vscode.window.showQuickPick(
      [
        { label: '1', description: 'one worker per subtask' },
        { label: '2', description: 'best of 2 attempts in isolated copies' },
        { label: '3', description: 'best of 3 attempts in isolated copies' },
      ],
      { title: 'Start Swarm: attempts per subtask (best-of-N)' },
    );
    if (!bestOf) return undefined;
    const budget = await vscode.window.showInputBox({ title: 'Start Swarm: budget in US dollars (empty: workspace budgets only)', validateInput: (v) => (v.trim() === '' || Number(v) > 0 ? undefined : 'a positive amount, or empty') });
    if (budget === undefined) return undefined;
    return { bestOf: Number(bestOf.label), ...(budget.trim() ? { budgetUsd: Number(budget) } : {}) };
  };

  const cellIdOf = (arg: unknown): string | undefined => {
    const n = arg as { kind?: string; cell?: { id?: string } } | undefined;
    return n?.kind === 'cell' && typeof n.cell?.id === 'string' ? n.cell.id : undefined;
  };

  context.subscriptions.push(
    tree,
    view,
    tree.onDidChangeRuns((runs) => {
      for (const r of runs) if (!r.endedAt) follow(r);
    }),
    vscode.commands.registerCommand('apiary.swarm.start', async () => {
      const task = await vscode.window.showInputBox({ title: 'Start Swarm on Task', prompt: 'What should the swarm do?', placeHolder: 'e.g. Add input validation to every request handler' });
      if (!task?.trim()) return;
      const options = await askOptions();
      if (!options) return;
      try {
        await start({ task: task.trim(), ...options });
      } catch (err) {
        void vscode.window.showErrorMessage(`Could not start the swarm: ${message(err)}`);
      }
    }),
    vscode.commands.registerCommand('apiary.swarm.runOnCell', async (arg?: unknown) => {
      const cell = cellIdOf(arg) ?? (await vscode.window.showInputBox({ title: 'Run Swarm on Cell', prompt: 'Cell id' }));
      if (!cell) return;
      const options = await askOptions();
      if (!options) return;
      try {
        await start({ cell, ...options });
      } catch (err) {
        void vscode.window.showErrorMessage(`Could not start the swarm: ${message(err)}`);
      }
    }),
    vscode.commands.registerCommand('apiary.swarm.stop', async (node?: SwarmNode) => {
      if (!node) return;
      try {
        await client.request(SwarmStopRequest, node.kind === 'run' ? { run: node.run.id } : { run: node.run.id, worker: node.worker.agent });
        await tree.refresh();
      } catch (err) {
        void vscode.window.showErrorMessage(`Could not stop: ${message(err)}`);
      }
    }),
    vscode.commands.registerCommand('apiary.swarm.openTranscript', async (node?: SwarmNode) => {
      if (node?.kind !== 'worker') return;
      try {
        const { markdown } = await client.request(SwarmTranscriptRequest, { cell: node.worker.cell });
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
        await vscode.window.showTextDocument(doc, { preview: true });
      } catch (err) {
        void vscode.window.showErrorMessage(`Could not open the transcript: ${message(err)}`);
      }
    }),
    vscode.commands.registerCommand('apiary.swarm.explain', async (node?: SwarmNode) => {
      if (!node) return;
      const target = node.kind === 'run' ? node.run.id : node.worker.cell;
      try {
        const e = await client.request(SwarmExplainRequest, { target });
        const md = [`# Why ${target} ended ${e.outcome}`, e.summary ?? '', '| time | agent | what |', '|---|---|---|', ...e.timeline.map((t) => `| ${t.at.slice(11, 19)} | ${t.agent ?? ''} | ${t.text.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`)].join('\n\n').replace(/\n\n\|/g, '\n|');
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: md });
        await vscode.window.showTextDocument(doc, { preview: true });
      } catch (err) {
        void vscode.window.showErrorMessage(`Could not explain: ${message(err)}`);
      }
    }),
    vscode.commands.registerCommand('apiary.swarm.refresh', () => tree.refresh()),
  );
  return { tree, start };
}
