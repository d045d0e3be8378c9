// Registers the host's MCP endpoint with VS Code (Copilot agent mode and other in-editor agents
// see Apiary with no setup). The API arrived in VS Code 1.101, after the version this extension
// is typed against, so it is feature-detected and typed here. The token is read from
// .apiary/token when VS Code resolves the server and goes in its headers: it is never written
// into a settings file. The definition changes when the host restarts on a new port or the
// token is rotated.
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { HostClient } from '../client';

export const MCP_PROVIDER_ID = 'apiary.mcp';

/** The parts of the 1.101 API this uses. */
interface HttpDefinition {
  label: string;
  uri: vscode.Uri;
  headers: Record<string, string>;
  version?: string;
}
type HttpDefinitionCtor = new (label: string, uri: vscode.Uri, headers?: Record<string, string>, version?: string) => HttpDefinition;
interface DefinitionProvider {
  onDidChangeMcpServerDefinitions?: vscode.Event<void>;
  provideMcpServerDefinitions(token: vscode.CancellationToken): HttpDefinition[];
  resolveMcpServerDefinition?(server: HttpDefinition, token: vscode.CancellationToken): HttpDefinition | undefined;
}
type Register = (id: string, provider: DefinitionProvider) => vscode.Disposable;

/** The MCP definition API when this VS Code has it. */
export function mcpDefinitionApi(api: unknown = vscode): { register: Register; Http: HttpDefinitionCtor } | undefined {
  if (typeof api !== 'object' || api === null) return undefined;
  const lm = (api as { lm?: unknown }).lm;
  const Http = (api as { McpHttpServerDefinition?: unknown }).McpHttpServerDefinition;
  if (typeof lm !== 'object' || lm === null || typeof Http !== 'function') return undefined;
  const register = (lm as { registerMcpServerDefinitionProvider?: unknown }).registerMcpServerDefinitionProvider;
  if (typeof register !== 'function') return undefined;
  return { register: (id, provider) => (register as Register).call(lm, id, provider), Http: Http as HttpDefinitionCtor };
}

export class McpRegistration implements vscode.Disposable {
  private registered = false;
  private url: string | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    client: HostClient,
    private readonly workspace: string | undefined,
    output: vscode.LogOutputChannel,
  ) {
    this.url = client.hello?.host.mcp?.url;
    const api = mcpDefinitionApi();
    this.subscriptions.push(
      this.changed,
      client.onDidChangeState((s) => {
        if (s.kind !== 'ready') return;
        const url = client.hello?.host.mcp?.url;
        if (url !== this.url) {
          this.url = url;
          this.changed.fire();
        }
      }),
    );
    if (!api || !workspace) {
      output.info('This VS Code has no MCP server definition API (it arrived in 1.101): use "Apiary: Connect an Agent…" to set up agents.');
      return;
    }
    // A rotated token changes the headers: VS Code resolves the server again.
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.join(workspace, '.apiary')), 'token'));
    this.subscriptions.push(watcher, watcher.onDidChange(() => this.changed.fire()), watcher.onDidCreate(() => this.changed.fire()));
    const provider: DefinitionProvider = {
      onDidChangeMcpServerDefinitions: this.changed.event,
      provideMcpServerDefinitions: () => (this.url ? [new api.Http('Apiary', vscode.Uri.parse(this.url), {}, client.hello?.host.version)] : []),
      resolveMcpServerDefinition: (server) => {
        const token = this.token();
        if (!token) {
          output.warn('Apiary MCP: no token in .apiary/token yet; the host writes it when it starts.');
          return undefined;
        }
        server.headers = { ...server.headers, Authorization: `Bearer ${token}` };
        return server;
      },
    };
    // The API's shape moved before 1.101 (1.100 wants its id under another contribution point):
    // whatever a version refuses must not take the rest of the extension down with it.
    try {
      this.subscriptions.push(api.register(MCP_PROVIDER_ID, provider));
      this.registered = true;
      output.info('Registered the Apiary MCP server with VS Code (agent mode sees it without setup).');
    } catch (err) {
      output.warn(`This VS Code refused the MCP server definition (${err instanceof Error ? err.message : String(err)}): use "Apiary: Connect an Agent…" to set up agents.`);
    }
  }

  /** True when VS Code offered the API and took Apiary's definition. */
  get available(): boolean {
    return this.registered;
  }

  /** The endpoint the definition points at, once the host is up. */
  endpoint(): string | undefined {
    return this.url;
  }

  private token(): string | undefined {
    if (!this.workspace) return undefined;
    try {
      return fs.readFileSync(path.join(this.workspace, '.apiary', 'token'), 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
