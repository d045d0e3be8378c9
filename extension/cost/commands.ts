// Commands of the cost feature: set or clear the Anthropic API key (kept in VS Code's secret
// storage), set budget caps, open the model settings.
import * as vscode from 'vscode';
import type { BudgetScope, BudgetSettingsParams } from '../../shared/llm';
import { BudgetGetRequest, BudgetSetRequest, formatUsd } from '../../shared/llm';
import type { HostClient } from '../client';
import { COST_COMMANDS } from '../../webview/cost/messages';
import { describeError, type LlmSettingsSync } from './llmSettings';

function validateKey(value: string): string | undefined {
  const v = value.trim();
  if (v.length < 8) return 'Paste the whole key (it starts with sk-ant-).';
  if (/\s/.test(v)) return 'A key has no spaces.';
  return undefined;
}

export async function setApiKey(sync: LlmSettingsSync): Promise<void> {
  if (await sync.hasKey()) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: '$(key) Enter a new key', action: 'replace' as const },
        { label: '$(trash) Clear the stored key', description: 'the host falls back to ANTHROPIC_API_KEY', action: 'clear' as const },
      ],
      { title: 'Anthropic API Key', placeHolder: 'A key is stored for Apiary' },
    );
    if (!pick) return;
    if (pick.action === 'clear') {
      await sync.clearKey();
      void vscode.window.showInformationMessage('Apiary: the stored Anthropic API key was removed.');
      return;
    }
  }
  const key = await vscode.window.showInputBox({
    title: 'Anthropic API Key',
    prompt: "Kept in VS Code's secret storage and handed to the agent host in memory; Apiary never writes it to disk or logs.",
    placeHolder: 'sk-ant-…',
    password: true,
    ignoreFocusOut: true,
    validateInput: validateKey,
  });
  if (key === undefined) return;
  await sync.storeKey(key.trim());
  void vscode.window.showInformationMessage('Apiary: Anthropic API key saved.');
}

const SCOPES: Array<{ scope: BudgetScope; field: keyof BudgetSettingsParams; label: string; detail: string }> = [
  { scope: 'day', field: 'dayUsd', label: 'Daily cap', detail: 'All model calls in one UTC day' },
  { scope: 'month', field: 'monthUsd', label: 'Monthly cap', detail: 'All model calls in one calendar month' },
  { scope: 'cell', field: 'cellUsd', label: 'Per-cell cap', detail: 'Calls made for one hive cell' },
  { scope: 'run', field: 'runUsd', label: 'Per-run cap', detail: 'Calls of one swarm run' },
];

export async function setBudget(client: HostClient, onChanged: () => void): Promise<void> {
  try {
    const caps = await client.request(BudgetGetRequest);
    const pick = await vscode.window.showQuickPick(
      SCOPES.map((s) => ({ ...s, description: caps[s.scope] !== undefined ? formatUsd(caps[s.scope]!) : 'no cap' })),
      { title: 'Set a Budget Cap', placeHolder: 'Which budget?' },
    );
    if (!pick) return;
    const current = caps[pick.scope];
    const input = await vscode.window.showInputBox({
      title: `${pick.label} (US dollars)`,
      prompt: 'Calls that could exceed the cap are refused before they are sent. Leave empty to remove the cap.',
      value: current !== undefined ? String(current / 1_000_000) : '',
      validateInput: (v) => (v.trim() === '' || (Number.isFinite(Number(v.replace(/^\$/, ''))) && Number(v.replace(/^\$/, '')) > 0) ? undefined : 'A positive amount, e.g. 5 or 12.50'),
    });
    if (input === undefined) return;
    const usd = input.trim() === '' ? null : Number(input.trim().replace(/^\$/, ''));
    const next = await client.request(BudgetSetRequest, { [pick.field]: usd });
    onChanged();
    void vscode.window.showInformationMessage(next[pick.scope] !== undefined ? `Apiary: ${pick.label.toLowerCase()} set to ${formatUsd(next[pick.scope]!)}.` : `Apiary: ${pick.label.toLowerCase()} removed.`);
  } catch (err) {
    void vscode.window.showErrorMessage(`Apiary: ${describeError(err)}`);
  }
}

export function registerCostCommands(client: HostClient, sync: LlmSettingsSync, onChanged: () => void): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COST_COMMANDS.setApiKey, () => setApiKey(sync)),
    vscode.commands.registerCommand(COST_COMMANDS.setBudget, () => setBudget(client, onChanged)),
    vscode.commands.registerCommand(COST_COMMANDS.openSettings, () => vscode.commands.executeCommand('workbench.action.openSettings', 'apiary.llm')),
  ];
}
