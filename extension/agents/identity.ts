// The agent this window acts as. Every window of a machine is the human, "you" (the setting
// `apiary.agent.name` picks another name), registered as a vscode-window agent each time the
// connection becomes ready; the host keeps it active while the window stays attached.
import * as vscode from 'vscode';
import { AgentRegisterRequest, HUMAN_AGENT_NAME } from '../../shared/coordination';
import type { HostClient } from '../client';
import { onConnected } from '../connected';
import { errorText } from './errors';

export class WindowAgent implements vscode.Disposable {
  private registered: string | undefined;
  private readonly emitter = new vscode.EventEmitter<string>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Fires with the name once the host has registered this window (again after each reconnect). */
  readonly onDidRegister = this.emitter.event;

  constructor(
    private readonly client: HostClient,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      onConnected(client, () => void this.register()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('apiary.agent.name') && client.state.kind === 'ready') void this.register();
      }),
    );
  }

  /** The registered name, or the wanted one until the host has answered. */
  get name(): string {
    return this.registered ?? this.wanted();
  }

  private wanted(): string {
    return vscode.workspace.getConfiguration('apiary.agent').get<string>('name', '').trim() || HUMAN_AGENT_NAME;
  }

  private async register(): Promise<void> {
    const name = this.wanted();
    try {
      const r = await this.client.request(AgentRegisterRequest, {
        name,
        kind: 'vscode-window',
        // Shared by every window of this machine: they are all the same person.
        clientKey: `vscode:${vscode.env.machineId}`,
        program: 'vscode',
      });
      this.registered = r.agent.name;
      this.emitter.fire(r.agent.name);
    } catch (err) {
      this.output.warn(`Could not register this window as agent ${name}: ${errorText(err)}`);
      void vscode.window.showWarningMessage(`Apiary: this window could not act as "${name}": ${errorText(err)}`, 'Open Settings').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'apiary.agent.name');
      });
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}
