// Entry point: wires the output channel, the status bar and the host client. Activation stays
// light: the host runs out of process and the connection is made after activate() returns.
import * as vscode from 'vscode';
import type { HostStatus, StoreChanged } from '../shared/protocol';
import { HostClient } from './client';
import { registerCost } from './cost';
import { registerHive, type HiveFeature } from './hive';
import { registerSwarm, type SwarmFeature } from './swarm';
import { registerApprovals } from './approvals';
import { registerLearning } from './learning';
import type { LearningViewProvider } from './learning/learningView';
import { registerMemory } from './memory';
import { registerMcp, type McpFeature } from './mcp';
import type { HostState, HostStateKind } from './hostState';
import { HostStatusBar } from './statusBar';
import { StatusDocument } from './statusDocument';
import { renderStatusReport } from './statusReport';
import { registerVerifyLog } from './verifyLog';
import { registerCoordination, type CoordinationFeature } from './reservations';

/** What activate() returns: lets UI tests (and other extensions) assert on state, not pixels. */
export interface ApiaryApi {
  /** starting | ready | restarting | error */
  hostState(): HostStateKind;
  /** The full connection state (ready carries the host's last status). */
  hostDetails(): HostState;
  /** Milliseconds activate() took. */
  activationMs: number;
  /** A fresh apiary/status from the host; rejects when not connected. */
  status(): Promise<HostStatus>;
  onDidChangeState: vscode.Event<HostState>;
  onStoreChanged: vscode.Event<StoreChanged>;
  /** The connection itself, for other parts of the extension. */
  client: HostClient;
  /** The Hive view: its tree (what it shows) and the hive file's problems. */
  hive: HiveFeature;
  /** This window's agent, the reservations and agents it knows, its inbox. */
  coordination: CoordinationFeature;
  /** The Learning view's provider: its `current()` state is what the view shows. */
  learning: LearningViewProvider;
  /** The Swarm section: runs and their workers; `start` runs a swarm without prompts. */
  swarm: SwarmFeature;
  /** The MCP server definition, "Connect an Agent…" and the Agents section. */
  mcp: McpFeature;
}

let host: HostClient | undefined;

export function activate(context: vscode.ExtensionContext): ApiaryApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Apiary', { log: true });
  const config = () => vscode.workspace.getConfiguration('apiary.host');
  const workspace = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  const extensionVersion = String((context.extension.packageJSON as { version?: unknown }).version ?? '');

  const client = new HostClient({
    cliPath: context.asAbsolutePath('dist/cli.js'),
    workspace,
    output,
    clientVersion: vscode.version,
    logLevel: () => config().get<'error' | 'warn' | 'info' | 'debug'>('logLevel', 'info'),
    nodePath: () => config().get<string>('nodePath', ''),
  });
  host = client;
  const statusBar = new HostStatusBar('apiary.showStatus');
  const statusDocument = new StatusDocument();
  statusBar.update(client.state);
  registerCost(context, client, output);
  const hive = registerHive(context, client, output);
  const approvals = registerApprovals(context, client, output, workspace);
  // A cell whose agent waits for a decision shows it in the Hive view.
  const showWaiting = (): void => {
    const byCell = new Map<string, number>();
    for (const a of approvals.model.pending) if (a.cell) byCell.set(a.cell, (byCell.get(a.cell) ?? 0) + 1);
    hive.tree.setWaiting(byCell);
  };
  context.subscriptions.push(approvals.model.onDidChange(showWaiting));
  showWaiting();
  const coordination = registerCoordination(context, client, output, workspace);
  const learning = registerLearning(context, client);
  registerMemory(context, client);
  const mcp = registerMcp(context, client, output, workspace);
  const swarm = registerSwarm(context, client, output);
  let activationMs = 0;

  context.subscriptions.push(
    output,
    statusBar,
    statusDocument,
    { dispose: () => void client.dispose() },
    client.onDidChangeState((state) => statusBar.update(state)),
    vscode.commands.registerCommand('apiary.showLog', () => output.show(true)),
    registerVerifyLog(client, output),
    vscode.commands.registerCommand('apiary.restartHost', () => client.restart()),
    vscode.commands.registerCommand('apiary.showStatus', async () => {
      let status: HostStatus | undefined;
      let statusError: string | undefined;
      if (client.state.kind === 'ready') {
        try {
          status = await client.status();
        } catch (err) {
          statusError = err instanceof Error ? err.message : String(err);
        }
      }
      await statusDocument.show(
        renderStatusReport({ state: client.state, status, statusError, activationMs, extensionVersion, now: Date.now() }),
      );
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('apiary.host.nodePath')) void client.restart();
      else if (e.affectsConfiguration('apiary.host.logLevel')) {
        client.refreshHello().catch((err: unknown) => output.warn(`Could not change the host log level: ${String(err)}`));
      }
    }),
  );

  if (!workspace) output.warn('Apiary needs a folder: open one to start the agent host.');
  // Connect after activation returns, so the window's start-up never waits on the host.
  setImmediate(() => client.start());

  activationMs = Math.round((performance.now() - started) * 10) / 10;
  output.info(`Apiary activated in ${activationMs} ms`);
  return {
    hostState: () => client.state.kind,
    hostDetails: () => client.state,
    activationMs,
    status: () => client.status(),
    onDidChangeState: client.onDidChangeState,
    onStoreChanged: client.onStoreChanged,
    client,
    hive,
    coordination,
    learning,
    mcp,
    swarm,
  };
}

export async function deactivate(): Promise<void> {
  await host?.dispose();
  host = undefined;
}
