// Cost control in the window: the Cost view, the API key and model settings handed to the host,
// and the commands. `registerCost` is called once from activate().
import * as vscode from 'vscode';
import type { HostClient } from '../client';
import { registerCostCommands } from './commands';
import { COST_VIEW_ID, CostViewProvider } from './costView';
import { LlmSettingsSync } from './llmSettings';

export interface CostFeature {
  /** The Cost view's provider: its `current()` state is what the panel shows. */
  view: CostViewProvider;
  settings: LlmSettingsSync;
}

export function registerCost(context: vscode.ExtensionContext, client: HostClient, output: vscode.LogOutputChannel): CostFeature {
  const view = new CostViewProvider(client, context.extensionUri);
  const settings = new LlmSettingsSync(client, context.secrets, output);
  context.subscriptions.push(
    view,
    settings,
    vscode.window.registerWebviewViewProvider(COST_VIEW_ID, view),
    ...registerCostCommands(client, settings, () => void view.refresh()),
  );
  return { view, settings };
}
