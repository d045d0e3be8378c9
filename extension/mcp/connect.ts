// "Apiary: Connect an Agent…": sets up Claude Code, Cursor, VS Code or any other MCP client for
// this workspace. Files get the stdio bridge (which reads the token itself) merged into what is
// already there; the token is never written into the repository.
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { HostClient } from '../client';
import { bridgeCommand, claudeAddLine, configFileFor, mergeConfig, otherClientText, type AgentClient, type BridgeCommand } from './configs';

export interface ConnectDeps {
  client: HostClient;
  workspace: string | undefined;
  cliPath: string;
  output: vscode.LogOutputChannel;
}

export interface ConnectOutcome {
  client: AgentClient;
  /** The file written, workspace-relative. */
  file?: string;
  /** What was shown or copied instead. */
  text?: string;
}

const PICKS: Array<vscode.QuickPickItem & { client: AgentClient }> = [
  { client: 'claude-code', label: '$(terminal) Claude Code', description: '.mcp.json or a `claude mcp add` line' },
  { client: 'cursor', label: '$(file-code) Cursor', description: '.cursor/mcp.json' },
  { client: 'vscode', label: '$(vscode) VS Code', description: '.vscode/mcp.json (agent mode in other windows and editors)' },
  { client: 'other', label: '$(plug) Other MCP client', description: 'the HTTP URL and how to get the token' },
];

function isClient(v: unknown): v is AgentClient {
  return v === 'claude-code' || v === 'cursor' || v === 'vscode' || v === 'other';
}

export async function connectAgent(deps: ConnectDeps, preset?: unknown): Promise<ConnectOutcome | undefined> {
  if (!deps.workspace) {
    void vscode.window.showWarningMessage('Apiary: open a folder first; agents connect to the host of a workspace.');
    return undefined;
  }
  const client = isClient(preset) ? preset : (await vscode.window.showQuickPick(PICKS, { title: 'Apiary: Connect an Agent', placeHolder: 'Which agent should work in this workspace?' }))?.client;
  if (!client) return undefined;
  const node = vscode.workspace.getConfiguration('apiary.host').get<string>('nodePath', '') || 'node';
  const bridge = bridgeCommand(deps.cliPath, deps.workspace, node);
  if (client === 'other') {
    const text = otherClientText(deps.client.hello?.host.mcp?.url, bridge);
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'markdown' });
    await vscode.window.showTextDocument(doc, { preview: true });
    return { client, text };
  }
  if (client === 'claude-code') {
    const how = await vscode.window.showQuickPick(
      [
        { id: 'file', label: 'Write .mcp.json', description: 'project-scoped: Claude Code asks once to trust it' },
        { id: 'line', label: 'Copy a `claude mcp add` line', description: 'to run in a terminal in this folder' },
      ],
      { title: 'Apiary: Connect Claude Code' },
    );
    if (!how) return undefined;
    if (how.id === 'line') {
      const line = claudeAddLine(bridge);
      await vscode.env.clipboard.writeText(line);
      void vscode.window.showInformationMessage(`Copied to the clipboard: ${line}`);
      deps.output.info(`Claude Code: ${line}`);
      return { client, text: line };
    }
  }
  return writeConfig(deps, client, bridge);
}

async function writeConfig(deps: ConnectDeps, client: Exclude<AgentClient, 'other'>, bridge: BridgeCommand): Promise<ConnectOutcome | undefined> {
  const file = configFileFor(client, bridge);
  const abs = path.join(deps.workspace!, file.path);
  let existing: string | undefined;
  try {
    existing = fs.readFileSync(abs, 'utf8');
  } catch {
    existing = undefined;
  }
  const merged = mergeConfig(existing, file);
  if (!merged.ok) {
    void vscode.window.showErrorMessage(`Apiary: ${merged.message}.`);
    return undefined;
  }
  if (merged.action !== 'unchanged') {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, merged.text);
  }
  deps.output.info(`Connect an Agent: ${merged.action} the "apiary" server in ${file.path}`);
  await vscode.window.showTextDocument(vscode.Uri.file(abs), { preview: true });
  void vscode.window.showInformationMessage(
    `Apiary: ${merged.action === 'unchanged' ? 'already set up in' : `${merged.action} the apiary server in`} ${file.path}. It runs the stdio bridge, which reads the token from .apiary/token (never stored in this file).`,
  );
  return { client, file: file.path };
}
