// The MCP side of the extension: the server definition VS Code's agents see, the
// "Connect an Agent…" command, and the Agents section.
import * as vscode from 'vscode';
import type { HostClient } from '../client';
import { AgentsView } from './agentsView';
import { connectAgent, type ConnectOutcome } from './connect';
import { McpRegistration } from './provider';

export interface McpFeature {
  registration: McpRegistration;
  agents: AgentsView;
  /** Runs "Connect an Agent…" (a preset client skips the first pick). */
  connect(preset?: unknown): Promise<ConnectOutcome | undefined>;
}

export function registerMcp(context: vscode.ExtensionContext, client: HostClient, output: vscode.LogOutputChannel, workspace: string | undefined): McpFeature {
  const registration = new McpRegistration(client, workspace, output);
  const agents = new AgentsView(client, output);
  const connect = (preset?: unknown) => connectAgent({ client, workspace, cliPath: context.asAbsolutePath('dist/cli.js'), output }, preset);
  context.subscriptions.push(
    registration,
    agents,
    vscode.window.createTreeView('apiary.agents', { treeDataProvider: agents, showCollapseAll: true }),
    vscode.commands.registerCommand('apiary.connectAgent', (preset?: unknown) => connect(preset)),
    vscode.commands.registerCommand('apiary.agents.refresh', () => agents.reload()),
  );
  return { registration, agents, connect };
}
